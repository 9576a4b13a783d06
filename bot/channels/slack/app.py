"""The Slack app as its own aiohttp sub-app at ``/slack``, and its Socket Mode twin.

``POST /slack/events`` takes slash commands, interactivity and the Events API on one URL.
Its order of work is the point of this module:

1. the signature is checked on the raw bytes (401 when unsigned, wrongly signed or older
   than five minutes), before anything reads the body;
2. the body must be what its content type says (JSON with a ``type``; a form with a
   command, or a ``payload`` of JSON): else 400, never bolt's 500 on a parse error. It
   is read here, once, and handed to bolt as read;
3. bolt dispatches to :class:`~bot.channels.slack.listeners.Listeners`, which ack at once
   and work after; a payload no listener takes is acked (200) and ignored, as Slack
   retries anything else.

``GET /slack/install`` and ``/slack/oauth_redirect`` are bolt's OAuth flow when the app
installs into several workspaces. Socket Mode runs the same bolt app and listeners over
a WebSocket, for development without a public address.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack.adapter import People
from bot.channels.slack.channel import SlackChannel
from bot.channels.slack.install import Installations, SingleWorkspace, Tokens
from bot.channels.slack.listeners import Listeners
from bot.channels.slack.signature import is_signed
from bot.coach import Coach
from bot.config import SlackConfig
from storage.db import Database

log = logging.getLogger(__name__)

PREFIX = "/slack"
MAX_BODY = 1024 * 1024  # Slack's payloads are far smaller; a modal's state is the largest
RATE_LIMIT_RETRIES = 2  # a reply to a person waits out at most this many 429s
STOP_GRACE_SECONDS = 10.0  # how long a stop waits for replies under way


SLACK_CHANNEL = web.AppKey("slack_channel", SlackChannel)


class _SameToken(logging.Filter):
    """Bolt reads ``SLACK_BOT_TOKEN`` itself and, as the app also gets a client, warns that
    the token "will be unused", while the client carries that very token (see
    :func:`slack_app`). The warning would only mislead the admin reading the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


logging.getLogger("slack_bolt.AsyncApp").addFilter(_SameToken())


def _level_set(name: str) -> logging.Logger:
    """A logger of slack_sdk's or bolt's with its level set to the one it inherits.

    Both libraries build their debug lines whenever the logger's *own* level is unset
    (``logger.level <= logging.DEBUG``), whatever the configured level: on every Web API
    call that is a repr of the whole message and of Slack's answer, made and thrown away.
    """
    logger = logging.getLogger(name)
    if logger.level == logging.NOTSET:
        logger.setLevel(logger.getEffectiveLevel())
    return logger


async def slack_app(coach: Coach, config: SlackConfig, db: Database) -> web.Application:
    """The sub-app to mount at :data:`PREFIX`; ``app[SLACK_CHANNEL]`` is its outbox channel."""
    session = aiohttp.ClientSession()  # one connection pool for every Web API call
    client = AsyncWebClient(
        token=None if config.oauth else config.bot_token,  # bolt takes the token from its client
        base_url=config.api_url,
        session=session,
        retry_handlers=[AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)],
        logger=_level_set("slack_sdk.web.async_client"),
    )
    tokens = await workspace_tokens(config, db, prepare=True)
    common: dict[str, Any] = {
        "client": client,
        "request_verification_enabled": False,  # checked on the raw bytes before bolt sees anything
        "process_before_response": True,  # the listeners ack and leave their work running
        "logger": _level_set("slack_bolt.AsyncApp"),
    }
    if isinstance(tokens, Installations):
        bolt = AsyncApp(signing_secret=config.signing_secret, oauth_settings=tokens.oauth_settings(config), **common)
        _forget_on_uninstall(bolt, tokens)
    else:
        bolt = AsyncApp(signing_secret=config.signing_secret or None, **common)
    listeners = Listeners(coach, People())
    listeners.register(bolt)

    app = web.Application(client_max_size=MAX_BODY)
    app[SLACK_CHANNEL] = SlackChannel(tokens, session, config.api_url)
    if config.signing_secret:
        app.router.add_post("/events", _events(bolt, config.signing_secret))
    if config.oauth:
        app.router.add_get("/install", _oauth(bolt, "install"))
        app.router.add_get("/oauth_redirect", _oauth(bolt, "callback"))

    async def lifetime(_app: web.Application) -> AsyncIterator[None]:
        handler = AsyncSocketModeHandler(bolt, config.app_token) if config.socket_mode else None
        if handler is not None:
            await handler.connect_async()
        yield
        if handler is not None:
            await handler.close_async()
        await listeners.drain(STOP_GRACE_SECONDS)  # replies under way still reach Slack
        await session.close()

    app.cleanup_ctx.append(lifetime)
    return app


