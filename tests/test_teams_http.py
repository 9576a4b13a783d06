"""What reaches ``/api/messages`` and what it answers: with an app id, only requests carrying
a Bot Framework token for this bot are processed (401 for anything else, never a 5xx);
a body that is not an activity is a 400; activities the coach has no use for are
acknowledged and ignored; a card's data that this app did not write is refused politely.

The Bot Framework's side is :class:`FakeIdentity` (signing keys, the bot's own token) and
the Bot Connector is :class:`FakeConnector`, which here accepts only tokens the identity
issued to the bot, as the real one does.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.cli import _deliverer
from bot.config import Config, TeamsConfig
from bot.delivery import Sent, Target
from bot.replies import TextReply
from bot.richtext import parse_markup
from bot.server import DB_KEY
from bot.startup import open_database
from storage.models import Workspace
from tests.teams_bot import METTE, TeamsBot, start_bot
from tests.teams_fake import (
    APP_ID,
    BOT_ID,
    CHANNEL_ID,
    PERSONAL_CONVERSATION_ID,
    TENANT_ID,
    FakeConnector,
    FakeIdentity,
)


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIdentity]:
    with FakeIdentity() as found:
        for name, value in found.trust_env().items():
            monkeypatch.setenv(name, value)
        yield found


@pytest.fixture
async def secured(tmp_path: Path, identity: FakeIdentity) -> AsyncIterator[TeamsBot]:
    """The bot with an app id and password, behind the Bot Framework's authentication."""
    with FakeConnector(identity=identity) as connector:
        async for running in start_bot(tmp_path, connector, identity=identity):
            yield running


async def workspaces(bot: TeamsBot) -> int:
    async with bot.app[DB_KEY].session() as session:
        return int((await session.execute(select(func.count()).select_from(Workspace))).scalar_one())


# --- authentication ---------------------------------------------------------------------------


async def test_a_request_with_the_channels_token_is_answered_with_a_token_of_the_bots_own(
    secured: TeamsBot, identity: FakeIdentity
) -> None:
    assert await secured.say("hjælp") == 200
    [reply] = secured.connector.sent()
    assert "guider" in str(reply)
    [call] = [c for c in secured.connector.calls() if c.operation == "reply"]
    token = (call.authorization or "").removeprefix("Bearer ")
    assert identity.verify_bot_token(token)["aud"] == "https://api.botframework.com"
    assert secured.connector.unauthorized() == []


async def test_the_bots_token_is_fetched_once_and_reused_across_turns(
    secured: TeamsBot, identity: FakeIdentity
) -> None:
    for _ in range(3):
        assert await secured.say("status") == 200
    assert len([r for r in identity.token_requests if r.status == 200]) == 1


@pytest.mark.parametrize(
    "bad",
    ["none", "empty", "expired", "wrong audience", "wrong issuer", "another key", "unknown key", "garbage", "basic"],
)
async def test_a_request_without_a_valid_token_is_refused_and_nothing_is_processed(
    secured: TeamsBot, identity: FakeIdentity, bad: str
) -> None:
    activity = secured.message("start kommer-forbi Fitness Nord")
    service_url = activity["serviceUrl"]
    header = {
        "none": None,
        "empty": "",
        "expired": identity.channel_token(APP_ID, service_url, expired=True),
        "wrong audience": identity.channel_token(APP_ID, service_url, audience="another-bot"),
        "wrong issuer": identity.channel_token(APP_ID, service_url, issuer="https://evil.example"),
        "another key": identity.channel_token(APP_ID, service_url, signed_by_stranger=True),
        "unknown key": identity.channel_token(APP_ID, service_url, key_id="not-a-key"),
        "garbage": "Bearer not.a.token",
        "basic": "Basic dXNlcjpwYXNz",
    }[bad]
    headers = {"Content-Type": "application/json", **({"Authorization": header} if header is not None else {})}
    async with secured.session.post(f"{secured.url}/api/messages", json=activity, headers=headers) as response:
        assert response.status == 401
    assert secured.connector.calls() == []
    assert await workspaces(secured) == 0


async def test_a_token_for_another_service_url_is_refused(secured: TeamsBot, identity: FakeIdentity) -> None:
    """The token names the connector it was issued for: a request that points the bot's
    replies elsewhere is refused (no request forgery through serviceUrl)."""
    activity = secured.message("hjælp")
    token = identity.channel_token(APP_ID, "https://smba.trafficmanager.net/emea/")
    assert (await secured.post(activity, authorization=token))[0] == 401
    assert secured.connector.calls() == []


