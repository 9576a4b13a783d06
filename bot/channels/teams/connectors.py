"""Bot Framework authentication, and connector clients that are made once and kept.

The stock ``CloudAdapter`` makes, for every activity, new app credentials, a new
``ConnectorClient`` with a fresh msrest configuration, and sends each reply through
``requests`` in a thread pool: a bare echo bot manages about 50 activities a second. Here
the same botbuilder parts are used, arranged to be reused:

- :class:`TeamsAuthentication` checks every request the stock way (botbuilder's
  ``ConfigurationBotFrameworkAuthentication``: the Bot Framework's token, its signing keys,
  issuer, audience and service URL claim) and hands every turn the same
  :class:`Connectors`;
- :class:`Connectors` keeps one ``ConnectorClient`` per service URL and audience, all
  sending through one aiohttp ``ClientSession`` (one connection pool), on the event loop;
- the bot's own token (MSAL, which is synchronous) is fetched in a thread and reused
  until :data:`TOKEN_REUSE_SECONDS` have passed; MSAL itself renews it before it expires;
- a turn's messages (send, reply, update) go out as JSON the coach serialises itself
  (:mod:`bot.channels.teams.activity_json`); everything else a connector client does is
  botbuilder's own;
- the Bot Framework's signing keys, which botbuilder downloads with a blocking
  ``requests.get`` (no timeout) when its copy is a day old, are downloaded in a thread at
  start and every hour (:meth:`TeamsAuthentication.refresh_keys`), so a request never
  waits on Microsoft.

Without an app id (the Bot Framework Emulator's mode) no token is checked or sent: a
request's ``Authorization`` header is ignored, as botbuilder would otherwise fetch keys
to check a token nobody asked for.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from functools import partial
from types import SimpleNamespace
from typing import Any
from urllib.parse import quote

import aiohttp
from botbuilder.integration.aiohttp import (
    ConfigurationBotFrameworkAuthentication,
    ConfigurationServiceClientCredentialFactory,
)
from botbuilder.schema import Activity, ResourceResponse
from botframework.connector.about import __version__ as connector_version
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import (
    AppCredentials,
    AuthenticateRequestResult,
    AuthenticationConstants,
    BotFrameworkAuthentication,
    ClaimsIdentity,
    ConnectorFactory,
    JwtTokenExtractor,
    MicrosoftAppCredentials,
    UserTokenClient,
)
from botframework.connector.bot_framework_sdk_client_async import BotFrameworkConnectorConfiguration
from botframework.connector.skills import BotFrameworkClient
from msrest.pipeline import AsyncHTTPPolicy, AsyncPipeline, Request, Response
from msrest.pipeline.aiohttp import AioHTTPSender
from msrest.pipeline.universal import RawDeserializer
from msrest.universal_http import ClientRequest
from msrest.universal_http.aiohttp import AioHttpClientResponse
from msrest.universal_http.aiohttp import AioHTTPSender as AioHTTPDriver

from bot.channels.teams.activity_json import wire
from bot.config import TeamsConfig

USER_AGENT = f"Microsoft-BotFramework/3.1 (BotBuilder Python/{connector_version}) outreach-coach"
TOKEN_REUSE_SECONDS = 600.0  # MSAL's own cache answers within this; it renews 5 minutes before expiry
KEYS_TIMEOUT = 30.0
KEYS_EVERY_SECONDS = 3600.0  # botbuilder refreshes, blocking, once its copy is a day old

log = logging.getLogger(__name__)
_NO_CREDENTIALS = MicrosoftAppCredentials.empty()


def botbuilder_settings(config: TeamsConfig) -> SimpleNamespace:
    """The configuration object botbuilder reads (its attribute names), from ours."""
    settings: dict[str, Any] = {
        "APP_ID": config.app_id or None,
        "APP_PASSWORD": config.app_password or None,
        "APP_TYPE": config.app_type,
        "APP_TENANTID": config.tenant_id or None,
    }
    if config.openid_metadata_url or config.token_issuer or config.login_url:
        # Any of these makes botbuilder use its parameterised authentication, which
        # needs every value: the public cloud's, but for those given.
        settings |= {
            "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL": config.openid_metadata_url
            or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
            # Where the keys are described is one place in a cloud of one's own (or a test).
            "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL": config.openid_metadata_url
            or AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
            "TO_BOT_FROM_CHANNEL_TOKEN_ISSUER": config.token_issuer
            or AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
            "TO_CHANNEL_FROM_BOT_LOGIN_URL": login_url(config),
            "TO_CHANNEL_FROM_BOT_OAUTH_SCOPE": AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE,
        }
    return SimpleNamespace(**settings)


def login_url(config: TeamsConfig) -> str:
    return config.login_url or AuthenticationConstants.TO_CHANNEL_FROM_BOT_LOGIN_URL


class _Token:
    """The bot's own bearer token for the connector, fetched off the event loop."""

    def __init__(self, credentials: AppCredentials, clock: Any = time.monotonic) -> None:
        self._credentials = credentials
        self._clock = clock
        self._token: str | None = None
        self._fresh_until = 0.0
        self._lock = asyncio.Lock()

    async def get(self) -> str:
        if self._token is not None and self._clock() < self._fresh_until:
            return self._token
        async with self._lock:
            if self._token is None or self._clock() >= self._fresh_until:
                self._token = await asyncio.to_thread(self._credentials.get_access_token)
                self._fresh_until = self._clock() + TOKEN_REUSE_SECONDS
        return self._token


