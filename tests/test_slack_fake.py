"""The fake Slack answers slack_sdk's own clients as Slack would, so the Slack tests that lean
on it test the bot against Slack and not against the fake's mistakes."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from urllib.parse import parse_qs

import pytest
from slack_bolt.app.async_app import AsyncApp
from slack_bolt.context.ack.async_ack import AsyncAck
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.socket_mode.aiohttp import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.slack_fake import (
    FIXTURES,
    FakeSlack,
    event_body,
    fixture,
    interaction_body,
    sign,
    slash_command_body,
)

MAIN, BRANCH = "xoxb-T111-main", "xoxb-T222-branch"


@pytest.fixture
async def slack() -> AsyncIterator[FakeSlack]:
    """Two libraries' workspaces, each with its people and its project channel."""
    async with FakeSlack() as fake:
        fake.add_workspace("T111", MAIN, "U0BOT", "Hovedbiblioteket")
        fake.add_workspace("T222", BRANCH, "U0BOT2", "Filialen")
        fake.add_user("T111", "U111", "Mette Hansen")
        fake.add_user("T111", "U222", "Jonas Berg", locale="en-US")
        fake.add_user("T222", "U333", "Sara Lund")
        fake.add_channel("T111", "C111", "kommer-forbi")
        fake.add_channel("T222", "C222", "filialen")
        yield fake


def web(slack: FakeSlack, token: str | None = MAIN, **options: object) -> AsyncWebClient:
    return AsyncWebClient(token=token, base_url=slack.base_url, **options)  # type: ignore[arg-type]


async def refused(call: object) -> SlackApiError:
    with pytest.raises(SlackApiError) as caught:
        await call  # type: ignore[misc]
    return caught.value


SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "Trin 1 af 9"}}


# --- auth ---------------------------------------------------------------------------------------


async def test_auth_test_tells_each_token_its_own_workspace_and_bot(slack: FakeSlack) -> None:
    main = await web(slack).auth_test()
    branch = await web(slack, BRANCH).auth_test()

    assert (main["team_id"], main["user_id"], main["team"]) == ("T111", "U0BOT", "Hovedbiblioteket")
    assert (branch["team_id"], branch["user_id"]) == ("T222", "U0BOT2")
    assert main["bot_id"] and main["bot_id"] != branch["bot_id"]
    assert main["url"] == "https://hovedbiblioteket.slack.com/"


async def test_an_unknown_revoked_or_missing_token_is_refused(slack: FakeSlack) -> None:
    assert (await refused(web(slack, "xoxb-nobody").auth_test())).response["error"] == "invalid_auth"
    assert (await refused(web(slack, None).auth_test())).response["error"] == "not_authed"

    slack.revoke(MAIN)

    assert (await refused(web(slack).auth_test())).response["error"] == "invalid_auth"
    assert (await refused(web(slack).chat_postMessage(channel="C111", text="Hej"))).response["error"] == "invalid_auth"
    assert (await web(slack, BRANCH).auth_test())["ok"]


async def test_auth_revoke_ends_the_token_unless_it_is_a_test(slack: FakeSlack) -> None:
    assert (await web(slack).auth_revoke(test=True))["revoked"] is False
    assert (await web(slack).auth_test())["ok"]

    assert (await web(slack).auth_revoke())["revoked"] is True
    assert (await refused(web(slack).auth_test())).response["error"] == "invalid_auth"


async def test_the_app_level_token_only_opens_socket_connections(slack: FakeSlack) -> None:
    assert (await refused(web(slack, slack.app_token).auth_test())).response["error"] == "not_allowed_token_type"
    refusal = await refused(web(slack).apps_connections_open(app_token=MAIN))
    assert refusal.response["error"] == "not_allowed_token_type"

    opened = await web(slack, None).apps_connections_open(app_token=slack.app_token)

    assert opened["url"].startswith("ws://127.0.0.1:")
    assert slack.last("apps.connections.open").token == slack.app_token


# --- messages -------------------------------------------------------------------------------------


