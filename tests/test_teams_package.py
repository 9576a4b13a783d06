"""``outreach-coach teams package``: the zip a Teams admin uploads, checked as Teams checks it.

The rules below are written by hand from Microsoft's documentation:

- the app manifest schema 1.17,
  https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json
  (reference: https://learn.microsoft.com/microsoftteams/platform/resources/schema/manifest-schema):
  the required fields, the length limits, GUIDs, https addresses, ``#RRGGBB``, one bot,
  at most three command lists of at most ten commands;
- the localization file schema 1.17, .../v1.17/MicrosoftTeams.Localization.schema.json, and
  "Localize your app" (.../concepts/build-and-test/apps-localization): the strings a
  language file may hold, keyed by their place in the manifest;
- "Teams app package" (.../concepts/build-and-test/apps-package): the files at the zip's
  root; a 192x192 colour icon whose symbol sits inside 48 pixels of padding on a solid
  square background; a 32x32 outline icon, white (255, 255, 255) on full transparency,
  without padding;
- "Grant RSC permissions to your app" (.../graph-api/rsc/grant-resource-specific-consent):
  ``webApplicationInfo`` with the app's own id and a non-empty ``resource``, and the
  permissions under ``authorization.permissions.resourceSpecific``.
"""

from __future__ import annotations

import json
import re
import struct
import tomllib
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import bot.handlers  # noqa: F401 - importing it registers the coach's commands
from bot.cli import main
from bot.commands import parse_command

ROOT = Path(__file__).parents[1]
APP_ID = "1b4e28ba-2fa1-11d2-883f-0016d3cca427"
HOST = "coach.bibliotek.dk"

GUID = re.compile(r"[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}")
SEMVER = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")
HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
LANGUAGE_TAG = re.compile(r"[A-Za-z0-9]{1,8}(-[A-Za-z0-9]{1,8}){0,2}")
REQUIRED = {"manifestVersion", "version", "id", "developer", "name", "description", "icons", "accentColor"}
# The strings a localization file may translate (of those a bot app has), with their limits.
LOCALIZABLE = {
    re.compile(r"name\.short"): 30,
    re.compile(r"name\.full"): 100,
    re.compile(r"description\.short"): 80,
    re.compile(r"description\.full"): 4000,
    re.compile(r"bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.title"): 32,
    re.compile(r"bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.description"): 128,
}
WHITE = (255, 255, 255)