class _Bearer(AsyncHTTPPolicy):  # type: ignore[misc]  # msrest is untyped
    def __init__(self, token: _Token | None) -> None:
        super().__init__()
        self._token = token

    async def send(self, request: Request, **kwargs: Any) -> Response:
        if self._token is not None:
            request.http_request.headers["Authorization"] = f"Bearer {await self._token.get()}"
        return await self.next.send(request, **kwargs)


class _SharedSession(AioHTTPDriver):  # type: ignore[misc]
    """msrest's aiohttp driver on the server's session. msrest's own makes a session of its
    own and sends neither the request's headers nor its body."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def send(self, request: ClientRequest, **config: Any) -> AioHttpClientResponse:
        sent = await self._session.request(
            request.method, request.url, headers=dict(request.headers), data=request.data
        )
        response = AioHttpClientResponse(request, sent)
        await response.load_body()
        return response

    async def __aenter__(self) -> _SharedSession:
        return self

    async def __aexit__(self, *exc_details: Any) -> None:
        return None  # the session belongs to the server, which closes it


class _Pipeline(AsyncPipeline):  # type: ignore[misc]
    def __init__(
        self, config: BotFrameworkConnectorConfiguration, *, session: aiohttp.ClientSession, token: _Token | None
    ) -> None:
        policies = [config.user_agent_policy, _Bearer(token), RawDeserializer(), config.http_logger_policy]
        super().__init__(policies, AioHTTPSender(driver=_SharedSession(session)))


class ConnectorRefused(Exception):
    """The connector answered a message with an error: its status, its error code
    ("BotNotInConversationRoster", "ConversationNotFound", "Throttled") and ``Retry-After``."""

    def __init__(self, status: int, code: str, retry_after: str | None) -> None:
        super().__init__(f"HTTP {status} {code}".strip())
        self.status = status
        self.code = code
        self.retry_after = retry_after


class _Conversations:
    """A connector client's conversation operations, with the three a turn uses most
    (send, reply, update) sent as plain JSON on the shared session."""

    def __init__(self, inner: Any, session: aiohttp.ClientSession, base_url: str, token: _Token | None) -> None:
        self._inner = inner
        self._session = session
        self._base = base_url.rstrip("/")
        self._token = token

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    async def send_to_conversation(self, conversation_id: str, activity: Activity) -> ResourceResponse:
        return await self._send("POST", f"/v3/conversations/{quote(conversation_id, safe='')}/activities", activity)

    async def reply_to_activity(self, conversation_id: str, activity_id: str, activity: Activity) -> ResourceResponse:
        path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        return await self._send("POST", path, activity)

    async def update_activity(self, conversation_id: str, activity_id: str, activity: Activity) -> ResourceResponse:
        path = f"/v3/conversations/{quote(conversation_id, safe='')}/activities/{quote(activity_id, safe='')}"
        return await self._send("PUT", path, activity)

    async def _send(self, method: str, path: str, activity: Activity) -> ResourceResponse:
        headers = {"Content-Type": "application/json; charset=utf-8", "User-Agent": USER_AGENT}
        if self._token is not None:
            headers["Authorization"] = f"Bearer {await self._token.get()}"
        body = json.dumps(wire(activity), ensure_ascii=False).encode()
        async with self._session.request(method, self._base + path, data=body, headers=headers) as response:
            answer = await response.read()
            if response.status >= 400:
                raise ConnectorRefused(response.status, _error_code(answer), response.headers.get("Retry-After"))
        found = _json(answer)
        return ResourceResponse(id=found.get("id") if isinstance(found, dict) else None)


def _json(body: bytes) -> Any:
    try:
        return json.loads(body) if body else None
    except ValueError:
        return None


def _error_code(body: bytes) -> str:
    """The Bot Framework's ``{"error": {"code": ...}}``, if the answer is one."""
    found = _json(body)
    error = found.get("error") if isinstance(found, dict) else None
    code = error.get("code") if isinstance(error, dict) else None
    return str(code)[:100] if isinstance(code, str) else ""


