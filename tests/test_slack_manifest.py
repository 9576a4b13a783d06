"""manifest.yml creates the Slack app the code expects, and Slack would accept it.

What Slack accepts is taken from Slack's published manifest schema
(https://github.com/slackapi/manifest-schema, schemas/manifest.schema.1.0.0.json: the
length limits below) and its reference (https://docs.slack.dev/reference/app-manifest).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from bot.channels.slack.install import EVENTS, INSTALL_PATH, REDIRECT_PATH, SCOPES, Installations
from bot.config import SlackConfig
from storage.db import Database

MANIFEST = Path(__file__).parent.parent / "manifest.yml"
EVENTS_PATH = "/slack/events"

# The scope without which Slack does not deliver an event (Slack's event reference).
SCOPE_OF_EVENT = {
    "app_mention": "app_mentions:read",
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "message.im": "im:history",
    "message.mpim": "mpim:history",
}


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_the_app_asks_for_exactly_the_scopes_it_uses(manifest: dict[str, Any]) -> None:
    assert tuple(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES
    assert "user" not in manifest["oauth_config"]["scopes"]  # no user tokens: nothing is done in a person's name


def test_the_app_subscribes_to_the_events_it_handles_and_has_the_scope_for_each(manifest: dict[str, Any]) -> None:
    events = manifest["settings"]["event_subscriptions"]["bot_events"]

    assert tuple(events) == EVENTS
    assert {SCOPE_OF_EVENT[event] for event in events if event in SCOPE_OF_EVENT} <= set(SCOPES)


def test_every_address_points_at_the_bots_slack_endpoints(manifest: dict[str, Any]) -> None:
    urls = [text for text in strings(manifest) if text.startswith(("http://", "https://"))]
    settings = manifest["settings"]

    assert len(urls) == 4  # the command, the redirect, events and interactivity
    assert {urlsplit(url).path for url in urls} == {EVENTS_PATH, REDIRECT_PATH}
    assert all(url.startswith("https://YOUR-HOST/") for url in urls)  # the one thing an admin replaces
    assert settings["event_subscriptions"]["request_url"] == f"https://YOUR-HOST{EVENTS_PATH}"
    assert settings["interactivity"] == {"is_enabled": True, "request_url": f"https://YOUR-HOST{EVENTS_PATH}"}
    assert manifest["oauth_config"]["redirect_urls"] == [f"https://YOUR-HOST{REDIRECT_PATH}"]


def test_the_oauth_flow_serves_the_redirect_address_the_manifest_gives_slack(
    manifest: dict[str, Any], sqlite_db: Database
) -> None:
    config = SlackConfig(signing_secret="s", client_id="1.2", client_secret="c")
    settings = Installations(sqlite_db, config.client_id).oauth_settings(config)

    assert urlsplit(manifest["oauth_config"]["redirect_urls"][0]).path == settings.redirect_uri_path
    assert settings.install_path == INSTALL_PATH == "/slack/install"
    assert tuple(settings.scopes) == SCOPES  # type: ignore[arg-type]


def test_the_slash_command_is_outreach_and_passes_the_teams_text_as_typed(manifest: dict[str, Any]) -> None:
    (command,) = manifest["features"]["slash_commands"]

    assert command["command"] == "/outreach"
    assert command["url"] == f"https://YOUR-HOST{EVENTS_PATH}"
    assert command["should_escape"] is False  # no <@U123|name> rewriting of mentions and channels
    assert 1 <= len(command["description"]) <= 2000
    assert 1 <= len(command["usage_hint"]) <= 1000


def test_app_home_and_direct_messages_are_open(manifest: dict[str, Any]) -> None:
    home = manifest["features"]["app_home"]

    assert home["home_tab_enabled"] is True
    assert home["messages_tab_enabled"] is True
    assert home["messages_tab_read_only_enabled"] is False  # people can write to the coach there
    assert manifest["features"]["bot_user"] == {"display_name": "Outreach Coach", "always_online": True}


def test_the_app_is_an_ordinary_http_app_until_an_admin_chooses_otherwise(manifest: dict[str, Any]) -> None:
    settings = manifest["settings"]

    assert settings["socket_mode_enabled"] is False
    assert settings["org_deploy_enabled"] is False
    assert settings["token_rotation_enabled"] is False  # the stored bot token does not expire


def test_the_app_is_presented_in_danish_and_english_within_slacks_limits(manifest: dict[str, Any]) -> None:
    shown = manifest["display_information"]

    assert shown["name"] == "Outreach Coach"
    assert len(shown["name"]) <= 35
    assert len(shown["description"]) <= 140
    assert 175 <= len(shown["long_description"]) <= 4000
    assert "trin for trin" in shown["description"] and "step by step" in shown["description"]
    assert "/outreach hjælp" in shown["long_description"] and "/outreach help" in shown["long_description"]
