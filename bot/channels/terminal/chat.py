"""The terminal chat loop: each line becomes a :class:`Turn`, each reply a few lines.

Lines starting with ``/`` are commands; anything else answers the current question. For a
list question, write one item per line and end with an empty line. After each line, what
has fallen due is delivered here (:class:`TerminalChannel`); while a debrief thread is
open, lines are notes in it until ``/done``.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from itertools import count
from typing import TextIO

from bot.channels.terminal.channel import TerminalChannel
from bot.channels.terminal.render import COMMAND_PREFIX, render
from bot.coach import Coach
from bot.export import logbook_markdown
from bot.i18n import Messages
from bot.reminder_job import make_deliverer
from bot.replies import Actor, ExportReply, QuestionReply, Turn
from bot.richtext import render_plain

PLATFORM = "terminal"
WORKSPACE = "local"


def _lines(stream: TextIO) -> Iterator[str]:
    for line in stream:
        yield line.rstrip("\n")


async def chat(
    coach: Coach,
    user: str,
    lang: str,
    conversation: str = "terminal",
    stdin: TextIO = sys.stdin,
    stdout: TextIO = sys.stdout,
) -> None:
    t = Messages(lang)

    def out(text: str) -> None:
        if text:
            print(text, file=stdout, flush=True)

    base = Turn(platform=PLATFORM, workspace=WORKSPACE, conversation=conversation, actor=Actor(user, user), lang=t.lang)
    channel = TerminalChannel(out, t)
    deliverer = make_deliverer(coach.db, {PLATFORM: channel}, coach.reminders, clock=coach.clock)
    notes = count(1)
    out(render_plain(t("terminal-welcome"), COMMAND_PREFIX))
    pending_kind: str | None = None
    lines = _lines(stdin)
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        if channel.thread is not None and line == "/done":
            turn, channel.thread = replace(base, command="debrief done", thread=channel.thread), None
        elif line.startswith(COMMAND_PREFIX):
            turn = replace(base, command=line)
        elif channel.thread is not None:
            turn = replace(base, text=line, thread=channel.thread, message_id=f"{channel.thread}-{next(notes)}")
        else:
            if pending_kind == "list":
                items = [line]
                for more in lines:
                    if not more.strip():
                        break
                    items.append(more.strip())
                line = "\n".join(items)
            turn = replace(base, text=line)
        outcome = await coach.handle(turn)
        for reply in outcome.replies:
            out(render(reply, t))
            if isinstance(reply, ExportReply):
                book = await coach.logbook(PLATFORM, WORKSPACE, reply.project_id, t.lang, conversation=conversation)
                out(logbook_markdown(book, t))
        questions = [r for r in outcome.replies if isinstance(r, QuestionReply)]
        pending_kind = questions[-1].kind if questions else pending_kind
        await deliverer.run_due()
    out(t.text("terminal-bye"))
