"""Teams as a :class:`bot.delivery.Channel`: reminders and debriefs sent as proactive
messages (``continue_conversation``) to the conversation reference stored as the
conversation's address.

In a team's channel a message without a thread starts a new post: that is how a debrief
opens the thread its notes go in, and the post's id is the thread. A message for a thread
is a reply in that post. In a chat it is simply the next message.

The Bot Connector's answers map onto the outbox's three: the new message's id is
:class:`Sent`; a 429 (with its ``Retry-After``), a 5xx, a timeout or a refused token is
:class:`RetryAfter`; a 403 or 404 (the bot was removed, the conversation is gone) is
:class:`Failed`, and the conversation is marked gone, so its other reminders stop too.
"""

from __future__ import annotations

import aiohttp
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import ResourceResponse

from bot.channels.teams import PLATFORM
from bot.channels.teams.adapter import reference_of
from bot.channels.teams.cards import message
from bot.channels.teams.connectors import ConnectorRefused
from bot.channels.teams.speaker import activity
from bot.delivery import Failed, Result, RetryAfter, Sent, Target
from bot.i18n import Messages
from bot.replies import Reply

GONE = (403, 404)


class TeamsChannel:
    platform = PLATFORM

    def __init__(self, adapter: CloudAdapter, app_id: str) -> None:
        self._adapter = adapter
        self._app_id = app_id or None

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        if not replies:
            return Failed("nothing to deliver")
        if not target.address or not target.address.get("serviceUrl"):
            return Failed("no Teams address for this conversation (nobody has written to the coach there)")
        reference = reference_of(target.address, target.thread)
        sent: list[ResourceResponse | None] = []

        async def send(context: TurnContext) -> None:
            # botbuilder makes up an event with an id to continue from, and would send the
            # message as a reply to it: a reminder is a message of its own (a new post).
            context.activity.id = None
            sent.append(await context.send_activity(activity(message(replies, Messages(target.lang)))))

        try:
            await self._adapter.continue_conversation(reference, send, bot_app_id=self._app_id)
        except ConnectorRefused as error:
            return _refused(error, f"teams: {error}")
        except (aiohttp.ClientError, TimeoutError) as error:
            return RetryAfter(f"teams: {type(error).__name__}")
        response = sent[0] if sent else None
        return Sent(message_id=response.id if response is not None else None)


def _refused(error: ConnectorRefused, reason: str) -> Result:
    if error.status in GONE:
        return Failed(reason, gone=True)
    if error.status == 429:
        return RetryAfter(reason, _seconds(error.retry_after))
    if error.status == 401 or error.status >= 500:
        return RetryAfter(reason)
    return Failed(reason)


def _seconds(header: object) -> float | None:
    try:
        return max(0.0, float(str(header))) if header is not None else None
    except ValueError:
        return None
