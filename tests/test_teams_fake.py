"""The Teams fakes answer botbuilder as Microsoft would, so the Teams tests that lean on them test
the bot against Teams and not against the fakes' mistakes.

Everything here runs botbuilder 4.17.1's own code (``ConfigurationBotFrameworkAuthentication``,
its connector factory and ``ConnectorClient``, MSAL, the stock ``CloudAdapter``) against
``tests/teams_fake.py``, and pins down how that code behaves where the product has to guard
against it: which exception each bad token raises, when MSAL fetches a token and that it blocks
the event loop, and which malformed requests the stock adapter answers with a 500.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Iterator
from types import SimpleNamespace
from typing import Any

import aiohttp
import jwt
import msal.authority
import pytest
import requests
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from botbuilder.core import InvokeResponse, TurnContext, serializer_helper
from botbuilder.core.teams import TeamsActivityHandler
from botbuilder.integration.aiohttp import CloudAdapter, ConfigurationBotFrameworkAuthentication
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    AdaptiveCardInvokeResponse,
    Attachment,
    ConversationParameters,
    ErrorResponseException,
)
from botbuilder.schema.teams import TeamsChannelAccount
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import AuthenticateRequestResult, MicrosoftAppCredentials
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from msrest.exceptions import DeserializationError

from tests.teams_fake import (
    APP_ID,
    BOT_FRAMEWORK_SCOPE,
    BOT_ID,
    BOT_NAME,
    CARD_CONTENT_TYPE,
    CHANNEL_ID,
    CHANNEL_TOKEN_ISSUER,
    FIXTURES,
    GROUP_CHAT_ID,
    METTE_AAD,
    METTE_ID,
    PERSONAL_CONVERSATION_ID,
    SERVICE_URL_PLACEHOLDER,
    TEAM_ID,
    TENANT_ID,
    FakeConnector,
    FakeIdentity,
    Member,
    fixture,
    fixture_names,
)

PASSWORD = "hemmelig-klient-hemmelighed"
THREAD = f"{CHANNEL_ID};messageid=1700000000000"
METTE = Member(METTE_ID, "Mette Hansen", METTE_AAD, "mette.hansen@bibliotek.dk", "meha@bibliotek.dk")


@pytest.fixture
def identity(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeIdentity]:
    """Microsoft's sign-in with the bot registered, trusted by this process's ``requests``."""
    with FakeIdentity() as fake:
        fake.add_app(APP_ID, PASSWORD)
        for name, value in fake.trust_env().items():
            monkeypatch.setenv(name, value)
        yield fake


@pytest.fixture
def connector(identity: FakeIdentity) -> Iterator[FakeConnector]:
    """The connector as in production: it wants a bearer token from ``identity``."""
    with FakeConnector(identity=identity) as fake:
        yield fake


@pytest.fixture
def open_connector() -> Iterator[FakeConnector]:
    """A connector that asks for no token, as for a bot without credentials."""
    with FakeConnector() as fake:
        yield fake


def authentication(identity: FakeIdentity, **overrides: Any) -> ConfigurationBotFrameworkAuthentication:
    return ConfigurationBotFrameworkAuthentication(identity.configuration(APP_ID, PASSWORD, **overrides))


def claims_of(header: str) -> tuple[dict[str, Any], dict[str, Any]]:
    token = header.removeprefix("Bearer ")
    return jwt.get_unverified_header(token), jwt.decode(token, options={"verify_signature": False})


def message(text: str = "Trin 1 af 9") -> Activity:
    return Activity(type=ActivityTypes.message, text=text)


def anonymous_client(connector: FakeConnector) -> ConnectorClient:
    return ConnectorClient(MicrosoftAppCredentials.empty(), base_url=connector.service_url)


# --- incoming: what the channel sends is what botbuilder accepts ------------------------------------


def test_the_configuration_points_every_authentication_url_at_the_fake(identity: FakeIdentity) -> None:
    config = identity.configuration(APP_ID, PASSWORD)

    inner = ConfigurationBotFrameworkAuthentication(config)._inner

    # Any TO_* attribute switches botbuilder from its public-cloud constants to these values.
    assert type(inner).__name__ == "_ParameterizedBotFrameworkAuthentication"
    assert inner._to_bot_from_channel_open_id_metadata_url == identity.openid_metadata_url
    assert inner._to_bot_from_emulator_open_id_metadata_url == identity.openid_metadata_url
    assert inner._to_bot_from_channel_token_issuer == CHANNEL_TOKEN_ISSUER == "https://api.botframework.com"
    assert inner._to_channel_from_bot_login_url == identity.login_url
    assert inner._to_channel_from_bot_oauth_scope == BOT_FRAMEWORK_SCOPE
    assert identity.login_url.startswith("https://127.0.0.1:") and identity.login_url.endswith("/adfs")


async def test_a_channel_token_is_accepted_with_exactly_the_channels_claims(
    identity: FakeIdentity, connector: FakeConnector
) -> None:
    activity = Activity().deserialize(fixture("channel_mention", serviceUrl=connector.service_url))
    header = identity.channel_token(APP_ID, connector.service_url)

    result: AuthenticateRequestResult = await authentication(identity).authenticate_request(activity, header)

    token_header, claims = claims_of(header)
    assert header.startswith("Bearer ")
    assert set(token_header) == {"alg", "kid", "x5t", "typ"} and token_header["alg"] == "RS256"
    assert set(claims) == {"serviceurl", "nbf", "exp", "iss", "aud"}
    assert result.claims_identity.is_authenticated
    assert result.claims_identity.claims == claims
    assert (claims["aud"], claims["iss"], claims["serviceurl"]) == (APP_ID, CHANNEL_TOKEN_ISSUER, connector.service_url)
    assert claims["exp"] - claims["nbf"] == 3600
    assert result.audience == BOT_FRAMEWORK_SCOPE
    assert result.caller_id is None
    # botbuilder read the metadata and then the keys, from the fake and nowhere else.
    assert identity.metadata_requests == ["/v1/.well-known/openidconfiguration", "/v1/.well-known/keys"]


async def test_the_keys_are_downloaded_once_and_kept_for_the_whole_process(
    identity: FakeIdentity, connector: FakeConnector
) -> None:
    activity = Activity().deserialize(fixture("personal_message", serviceUrl=connector.service_url))
    header = identity.channel_token(APP_ID, connector.service_url)

    for _ in range(3):
        await authentication(identity).authenticate_request(activity, header)

    # A class-level cache keyed by the metadata URL, refreshed once a day (or once an hour for an
    # unknown kid): the reason FakeIdentity's URL is unique per instance.
    assert len(identity.metadata_requests) == 2
    assert identity.openid_metadata_url in JwtTokenExtractor.metadataCache


# Each bad Authorization header, the exception botbuilder's authenticate_request raises for it, and
# a piece of its message. Only PermissionError becomes a 401 in the stock CloudAdapter; the rest are
# 500s (see test_the_stock_cloud_adapter_answers_bad_requests_with_these_statuses).
BAD_HEADERS: list[tuple[str, dict[str, Any] | str | None, type[BaseException], str]] = [
    ("no header at all", None, PermissionError, "Unauthorized Access"),
    ("an empty header, as CloudAdapter passes when there is none", "", AttributeError, "no attribute 'claims'"),
    ("an expired token", {"expired": True}, jwt.ExpiredSignatureError, "Signature has expired"),
    ("another bot's audience", {"audience": "someone-else"}, PermissionError, "Invalid AppId passed on token"),
    ("a foreign issuer", {"issuer": "https://evil.example/"}, PermissionError, "Identity missing"),
    (
        "an Entra issuer, which botbuilder takes for the Emulator",
        {"issuer": "https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/"},
        PermissionError,
        "'ver' claim is required on Emulator Tokens",
    ),
    ("a token signed by another key under the right kid", {"signed_by_stranger": True}, jwt.InvalidSignatureError, ""),
    ("a kid the keys do not list", {"key_id": "unknown-kid"}, IndexError, "list index out of range"),
    ("garbage after Bearer", "Bearer not-a-jwt", jwt.DecodeError, ""),
    ("another scheme", "Basic bWV0dGU6aGVtbWVsaWc=", PermissionError, "Identity missing"),
    (
        "a serviceurl claim for another service",
        {"service_url": "https://smba.trafficmanager.net/emea/"},
        PermissionError,
        "Invalid 'serviceurl' claim",
    ),
    ("no serviceurl claim", {"omit": ("serviceurl",)}, PermissionError, "'serviceurl' claim missing"),
]


@pytest.mark.parametrize(("case", "spoil", "raised", "words"), BAD_HEADERS, ids=[case[0] for case in BAD_HEADERS])
async def test_each_bad_authorization_is_refused_with_this_exception_and_without_the_internet(
    identity: FakeIdentity,
    connector: FakeConnector,
    case: str,
    spoil: dict[str, Any] | str | None,
    raised: type[BaseException],
    words: str,
) -> None:
    activity = Activity().deserialize(fixture("channel_mention", serviceUrl=connector.service_url))
    if isinstance(spoil, dict):
        options = dict(spoil)
        service_url = options.pop("service_url", connector.service_url)
        header: str | None = identity.channel_token(APP_ID, service_url, **options)
    else:
        header = spoil

    started = time.monotonic()
    with pytest.raises(raised) as refusal:
        await asyncio.wait_for(authentication(identity).authenticate_request(activity, header), timeout=10)

    assert type(refusal.value) is raised, f"{case}: {type(refusal.value)}"
    assert words in str(refusal.value)
    assert time.monotonic() - started < 5  # nothing hung; nothing left this machine (DNS fails here)
    assert set(identity.metadata_requests) <= {"/v1/.well-known/openidconfiguration", "/v1/.well-known/keys"}


async def test_without_the_emulator_metadata_url_a_token_from_an_entra_issuer_fails_on_a_missing_url(
    identity: FakeIdentity, connector: FakeConnector
) -> None:
    # Tokens whose issuer is on botbuilder's Emulator list are checked against
    # TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL; left unset it is None, and requests.get(None) fails.
    auth = authentication(identity, TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL=None)
    activity = Activity().deserialize(fixture("channel_mention", serviceUrl=connector.service_url))
    entra = "https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0"

    with pytest.raises(requests.exceptions.MissingSchema):
        await auth.authenticate_request(activity, identity.channel_token(APP_ID, connector.service_url, issuer=entra))


async def test_a_key_not_endorsed_for_msteams_is_refused_with_a_bare_exception(
    monkeypatch: pytest.MonkeyPatch, open_connector: FakeConnector
) -> None:
    with FakeIdentity(endorsements=("webchat",)) as webchat_only:
        monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(webchat_only.ca_bundle))
        activity = Activity().deserialize(fixture("channel_mention", serviceUrl=open_connector.service_url))
        header = webchat_only.channel_token(APP_ID, open_connector.service_url)

        with pytest.raises(Exception) as refusal:
            await authentication(webchat_only).authenticate_request(activity, header)

    assert type(refusal.value) is Exception
    assert str(refusal.value) == "Could not validate endorsement key"


# --- outgoing: the bot's own token, from MSAL --------------------------------------------------------


async def test_with_app_id_and_password_a_reply_carries_a_token_the_identity_issued(
    identity: FakeIdentity, connector: FakeConnector
) -> None:
    activity = Activity().deserialize(fixture("channel_thread_reply", serviceUrl=connector.service_url))
    result = await authentication(identity).authenticate_request(
        activity, identity.channel_token(APP_ID, connector.service_url)
    )

    client = await result.connector_factory.create(connector.service_url, result.audience)
    answer = await client.conversations.reply_to_activity(
        activity.conversation.id, activity.id, message("Tak, jeg har noteret det")
    )

    [reply] = connector.calls("reply")
    [issued] = identity.issued_tokens()
    assert (reply.status, answer.id) == (201, reply.response["id"])
    assert reply.authorization == f"Bearer {issued}"
    assert reply.conversation_id == activity.conversation.id  # arrived URL-encoded, recorded decoded
    claims = identity.verify_bot_token(issued)
    assert (claims["appid"], claims["aud"], claims["ver"]) == (APP_ID, BOT_FRAMEWORK_SCOPE, "1.0")
    # MSAL's requests for the authority ".../adfs": tenant discovery, then the client-credentials grant.
    assert identity.metadata_requests[-1] == "/adfs/.well-known/openid-configuration"
    [grant] = identity.token_requests
    assert grant.tenant == "adfs"
    assert grant.form == {
        "client_id": APP_ID,
        "grant_type": "client_credentials",
        "client_info": "1",
        "scope": f"{BOT_FRAMEWORK_SCOPE}/.default",
    }


async def test_msal_caches_the_token_per_connector_client_but_every_new_client_fetches_again(
    identity: FakeIdentity, connector: FakeConnector
) -> None:
    activity = Activity().deserialize(fixture("personal_message", serviceUrl=connector.service_url))
    result = await authentication(identity).authenticate_request(
        activity, identity.channel_token(APP_ID, connector.service_url)
    )

    first = await result.connector_factory.create(connector.service_url, result.audience)
    for text in ("en", "to", "tre"):
        await first.conversations.send_to_conversation(PERSONAL_CONVERSATION_ID, message(text))
    after_one_client = len(identity.token_requests)
    second = await result.connector_factory.create(connector.service_url, result.audience)
    await second.conversations.send_to_conversation(PERSONAL_CONVERSATION_ID, message("fire"))

    # CloudAdapter makes a new connector client (new MicrosoftAppCredentials, new MSAL app and an
    # empty token cache) for every incoming activity, so every turn pays a discovery and a grant.
    assert after_one_client == 1
    assert len(identity.token_requests) == 2
    assert identity.metadata_requests.count("/adfs/.well-known/openid-configuration") == 2
    assert connector.texts(PERSONAL_CONVERSATION_ID) == ["en", "to", "tre", "fire"]


async def test_the_token_fetch_blocks_the_event_loop(identity: FakeIdentity, connector: FakeConnector) -> None:
    identity.slow_tokens(0.4)
    result = await authentication(identity).authenticate_request(
        Activity().deserialize(fixture("personal_message", serviceUrl=connector.service_url)),
        identity.channel_token(APP_ID, connector.service_url),
    )
    client = await result.connector_factory.create(connector.service_url, result.audience)
    ticks: list[float] = []

    async def tick() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.01)

    ticker = asyncio.create_task(tick())
    await asyncio.sleep(0.05)
    await client.conversations.send_to_conversation(PERSONAL_CONVERSATION_ID, message())
    ticker.cancel()

    # msrest calls the credentials' signed_session synchronously; MSAL's HTTP is requests.
    longest_pause = max(later - earlier for earlier, later in zip(ticks, ticks[1:], strict=False))
    assert longest_pause >= 0.4


async def test_a_wrong_password_surfaces_as_permission_error_when_the_bot_writes(
    identity: FakeIdentity, connector: FakeConnector
) -> None:
    config = identity.configuration(APP_ID, "forkert")
    result = await ConfigurationBotFrameworkAuthentication(config).authenticate_request(
        Activity().deserialize(fixture("personal_message", serviceUrl=connector.service_url)),
        identity.channel_token(APP_ID, connector.service_url),
    )
    client = await result.connector_factory.create(connector.service_url, result.audience)

    with pytest.raises(PermissionError, match="invalid_client"):
        await client.conversations.send_to_conversation(PERSONAL_CONVERSATION_ID, message())

    assert identity.token_requests[-1].status == 401
    assert connector.calls() == []  # nothing reached the connector


async def test_the_real_shaped_authority_sends_msal_to_login_microsoftonline_com_despite_validate_authority_false(
    identity: FakeIdentity, connector: FakeConnector, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def instance_discovery(url: str, http_client: object, endpoint: str, **_: object) -> dict[str, Any]:
        asked.append(endpoint)
        raise requests.exceptions.ConnectionError(f"no network in tests: {endpoint}")

    monkeypatch.setattr(msal.authority, "_instance_discovery", instance_discovery)
    auth = authentication(identity, TO_CHANNEL_FROM_BOT_LOGIN_URL=identity.tenant_login_url(), VALIDATE_AUTHORITY=False)
    result = await auth.authenticate_request(
        Activity().deserialize(fixture("personal_message", serviceUrl=connector.service_url)),
        identity.channel_token(APP_ID, connector.service_url),
    )
    client = await result.connector_factory.create(connector.service_url, result.audience)

    with pytest.raises(requests.exceptions.ConnectionError):
        await client.conversations.send_to_conversation(PERSONAL_CONVERSATION_ID, message())

    assert asked == ["https://login.microsoftonline.com/common/discovery/instance"]
    assert client.config.credentials.validate_authority is False  # stored by botbuilder, never given to MSAL
    assert identity.token_requests == []


def test_msal_refuses_an_http_authority_and_needs_the_fakes_tls(identity: FakeIdentity) -> None:
    with pytest.raises(ValueError, match="should consist of an https url"):
        msal.ConfidentialClientApplication(
            APP_ID, client_credential=PASSWORD, authority=f"http://127.0.0.1:{identity.port}/adfs"
        )

    app = msal.ConfidentialClientApplication(APP_ID, client_credential=PASSWORD, authority=identity.login_url)
    token = app.acquire_token_for_client(scopes=[f"{BOT_FRAMEWORK_SCOPE}/.default"])

    assert identity.verify_bot_token(token["access_token"])["appid"] == APP_ID


# --- the connector --------------------------------------------------------------------------------------


async def test_send_reply_update_and_delete_are_answered_as_the_connector_answers(
    open_connector: FakeConnector,
) -> None:
    client = anonymous_client(open_connector)
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Trin 2"}]}

    sent = await client.conversations.send_to_conversation(THREAD, message("Trin 1"))
    with_card = Activity(type="message", attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=card)])
    replied = await client.conversations.reply_to_activity(THREAD, sent.id, with_card)
    updated = await client.conversations.update_activity(THREAD, sent.id, message("Trin 1 - besvaret"))
    await client.conversations.delete_activity(THREAD, replied.id)

    calls = open_connector.calls()
    assert [(call.method, call.operation, call.status) for call in calls] == [
        ("POST", "send", 201),
        ("POST", "reply", 201),
        ("PUT", "update", 200),
        ("DELETE", "delete", 200),
    ]
    assert calls[1].path == f"/emea/v3/conversations/{THREAD}/activities/{sent.id}"
    assert {call.conversation_id for call in calls} == {THREAD}
    assert (sent.id, replied.id, updated.id) == ("1700000000001", "1700000000002", sent.id)
    assert open_connector.texts(CHANNEL_ID) == ["Trin 1"]  # a channel's id also finds its threads
    assert open_connector.cards(THREAD) == [card]
    assert [(u["id"], u["text"]) for u in open_connector.updates()] == [(sent.id, "Trin 1 - besvaret")]
    assert open_connector.deletes() == [replied.id]
    assert open_connector.message(THREAD, sent.id)["text"] == "Trin 1 - besvaret"
    assert open_connector.message(THREAD, replied.id) is None


async def test_ids_with_colons_at_signs_semicolons_and_equals_arrive_encoded_and_are_recorded_decoded(
    open_connector: FakeConnector,
) -> None:
    encoded = "19%3A8a4c2e6f0b1d4f3a9c5e7b2d4f6a8c0e%40thread.tacv2%3Bmessageid%3D1700000000000"
    async with aiohttp.ClientSession() as session:
        answer = await session.post(
            f"{open_connector.service_url}v3/conversations/{encoded}/activities/1700000000000", json={"type": "message"}
        )

    assert answer.status == 201
    [call] = open_connector.calls()
    assert (call.operation, call.conversation_id, call.activity_id) == ("reply", THREAD, "1700000000000")


async def test_a_new_channel_post_returns_the_thread_and_its_first_message(open_connector: FakeConnector) -> None:
    client = anonymous_client(open_connector)
    parameters = ConversationParameters(
        is_group=True,
        channel_data={"channel": {"id": CHANNEL_ID}},
        activity=message("Opfølgning: mailen blev sendt for en uge siden"),
        tenant_id=TENANT_ID,
    )

    created = await client.conversations.create_conversation(parameters)
    await client.conversations.reply_to_activity(created.id, created.activity_id, message("Svar i tråden"))

    assert created.id == f"{CHANNEL_ID};messageid={created.activity_id}"
    assert open_connector.calls()[0].response == {"id": created.id, "activityId": created.activity_id}
    assert open_connector.texts(CHANNEL_ID) == ["Opfølgning: mailen blev sendt for en uge siden", "Svar i tråden"]


async def test_a_personal_chat_is_the_same_conversation_every_time(open_connector: FakeConnector) -> None:
    client = anonymous_client(open_connector)
    parameters = ConversationParameters(
        is_group=False, bot={"id": BOT_ID}, members=[{"id": METTE_ID}], tenant_id=TENANT_ID
    )

    first = await client.conversations.create_conversation(parameters)
    again = await client.conversations.create_conversation(parameters)

    assert first.id == again.id and first.id.startswith("a:")
    assert first.activity_id is None


async def test_member_lookups_answer_with_teams_member_info(open_connector: FakeConnector) -> None:
    open_connector.add_member(CHANNEL_ID, METTE)
    client = anonymous_client(open_connector)

    # As botbuilder's TeamsInfo.get_member reads the answer.
    found = await client.conversations.get_conversation_member(THREAD, METTE_ID)
    member = TeamsChannelAccount().deserialize(dict(found.serialize(), **found.additional_properties))
    by_aad = await client.conversations.get_conversation_member(CHANNEL_ID, METTE_AAD)
    everyone = await client.conversations.get_conversation_members(CHANNEL_ID)
    with pytest.raises(ErrorResponseException) as missing:
        await client.conversations.get_conversation_member(CHANNEL_ID, "29:nobody")

    assert (member.id, member.name, member.aad_object_id) == (METTE_ID, "Mette Hansen", METTE_AAD)
    assert (member.email, member.user_principal_name) == (METTE.email, METTE.user_principal_name)
    assert member.tenant_id == TENANT_ID
    assert (member.given_name, member.surname, member.user_role) == ("Mette", "Hansen", "user")
    assert by_aad.id == METTE_ID
    assert [m.id for m in everyone] == [METTE_ID]
    assert missing.value.error.error.code == "MemberNotFoundInConversation"
    operations = [call.operation for call in open_connector.calls()]
    assert operations == ["get_member", "get_member", "get_members", "get_member"]


@pytest.mark.parametrize(
    ("status", "code"),
    [
        (403, "BotNotInConversationRoster"),
        (404, "ConversationNotFound"),
        (412, "PreconditionFailed"),
        (429, "Throttled"),
        (500, "ServiceError"),
    ],
)
async def test_a_refusal_carries_the_teams_error_code_and_botbuilder_raises_error_response_exception(
    open_connector: FakeConnector, status: int, code: str
) -> None:
    open_connector.fail(CHANNEL_ID, status)
    client = anonymous_client(open_connector)

    with pytest.raises(ErrorResponseException) as refused:
        await client.conversations.reply_to_activity(THREAD, "1700000000000", message())
    retried = await client.conversations.reply_to_activity(THREAD, "1700000000000", message())

    assert refused.value.response.status_code == status
    assert refused.value.error.error.code == code
    assert refused.value.response.headers.get("Retry-After") == ("1" if status == 429 else None)
    assert retried.id  # the failure was for one request only
    assert [call.status for call in open_connector.calls()] == [status, 201]
    assert open_connector.sent() == [open_connector.calls()[1].body]


async def test_a_bad_gateway_page_is_not_an_error_response_to_botbuilder(open_connector: FakeConnector) -> None:
    open_connector.fail(status=502)

    with pytest.raises(DeserializationError, match="text/html"):
        await anonymous_client(open_connector).conversations.send_to_conversation(THREAD, message())


async def test_failures_can_be_narrowed_to_a_conversation_an_operation_and_a_number_of_requests(
    open_connector: FakeConnector,
) -> None:
    open_connector.fail(GROUP_CHAT_ID, 429, retry_after=30, times=2, operations=("send",))
    client = anonymous_client(open_connector)

    await client.conversations.send_to_conversation(THREAD, message("andetsteds"))
    await client.conversations.update_activity(GROUP_CHAT_ID, "1700000000001", message("opdatering"))
    for _ in range(2):
        with pytest.raises(ErrorResponseException) as limited:
            await client.conversations.send_to_conversation(GROUP_CHAT_ID, message())
        assert limited.value.response.headers["Retry-After"] == "30"
    await client.conversations.send_to_conversation(GROUP_CHAT_ID, message("igennem"))

    assert [call.status for call in open_connector.calls()] == [201, 200, 429, 429, 201]


async def test_a_slow_connector_takes_its_time(open_connector: FakeConnector) -> None:
    open_connector.slow(0.3, CHANNEL_ID)
    client = anonymous_client(open_connector)

    started = time.monotonic()
    await client.conversations.send_to_conversation(THREAD, message())
    slow = time.monotonic() - started
    started = time.monotonic()
    await client.conversations.send_to_conversation(PERSONAL_CONVERSATION_ID, message())

    assert slow >= 0.3
    assert time.monotonic() - started < 0.3


async def test_a_connector_with_an_identity_refuses_what_it_did_not_issue(
    identity: FakeIdentity, connector: FakeConnector
) -> None:
    forged = jwt.encode({"aud": BOT_FRAMEWORK_SCOPE, "appid": APP_ID}, "a key the identity never had, 32+", "HS256")
    async with aiohttp.ClientSession() as session:
        answer = await session.post(
            f"{connector.service_url}v3/conversations/a%3A1/activities",
            json={"type": "message"},
            headers={"Authorization": f"Bearer {forged}"},
        )
        body = await answer.json()
    with pytest.raises(ErrorResponseException) as anonymous:
        await anonymous_client(connector).conversations.send_to_conversation("a:1", message())

    assert (answer.status, body) == (401, {"message": "Authorization has been denied for this request."})
    assert "Unauthorized" in str(anonymous.value)
    refused = [(call.authorization is None, call.status) for call in connector.unauthorized()]
    assert refused == [(False, 401), (True, 401)]
    assert connector.sent() == []


async def test_wait_for_waits_for_what_the_bot_sends_later(open_connector: FakeConnector) -> None:
    client = anonymous_client(open_connector)
    later = asyncio.create_task(client.conversations.send_to_conversation(THREAD, message("senere")))

    arrived = await open_connector.wait_for(1, conversation=CHANNEL_ID)
    await later

    assert arrived[0]["text"] == "senere"
    with pytest.raises(AssertionError, match=r"expected 2 sent activit\(ies\) within 0.1 s"):
        await open_connector.wait_for(2, timeout=0.1)
    open_connector.clear()
    assert open_connector.calls() == []


# --- the stock CloudAdapter, end to end ------------------------------------------------------------------


class RecordingBot(TeamsActivityHandler):
    """Records which of botbuilder's Teams handlers each activity reached, and answers a little."""

    def __init__(self, invoke_value: Any = None, *, answer_with_model: bool = False) -> None:
        self.reached: list[str] = []
        self.invoke_value = invoke_value
        self.answer_with_model = answer_with_model

    def _note(self, name: str) -> None:
        self.reached.append(name)

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        self._note("message")
        await turn_context.send_activity("Modtaget")

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse | None:
        if not self.answer_with_model:
            return await super().on_invoke_activity(turn_context)
        # The way round botbuilder's double serialization: hand CloudAdapter the response model.
        self._note("invoke_activity")
        body = AdaptiveCardInvokeResponse(status_code=200, type=CARD_CONTENT_TYPE, value=self.invoke_value)
        return InvokeResponse(status=200, body=body)

    async def on_adaptive_card_invoke(self, turn_context: TurnContext, invoke_value: Any) -> AdaptiveCardInvokeResponse:
        self._note(f"adaptive_card_invoke:{invoke_value.action['verb']}")  # botbuilder leaves action a dict
        if self.invoke_value is None:
            return await super().on_adaptive_card_invoke(turn_context, invoke_value)  # 501, botbuilder's default
        is_card = isinstance(self.invoke_value, dict)
        content_type = CARD_CONTENT_TYPE if is_card else "application/vnd.microsoft.activity.message"
        return AdaptiveCardInvokeResponse(status_code=200, type=content_type, value=self.invoke_value)

    async def on_teams_message_edit(self, turn_context: TurnContext) -> None:
        self._note("teams_message_edit")

    async def on_teams_message_soft_delete(self, turn_context: TurnContext) -> None:
        self._note("teams_message_soft_delete")

    async def on_reactions_added(self, message_reactions: Any, turn_context: TurnContext) -> None:
        self._note(f"reactions_added:{message_reactions[0].type}")

    async def on_teams_members_added(self, members: Any, team_info: Any, turn_context: TurnContext) -> None:
        self._note(f"teams_members_added:{members[0].id == turn_context.activity.recipient.id}")

    async def on_teams_members_removed(self, members: Any, team_info: Any, turn_context: TurnContext) -> None:
        self._note(f"teams_members_removed:{members[0].id == turn_context.activity.recipient.id}")

    async def on_teams_channel_created(self, channel_info: Any, team_info: Any, turn_context: TurnContext) -> None:
        self._note(f"teams_channel_created:{channel_info.name}")

    async def on_teams_team_renamed(self, team_info: Any, turn_context: TurnContext) -> None:
        self._note(f"teams_team_renamed:{team_info.name}")

    async def on_installation_update_add(self, turn_context: TurnContext) -> None:
        self._note("installation_update_add")

    async def on_installation_update_remove(self, turn_context: TurnContext) -> None:
        self._note("installation_update_remove")

    async def on_unrecognized_activity_type(self, turn_context: TurnContext) -> None:
        self._note(f"unrecognized:{turn_context.activity.type}")