@pytest.fixture(autouse=True)
def empty_folder(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each test runs in a folder of its own, with no config file and no Bot Framework settings."""
    monkeypatch.chdir(tmp_path)
    for name in ("OUTREACH_COACH_CONFIG", "MicrosoftAppId", "MicrosoftAppPassword", "MicrosoftAppType"):
        monkeypatch.delenv(name, raising=False)


def package(*args: str, before: tuple[str, ...] = (), env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [*before, "teams", "package", *args], env=env)


def unzip(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


@pytest.fixture
def built(tmp_path: Path) -> dict[str, bytes]:
    result = package("--app-id", APP_ID, "--host", HOST, "--out", str(tmp_path / "app.zip"))
    assert result.exit_code == 0, result.output
    return unzip(tmp_path / "app.zip")


@pytest.fixture
def manifest(built: dict[str, bytes]) -> dict[str, Any]:
    loaded = json.loads(built["manifest.json"].decode("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


@pytest.fixture
def english(built: dict[str, bytes]) -> dict[str, str]:
    loaded = json.loads(built["en.json"].decode("utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def at(manifest: dict[str, Any], key: str) -> Any:
    """The value at a localization key's place: ``bots[0].commandLists[1].commands[2].title``."""
    value: Any = manifest
    for name, index in re.findall(r"(\w+)(?:\[(\d+)\])?", key):
        value = value[name]
        if index:
            value = value[int(index)]
    return value


def localizable_keys(manifest: dict[str, Any]) -> set[str]:
    keys = {"name.short", "name.full", "description.short", "description.full"}
    for number, listed in enumerate(manifest["bots"][0]["commandLists"]):
        for index in range(len(listed["commands"])):
            keys |= {f"bots[0].commandLists[{number}].commands[{index}].{part}" for part in ("title", "description")}
    return keys


# --- PNG, read as Teams reads it ---------------------------------------------------------


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    colour_type: int
    rows: list[list[tuple[int, ...]]]


def decode_png(data: bytes) -> Png:
    """An 8-bit, non-interlaced RGB or RGBA PNG: its size from IHDR and every pixel."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    chunks: list[tuple[bytes, bytes]] = []
    position = 8
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind, body = data[position + 4 : position + 8], data[position + 8 : position + 8 + length]
        (crc,) = struct.unpack(">I", data[position + 8 + length : position + 12 + length])
        assert zlib.crc32(kind + body) == crc, f"{kind!r} is damaged"
        chunks.append((kind, body))
        position += 12 + length
    assert chunks[0][0] == b"IHDR" and chunks[-1][0] == b"IEND"
    width, height, depth, colour_type, _compression, _filter, interlace = struct.unpack(">IIBBBBB", chunks[0][1])
    assert depth == 8 and interlace == 0 and colour_type in (2, 6), "expected 8-bit RGB or RGBA"
    channels = 3 if colour_type == 2 else 4
    raw = zlib.decompress(b"".join(body for kind, body in chunks if kind == b"IDAT"))
    stride = width * channels
    assert len(raw) == height * (stride + 1)
    rows, previous = [], bytearray(stride)
    for y in range(height):
        line_filter, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - channels] if i >= channels else 0
            up_left = previous[i - channels] if i >= channels else 0
            line[i] = (line[i] + _predict(line_filter, left, previous[i], up_left)) & 0xFF
        rows.append([tuple(line[x : x + channels]) for x in range(0, stride, channels)])
        previous = line
    return Png(width, height, colour_type, rows)


def _predict(line_filter: int, left: int, up: int, up_left: int) -> int:
    if line_filter == 0:
        return 0
    if line_filter == 1:
        return left
    if line_filter == 2:
        return up
    if line_filter == 3:
        return (left + up) // 2
    assert line_filter == 4, f"unknown PNG filter {line_filter}"
    estimate = left + up - up_left
    distances = (abs(estimate - left), abs(estimate - up), abs(estimate - up_left))
    return (left, up, up_left)[distances.index(min(distances))]


# --- the zip -------------------------------------------------------------------------------


def test_the_package_holds_the_manifest_its_icons_and_the_english_strings_at_its_root(
    built: dict[str, bytes], manifest: dict[str, Any]
) -> None:
    assert set(built) == {"manifest.json", "color.png", "outline.png", "en.json"}
    assert set(manifest["icons"].values()) == {"color.png", "outline.png"}
    assert [language["file"] for language in manifest["localizationInfo"]["additionalLanguages"]] == ["en.json"]
    assert not built["manifest.json"].startswith(b"\xef\xbb\xbf")  # UTF-8 without a byte-order mark


def test_the_package_is_written_where_asked_and_by_default_beside_you(tmp_path: Path) -> None:
    result = package("--app-id", APP_ID, "--host", HOST)

    assert result.exit_code == 0, result.output
    assert (tmp_path / "outreach-coach-teams.zip").is_file()
    assert "outreach-coach-teams.zip" in result.output and f"https://{HOST}/api/messages" in result.output


def test_the_icons_ship_with_the_installed_coach() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))

    assert "channels/teams/icons/*.png" in pyproject["tool"]["setuptools"]["package-data"]["bot"]


# --- the manifest --------------------------------------------------------------------------


def test_the_manifest_is_schema_1_17_with_every_required_field_and_nothing_else(manifest: dict[str, Any]) -> None:
    assert manifest["$schema"] == "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
    assert manifest["manifestVersion"] == "1.17"
    assert set(manifest) >= REQUIRED
    assert set(manifest) == REQUIRED | {
        "$schema",
        "localizationInfo",
        "bots",
        "validDomains",
        "webApplicationInfo",
        "authorization",
    }
    assert SEMVER.fullmatch(manifest["version"]) and len(manifest["version"]) <= 256
    assert HEX_COLOUR.fullmatch(manifest["accentColor"])


def test_the_app_and_its_bot_are_the_azure_bots_app_id(manifest: dict[str, Any]) -> None:
    (bot,) = manifest["bots"]  # Teams allows one bot per app

    assert manifest["id"] == bot["botId"] == manifest["webApplicationInfo"]["id"] == APP_ID
    assert GUID.fullmatch(manifest["id"])


def test_the_app_is_presented_in_danish_within_teams_limits(manifest: dict[str, Any]) -> None:
    assert manifest["name"]["short"] == "Outreach Coach"
    assert 1 <= len(manifest["name"]["short"]) <= 30 and 1 <= len(manifest["name"]["full"]) <= 100
    assert 1 <= len(manifest["description"]["short"]) <= 80 and 1 <= len(manifest["description"]["full"]) <= 4000
    assert "trin for trin" in manifest["description"]["short"]
    assert "@Outreach Coach hjælp" in manifest["description"]["full"]  # how to begin in a channel
    assert manifest["localizationInfo"]["defaultLanguageTag"] == "da"


def test_the_developer_defaults_to_the_host_with_https_addresses(manifest: dict[str, Any]) -> None:
    assert manifest["developer"] == {
        "name": HOST,
        "websiteUrl": f"https://{HOST}/",
        "privacyUrl": f"https://{HOST}/",
        "termsOfUseUrl": f"https://{HOST}/",
    }


def test_the_developer_is_whoever_the_options_name(tmp_path: Path) -> None:
    result = package(
        "--app-id", APP_ID, "--host", HOST,
        "--developer-name", "Københavns Biblioteker",
        "--website-url", "https://bibliotek.kk.dk/outreach-coach",
        "--privacy-url", "https://bibliotek.kk.dk/privatliv",
        "--terms-url", "https://bibliotek.kk.dk/vilkaar",
        "--app-version", "1.2.0",
        "--out", str(tmp_path / "app.zip"),
    )  # fmt: skip

    assert result.exit_code == 0, result.output
    manifest = json.loads(unzip(tmp_path / "app.zip")["manifest.json"])
    assert manifest["version"] == "1.2.0"
    assert manifest["developer"] == {
        "name": "Københavns Biblioteker",
        "websiteUrl": "https://bibliotek.kk.dk/outreach-coach",
        "privacyUrl": "https://bibliotek.kk.dk/privatliv",
        "termsOfUseUrl": "https://bibliotek.kk.dk/vilkaar",
    }


def test_the_bot_works_in_personal_chat_group_chats_and_team_channels(manifest: dict[str, Any]) -> None:
    (bot,) = manifest["bots"]

    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["isNotificationOnly"] is False  # people talk to it
    assert bot["supportsFiles"] is False


def test_each_scope_has_a_command_menu_within_teams_limits(manifest: dict[str, Any]) -> None:
    lists = manifest["bots"][0]["commandLists"]

    assert len(lists) <= 3
    assert sorted(scope for listed in lists for scope in listed["scopes"]) == ["groupChat", "personal", "team"]
    for listed in lists:
        assert 1 <= len(listed["commands"]) <= 10
        for command in listed["commands"]:
            assert set(command) == {"title", "description"}
            assert 1 <= len(command["title"]) <= 32 and 1 <= len(command["description"]) <= 128


def test_the_menu_offers_the_coachs_own_commands_in_danish_and_in_english(
    manifest: dict[str, Any], english: dict[str, str]
) -> None:
    offered = set()
    for number, listed in enumerate(manifest["bots"][0]["commandLists"]):
        for index, command in enumerate(listed["commands"]):
            translated = english[f"bots[0].commandLists[{number}].commands[{index}].title"]
            # Teams puts the title in the message box and the person types the rest.
            assert " " not in command["title"] and " " not in translated
            in_danish, in_english = parse_command(command["title"]).spec, parse_command(translated).spec
            assert in_danish is not None and in_danish is in_english, (command["title"], translated)
            offered.add(in_danish.name)
    assert {"help", "guides", "start", "status", "answers", "export", "debrief"} <= offered


def test_the_english_file_translates_every_shown_string_and_nothing_else(
    manifest: dict[str, Any], english: dict[str, str]
) -> None:
    (language,) = manifest["localizationInfo"]["additionalLanguages"]
    strings = {key: value for key, value in english.items() if key != "$schema"}

    assert language["languageTag"] == "en" and LANGUAGE_TAG.fullmatch(language["languageTag"])
    # The same schema version as the manifest's (Microsoft's localization guide).
    assert english["$schema"] == (
        "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.Localization.schema.json"
    )
    assert set(strings) == localizable_keys(manifest)
    for key, value in strings.items():
        (limit,) = [limit for pattern, limit in LOCALIZABLE.items() if pattern.fullmatch(key)]
        assert isinstance(at(manifest, key), str) and 1 <= len(value) <= limit, key
    assert "step by step" in strings["description.short"]
    assert "@Outreach Coach help" in strings["description.full"]


def test_the_only_domain_is_the_host(manifest: dict[str, Any]) -> None:
    assert manifest["validDomains"] == [HOST]


def test_the_app_asks_to_read_its_conversations_messages_by_resource_specific_consent(
    manifest: dict[str, Any],
) -> None:
    assert manifest["webApplicationInfo"]["resource"]  # RSC ignores it, but Teams wants one
    assert manifest["authorization"] == {
        "permissions": {
            "resourceSpecific": [
                {"name": "ChannelMessage.Read.Group", "type": "Application"},  # thread replies in channels
                {"name": "ChatMessage.Read.Chat", "type": "Application"},  # debrief notes in group chats
            ]
        }
    }


# --- the icons -----------------------------------------------------------------------------


def test_the_colour_icon_is_192_pixels_square_with_its_symbol_inside_the_padding(
    built: dict[str, bytes], manifest: dict[str, Any]
) -> None:
    icon = decode_png(built[manifest["icons"]["color"]])
    background = icon.rows[0][0]

    assert (icon.width, icon.height) == (192, 192)
    assert "#{:02X}{:02X}{:02X}".format(*background[:3]) == manifest["accentColor"].upper()
    assert icon.colour_type == 2 or background[3] == 255  # a solid square, corners included
    for y, row in enumerate(icon.rows):
        for x, pixel in enumerate(row):
            if not (48 <= x < 144 and 48 <= y < 144):
                assert pixel == background, (x, y)
    assert len({pixel for row in icon.rows for pixel in row}) > 2  # a symbol, in colour


def test_the_outline_icon_is_32_pixels_of_white_on_transparency_without_padding(
    built: dict[str, bytes], manifest: dict[str, Any]
) -> None:
    icon = decode_png(built[manifest["icons"]["outline"]])
    pixels = [(x, y, pixel) for y, row in enumerate(icon.rows) for x, pixel in enumerate(row)]
    drawn = [(x, y) for x, y, pixel in pixels if pixel[3] > 0]

    assert (icon.width, icon.height) == (32, 32)
    assert icon.colour_type == 6  # it has transparency
    assert all(pixel[:3] == WHITE or pixel[3] == 0 for _x, _y, pixel in pixels)
    assert any(pixel[3] == 255 for _x, _y, pixel in pixels)
    xs, ys = [x for x, _y in drawn], [y for _x, y in drawn]
    assert min(xs) <= 1 and max(xs) >= 30 and min(ys) <= 1 and max(ys) >= 30


# --- where the app id comes from -------------------------------------------------------------


def test_without_app_id_the_configs_teams_app_id_is_used(tmp_path: Path) -> None:
    config = tmp_path / "coach.toml"
    config.write_text(f'[teams]\napp_id = "{APP_ID.upper()}"\n', encoding="utf-8")

    result = package("--host", HOST, "--out", str(tmp_path / "app.zip"), before=("--config", str(config)))

    assert result.exit_code == 0, result.output
    assert json.loads(unzip(tmp_path / "app.zip")["manifest.json"])["id"] == APP_ID


def test_without_app_id_the_environments_microsoft_app_id_is_used(tmp_path: Path) -> None:
    result = package("--host", HOST, "--out", str(tmp_path / "app.zip"), env={"MicrosoftAppId": APP_ID})

    assert result.exit_code == 0, result.output
    assert json.loads(unzip(tmp_path / "app.zip")["manifest.json"])["bots"][0]["botId"] == APP_ID


def test_a_danish_host_name_is_given_to_teams_in_its_ascii_form(tmp_path: Path) -> None:
    result = package("--app-id", APP_ID, "--host", "Coach.Bibliotek.København.dk", "--out", str(tmp_path / "app.zip"))

    assert result.exit_code == 0, result.output
    manifest = json.loads(unzip(tmp_path / "app.zip")["manifest.json"])
    assert manifest["validDomains"] == ["coach.bibliotek.xn--kbenhavn-54a.dk"]
    assert manifest["developer"]["websiteUrl"] == "https://coach.bibliotek.xn--kbenhavn-54a.dk/"
    assert manifest["developer"]["name"] == "coach.bibliotek.københavn.dk"  # as people read it


# --- bad inputs ------------------------------------------------------------------------------

LONG_HOST = "udlaan-og-formidling.koebenhavns-biblioteker.dk"


@pytest.mark.parametrize(
    ("args", "complaint"),
    [
        (["--app-id", "outreach-coach", "--host", HOST], "--app-id: 'outreach-coach' is not a GUID"),
        (["--app-id", APP_ID[:-1], "--host", HOST], "is not a GUID"),
        (["--host", HOST], "--app-id: missing"),
        (["--app-id", APP_ID], "Missing option '--host'"),
        (["--app-id", APP_ID, "--host", f"https://{HOST}"], "--host: the host name alone, without https://"),
        (["--app-id", APP_ID, "--host", f"{HOST}/api/messages"], "--host: the host name alone, without a path"),
        (["--app-id", APP_ID, "--host", f"{HOST}:8443"], "--host: the host name alone, without a port"),
        (["--app-id", APP_ID, "--host", "192.0.2.10"], "--host: '192.0.2.10' is not a domain name"),
        (["--app-id", APP_ID, "--host", "localhost"], "--host: 'localhost' is not a domain name"),
        (["--app-id", APP_ID, "--host", "coach_bibliotek.dk"], "is not a domain name"),
        (["--app-id", APP_ID, "--host", HOST, "--privacy-url", f"http://{HOST}/"], "--privacy-url: 'http://"),
        (["--app-id", APP_ID, "--host", HOST, "--terms-url", "vilkaar.html"], "--terms-url: 'vilkaar.html' is not"),
        (["--app-id", APP_ID, "--host", LONG_HOST], "--developer-name: 1 to 32 characters"),
        (["--app-id", APP_ID, "--host", HOST, "--app-version", "1.0"], "--app-version: '1.0' is not a version"),
    ],
    ids=[
        "app id not a GUID",
        "app id one digit short",
        "no app id anywhere",
        "no host",
        "host with a scheme",
        "host with a path",
        "host with a port",
        "host an IP address",
        "host without a domain",
        "host with an underscore",
        "privacy address over http",
        "terms not an address",
        "host too long to be the developer's name",
        "version not MAJOR.MINOR.PATCH",
    ],
)
def test_a_bad_input_is_refused_in_one_line_and_nothing_is_written(
    args: list[str], complaint: str, tmp_path: Path
) -> None:
    result = package(*args, "--out", str(tmp_path / "app.zip"))

    assert result.exit_code == 2
    (error,) = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert complaint in error
    assert list(tmp_path.iterdir()) == []  # neither the asked file nor the default one


def test_a_bad_app_id_in_the_config_is_named_as_the_configs(tmp_path: Path) -> None:
    result = package("--host", HOST, env={"MicrosoftAppId": "my-bot"})

    assert result.exit_code == 2
    assert "Error: teams.app_id: 'my-bot' is not a GUID" in result.output
    assert list(tmp_path.iterdir()) == []
