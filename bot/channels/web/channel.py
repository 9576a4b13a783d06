"""The browser chat as a :class:`bot.delivery.Channel`: how the coach writes to a room on
its own (a reminder, a debrief thread, a check-back).

A delivery is published to the room through the :class:`Hub`: every page open in the
room shows it at once, and it joins the room's recent history, so a page opened later
shows it too. That is why a delivery while no page is open still counts as
:class:`Sent`: the message waits in the room for the next page load, as a Slack message
waits in its channel. The history lives in the server's memory (see
:mod:`bot.channels.web.hub`), which suits the browser chat: the single-process way to
try the coach.
"""

from __future__ import annotations

import secrets
from dataclasses import replace

from aiohttp import web

from bot.channels.web.adapter import PLATFORM
from bot.channels.web.hub import Hub
from bot.channels.web.render import render
from bot.delivery import Failed, Result, Sent, Target
from bot.replies import Reply

ACTOR_PREFIX = f"{PLATFORM}:"  # the adapter's actor ids are ``web:<name>``


class WebChannel:
    """Delivers to browser chat rooms; ``target.conversation`` is the room's name."""

    platform = PLATFORM

    def __init__(self, hub: Hub) -> None:
        self._hub = hub

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        """Post ``replies`` to the room as one message with a fresh id.

        Replies go into ``target.thread`` unless they name a thread of their own. The id
        returned is the message's: when the message opens a debrief, it is the thread id
        that the replies written in it carry.
        """
        if not replies:
            return Failed("nothing to deliver")
        message_id = f"web-{secrets.token_hex(8)}"
        if target.thread:
            replies = [reply if reply.thread else replace(reply, thread=target.thread) for reply in replies]
        event = {
            "type": "delivered",
            "message_id": message_id,
            "recipient": target.recipient.removeprefix(ACTOR_PREFIX) if target.recipient else None,
            "replies": render(replies, {}),
        }
        self._hub.publish(target.conversation, None, event)
        return Sent(message_id=message_id)


WEB_CHANNEL = web.AppKey("web_channel", WebChannel)