async def test_posted_messages_get_increasing_timestamps_and_are_recorded_with_their_token(slack: FakeSlack) -> None:
    first = await web(slack).chat_postMessage(channel="C111", text="Velkommen", blocks=[SECTION])
    second = await web(slack).chat_postMessage(channel="C111", text="Trin 2", thread_ts=first["ts"])

    assert first["ts"] == "1700000000.000100"
    assert float(second["ts"]) > float(first["ts"])
    assert (first["channel"], first["message"]["text"], first["message"]["user"]) == ("C111", "Velkommen", "U0BOT")
    assert second["message"]["thread_ts"] == first["ts"]
    call = slack.calls("chat.postMessage")[0]
    assert (call.token, call.args["channel"], call.args["blocks"]) == (MAIN, "C111", [SECTION])
    assert call.response == first.data
    assert slack.last("chat.postMessage").args["text"] == "Trin 2"


async def test_blocks_sent_form_encoded_are_recorded_decoded(slack: FakeSlack) -> None:
    await web(slack).api_call("chat.postMessage", data={"channel": "C111", "blocks": json.dumps([SECTION])})

    assert slack.last("chat.postMessage").args["blocks"] == [SECTION]
    broken = await refused(web(slack).api_call("chat.postMessage", data={"channel": "C111", "blocks": "[{"}))
    assert broken.response["error"] == "invalid_blocks_format"


async def test_a_message_updates_in_place_and_can_be_deleted(slack: FakeSlack) -> None:
    posted = await web(slack).chat_postMessage(channel="C111", text="Hvem kommer forbi?", blocks=[SECTION])

    updated = await web(slack).chat_update(channel="C111", ts=posted["ts"], text="Svaret er gemt", blocks=[])

    assert updated["ts"] == posted["ts"]
    assert slack.message("C111", posted["ts"])["text"] == "Svaret er gemt"
    assert slack.message("C111", posted["ts"])["blocks"] == []
    await web(slack).chat_delete(channel="C111", ts=posted["ts"])
    gone = await refused(web(slack).chat_update(channel="C111", ts=posted["ts"], text="igen"))
    assert gone.response["error"] == "message_not_found"


async def test_an_ephemeral_reply_reaches_only_a_member_of_the_channel(slack: FakeSlack) -> None:
    slack.add_channel("T111", "C555", "styregruppen", members=["U111"])

    shown = await web(slack).chat_postEphemeral(channel="C555", user="U111", text="Kun til dig")

    assert shown["message_ts"]
    outsider = await refused(web(slack).chat_postEphemeral(channel="C555", user="U222", text="Kun til dig"))
    assert outsider.response["error"] == "user_not_in_channel"


async def test_a_message_beyond_slacks_limits_is_refused_as_slack_refuses_it(slack: FakeSlack) -> None:
    client = web(slack)
    too_many = await refused(client.chat_postMessage(channel="C111", text="x", blocks=[SECTION] * 51))
    long_section = {"type": "section", "text": {"type": "mrkdwn", "text": "å" * 3001}}
    too_long = await refused(client.chat_postMessage(channel="C111", text="x", blocks=[SECTION, long_section]))
    button = {"type": "button", "action_id": "svar", "text": {"type": "plain_text", "text": "b" * 76}}
    long_button = {"type": "actions", "elements": [button]}
    wide_button = await refused(client.chat_postMessage(channel="C111", text="x", blocks=[long_button]))

    assert too_many.response["error"] == "invalid_blocks"
    assert too_many.response["errors"] == ["no more than 50 items allowed [json-pointer:/blocks]"]
    assert too_long.response["errors"] == ["must be less than 3001 characters [json-pointer:/blocks/1/text/text]"]
    assert wide_button.response["errors"] == [
        "must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]"
    ]
    assert (await refused(client.chat_postMessage(channel="C111", text="x" * 40_001))).response["error"] == (
        "msg_too_long"
    )
    nothing = await refused(client.api_call("chat.postMessage", json={"channel": "C111"}))
    assert nothing.response["error"] == "no_text"
    assert (await client.chat_postMessage(channel="C111", text="x" * 40_000, blocks=[SECTION] * 50))["ok"]


# --- views ---------------------------------------------------------------------------------------


def modal(title: str = "Dato for besøget") -> dict[str, object]:
    return {"type": "modal", "callback_id": "answer", "title": {"type": "plain_text", "text": title}, "blocks": []}


