"""Configuration mistakes get one clear line, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_run_the_browser_chat_on_sqlite_on_loopback(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, ""), environ={})
    assert config.server.host == "127.0.0.1" and config.server.port == 3978
    assert config.database_url.startswith("sqlite+aiosqlite:///")


def test_environment_overrides_secrets_and_paths(tmp_path: Path) -> None:
    path = write(tmp_path, '[server]\naccess_token = "from-file"\n')
    env = {
        "OUTREACH_COACH_ACCESS_TOKEN": "from-env",
        "OUTREACH_COACH_DATA_DIR": str(tmp_path / "d"),
        "OUTREACH_COACH_DATABASE_URL": "postgresql://postgres@127.0.0.1/test",
    }
    config = load_config(path, environ=env)
    assert config.server.access_token == "from-env"
    assert config.data_dir == tmp_path / "d"
    assert config.database_url == "postgresql://postgres@127.0.0.1/test"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[server]\nport = 99999\n", "server.port: Input should be less than or equal to 65535"),
        ("[server]\nprot = 1\n", "server.prot: unknown key"),
        ('timezone = "Mars/Olympus"\n', "timezone: Value error, unknown time zone 'Mars/Olympus'"),
        ("[server\n", "not valid TOML"),
    ],
)
def test_a_bad_key_is_named_in_one_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as error:
        load_config(write(tmp_path, text), environ={})
    assert message in str(error.value) and "\n" not in str(error.value)


def test_serving_beyond_loopback_without_a_token_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, f'data_dir = "{tmp_path}"\n[server]\nhost = "0.0.0.0"\n')
    result = subprocess.run(
        [sys.executable, "-m", "bot.cli", "--config", str(path), "serve"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "outreach-coach: server.access_token: required when serving on 0.0.0.0 "
        "(set it in the config file or OUTREACH_COACH_ACCESS_TOKEN)"
    ]


def test_the_example_config_loads_and_documents_every_key() -> None:
    from bot.config import Config

    example = Path(__file__).parents[1] / "config.example.toml"
    config = load_config(example, environ={})
    assert config.server.port == 3978
    text = example.read_text(encoding="utf-8")
    keys = [*Config.model_fields, *(f"{k}" for k in Config.model_fields["server"].annotation.model_fields)]  # type: ignore[union-attr]
    keys += list(Config.model_fields["database"].annotation.model_fields)  # type: ignore[union-attr]
    assert all(key in text for key in keys), [k for k in keys if k not in text]


def test_slack_takes_its_settings_from_slacks_own_variables() -> None:
    environ = {"SLACK_SIGNING_SECRET": "s3cret", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"}
    config = load_config(None, environ=environ)
    assert config.slack.enabled and config.slack.bot_token == "xoxb-1" and not config.slack.oauth
    assert config.with_socket_mode().slack.socket_mode


def test_slack_is_off_without_a_signing_secret() -> None:
    assert not load_config(None, environ={}).slack.enabled


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"SLACK_SIGNING_SECRET": "s"}, "bot_token"),
        ({"SLACK_SIGNING_SECRET": "s", "SLACK_CLIENT_ID": "1.2"}, "client_id and client_secret go together"),
        ({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "x"}, "signing_secret"),
    ],
)
def test_an_incomplete_slack_setup_is_named_in_one_line(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(None, environ=environ)
    assert "slack" in str(refused.value) and message in str(refused.value) and "\n" not in str(refused.value)


def test_socket_mode_without_an_app_token_is_refused_in_one_line() -> None:
    config = load_config(None, environ={"SLACK_SIGNING_SECRET": "s", "SLACK_BOT_TOKEN": "xoxb-1"})
    with pytest.raises(ConfigError, match="app_token"):
        config.with_socket_mode()


def test_teams_takes_its_settings_from_the_bot_frameworks_own_variables() -> None:
    environ = {
        "MicrosoftAppId": "5b2e7c14-8a3d-4f6e-9b0a-1c2d3e4f5a6b",
        "MicrosoftAppPassword": "secret",
        "MicrosoftAppType": "SingleTenant",
        "MicrosoftAppTenantId": "7d1f3a5c-2b4e-4c6d-8e0f-9a1b2c3d4e5f",
    }
    teams = load_config(None, environ=environ).teams
    assert teams.authenticated and teams.app_password == "secret" and teams.app_type == "SingleTenant"
    assert teams.tenant_id == "7d1f3a5c-2b4e-4c6d-8e0f-9a1b2c3d4e5f"
    assert not load_config(None, environ={}).teams.authenticated  # the Emulator's mode


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"MicrosoftAppPassword": "secret"}, "app_password needs app_id"),
        ({"MicrosoftAppId": "5b2e7c14", "MicrosoftAppType": "SingleTenant"}, "tenant_id"),
        ({"MicrosoftAppId": "5b2e7c14", "MicrosoftAppType": "Anyone"}, "teams.app_type"),
    ],
)
def test_an_incomplete_teams_setup_is_named_in_one_line(environ: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_config(None, environ=environ)
    assert "teams" in str(refused.value) and message in str(refused.value) and "\n" not in str(refused.value)
