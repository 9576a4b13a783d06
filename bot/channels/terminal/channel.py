"""The terminal as a :class:`bot.delivery.Channel`: what the coach sends on its own (a
reminder that fell due, a debrief thread) is printed between the team's lines.

A message that opens a thread (a debrief) puts the chat into that thread: the lines
typed next are the team's notes in it, until ``/done``.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import count

from bot.channels.terminal.render import render
from bot.delivery import Result, Sent, Target
from bot.i18n import Messages
from bot.replies import Reply


class TerminalChannel:
    platform = "terminal"

    def __init__(self, out: Callable[[str], None], t: Messages) -> None:
        self._out = out
        self._t = t
        self._ids = count(1)
        self.thread: str | None = None  # the thread the team now writes in, if one was opened

    async def deliver(self, target: Target, replies: list[Reply]) -> Result:
        message_id = f"terminal-{next(self._ids)}"
        for reply in replies:
            self._out(render(reply, self._t))
        if target.opens_thread:
            self.thread = message_id
            self._out(self._t.text("terminal-thread"))
        return Sent(message_id=message_id)