@pytest.fixture
async def bot_server(identity: FakeIdentity) -> AsyncIterator[tuple[TestClient, RecordingBot, list[RecordingBot]]]:
    """The stock CloudAdapter at /api/messages with credentials, as the botbuilder samples mount it;
    ``use`` swaps the bot answering."""
    adapter = CloudAdapter(authentication(identity))
    bots = [RecordingBot()]

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bots[-1])  # type: ignore[return-value]

    app = web.Application()
    app.router.add_route("*", "/api/messages", messages)
    app.router.add_post("/api/post-only", messages)
    async with TestClient(TestServer(app)) as client:
        yield client, bots[-1], bots


EXPECTED_HANDLERS = {
    "channel_mention": "message",
    "channel_thread_reply": "message",
    "personal_message": "message",
    "group_chat_mention": "message",
    "card_submit": "message",
    "adaptive_card_action": "adaptive_card_invoke:submitFeedback",
    "message_update": "teams_message_edit",
    "message_delete": "teams_message_soft_delete",
    "message_reaction": "reactions_added:like",
    "bot_added_to_team": "teams_members_added:True",
    "bot_removed_from_team": "teams_members_removed:True",
    "channel_created": "teams_channel_created:kommer-forbi",
    "team_renamed": "teams_team_renamed:Hovedbiblioteket Udadvendt",
    "installation_add": "installation_update_add",
    "installation_remove": "installation_update_remove",
    "unknown_activity": "unrecognized:futureActivityType",
}