async def test_a_modal_opens_and_updates_against_its_latest_hash(slack: FakeSlack) -> None:
    opened = (await web(slack).views_open(trigger_id="111.222.xxx", view=modal()))["view"]

    updated = (await web(slack).views_update(view_id=opened["id"], hash=opened["hash"], view=modal("Gemt")))["view"]

    assert (opened["type"], opened["team_id"], opened["callback_id"]) == ("modal", "T111", "answer")
    assert opened["state"] == {"values": {}}
    assert updated["id"] == opened["id"] and updated["title"]["text"] == "Gemt"
    stale = await refused(web(slack).views_update(view_id=opened["id"], hash=opened["hash"], view=modal()))
    assert stale.response["error"] == "hash_conflict"
    elsewhere = await refused(web(slack, BRANCH).views_update(view_id=opened["id"], view=modal()))
    assert elsewhere.response["error"] == "not_found"


async def test_a_view_beyond_slacks_limits_is_refused(slack: FakeSlack) -> None:
    long_title = await refused(web(slack).views_open(trigger_id="1.2.3", view=modal("Et alt for langt modalnavn")))
    crowded = {**modal(), "blocks": [SECTION] * 101}
    too_many = await refused(web(slack).views_open(trigger_id="1.2.3", view=crowded))

    assert long_title.response["error"] == "invalid_arguments"
    assert long_title.response["response_metadata"]["messages"] == [
        "[ERROR] must be less than 25 characters [json-pointer:/view/title/text]"
    ]
    assert too_many.response["errors"] == ["no more than 100 items allowed [json-pointer:/view/blocks]"]
    no_trigger = await refused(web(slack).views_open(trigger_id="", view=modal()))
    assert no_trigger.response["error"] == "invalid_arguments"


async def test_app_home_is_published_per_person_and_keeps_its_view_id(slack: FakeSlack) -> None:
    home = {"type": "home", "blocks": [SECTION]}

    first = (await web(slack).views_publish(user_id="U111", view=home))["view"]
    again = (await web(slack).views_publish(user_id="U111", view=home))["view"]
    other = (await web(slack).views_publish(user_id="U222", view=home))["view"]

    assert first["id"] == again["id"] != other["id"]
    assert first["hash"] != again["hash"]
    stranger = await refused(web(slack).views_publish(user_id="U333", view=home))
    assert stranger.response["error"] == "user_not_found"


# --- people and channels ----------------------------------------------------------------------------


async def test_users_info_names_the_person_and_gives_the_locale_only_when_asked(slack: FakeSlack) -> None:
    plain = (await web(slack).users_info(user="U222"))["user"]
    localised = (await web(slack).users_info(user="U222", include_locale=True))["user"]

    assert (plain["real_name"], plain["profile"]["display_name"]) == ("Jonas Berg", "Jonas Berg")
    assert plain["team_id"] == "T111"
    assert "locale" not in plain
    assert localised["locale"] == "en-US"
    assert (await refused(web(slack).users_info(user="U999"))).response["error"] == "user_not_found"


async def test_users_conversations_lists_the_channels_a_person_is_in(slack: FakeSlack) -> None:
    slack.add_channel("T111", "C555", "styregruppen", members=["U111"], is_private=True)
    slack.add_channel("T111", "C666", "bogcafeen", members=["U222"])

    mettes_public = await web(slack).users_conversations(user="U111")
    mettes_all = await web(slack).users_conversations(user="U111", types="public_channel,private_channel")
    bots = await web(slack).users_conversations(types="public_channel,private_channel")

    assert [c["id"] for c in mettes_public["channels"]] == ["C111"]
    assert [c["id"] for c in mettes_all["channels"]] == ["C111", "C555"]
    assert [c["id"] for c in bots["channels"]] == ["C111", "C555", "C666"]
    assert mettes_all["channels"][1]["is_private"] is True


async def test_conversations_info_describes_a_channel_of_the_tokens_own_workspace(slack: FakeSlack) -> None:
    channel = (await web(slack).conversations_info(channel="C111"))["channel"]

    assert (channel["id"], channel["name"], channel["is_member"]) == ("C111", "kommer-forbi", True)
    foreign = await refused(web(slack, BRANCH).conversations_info(channel="C111"))
    assert foreign.response["error"] == "channel_not_found"


# --- files ------------------------------------------------------------------------------------------