class Connectors(ConnectorFactory):  # type: ignore[misc]
    """One connector client per service URL and audience, for the one app id of this bot."""

    def __init__(self, config: TeamsConfig, session: aiohttp.ClientSession) -> None:
        self._config = config
        self._session = session
        self._credentials = ConfigurationServiceClientCredentialFactory(botbuilder_settings(config))
        self._tokens: dict[str, _Token | None] = {}
        self._clients: dict[tuple[str, str], ConnectorClient] = {}

    async def create(self, service_url: str, audience: str | None = None) -> ConnectorClient:
        audience = audience or AuthenticationConstants.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE
        client = self._clients.get((service_url, audience))
        if client is None:
            token = await self._token(audience)
            pipeline = partial(_Pipeline, session=self._session, token=token)
            # The credentials go in the pipeline (_Bearer); msrest only insists on an object here.
            client = ConnectorClient(_NO_CREDENTIALS, base_url=service_url, pipeline_type=pipeline)
            client.config.add_user_agent(USER_AGENT)
            client.conversations = _Conversations(client.conversations, self._session, service_url, token)
            self._clients[(service_url, audience)] = client
        return client

    async def _token(self, audience: str) -> _Token | None:
        """No token without an app id (the Emulator's mode); else one per audience."""
        if not self._config.app_id:
            return None
        if audience not in self._tokens:
            credentials = await self._credentials.create_credentials(
                self._config.app_id, audience, login_url(self._config), True
            )
            self._tokens[audience] = _Token(credentials)
        return self._tokens[audience]


class TeamsAuthentication(BotFrameworkAuthentication):  # type: ignore[misc]
    """botbuilder's configured authentication, with :class:`Connectors` for every turn."""

    def __init__(self, config: TeamsConfig, session: aiohttp.ClientSession) -> None:
        self._settings = botbuilder_settings(config)
        self._inner = ConfigurationBotFrameworkAuthentication(self._settings)
        self._checks_tokens = config.authenticated
        self.connectors = Connectors(config, session)
        self._user_tokens: UserTokenClient | None = None

    async def authenticate_request(self, activity: Activity, auth_header: str) -> AuthenticateRequestResult:
        result = await self._inner.authenticate_request(activity, auth_header if self._checks_tokens else "")
        result.connector_factory = self.connectors
        return result

    async def refresh_keys(self) -> None:
        """Download the signing keys into botbuilder's own cache, off the event loop; a
        failure is left for the next hour (botbuilder's copy is good for a day)."""
        if not self._checks_tokens:
            return
        urls = (
            getattr(self._settings, "TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL", None)
            or AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
            getattr(self._settings, "TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL", None)
            or AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
        )
        for url in dict.fromkeys(urls):  # one fetch when both are the same place
            metadata = JwtTokenExtractor.get_open_id_metadata(url)
            try:
                await asyncio.wait_for(asyncio.to_thread(asyncio.run, metadata._refresh()), KEYS_TIMEOUT)
            except Exception as error:  # noqa: BLE001 - Microsoft unreachable: botbuilder's copy stays
                log.warning("teams: could not download the Bot Framework's signing keys from %s: %s", url, error)

    async def authenticate_streaming_request(
        self, auth_header: str, channel_id_header: str
    ) -> AuthenticateRequestResult:
        raise PermissionError("streaming is not offered")

    def create_connector_factory(self, claims_identity: ClaimsIdentity) -> ConnectorFactory:
        return self.connectors

    async def create_user_token_client(self, claims_identity: ClaimsIdentity) -> UserTokenClient:
        """The adapter asks on every turn; the coach signs nobody in, so one client is made
        the first time and kept (the stock one makes new credentials each time)."""
        if self._user_tokens is None:
            self._user_tokens = await self._inner.create_user_token_client(claims_identity)
        return self._user_tokens

    def create_bot_framework_client(self) -> BotFrameworkClient:
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str) -> ClaimsIdentity:
        return await self._inner.authenticate_channel_request(auth_header)
