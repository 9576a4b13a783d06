"""Slack's contract at /slack/events: what a signed request gets, and what anything else gets.

Requests are real HTTP to the running server, signed as Slack signs them; the bot's Web
API calls go to the fake Slack, which records them.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.models import AnswerHistory, Project
from tests.slack_bot import CHANNEL, SECRET, SlackBot, start_bot
from tests.slack_fake import FakeSlack, event_body, fixture, interaction_body, sign, slash_command_body

FORM = "application/x-www-form-urlencoded"


async def projects(slack_bot: SlackBot) -> int:
    from bot.server import DB_KEY

    async with slack_bot.app[DB_KEY].session() as session:
        return int((await session.execute(select(func.count()).select_from(Project))).scalar_one())


async def answers_saved(slack_bot: SlackBot) -> int:
    from bot.server import DB_KEY

    async with slack_bot.app[DB_KEY].session() as session:
        return int((await session.execute(select(func.count()).select_from(AnswerHistory))).scalar_one())


def command_body(text: str = "start kommer-forbi Fitness", **fields: str) -> bytes:
    return slash_command_body(
        fixture("slash_command"), command="/outreach", text=text, team_id="T111", channel_id=CHANNEL, **fields
    )


# --- signatures ----------------------------------------------------------------------------


async def post_raw(slack_bot: SlackBot, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with slack_bot.session.post(f"{slack_bot.url}/slack/events", data=body, headers=headers) as response:
        return response.status, await response.text()


@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({}, id="unsigned"),
        pytest.param(
            {"X-Slack-Request-Timestamp": str(int(time.time())), "X-Slack-Signature": "v0=" + "0" * 64}, id="wrong"
        ),
        pytest.param(sign(b"", SECRET), id="signed-for-another-body"),
        pytest.param(sign(command_body(), "another-secret"), id="another-app"),
        pytest.param(sign(command_body(), SECRET, timestamp=int(time.time()) - 6 * 60), id="stale"),
        pytest.param({"X-Slack-Request-Timestamp": "soon", "X-Slack-Signature": "v0=zz"}, id="garbage"),
    ],
)
async def test_a_request_slack_did_not_sign_is_refused_and_changes_nothing(
    slack_bot: SlackBot, headers: dict[str, str]
) -> None:
    status, _ = await post_raw(slack_bot, command_body(), {"Content-Type": FORM, **headers})
    assert status == 401
    await slack_bot.settle()
    assert await projects(slack_bot) == 0
    assert slack_bot.fake.calls("chat.postMessage") == []


async def test_a_request_signed_at_the_edge_of_five_minutes_is_still_taken(slack_bot: SlackBot) -> None:
    body = command_body("help")
    status, _ = await post_raw(slack_bot, body, {"Content-Type": FORM, **sign(body, SECRET, int(time.time()) - 4 * 60)})
    assert status == 200


# --- bodies that are not what they say ------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"payload=%7Bnot+json", FORM, id="broken-json-in-payload"),
        pytest.param(b"payload=%5B1%2C2%5D", FORM, id="payload-not-an-object"),
        pytest.param(b"", FORM, id="a-form-without-fields"),
        pytest.param(b"hello=world", FORM, id="a-form-without-command-or-payload"),
        pytest.param(b"\xff\xfe\x00binary", FORM, id="binary"),
        pytest.param(b"{not json", "application/json", id="broken-json"),
        pytest.param(b'["an", "array"]', "application/json", id="json-not-an-event"),
        pytest.param(b"<xml/>", "text/xml", id="another-content-type"),
    ],
)
async def test_a_signed_body_that_is_not_what_it_says_is_a_400_never_a_500(
    slack_bot: SlackBot, body: bytes, content_type: str
) -> None:
    status, _ = await post_raw(slack_bot, body, {"Content-Type": content_type, **sign(body, SECRET)})
    assert status == 400


async def test_url_verification_answers_the_challenge(slack_bot: SlackBot) -> None:
    envelope = fixture("event_url_verification")
    body = event_body(envelope)
    status, text = await post_raw(slack_bot, body, {"Content-Type": "application/json", **sign(body, SECRET)})
    assert status == 200 and envelope["challenge"] in text


# --- what the bot does not handle ------------------------------------------------------------


async def test_an_event_type_the_bot_does_not_handle_is_acked_and_ignored(slack_bot: SlackBot) -> None:
    assert await slack_bot.event({"type": "reaction_added", "user": "U111", "reaction": "tada", "item": {}}) == 200
    assert await slack_bot.event({"type": "something_slack_adds_next_year", "user": "U111"}) == 200
    await slack_bot.settle()
    assert [c.method for c in slack_bot.fake.calls() if c.method.startswith("chat.")] == []


async def test_an_interaction_type_the_bot_does_not_handle_is_acked_and_ignored(slack_bot: SlackBot) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "someone_elses",
        "team": {"id": "T111"},
        "user": {"id": "U111"},
        "trigger_id": "1.2.3",
    }
    body = interaction_body(payload)
    status, _ = await post_raw(slack_bot, body, {"Content-Type": FORM, **sign(body, SECRET)})
    assert status == 200


async def test_a_button_of_unexpected_shape_gets_a_polite_word_and_nothing_else(slack_bot: SlackBot) -> None:
    payload = fixture("block_actions_button")
    payload["team"], payload["user"] = {"id": "T111"}, {"id": "U111", "team_id": "T111"}
    payload["channel"] = {"id": CHANNEL}
    payload["actions"] = [{"type": "button", "action_id": "outreach:answer:0", "value": '{"s": 12, "hack": true}'}]
    body = interaction_body(payload)
    status, _ = await post_raw(slack_bot, body, {"Content-Type": FORM, **sign(body, SECRET)})
    assert status == 200
    await slack_bot.settle()
    [told] = slack_bot.fake.calls("chat.postEphemeral")
    assert told.args["user"] == "U111" and "forstod jeg ikke" in json.dumps(told.args, ensure_ascii=False)
    assert await answers_saved(slack_bot) == 0


# --- the team's free text -------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        'Fitness "Nord" & <Syd>',
        '{"type": "url_verification", "challenge": "x"}',
        "Læsehest 📚🐴 – æøå",
        "payload=%7B%7D and the word payload",
    ],
)
async def test_a_slash_commands_text_reaches_the_coach_intact(slack_bot: SlackBot, name: str) -> None:
    assert await slack_bot.command(f"start kommer-forbi {name}") == 200
    posts = await slack_bot.new_posts()
    from bot.server import DB_KEY

    async with slack_bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.name == " ".join(name.split())
    assert any(post.method == "chat.postMessage" for post in posts)


async def test_an_answer_of_3000_characters_with_quotes_and_emoji_is_saved_as_typed(slack_bot: SlackBot) -> None:
    await slack_bot.command("start kommer-forbi Fitness")
    await slack_bot.command("ja")  # we know the target group; next: who they are, in words
    await slack_bot.new_posts()
    line = 'Unge mænd "der træner" 💪 {"a": 1} <b>&amp; '
    answer = (line * 100)[:3000].strip()
    assert await slack_bot.command(answer) == 200
    await slack_bot.settle()
    # The team sees it answered (quoted whole, longer than Fluent takes) and the next question.
    [posted] = [post for post in await slack_bot.new_posts() if post.method == "chat.postMessage"]
    assert "Unge mænd" in posted.args["text"] and len(posted.args["blocks"]) > 2
    from bot.server import DB_KEY

    async with slack_bot.app[DB_KEY].session() as session:
        [project] = (await session.execute(select(Project))).scalars()
    assert project.answers["target_group"] == answer


async def test_a_broken_body_without_a_signature_is_refused_for_the_signature_first(slack_bot: SlackBot) -> None:
    status, _ = await post_raw(slack_bot, b"payload=%7Bnot+json", {"Content-Type": FORM})
    assert status == 401


async def test_a_payload_of_unexpected_shape_is_logged_without_its_secrets(
    slack_bot: SlackBot, caplog: pytest.LogCaptureFixture
) -> None:
    payload = fixture("block_actions_button")
    payload["token"] = "verification-token-SECRET"
    payload["team"], payload["user"] = {"id": "T111"}, {"id": "U111", "team_id": "T111"}
    payload["channel"] = {"id": CHANNEL}
    payload["response_url"] = "https://hooks.slack.com/actions/T111/SECRET-URL"
    payload["actions"] = [{"type": "button", "action_id": "outreach:answer:0", "value": "not json at all"}]
    body = interaction_body(payload)
    status, _ = await post_raw(slack_bot, body, {"Content-Type": FORM, **sign(body, SECRET)})
    assert status == 200
    await slack_bot.settle()
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "unexpected shape" in logged
    assert "SECRET" not in logged and "xoxb" not in logged and "not json at all" not in logged


async def test_without_a_signing_secret_there_is_no_slack_address(tmp_path: Path) -> None:
    from aiohttp.test_utils import TestClient, TestServer

    from bot.config import Config
    from bot.server import make_app

    app = await make_app(Config(data_dir=tmp_path))
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/slack/events", data=command_body(), headers={"Content-Type": FORM})
        assert response.status == 404


async def test_slack_gets_its_answer_at_once_however_slow_the_work_after_it(
    slack_bot: SlackBot, fake_slack: FakeSlack
) -> None:
    fake_slack.slow("chat.postMessage", 3.5)  # longer than the 3 s Slack waits for an answer
    started = time.monotonic()
    assert await slack_bot.command("start kommer-forbi Fitness") == 200
    acked_after = time.monotonic() - started
    assert acked_after < 3.0  # Slack's own limit: the answer did not wait for the post
    await fake_slack.wait_for("chat.postMessage", timeout=10)
    assert time.monotonic() - started >= 3.5  # the work went on after the answer


async def test_the_admins_log_does_not_claim_the_bot_token_goes_unused(
    tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-111")  # as an admin sets it; bolt reads it too
    async for running in start_bot(tmp_path, fake_slack, bot_token="xoxb-111"):
        assert await running.command("hjælp") == 200
        await running.settle()
        assert fake_slack.last("chat.postEphemeral").token == "xoxb-111"
    assert "will be unused" not in caplog.text


# --- the log ---------------------------------------------------------------------------------


async def test_a_web_api_call_words_no_debug_line_when_the_log_is_not_at_debug(
    slack_bot: SlackBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """slack_sdk words its debug lines for each call (the whole message, Slack's whole
    answer) whenever its logger's own level is unset; the app gives it the level it inherits."""
    worded: list[str] = []
    original = logging.Logger.debug

    def debug(self: logging.Logger, message: object, *args: object, **kwargs: object) -> None:
        if self.name.startswith("slack_sdk"):
            worded.append(f"{self.name}: {str(message)[:80]}")
        original(self, message, *args, **kwargs)

    monkeypatch.setattr(logging.Logger, "debug", debug)
    assert logging.getLogger("slack_sdk").getEffectiveLevel() > logging.DEBUG
    await slack_bot.command("start kommer-forbi Fitness")
    posts = await slack_bot.new_posts()
    assert any(post.method == "chat.postMessage" for post in posts)
    assert worded == []