async def test_files_upload_v2_stores_the_bytes_and_shares_the_file_with_a_permalink(slack: FakeSlack) -> None:
    export = "# Logbog\n\nMette: Vi fik 40 besøg ✓\n".encode()

    done = await web(slack).files_upload_v2(
        channel="C111", filename="logbog.md", content=export, title="Logbog", initial_comment="Her er logbogen"
    )

    shared = done["file"]
    assert shared["permalink"] == f"https://hovedbiblioteket.slack.com/files/U0BOT/{shared['id']}/logbog.md"
    assert (shared["title"], shared["size"], shared["channels"]) == ("Logbog", len(export), ["C111"])
    stored = slack.files[shared["id"]]
    assert (stored.content, stored.channel_id, stored.initial_comment) == (export, "C111", "Her er logbogen")
    assert [call.method for call in slack.calls()] == [
        "files.getUploadURLExternal",
        "upload",
        "files.completeUploadExternal",
    ]


async def test_a_file_never_uploaded_cannot_be_completed(slack: FakeSlack) -> None:
    url = await web(slack).files_getUploadURLExternal(filename="logbog.md", length=10)

    missing = await refused(web(slack).files_completeUploadExternal(files=[{"id": url["file_id"]}], channel_id="C111"))

    assert missing.response["error"] == "file_not_found"


# --- OAuth --------------------------------------------------------------------------------------------


async def test_oauth_exchanges_a_code_once_for_the_workspaces_bot_token(slack: FakeSlack) -> None:
    code = slack.oauth_code("T222")
    client = web(slack, None)
    credentials = {"client_id": slack.client_id, "client_secret": slack.client_secret}

    installed = await client.oauth_v2_access(**credentials, code=code)

    assert (installed["access_token"], installed["bot_user_id"], installed["token_type"]) == (BRANCH, "U0BOT2", "bot")
    assert installed["team"] == {"name": "Filialen", "id": "T222"}
    assert (installed["enterprise"], installed["is_enterprise_install"]) == (None, False)
    assert installed["authed_user"] == {"id": "U333"}
    assert "chat:write" in installed["scope"].split(",")
    assert (await web(slack, installed["access_token"]).auth_test())["team_id"] == "T222"
    again = await refused(client.oauth_v2_access(**credentials, code=code))
    assert again.response["error"] == "invalid_code"
    assert "client_secret" not in slack.last("oauth.v2.access").args


async def test_oauth_refuses_the_wrong_client_credentials(slack: FakeSlack) -> None:
    code = slack.oauth_code("T111")
    client = web(slack, None)

    wrong_secret = await refused(client.oauth_v2_access(client_id=slack.client_id, client_secret="nej", code=code))
    wrong_id = await refused(client.oauth_v2_access(client_id="999.999", client_secret=slack.client_secret, code=code))

    assert (wrong_secret.response["error"], wrong_id.response["error"]) == ("bad_client_secret", "invalid_client_id")


async def test_a_reinstall_after_the_token_was_revoked_issues_a_new_token(slack: FakeSlack) -> None:
    slack.revoke(MAIN)

    installed = await web(slack, None).oauth_v2_access(
        client_id=slack.client_id, client_secret=slack.client_secret, code=slack.oauth_code("T111")
    )

    assert installed["access_token"] != MAIN
    assert (await web(slack, installed["access_token"]).auth_test())["team_id"] == "T111"
    assert (await refused(web(slack).auth_test())).response["error"] == "invalid_auth"


# --- a bad day ---------------------------------------------------------------------------------------


async def test_a_rate_limited_call_is_retried_after_retry_after(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", retry_after=1)
    client = web(slack, retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=1)])

    started = time.monotonic()
    posted = await client.chat_postMessage(channel="C111", text="Påmindelse")

    assert posted["ok"]
    assert time.monotonic() - started >= 1
    first, second = slack.calls("chat.postMessage")
    assert first.response == {"ok": False, "error": "ratelimited"}
    assert second.response is not None and second.response["ok"]