@pytest.mark.parametrize("name", sorted(EXPECTED_HANDLERS))
async def test_every_fixture_reaches_the_teams_handler_meant_for_it(
    name: str, identity: FakeIdentity, connector: FakeConnector, bot_server: Any
) -> None:
    client, bot, _ = bot_server
    activity = fixture(name, serviceUrl=connector.service_url)

    answer = await client.post(
        "/api/messages", json=activity, headers={"Authorization": identity.channel_token(APP_ID, connector.service_url)}
    )

    assert bot.reached == [EXPECTED_HANDLERS[name]]
    assert answer.status == (501 if name == "adaptive_card_action" else 201)
    if bot.reached == ["message"]:
        [reply] = await connector.wait_for(1)
        assert reply["text"] == "Modtaget"
        assert connector.calls()[0].conversation_id == activity["conversation"]["id"]


def _signed(identity: FakeIdentity, connector: FakeConnector, **options: Any) -> dict[str, str]:
    return {"Authorization": identity.channel_token(APP_ID, connector.service_url, **options)}


# What is posted, the status the stock CloudAdapter answers, and - for every 500, each a bug for
# the product to guard against - the exception that escaped CloudAdapter.process.
ADAPTER_CASES: list[tuple[str, int, str | None]] = [
    ("a signed message", 201, None),
    ("a signed invoke the bot does not handle", 501, None),
    ("a signed invoke answered from on_adaptive_card_invoke", 500, "AttributeError"),
    ("a signed invoke answered with a text message, as the Teams docs show it", 500, "SerializationError"),
    ("a signed invoke answered from on_invoke_activity with the response model", 200, None),
    ("a signed activity of an unknown type", 201, None),
    ("a body that is not JSON", 500, "JSONDecodeError"),
    ("JSON that is not an activity", 400, None),
    ("a JSON array", 500, "DeserializationError"),
    ("no Content-Type", 500, "KeyError"),
    ("Content-Type text/plain", 415, None),
    ("no Authorization", 500, "AttributeError"),
    ("an expired token", 500, "ExpiredSignatureError"),
    ("a token for another bot", 401, None),
    ("a garbage token", 500, "DecodeError"),
    ("a token signed by another key", 500, "InvalidSignatureError"),
    ("a GET to a route that hands every method to process", 500, "TypeError"),
    ("a GET to a POST-only route", 405, None),
]


