"""The Teams app package: the zip a Teams admin uploads so that people can add the coach.

It holds ``manifest.json`` (who the bot is, where it may be used, its command menu, the
resource-specific consent it asks for), the two icons and ``en.json``. The manifest is
written in Danish, the app's default language (``localizationInfo``); ``en.json`` holds
the same strings in English, which Teams shows to people whose Teams is in English, as
the coach itself answers them in English. The command menu lists each command under its
Danish or English name, and the coach understands both.

The manifest follows schema 1.17: Teams accepts every 1.x version, and 1.17 holds all
that this app uses (``authorization.permissions.resourceSpecific`` came with 1.12).
tests/test_teams_package.py checks the package against Microsoft's published rules.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

MANIFEST_VERSION = "1.17"
SCHEMA_URL = "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.schema.json"
LOCALIZATION_SCHEMA_URL = (
    "https://developer.microsoft.com/json-schemas/teams/v1.17/MicrosoftTeams.Localization.schema.json"
)
NAME = "Outreach Coach"
ACCENT_COLOR = "#0E7C86"  # the colour icon's background
DEFAULT_LANGUAGE = "da"
TRANSLATIONS = {"en": "en.json"}
ICONS = {"color": "color.png", "outline": "outline.png"}
SCOPES = ("personal", "team", "groupChat")
# Resource-specific consent: replies in the channel posts the coach started (a debrief's
# notes), and a debrief's notes in a group chat, reach the bot without an @mention. Teams
# sends the other messages of those conversations too; the bot drops them on arrival.
RSC_PERMISSIONS = ("ChannelMessage.Read.Group", "ChatMessage.Read.Chat")
DEVELOPER_NAME_LIMIT = 32
URL_LIMIT = 2048


@dataclass(frozen=True)
class Wording:
    """The app's words in one language: its page in Teams and its command menu."""

    name_full: str
    description_short: str
    description_full: str
    commands: tuple[tuple[str, str], ...]  # (title, description): what the menu inserts, and why


DANISH = Wording(
    name_full="Outreach Coach: opsøgende arbejde for bibliotekets team",
    description_short="Guider bibliotekets team gennem opsøgende arbejde, trin for trin.",
    description_full=(
        "Outreach Coach tager jeres team gennem bibliotekets guider til opsøgende arbejde, ét "
        "spørgsmål ad gangen. Svar med knapperne på spørgsmålskortene eller ved at skrive, få "
        "påmindelser når guiden nævner en frist, saml debriefingen efter et besøg, og hent "
        "logbogen. I en kanal eller en gruppechat skriver I @Outreach Coach hjælp; i en personlig "
        "chat med coachen skriver I bare hjælp. Coachen gemmer kun beskeder til den selv og "
        "teamets debriefingnoter; alt andet kasseres, så snart det ankommer."
    ),
    commands=(
        ("hjælp", "Alle kommandoerne"),
        ("guider", "Guiderne, med en startknap til hver"),
        ("start", "start <guide> [navn]: start et projekt, fx start kommer-forbi Fitnesscenter Nord"),
        ("status", "Hvor projektet er, og spørgsmålet igen"),
        ("svar", "Alle jeres svar med spørgsmålenes faste numre"),
        ("ret", "ret <nr> [svar]: ret et tidligere svar"),
        ("projekter", "Samtalens projekter; skift <nr> skifter til et andet"),
        ("påmindelser", "Projektets kommende, sendte og fejlede påmindelser"),
        ("debriefing", "Debriefingens noter; debriefing færdig giver opsummeringen og beder om opgaverne"),
        ("eksport", "Projektets logbog: overblik, journal og alle svar"),
    ),
)

