"""The terminal chat loop: each line becomes a :class:`Turn`, each reply a few lines.

Lines starting with ``/`` are commands; anything else answers the current question. For a
list question, write one item per line (or several on one line, separated by commas) and
end with an empty line; a command typed instead ends the list unsaved and runs. After each
line, what has fallen due is delivered here (:class:`TerminalChannel`); while a debrief
thread is open, lines are notes in it until ``/done``. Choices are shown as numbered
lines, so the coach names numbers, not buttons, when it cannot read an answer.
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

    base = Turn(
        platform=PLATFORM,
        workspace=WORKSPACE,
        conversation=conversation,
        actor=Actor(user, user),
        lang=t.lang,
        choices_shown_as="numbers",
    )
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
        if pending_kind == "list" and channel.thread is None and not line.startswith(COMMAND_PREFIX):
            items, command = _list_entry(line, lines)
            if command is None:
                line = "\n".join(items)
            else:  # the team typed a command instead of finishing the list: it runs, the list is dropped
                out(t.text("terminal-list-dropped", count=len(items)))
                line = command
        if line in ("/quit", "/exit"):
            break
        if channel.thread is not None and line == "/done":
            turn, channel.thread = replace(base, command="debrief done", thread=channel.thread), None
        elif line.startswith(COMMAND_PREFIX):
            turn = replace(base, command=line)
        elif channel.thread is not None:
            turn = replace(base, text=line, thread=channel.thread, message_id=f"{channel.thread}-{next(notes)}")
        else:
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


def _list_entry(first: str, lines: Iterator[str]) -> tuple[list[str], str | None]:
    """The items of a list answer, read up to an empty line (or the end of input), and the
    command that ended it instead, if one did: a ``/skip`` typed here is meant as ``/skip``,
    never as an item."""
    items = [first]
    for more in lines:
        more = more.strip()
        if not more:
            break
        if more.startswith(COMMAND_PREFIX):
            return items, more
        items.append(more)
    return items, None