@pytest.mark.parametrize(("case", "status", "escaped"), ADAPTER_CASES, ids=[case[0] for case in ADAPTER_CASES])
async def test_the_stock_cloud_adapter_answers_bad_requests_with_these_statuses(
    case: str,
    status: int,
    escaped: str | None,
    identity: FakeIdentity,
    connector: FakeConnector,
    bot_server: Any,
    caplog: pytest.LogCaptureFixture,
) -> None:
    client, _, bots = bot_server
    url = connector.service_url
    mention = fixture("channel_mention", serviceUrl=url)
    signed = _signed(identity, connector)
    raw = json.dumps(mention).encode()
    invoke = {"json": fixture("adaptive_card_action", serviceUrl=url), "headers": signed}
    card = {"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "Tak"}]}
    requests_by_case: dict[str, dict[str, Any]] = {
        "a signed message": {"json": mention, "headers": signed},
        "a signed invoke the bot does not handle": invoke,
        "a signed invoke answered from on_adaptive_card_invoke": invoke,
        "a signed invoke answered with a text message, as the Teams docs show it": invoke,
        "a signed invoke answered from on_invoke_activity with the response model": invoke,
        "a signed activity of an unknown type": {
            "json": fixture("unknown_activity", serviceUrl=url),
            "headers": signed,
        },
        "a body that is not JSON": {"data": b"{not json", "headers": {**signed, "Content-Type": "application/json"}},
        "JSON that is not an activity": {"json": {"hello": "verden"}, "headers": signed},
        "a JSON array": {"json": [mention], "headers": signed},
        "no Content-Type": {"data": raw, "headers": signed, "skip_auto_headers": ["Content-Type"]},
        "Content-Type text/plain": {"data": raw, "headers": {**signed, "Content-Type": "text/plain"}},
        "no Authorization": {"json": mention},
        "an expired token": {"json": mention, "headers": _signed(identity, connector, expired=True)},
        "a token for another bot": {"json": mention, "headers": _signed(identity, connector, audience="another-bot")},
        "a garbage token": {"json": mention, "headers": {"Authorization": "Bearer garbage"}},
        "a token signed by another key": {
            "json": mention,
            "headers": _signed(identity, connector, signed_by_stranger=True),
        },
    }
    if case == "a signed invoke answered from on_adaptive_card_invoke":
        bots.append(RecordingBot(invoke_value=card))  # ActivityHandler serializes it, CloudAdapter again
    if "text message" in case:
        bots.append(RecordingBot(invoke_value="Tak for svaret"))
    if "response model" in case:
        bots.append(RecordingBot(invoke_value=card, answer_with_model=True))

    if case.startswith("a GET to a route"):
        answer = await client.get("/api/messages")
    elif case.startswith("a GET"):
        answer = await client.get("/api/post-only")
    else:
        answer = await client.post("/api/messages", **requests_by_case[case])

    assert answer.status == status, await answer.text()
    errors = [record.exc_info[0].__name__ for record in caplog.records if record.exc_info and record.exc_info[0]]
    assert errors == ([escaped] if escaped else [])
    if status == 200:
        assert await answer.json() == {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def test_activity_handler_serializes_an_invoke_response_that_cloud_adapter_then_serializes_again() -> None:
    response = AdaptiveCardInvokeResponse(status_code=200, type=CARD_CONTENT_TYPE, value={"type": "AdaptiveCard"})

    from_handler = TeamsActivityHandler._create_invoke_response(response)

    assert isinstance(from_handler.body, dict)  # already serialized by ActivityHandler
    assert serializer_helper(response) == from_handler.body
    with pytest.raises(AttributeError, match="is_xml_model"):
        serializer_helper(from_handler.body)  # what CloudAdapter.process does with it


async def test_without_an_app_id_no_authorization_is_needed_and_replies_carry_no_token(
    open_connector: FakeConnector,
) -> None:
    # The plain configuration: only APP_ID/APP_PASSWORD, empty - botbuilder's public-cloud defaults.
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(SimpleNamespace(APP_ID="", APP_PASSWORD="")))
    bot = RecordingBot()

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)  # type: ignore[return-value]

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    async with TestClient(TestServer(app)) as client:
        activity = fixture("personal_message", serviceUrl=open_connector.service_url)
        answer = await client.post("/api/messages", json=activity)

    [reply] = await open_connector.wait_for(1)
    assert answer.status == 201
    assert reply["text"] == "Modtaget"
    assert open_connector.calls()[0].authorization is None


