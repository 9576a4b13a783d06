"""Configuration: a TOML file (see ``config.example.toml``) with environment overrides.

Secrets and paths can come from the environment, so a deployment never needs them in a
file: ``OUTREACH_COACH_DATA_DIR``, ``OUTREACH_COACH_DATABASE_URL`` and
``OUTREACH_COACH_ACCESS_TOKEN``, and Slack's conventional ``SLACK_BOT_TOKEN``,
``SLACK_SIGNING_SECRET``, ``SLACK_APP_TOKEN``, ``SLACK_CLIENT_ID`` and
``SLACK_CLIENT_SECRET``, and the Bot Framework's ``MicrosoftAppId``,
``MicrosoftAppPassword``, ``MicrosoftAppType`` and ``MicrosoftAppTenantId``. Any problem
is reported as one line naming the key.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from storage.db import sqlite_url

ENV_PREFIX = "OUTREACH_COACH_"
DEFAULT_FILE = Path("config.toml")


class ConfigError(Exception):
    """A configuration problem, worded as one line for the person starting the bot."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatabaseConfig(_Section):
    url: str = ""


class ServerConfig(_Section):
    host: str = "127.0.0.1"
    port: int = Field(default=3978, ge=1, le=65535)
    access_token: str = ""
    # Host names the browser chat answers to besides loopback and the bind address (a name
    # behind a proxy); any other Host header is refused, which stops DNS rebinding.
    allowed_hosts: list[str] = []

    @property
    def is_loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


class RemindersConfig(_Section):
    """When and how reminders go out. Working hours are the default for new workspaces."""

    work_days: str = Field(default="12345", pattern=r"^[1-7]{1,7}$")  # ISO weekdays, Monday is 1
    work_start: str = Field(default="09:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    work_end: str = Field(default="15:00", pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")
    # Which of the holidays library's Danish categories are days off: "public" (statutory)
    # and "optional" (Christmas Eve, New Year's Eve, Constitution Day, 1 May).
    holidays: list[Literal["public", "optional"]] = Field(default=["public", "optional"], min_length=1)
    check_back_days: int = Field(default=3, ge=1, le=60)  # "not yet": ask again after this many days
    stalled_days: int = Field(default=14, ge=1, le=365)  # an untouched active project gets a nudge
    poll_seconds: float = Field(default=5.0, gt=0, le=3600)  # how often the worker looks for due reminders
    lease_seconds: int = Field(default=120, ge=5, le=86400)  # a claim nobody finished is retried after this
    batch: int = Field(default=200, ge=1, le=10000)  # reminders claimed at a time

    @model_validator(mode="after")
    def _hours_in_order(self) -> RemindersConfig:
        if self.work_start >= self.work_end:
            raise ValueError("work_start must be before work_end")
        return self


class SlackConfig(_Section):
    """A Slack app (see ``manifest.yml``). Slack is mounted at ``/slack/events`` whenever a
    signing secret is set. With ``client_id`` and ``client_secret`` the app installs into
    any number of workspaces through OAuth (``/slack/install``); otherwise ``bot_token`` is
    the one workspace's token. ``socket_mode`` receives the same events over a WebSocket
    opened with ``app_token``, for development without a public address."""

    signing_secret: str = ""
    bot_token: str = ""
    app_token: str = ""
    client_id: str = ""
    client_secret: str = ""
    socket_mode: bool = False
    # The Web API's address; only tests and proxies change it.
    api_url: str = "https://slack.com/api/"

    @property
    def enabled(self) -> bool:
        return bool(self.signing_secret) or self.socket_mode

    @property
    def oauth(self) -> bool:
        return bool(self.client_id and self.client_secret)

    @model_validator(mode="after")
    def _complete(self) -> SlackConfig:
        if bool(self.client_id) != bool(self.client_secret):
            raise ValueError("client_id and client_secret go together")
        if self.socket_mode and not self.app_token:
            raise ValueError("socket_mode needs app_token (an xapp-... token with connections:write)")
        if self.enabled and not (self.oauth or self.bot_token):
            raise ValueError("a bot_token (xoxb-...), or client_id and client_secret for OAuth, is needed")
        if self.oauth and not self.signing_secret:
            raise ValueError("OAuth installs arrive over HTTP: signing_secret is needed")
        return self