async def test_without_an_app_id_teams_is_refused_on_an_address_beyond_this_machine(
    tmp_path: Path, fake_connector: FakeConnector
) -> None:
    async for bot in start_bot(tmp_path, fake_connector, host="0.0.0.0", access_token="secret-token"):
        status, _ = await bot.post(bot.message("hjælp"))
        assert status == 401
        assert fake_connector.calls() == []


# --- bad bodies -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        (b"{not json", "application/json", 400),
        (b"[1, 2]", "application/json", 400),
        (b'{"text": "no type"}', "application/json", 400),
        (b'{"type": 7}', "application/json", 400),
        (
            b'{"type": "message", "from": "not an account", "serviceUrl": "http://127.0.0.1:9/"}',
            "application/json",
            400,
        ),
        (b'{"type": "invoke", "serviceUrl": null}', "application/json", 400),
        (b'{"type": "message", "serviceUrl": "file:///etc/passwd"}', "application/json", 400),
        ("ikke json æøå".encode(), "application/json", 400),
        (b'{"type": "message"}', "text/plain", 415),
        (b"", "application/json", 400),
    ],
)
async def test_a_body_that_is_not_an_activity_is_a_bad_request(
    teams_bot: TeamsBot, body: bytes, content_type: str, status: int
) -> None:
    async with teams_bot.session.post(
        f"{teams_bot.url}/api/messages", data=body, headers={"Content-Type": content_type}
    ) as response:
        assert response.status == status
    assert teams_bot.connector.calls() == []


async def test_only_post_is_answered(teams_bot: TeamsBot) -> None:
    async with teams_bot.session.get(f"{teams_bot.url}/api/messages") as response:
        assert response.status == 405


async def test_an_activity_missing_what_its_type_promises_is_answered_without_a_traceback(teams_bot: TeamsBot) -> None:
    activity = teams_bot.message("hjælp")
    del activity["conversation"]
    assert (await teams_bot.post(activity))[0] == 200
    activity = teams_bot.message("hjælp")
    activity["conversation"]["id"] = "19:<script>@thread.tacv2"
    assert (await teams_bot.post(activity))[0] == 200
    assert teams_bot.connector.calls() == []


@pytest.mark.parametrize("name", ["message_reaction", "unknown_activity", "channel_created", "team_renamed"])
async def test_activities_the_coach_has_no_use_for_are_acknowledged_and_ignored(teams_bot: TeamsBot, name: str) -> None:
    assert (await teams_bot.post(teams_bot.activity(name)))[0] == 200
    assert teams_bot.connector.calls() == []


async def test_an_invoke_the_app_offers_nothing_for_gets_an_empty_answer(teams_bot: TeamsBot) -> None:
    activity = teams_bot.activity("adaptive_card_action")
    activity["name"] = "composeExtension/query"
    assert (await teams_bot.post(activity))[0] == 200
    assert teams_bot.connector.calls() == []


@pytest.mark.parametrize(
    "data",
    [
        None,
        "a string",
        {"c": "status", "s": "target_group_chosen", "p": 1},  # both a command and a step
        {"c": "status", "evil": True},
        {"c": "x" * 100_000},
        {"s": "target_group_chosen", "p": -1, "v": True},
        {"s": "target_group_chosen", "p": 10**30, "v": True},
        {"s": "target_group_chosen", "p": 1, "f": "text", "outreachText": {"nested": 1}},
    ],
)
async def test_card_data_this_app_did_not_write_is_refused_politely(teams_bot: TeamsBot, data: object) -> None:
    activity = teams_bot.activity("adaptive_card_action", locale="da-DK")
    activity["value"] = {"action": {"type": "Action.Execute", "verb": "outreach", "data": data}, "trigger": "manual"}
    status, body = await teams_bot.post(activity)
    assert status == 200
    assert body["statusCode"] == 200 and body["type"] == "application/vnd.microsoft.activity.message"
    assert "forstod jeg ikke" in body["value"] and "@Outreach Coach status" in body["value"]
    assert "Traceback" not in str(body)


async def test_a_card_action_of_another_app_is_refused_politely(teams_bot: TeamsBot) -> None:
    activity = teams_bot.activity("adaptive_card_action")  # verb "submitFeedback", as recorded
    status, body = await teams_bot.post(activity)
    assert status == 200 and body["type"] == "application/vnd.microsoft.activity.message"


