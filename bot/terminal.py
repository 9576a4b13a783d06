"""The coach in a terminal: the same turns and replies as every channel, as plain text.

Lines starting with ``/`` are commands; anything else answers the current question. For a
list question, write one item per line and end with an empty line.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import replace
from typing import TextIO

from bot.coach import Coach
from bot.i18n import Messages
from bot.replies import (
    ActionsReply,
    ExportReply,
    ProgressReply,
    QuestionReply,
    Reply,
    TextReply,
    TipReply,
    Turn,
)

PLATFORM = "terminal"


def render(reply: Reply, t: Messages) -> str:
    match reply:
        case TextReply(text=text):
            return text
        case TipReply(text=text):
            return f"💡 {text}"
        case ProgressReply():
            return f"[{reply.project} · {reply.section_number}/{reply.sections} {reply.section}]"
        case QuestionReply():
            lines = [f"❓ {reply.text}"]
            if reply.help:
                lines.append(f"   {reply.help}")
            lines += [f"   {n}. {c.label}" for n, c in enumerate(reply.choices, start=1)]
            lines.append(f"   ({t('terminal-hint-' + reply.kind)})")
            if not reply.required:
                lines.append(f"   ({t('terminal-hint-skip')})")
            return "\n".join(lines)
        case ActionsReply(text=text, actions=actions):
            return "\n".join([text, *(f"   /{a.value}  ({a.label})" for a in actions)])
        case ExportReply(markdown=markdown):
            return markdown
    raise AssertionError(f"cannot render {reply!r}")


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
    out = lambda text: print(text, file=stdout, flush=True)  # noqa: E731
    base = Turn(platform=PLATFORM, workspace="local", conversation=conversation, user=user, lang=t.lang)
    out(t("terminal-welcome"))
    pending_kind: str | None = None
    lines = _lines(stdin)
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if line in ("/quit", "/exit"):
            break
        if line.startswith("/"):
            turn = replace(base, command=line)
        else:
            if pending_kind == "list":
                items = [line]
                for more in lines:
                    if not more.strip():
                        break
                    items.append(more.strip())
                line = "\n".join(items)
            turn = replace(base, text=line)
        replies = await coach.handle(turn)
        for reply in replies:
            out(render(reply, t))
        questions = [r for r in replies if isinstance(r, QuestionReply)]
        pending_kind = questions[-1].kind if questions else pending_kind
    out(t("terminal-bye"))