async def test_without_an_app_id_the_fake_identity_configuration_answers_500_to_a_request_without_authorization(
    identity: FakeIdentity, open_connector: FakeConnector
) -> None:
    # identity.configuration() without an app id sets the TO_* URLs, which selects botbuilder's
    # parameterized authentication; that one treats CloudAdapter's "" header as a token.
    adapter = CloudAdapter(ConfigurationBotFrameworkAuthentication(identity.configuration()))

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, RecordingBot())  # type: ignore[return-value]

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    async with TestClient(TestServer(app)) as client:
        activity = fixture("personal_message", serviceUrl=open_connector.service_url)
        answer = await client.post("/api/messages", json=activity)

    assert answer.status == 500
    assert open_connector.calls() == []


async def test_without_an_app_id_any_token_still_sends_botbuilder_to_login_botframework_com(
    open_connector: FakeConnector, identity: FakeIdentity, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []

    def offline_get(url: str, *args: object, **kwargs: object) -> None:
        asked.append(url)
        raise requests.exceptions.ConnectionError(f"no network in tests: {url}")

    monkeypatch.setattr("botframework.connector.auth.jwt_token_extractor.requests.get", offline_get)
    auth = ConfigurationBotFrameworkAuthentication(SimpleNamespace(APP_ID="", APP_PASSWORD=""))
    activity = Activity().deserialize(fixture("personal_message", serviceUrl=open_connector.service_url))

    with pytest.raises(requests.exceptions.ConnectionError):
        await auth.authenticate_request(activity, identity.channel_token(APP_ID, open_connector.service_url))

    assert asked == ["https://login.botframework.com/v1/.well-known/openidconfiguration"]


# --- fixtures ---------------------------------------------------------------------------------------------

FIXTURE_NAMES = fixture_names()


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_every_fixture_names_its_source_and_loads_as_a_fresh_copy(name: str) -> None:
    stored = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))

    loaded = fixture(name, serviceUrl="https://smba.trafficmanager.net/emea/")
    loaded["changed"] = True
    again = fixture(name)

    assert isinstance(stored["_source"], str)
    assert stored["_source"].startswith(("microsoft/", "MicrosoftDocs/"))
    assert stored["serviceUrl"] == SERVICE_URL_PLACEHOLDER
    assert "_source" not in again and "changed" not in again
    assert loaded["serviceUrl"] == "https://smba.trafficmanager.net/emea/"
    assert again == {key: value for key, value in stored.items() if key != "_source"}
    assert stored["channelId"] == "msteams"
    assert stored["recipient"] == {"id": BOT_ID, "name": BOT_NAME}
    assert TENANT_ID in json.dumps(stored["channelData"])
    parsed = Activity().deserialize(loaded)
    assert (parsed.type, parsed.service_url, parsed.conversation.id) == (
        stored["type"],
        loaded["serviceUrl"],
        stored["conversation"]["id"],
    )