async def workspace_tokens(config: SlackConfig, db: Database, prepare: bool = False) -> Tokens:
    """Where each workspace's bot token comes from: the installations (OAuth), or the one
    token of the config. ``serve`` prepares the installations' tables; workers starting
    side by side leave that to it, so they never race to create them."""
    if config.oauth:
        installations = Installations(db, config.client_id)
        if prepare:
            await installations.prepare()
        return installations
    return SingleWorkspace(config.bot_token)


def _forget_on_uninstall(bolt: AsyncApp, installations: Installations) -> None:
    """``app_uninstalled`` and ``tokens_revoked``: the workspace's tokens are deleted, all of
    them (bolt's own listener keeps the installation rows on a revoke, token and all)."""

    async def forget(ack: Callable[..., Awaitable[Any]], event: dict[str, Any], context: AsyncBoltContext) -> None:
        await ack()
        if event.get("type") == "tokens_revoked" and not (event.get("tokens") or {}).get("bot"):
            return  # only user tokens went, and this app keeps none
        await installations.forget(context.team_id, context.enterprise_id)
        log.info("slack: a workspace uninstalled the app or revoked its token; its tokens are deleted")

    bolt.event("app_uninstalled")(forget)
    bolt.event("tokens_revoked")(forget)


@asynccontextmanager
async def slack_channel(config: SlackConfig, db: Database) -> AsyncIterator[SlackChannel]:
    """Slack for a process that only delivers reminders (``outreach-coach worker``)."""
    async with aiohttp.ClientSession() as session:
        yield SlackChannel(await workspace_tokens(config, db), session, config.api_url)


def _events(bolt: AsyncApp, secret: str) -> web.Handler:
    async def events(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        if not is_signed(secret, body, request.headers):
            return web.Response(status=401, text="not signed by Slack")
        payload = _read_body(body, request.content_type)
        if isinstance(payload, BadBody):
            log.warning("slack: a signed request refused: %s", payload.reason)
            return web.Response(status=400, text=payload.reason)
        # The body goes to bolt read and checked. Bolt's own reading would take any form
        # that merely contains the word "payload" (a slash command's text) for an
        # interaction and lose it; "socket_mode" is bolt's name for a request whose body
        # comes parsed and whose origin was checked elsewhere, as it was here.
        bolt_request = AsyncBoltRequest(
            body=payload, query=request.query_string, headers=dict(request.headers), mode="socket_mode"
        )
        response = await bolt.async_dispatch(bolt_request)
        if response.status == 404:  # nothing handles it: acked and ignored
            return web.Response(status=200)
        return await to_aiohttp_response(response)

    return events


@dataclass(frozen=True)
class BadBody:
    reason: str


def _read_body(body: bytes, content_type: str) -> dict[str, Any] | BadBody:
    """A signed body as the payload it must be: a JSON object with a ``type`` (events), a
    form with ``payload=<JSON object with a type>`` (interactivity), or a form with a
    ``command`` (slash commands). Anything else is :class:`BadBody`."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return BadBody("the body is not UTF-8 text")
    if content_type == "application/json":
        return _json_object(text) or BadBody("not a JSON object with a type")
    if content_type != "application/x-www-form-urlencoded":
        return BadBody(f"unexpected content type {content_type or 'none'}")
    form = parse_qs(text, keep_blank_values=True)
    if "payload" in form:
        found = _json_object(form["payload"][0]) if len(form["payload"]) == 1 else None
        return found or BadBody("payload is not a JSON object with a type")
    if "command" in form or "ssl_check" in form:
        return {key: values[0] for key, values in form.items()}
    return BadBody("a form without a command or payload")


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) and isinstance(data.get("type"), str) else None


def _oauth(bolt: AsyncApp, step: str) -> web.Handler:
    async def oauth(request: web.Request) -> web.StreamResponse:
        flow = bolt.oauth_flow
        assert flow is not None  # mounted only with OAuth settings
        bolt_request: AsyncBoltRequest = await to_bolt_request(request)
        if step == "install":
            response = await flow.handle_installation(bolt_request)
        else:
            response = await flow.handle_callback(bolt_request)
        return await to_aiohttp_response(response)

    return oauth