async def test_without_a_retry_handler_the_429_and_its_retry_after_reach_the_caller(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", retry_after=30)

    limited = await refused(web(slack).chat_postMessage(channel="C111", text="Påmindelse"))

    assert (limited.response.status_code, limited.response.headers["Retry-After"]) == (429, "30")
    assert limited.response["error"] == "ratelimited"


async def test_an_injected_error_answers_like_slack_for_as_many_calls_as_asked(slack: FakeSlack) -> None:
    slack.fail("chat.postMessage", "is_archived", times=2)
    slack.fail("chat.update", status=500)
    client = web(slack)

    archived = [await refused(client.chat_postMessage(channel="C111", text="x")) for _ in range(2)]
    posted = await client.chat_postMessage(channel="C111", text="x")
    broken = await refused(client.chat_update(channel="C111", ts=posted["ts"], text="y"))

    assert [(e.response.status_code, e.response["error"]) for e in archived] == [(200, "is_archived")] * 2
    assert broken.response.status_code == 500
    assert slack.last("chat.update").response is None
    assert (await client.chat_update(channel="C111", ts=posted["ts"], text="y"))["ok"]


async def test_two_workspaces_tokens_stay_apart(slack: FakeSlack) -> None:
    await web(slack).chat_postMessage(channel="C111", text="Hovedbiblioteket")
    await web(slack, BRANCH).chat_postMessage(channel="C222", text="Filialen")

    crossed = await refused(web(slack, BRANCH).chat_postMessage(channel="C111", text="forkert"))
    stranger = await refused(web(slack, BRANCH).users_info(user="U111"))

    assert crossed.response["error"] == "channel_not_found"
    assert stranger.response["error"] == "user_not_found"
    assert [(c.args["channel"], c.token) for c in slack.calls("chat.postMessage")] == [
        ("C111", MAIN),
        ("C222", BRANCH),
        ("C111", BRANCH),
    ]


async def test_an_unknown_method_is_answered_and_recorded(slack: FakeSlack) -> None:
    unknown = await refused(web(slack).api_call("reminders.add", json={"text": "x"}))

    assert unknown.response["error"] == "unknown_method"
    assert slack.last("reminders.add").args == {"text": "x"}


async def test_wait_for_waits_for_calls_the_bot_makes_after_its_ack(slack: FakeSlack) -> None:
    later = asyncio.create_task(web(slack).chat_postMessage(channel="C111", text="senere"))

    arrived = await slack.wait_for("chat.postMessage")

    assert arrived[0].args["text"] == "senere"
    await later
    with pytest.raises(AssertionError, match=r"expected 2 chat.postMessage call\(s\) within 0.1 s"):
        await slack.wait_for("chat.postMessage", count=2, timeout=0.1)
    slack.clear()
    assert slack.calls() == []


async def test_a_post_to_the_response_url_is_recorded(slack: FakeSlack) -> None:
    answer = await AsyncWebhookClient(slack.response_url).send(text="Kun til dig", response_type="ephemeral")

    assert answer.status_code == 200
    assert slack.last("response_url").args == {"text": "Kun til dig", "response_type": "ephemeral"}


# --- Socket Mode --------------------------------------------------------------------------------------


async def test_a_socket_mode_client_hears_hello_gets_an_envelope_and_its_ack_is_recorded(slack: FakeSlack) -> None:
    client = SocketModeClient(
        app_token=slack.app_token, web_client=web(slack, None), auto_reconnect_enabled=False, ping_interval=1
    )
    heard: list[dict[str, object]] = []
    requests: asyncio.Queue[SocketModeRequest] = asyncio.Queue()

    async def hear(_: object, message: dict[str, object], raw: str | None) -> None:
        heard.append(message)

    async def answer(socket_client: SocketModeClient, request: SocketModeRequest) -> None:
        await requests.put(request)
        await socket_client.send_socket_mode_response(
            SocketModeResponse(envelope_id=request.envelope_id, payload={"text": "Modtaget"})
        )

    client.message_listeners.append(hear)
    client.socket_mode_request_listeners.append(answer)
    try:
        await client.connect()
        envelope = fixture("socket_mode_envelope")
        await slack.socket_send(envelope)

        ack = await slack.wait_for_ack(envelope["envelope_id"])
        request = await asyncio.wait_for(requests.get(), 5)
    finally:
        await client.close()

    assert heard[0]["type"] == "hello"
    assert heard[0]["connection_info"] == {"app_id": slack.app_id}
    assert (request.type, request.payload["command"]) == ("slash_commands", envelope["payload"]["command"])
    assert ack.payload == {"text": "Modtaget"}


# --- signing and request bodies ---------------------------------------------------------------------


def test_the_signature_is_the_one_slack_sdk_verifies() -> None:
    body = slash_command_body(fixture("slash_command"), text="start kommer-forbi")
    verifier = SignatureVerifier("hemmelig")

    headers = sign(body, "hemmelig")

    stamp = headers["X-Slack-Request-Timestamp"]
    assert abs(int(stamp) - time.time()) < 5
    assert headers["X-Slack-Signature"] == verifier.generate_signature(timestamp=stamp, body=body)
    assert verifier.is_valid_request(body, headers)
    assert not verifier.is_valid_request(body + b"x", headers)
    assert not SignatureVerifier("forkert").is_valid_request(body, headers)
    assert not verifier.is_valid_request(body, sign(body, "hemmelig", timestamp=int(time.time()) - 301))


def test_request_bodies_are_encoded_as_slack_posts_them() -> None:
    text = 'start "kommer forbi" {"a": 1} & 100% 📚 ' + "x" * 3000

    command = parse_qs(slash_command_body(fixture("slash_command"), command="/outreach", text=text).decode())
    interaction = parse_qs(interaction_body(fixture("block_actions_button")).decode())

    assert command["command"] == ["/outreach"] and command["text"] == [text]
    assert command["team_id"] == ["T111"]
    assert list(interaction) == ["payload"]
    assert json.loads(interaction["payload"][0]) == fixture("block_actions_button")
    assert json.loads(event_body(fixture("event_app_mention"))) == fixture("event_app_mention")


async def test_slack_bolt_accepts_the_signed_requests_built_here(slack: FakeSlack) -> None:
    app = AsyncApp(signing_secret="hemmelig", client=web(slack))
    seen: list[str] = []

    @app.command("/outreach")
    async def command(ack: AsyncAck, command: dict[str, str]) -> None:
        seen.append(command["text"])
        await ack()

    @app.action("button")
    async def click(ack: AsyncAck, action: dict[str, str]) -> None:
        seen.append(action["value"])
        await ack()

    @app.event("app_mention")
    async def mention(event: dict[str, str]) -> None:
        seen.append(event["user"])

    def signed(body: bytes, content_type: str, secret: str = "hemmelig") -> AsyncBoltRequest:
        return AsyncBoltRequest(body=body.decode(), headers={"Content-Type": content_type, **sign(body, secret)})

    form, json_type = "application/x-www-form-urlencoded", "application/json"
    command_body = slash_command_body(fixture("slash_command"), command="/outreach", text="start")
    answers = [
        await app.async_dispatch(signed(command_body, form)),
        await app.async_dispatch(signed(interaction_body(fixture("block_actions_button")), form)),
        await app.async_dispatch(signed(event_body(fixture("event_app_mention")), json_type)),
    ]
    challenge = await app.async_dispatch(signed(event_body(fixture("event_url_verification")), json_type))
    forged = await app.async_dispatch(signed(command_body, form, secret="forkert"))
    await asyncio.sleep(0.1)  # the event listener runs after the ack

    assert [answer.status for answer in answers] == [200, 200, 200]
    assert sorted(seen) == sorted(["start", "clicked", "U111"])
    assert json.loads(challenge.body) == {"challenge": fixture("event_url_verification")["challenge"]}
    assert forged.status == 401
    assert slack.last("auth.test").token == MAIN


# --- fixtures ------------------------------------------------------------------------------------------

FIXTURE_NAMES = sorted(path.stem for path in FIXTURES.glob("*.json"))


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_names_its_source_and_loads_as_a_fresh_copy(name: str) -> None:
    stored = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))

    loaded = fixture(name)
    loaded["changed"] = True

    assert isinstance(stored["_source"], str) and stored["_source"].strip()
    assert "_source" not in loaded
    assert fixture(name) == {key: value for key, value in stored.items() if key != "_source"}
    assert f"`{name}.json`" in (FIXTURES / "README.md").read_text(encoding="utf-8")


def test_the_fixtures_cover_what_the_slack_tests_send() -> None:
    assert set(FIXTURE_NAMES) >= {
        "slash_command",
        "block_actions_button",
        "block_actions_checkboxes",
        "block_actions_static_select",
        "view_submission",
        "view_closed",
        "event_url_verification",
        "event_app_home_opened",
        "event_message_thread_reply",
        "event_message_changed",
        "event_message_deleted",
        "event_bot_message",
        "event_app_mention",
        "event_app_uninstalled",
        "event_tokens_revoked",
        "socket_mode_envelope",
    }
    reply = fixture("event_message_thread_reply")["event"]
    assert reply["thread_ts"] and reply["parent_user_id"]
    submitted = fixture("view_submission")["view"]["state"]["values"]
    assert {value["type"] for block in submitted.values() for value in block.values()} >= {
        "datepicker",
        "plain_text_input",
    }