async def test_the_same_activity_delivered_twice_is_answered_once(teams_bot: TeamsBot) -> None:
    activity = teams_bot.message("start kommer-forbi Fitness Nord")
    assert (await teams_bot.post(activity))[0] == 200
    assert (await teams_bot.post(activity))[0] == 200
    assert len(teams_bot.connector.sent()) == 1


async def test_a_channel_message_without_a_mention_is_the_teams_own_talk(teams_bot: TeamsBot) -> None:
    assert await teams_bot.say("start kommer-forbi Fitness Nord", METTE, mention=False) == 200
    assert teams_bot.connector.calls() == []
    assert teams_bot.connector.sent(CHANNEL_ID) == []


async def test_a_connector_that_cannot_be_reached_loses_the_reply_but_not_the_answer(teams_bot: TeamsBot) -> None:
    """The turn is saved before the reply goes out; a connector that refuses or is gone
    costs the reply (logged), and Teams still gets a 200 rather than retrying a saved turn."""
    teams_bot.connector.fail(None, 502, times=1)
    assert await teams_bot.say("start kommer-forbi Fitness Nord") == 200
    gone = teams_bot.message("projekter")
    gone["serviceUrl"] = "http://127.0.0.1:9/nobody/"  # the discard port: nothing listens
    assert (await teams_bot.post(gone))[0] == 200
    assert await teams_bot.say("projekter") == 200
    assert "Fitness Nord" in str(teams_bot.connector.sent()[-1])


# --- the event loop stays free -----------------------------------------------------------------


async def test_the_signing_keys_are_fetched_at_start_not_by_the_first_request(
    secured: TeamsBot, identity: FakeIdentity
) -> None:
    def key_fetches() -> int:
        return len([path for path in identity.metadata_requests if path.endswith("/keys")])

    for _ in range(100):
        if key_fetches():
            break
        await asyncio.sleep(0.05)
    assert key_fetches() == 1
    assert await secured.say("hjælp") == 200
    assert key_fetches() == 1  # the request was checked against what was fetched at start


async def test_the_bot_answers_other_requests_while_microsoft_is_slow_with_its_token(
    secured: TeamsBot, identity: FakeIdentity
) -> None:
    """MSAL fetches the bot's token synchronously: in a thread, the server goes on meanwhile."""
    identity.slow_tokens(1.5)
    turn = asyncio.create_task(secured.say("hjælp"))
    await asyncio.sleep(0.2)  # the turn is waiting for its token now
    async with secured.session.get(f"{secured.url}/healthz") as health:
        assert health.status == 200
    assert not turn.done()  # the health check was answered while the turn still waited
    assert await turn == 200


# --- a worker of its own -----------------------------------------------------------------------


async def test_a_worker_with_an_app_id_sends_teams_reminders_with_the_bots_token(
    tmp_path: Path, identity: FakeIdentity
) -> None:
    """``outreach-coach worker`` delivers Teams' reminders only with an app id (with none, the
    Emulator's conversations are served by ``serve`` alone), proactively, with a token."""
    identity.add_app(APP_ID, "secret")
    teams = TeamsConfig(
        app_id=APP_ID,
        app_password="secret",
        openid_metadata_url=identity.openid_metadata_url,
        token_issuer="https://api.botframework.com",
        login_url=identity.login_url,
    )
    with FakeConnector(identity=identity) as connector:
        address = {
            "bot": {"id": BOT_ID, "name": "Outreach Coach"},
            "conversation": {"id": PERSONAL_CONVERSATION_ID, "conversationType": "personal", "tenantId": TENANT_ID},
            "channelId": "msteams",
            "serviceUrl": connector.service_url,
        }
        db = await open_database(Config(data_dir=tmp_path, teams=teams))
        try:
            async with _deliverer(Config(data_dir=tmp_path, teams=teams), db) as deliverer:
                result = await deliverer.channels["teams"].deliver(
                    Target(PERSONAL_CONVERSATION_ID, address), [TextReply(parse_markup("⏰ Ring til **Jens**"))]
                )
            async with _deliverer(Config(data_dir=tmp_path), db) as without_app_id:
                assert "teams" not in without_app_id.channels
        finally:
            await db.dispose()
        [call] = connector.calls("send")
    assert isinstance(result, Sent) and result.message_id == call.response["id"]
    assert call.conversation_id == PERSONAL_CONVERSATION_ID and "Jens" in json.dumps(call.body, ensure_ascii=False)
    assert identity.verify_bot_token((call.authorization or "").removeprefix("Bearer "))