ENGLISH = Wording(
    name_full="Outreach Coach: outreach for library teams",
    description_short="Walks library teams through outreach guides, step by step.",
    description_full=(
        "Outreach Coach walks your team through the library's outreach guides one question at a "
        "time. Answer with the buttons on the question cards or by typing, get reminders when a "
        "guide names a time, collect the debrief after a visit, and download the logbook. In a "
        "channel or a group chat, type @Outreach Coach help; in a personal chat with the coach, "
        "just type help. The coach keeps only messages meant for it and the team's debrief notes; "
        "everything else is dropped on arrival."
    ),
    commands=(
        ("help", "All the commands"),
        ("guides", "The guides, with a start button each"),
        ("start", "start <guide> [name]: start a project, e.g. start kommer-forbi Fitness North"),
        ("status", "Where the project is, and the question again"),
        ("answers", "Every answer, with the question's fixed number"),
        ("edit", "edit <no.> [answer]: change an earlier answer"),
        ("projects", "This conversation's projects; switch <no.> changes to another"),
        ("reminders", "The project's upcoming, sent and failed reminders"),
        ("debrief", "The debrief's notes; debrief done posts the summary and asks for the tasks"),
        ("export", "The project's logbook: at a glance, the journal and every answer"),
    ),
)

WORDING = {DEFAULT_LANGUAGE: DANISH, "en": ENGLISH}

_GUID = re.compile(r"[0-9a-fA-F]{8}(-[0-9a-fA-F]{4}){3}-[0-9a-fA-F]{12}")
_LABEL = r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"
_DOMAIN = re.compile(rf"{_LABEL}(\.{_LABEL})+")
_VERSION = re.compile(r"(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)")  # MAJOR.MINOR.PATCH


class PackageError(ValueError):
    """An input the package cannot be built from, as one line that names the option."""

    def __init__(self, option: str, problem: str) -> None:
        super().__init__(f"{option}: {problem}")


@dataclass(frozen=True)
class Developer:
    """Who offers the app, as Teams shows it on the app's page: the library or municipality."""

    name: str
    website_url: str
    privacy_url: str
    terms_url: str


@dataclass(frozen=True)
class AppPackage:
    """One deployment's package: everything in it that is not the same for every library."""

    app_id: str
    host: str
    version: str
    developer: Developer

    @classmethod
    def checked(
        cls,
        app_id: str,
        host: str,
        *,
        version: str | None = None,
        developer_name: str | None = None,
        website_url: str | None = None,
        privacy_url: str | None = None,
        terms_url: str | None = None,
        app_id_option: str = "--app-id",
    ) -> AppPackage:
        """The package for these inputs, each checked; the developer's details default to the host
        (its name as people read it, and ``https://HOST/`` for each address). ``app_id_option``
        names where the app id came from, for the message when it is wrong."""
        checked_id = check_app_id(app_id, app_id_option)
        name = check_host(host)
        home = f"https://{name}/"
        return cls(
            app_id=checked_id,
            host=name,
            version=check_version(version or metadata.version("outreach-coach")),
            developer=Developer(
                name=check_developer_name(developer_name or host.strip().lower()),
                website_url=check_url("--website-url", website_url or home),
                privacy_url=check_url("--privacy-url", privacy_url or home),
                terms_url=check_url("--terms-url", terms_url or home),
            ),
        )

    def manifest(self) -> dict[str, Any]:
        words = WORDING[DEFAULT_LANGUAGE]
        return {
            "$schema": SCHEMA_URL,
            "manifestVersion": MANIFEST_VERSION,
            "version": self.version,
            "id": self.app_id,
            "localizationInfo": {
                "defaultLanguageTag": DEFAULT_LANGUAGE,
                "additionalLanguages": [{"languageTag": tag, "file": file} for tag, file in TRANSLATIONS.items()],
            },
            "developer": {
                "name": self.developer.name,
                "websiteUrl": self.developer.website_url,
                "privacyUrl": self.developer.privacy_url,
                "termsOfUseUrl": self.developer.terms_url,
            },
            "name": {"short": NAME, "full": words.name_full},
            "description": {"short": words.description_short, "full": words.description_full},
            "icons": dict(ICONS),
            "accentColor": ACCENT_COLOR,
            "bots": [
                {
                    "botId": self.app_id,
                    "scopes": list(SCOPES),
                    "supportsFiles": False,
                    "isNotificationOnly": False,
                    # One list per scope, as the schema asks; the coach's commands work in all.
                    "commandLists": [
                        {
                            "scopes": [scope],
                            "commands": [{"title": title, "description": about} for title, about in words.commands],
                        }
                        for scope in SCOPES
                    ],
                }
            ],
            "validDomains": [self.host],
            # RSC needs this block with the app's id; Teams does nothing with "resource" for RSC
            # but refuses the manifest without one.
            "webApplicationInfo": {"id": self.app_id, "resource": f"https://{self.host}"},
            "authorization": {
                "permissions": {"resourceSpecific": [{"name": name, "type": "Application"} for name in RSC_PERMISSIONS]}
            },
        }

    def zip_bytes(self) -> bytes:
        """The package: every file at the zip's root, where Teams looks for them."""
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            package.writestr("manifest.json", _json(self.manifest()))
            for tag, file in TRANSLATIONS.items():
                package.writestr(file, _json(translation(WORDING[tag])))
            icons = resources.files("bot.channels.teams") / "icons"
            for file in ICONS.values():
                package.writestr(file, (icons / file).read_bytes())
        return buffer.getvalue()

    def write(self, out: Path) -> None:
        """Write the package to ``out``, built whole first so a failure leaves no half a file."""
        if not out.parent.is_dir():
            raise PackageError("--out", f"no folder {out.parent}")
        data = self.zip_bytes()
        try:
            out.write_bytes(data)
        except OSError as error:
            raise PackageError("--out", f"cannot write {out}: {error.strerror}") from None