def test_the_fixtures_cover_what_the_teams_tests_send() -> None:
    assert set(FIXTURE_NAMES) >= set(EXPECTED_HANDLERS)

    mention = fixture("channel_mention")
    assert mention["text"].startswith(f"<at>{BOT_NAME}</at>")
    bot_mention = {"type": "mention", "text": f"<at>{BOT_NAME}</at>", "mentioned": {"id": BOT_ID, "name": BOT_NAME}}
    assert bot_mention in mention["entities"]
    assert mention["channelData"]["team"] == {"id": TEAM_ID}
    assert mention["channelData"]["channel"] == {"id": CHANNEL_ID}
    assert mention["conversation"]["id"] == f"{CHANNEL_ID};messageid={mention['id']}"  # a new post

    reply = fixture("channel_thread_reply")
    thread, _, root = reply["conversation"]["id"].partition(";messageid=")
    assert (thread, reply["conversation"]["conversationType"]) == (CHANNEL_ID, "channel")
    assert root and root != reply["id"]  # a reply, not the thread's first post

    assert fixture("personal_message")["conversation"]["conversationType"] == "personal"
    group = fixture("group_chat_mention")
    assert (group["conversation"]["id"], group["conversation"]["conversationType"]) == (GROUP_CHAT_ID, "groupChat")
    assert any(entity.get("mentioned", {}).get("id") == BOT_ID for entity in group["entities"])

    invoke = fixture("adaptive_card_action")
    assert (invoke["type"], invoke["name"]) == ("invoke", "adaptiveCard/action")
    assert invoke["value"]["action"]["type"] == "Action.Execute"
    assert invoke["value"]["action"]["verb"] and invoke["value"]["action"]["data"]
    submit = fixture("card_submit")
    assert submit["type"] == "message" and submit["value"] and "text" not in submit

    assert fixture("message_update")["channelData"]["eventType"] == "editMessage"
    assert fixture("message_delete")["channelData"]["eventType"] == "softDeleteMessage"
    assert fixture("message_reaction")["reactionsAdded"] == [{"type": "like"}]
    added, removed = fixture("bot_added_to_team"), fixture("bot_removed_from_team")
    assert (added["channelData"]["eventType"], added["membersAdded"]) == ("teamMemberAdded", [{"id": BOT_ID}])
    assert (removed["channelData"]["eventType"], removed["membersRemoved"]) == ("teamMemberRemoved", [{"id": BOT_ID}])
    assert fixture("channel_created")["channelData"]["eventType"] == "channelCreated"
    assert fixture("team_renamed")["channelData"]["eventType"] == "teamRenamed"
    assert [fixture(f"installation_{a}")["action"] for a in ("add", "remove")] == ["add", "remove"]
    assert fixture("unknown_activity")["type"] not in {member.value for member in ActivityTypes}


def test_the_fake_world_ids_have_the_real_shapes() -> None:
    assert f"28:{APP_ID}" == BOT_ID and len(APP_ID) == 36
    assert CHANNEL_ID.startswith("19:") and CHANNEL_ID.endswith("@thread.tacv2")
    assert GROUP_CHAT_ID.endswith("@thread.v2")
    assert PERSONAL_CONVERSATION_ID.startswith("a:1")
    assert METTE_ID.startswith("29:1")
    assert TEAM_ID.startswith("19:") and TEAM_ID.endswith("@thread.tacv2")