class TeamsConfig(_Section):
    """Microsoft Teams through an Azure Bot registration. ``/api/messages`` is always
    mounted: with ``app_id`` every request must carry a Bot Framework token for it; without
    one the bot runs in the Bot Framework Emulator's mode (no authentication), which only a
    loopback bind allows (see :meth:`Config.require_safe_binding`)."""

    app_id: str = ""
    app_password: str = ""
    app_type: Literal["MultiTenant", "SingleTenant", "UserAssignedMSI"] = "MultiTenant"
    tenant_id: str = ""
    # Where the Bot Framework's token signing keys are described, who issues its tokens and
    # where the bot gets its own: Microsoft's public cloud unless set; only tests (a local
    # fake of the Bot Framework) and sovereign clouds change them.
    openid_metadata_url: str = ""
    token_issuer: str = ""
    login_url: str = ""

    @property
    def authenticated(self) -> bool:
        return bool(self.app_id)

    @model_validator(mode="after")
    def _complete(self) -> TeamsConfig:
        if self.app_password and not self.app_id:
            raise ValueError("app_password needs app_id (the Azure Bot's Microsoft App ID)")
        if self.app_type == "SingleTenant" and self.app_id and not self.tenant_id:
            raise ValueError("a SingleTenant app needs tenant_id (MicrosoftAppTenantId)")
        return self


class Config(_Section):
    data_dir: Path = Path("data")
    language: Literal["da", "en"] = "da"
    timezone: str = "Europe/Copenhagen"
    guides_dir: Path | None = None
    database: DatabaseConfig = DatabaseConfig()
    server: ServerConfig = ServerConfig()
    reminders: RemindersConfig = RemindersConfig()
    slack: SlackConfig = SlackConfig()
    teams: TeamsConfig = TeamsConfig()

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError(f"unknown time zone '{value}'") from error
        return value

    def with_socket_mode(self) -> Config:
        """This config with Slack's Socket Mode on (``serve --socket-mode``), checked again."""
        try:
            slack = SlackConfig.model_validate({**self.slack.model_dump(), "socket_mode": True})
        except ValidationError as error:
            raise ConfigError(f"slack: {error.errors()[0]['msg'].removeprefix('Value error, ')}") from None
        return self.model_copy(update={"slack": slack})

    @property
    def database_url(self) -> str:
        return self.database.url or sqlite_url(self.data_dir)

    def require_safe_binding(self) -> None:
        """The chat page holds a team's answers: never serve it openly beyond this machine."""
        if not self.server.is_loopback and not self.server.access_token:
            raise ConfigError(
                f"server.access_token: required when serving on {self.server.host} "
                f"(set it in the config file or {ENV_PREFIX}ACCESS_TOKEN)"
            )


def load_config(path: Path | None = None, environ: Mapping[str, str] = os.environ) -> Config:
    """Read ``path`` (or ``$OUTREACH_COACH_CONFIG``, or ``./config.toml`` if present)."""
    raw: dict[str, Any] = {}
    explicit = path or (Path(environ[f"{ENV_PREFIX}CONFIG"]) if f"{ENV_PREFIX}CONFIG" in environ else None)
    source = explicit or DEFAULT_FILE
    if explicit or source.exists():
        try:
            raw = tomllib.loads(source.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"{source}: no such config file") from None
        except UnicodeDecodeError as error:
            where = f"{error.reason} at byte {error.start}"
            raise ConfigError(f"{source}: not UTF-8 text ({where}): save it as UTF-8") from None
        except tomllib.TOMLDecodeError as error:
            raise ConfigError(f"{source}: not valid TOML ({error})") from None
    overrides = {
        ("data_dir",): environ.get(f"{ENV_PREFIX}DATA_DIR"),
        ("database", "url"): environ.get(f"{ENV_PREFIX}DATABASE_URL"),
        ("server", "access_token"): environ.get(f"{ENV_PREFIX}ACCESS_TOKEN"),
        # Slack's own conventional names, as its documentation and tools use them.
        ("slack", "bot_token"): environ.get("SLACK_BOT_TOKEN"),
        ("slack", "signing_secret"): environ.get("SLACK_SIGNING_SECRET"),
        ("slack", "app_token"): environ.get("SLACK_APP_TOKEN"),
        ("slack", "client_id"): environ.get("SLACK_CLIENT_ID"),
        ("slack", "client_secret"): environ.get("SLACK_CLIENT_SECRET"),
        # The Bot Framework's conventional names (Azure's App Service settings use them).
        ("teams", "app_id"): environ.get("MicrosoftAppId"),
        ("teams", "app_password"): environ.get("MicrosoftAppPassword"),
        ("teams", "app_type"): environ.get("MicrosoftAppType"),
        ("teams", "tenant_id"): environ.get("MicrosoftAppTenantId"),
    }
    for keys, value in overrides.items():
        if value:
            target = raw
            for key in keys[:-1]:
                target = target.setdefault(key, {})
            target[keys[-1]] = value
    try:
        return Config.model_validate(raw)
    except ValidationError as error:
        first = error.errors()[0]
        key = ".".join(str(part) for part in first["loc"])
        message = "unknown key" if first["type"] == "extra_forbidden" else first["msg"]
        raise ConfigError(f"{source}: {key}: {message}") from None