def translation(words: Wording) -> dict[str, str]:
    """A localization file: each of the manifest's shown strings, keyed by its place in it."""
    strings = {
        "$schema": LOCALIZATION_SCHEMA_URL,
        "name.short": NAME,
        "name.full": words.name_full,
        "description.short": words.description_short,
        "description.full": words.description_full,
    }
    for number in range(len(SCOPES)):
        for index, (title, about) in enumerate(words.commands):
            strings[f"bots[0].commandLists[{number}].commands[{index}].title"] = title
            strings[f"bots[0].commandLists[{number}].commands[{index}].description"] = about
    return strings


def _json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, ensure_ascii=False, indent=2).encode("utf-8")


def check_app_id(app_id: str, option: str = "--app-id") -> str:
    """The Azure Bot's Microsoft App ID: a GUID, which is both the Teams app's id and its bot's."""
    if not app_id:
        raise PackageError("--app-id", "missing: the Azure Bot's Microsoft App ID (or teams.app_id, MicrosoftAppId)")
    text = app_id.strip()
    if not _GUID.fullmatch(text):
        raise PackageError(option, f"'{app_id}' is not a GUID (8-4-4-4-12 hex digits, like the Microsoft App ID)")
    return text.lower()


def check_host(host: str) -> str:
    """The host name the bot is served at, as ``validDomains`` takes it: a domain name alone,
    lower case (a Danish name such as ``bibliotek.københavn.dk`` in its xn-- form)."""
    text = host.strip()
    if "://" in text:
        scheme = text.split("://", 1)[0]
        raise PackageError("--host", f"the host name alone, without {scheme}:// (e.g. coach.bibliotek.dk)")
    if "/" in text:
        raise PackageError("--host", "the host name alone, without a path (the bot answers at /api/messages)")
    if ":" in text:
        raise PackageError("--host", "the host name alone, without a port")
    try:
        name = text.encode("idna").decode("ascii").lower()
    except UnicodeError:
        name = ""
    if len(name) > 253 or not _DOMAIN.fullmatch(name) or name.rsplit(".", 1)[-1].isdigit():
        raise PackageError("--host", f"'{host}' is not a domain name (e.g. coach.bibliotek.dk)")
    return name


def check_url(option: str, url: str) -> str:
    text = url.strip()
    try:
        parts = urlsplit(text)
        https = parts.scheme == "https" and bool(parts.hostname)
    except ValueError:  # a broken [IPv6] part
        https = False
    if not https:
        raise PackageError(option, f"'{url}' is not an https:// address")
    if len(text) > URL_LIMIT:
        raise PackageError(option, f"at most {URL_LIMIT} characters")
    return text


def check_developer_name(name: str) -> str:
    text = name.strip()
    if not text or len(text) > DEVELOPER_NAME_LIMIT:
        raise PackageError(
            "--developer-name", f"1 to {DEVELOPER_NAME_LIMIT} characters (Teams' limit); '{text}' has {len(text)}"
        )
    return text


def check_version(version: str) -> str:
    if not _VERSION.fullmatch(version):
        raise PackageError("--app-version", f"'{version}' is not a version like 1.0.0 (MAJOR.MINOR.PATCH)")
    return version
