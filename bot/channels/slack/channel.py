"""Slack as a :class:`bot.delivery.Channel`: reminders and debrief threads posted with
``chat.postMessage`` to the conversation's stored address (team and channel).

Slack's answers map onto the outbox's three: the message's ``ts`` is :class:`Sent` (a
debrief's thread hangs on it); a 429, a 5xx, a timeout or Slack's own temporary errors are
:class:`RetryAfter` (with Slack's ``Retry-After``); anything else (the channel archived,
the bot removed, the app uninstalled) is :class:`Failed` with Slack's reason, which the
team sees on the reminder; one that says the channel cannot be reached (:data:`GONE`) is
``gone``, and the outbox asks Slack no more for that channel until someone writes there.
The outbox, not the client, waits out a 429, so one busy channel never holds up the others.
"""

from __future__ import annotations

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack import blocks
from bot.channels.slack.adapter import PLATFORM
from bot.channels.slack.install import Tokens
from bot.delivery import Failed, Result, RetryAfter, Sent, Target
from bot.i18n import Messages
from bot.replies import Reply

TEMPORARY = ("ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout")
GONE = ("channel_not_found", "is_archived", "not_in_channel", "account_inactive")
"""Slack's refusals that say the channel cannot be reached at all (deleted, archived, the
bot removed, the bot's account deactivated), not just that one message was refused."""


class SlackChannel:
    platform = PLATFORM

    def __init__(self, tokens: Tokens, session: aiohttp.ClientSession, api_url: str) -> None:
        self._tokens = tokens
        self._session = session
        self._api_url = api_url
        self._clients: dict[str, AsyncWebClient] = {}

    def _client(self, token: str) -> AsyncWebClient:
        """One client per workspace token, all on the server's one connection pool."""
        client = self._clients.get(token)
        if client is None:
            client = self._clients[token] = AsyncWebClient(token=token, base_url=self._api_url, session=self._session)
        return client

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        address = target.address or {}
        if not replies:
            return Failed("nothing to deliver")
        token = await self._tokens.bot_token(address.get("team"), address.get("enterprise"))
        if token is None:
            return Failed("the Slack app is not installed in this workspace (any longer)")
        message = blocks.message(replies, Messages(target.lang))
        try:
            response = await self._client(token).chat_postMessage(
                channel=str(address.get("channel") or target.conversation),
                thread_ts=target.thread,
                text=message.text,
                blocks=message.blocks,
            )
        except SlackApiError as error:
            return _refused(error)
        except (TimeoutError, aiohttp.ClientError) as error:
            return RetryAfter(f"slack: {type(error).__name__}")
        return Sent(message_id=str(response.get("ts")))


def _refused(error: SlackApiError) -> Result:
    status = error.response.status_code
    reason = str(error.response.get("error") or f"HTTP {status}")
    headers = {key.lower(): value for key, value in (error.response.headers or {}).items()}
    if status == 429:
        return RetryAfter(f"slack: {reason}", _seconds(headers.get("retry-after")))
    if status >= 500 or reason in TEMPORARY:
        return RetryAfter(f"slack: {reason}")
    return Failed(f"slack: {reason}", gone=reason in GONE)


def _seconds(header: object) -> float | None:
    """Slack's ``Retry-After`` (whole seconds); None when absent or unreadable (the outbox backs off)."""
    value = header[0] if isinstance(header, list) and header else header
    try:
        return max(0.0, float(str(value)))
    except ValueError:
        return None
