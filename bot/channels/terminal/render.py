"""Replies as plain text lines, commands written as typed here: ``/start <guide>``."""

from __future__ import annotations

from bot.i18n import Messages
from bot.replies import (
    ActionsReply,
    AnsweredReply,
    ExportReply,
    ProgressReply,
    QuestionReply,
    Reply,
    TextReply,
    TipReply,
)
from bot.richtext import render_plain

COMMAND_PREFIX = "/"


def render(reply: Reply, t: Messages) -> str:
    """One reply as text. An export is printed by the chat loop, which fetches the logbook."""
    match reply:
        case TextReply(text=text):
            return render_plain(text, COMMAND_PREFIX)
        case TipReply(text=text):
            return f"💡 {render_plain(text, COMMAND_PREFIX)}"
        case ProgressReply():
            where = t.text("progress", section=reply.section, question=reply.question, questions=reply.questions)
            return f"[{reply.project} · {where}]"
        case QuestionReply():
            lines = [f"❓ {reply.text}"]
            if reply.help:
                lines.append(f"   {reply.help}")
            lines += [f"   {n}. {c.label}" for n, c in enumerate(reply.choices, start=1)]
            lines.append(f"   ({t.text('terminal-hint-' + reply.kind)})")
            if not reply.required:
                lines.append(f"   ({render_plain(t('terminal-hint-skip'), COMMAND_PREFIX)})")
            return "\n".join(lines)
        case AnsweredReply():
            return t.text("terminal-answered", by=reply.by, answer=reply.answer)
        case ActionsReply(text=text, actions=actions):
            lines = [render_plain(text, COMMAND_PREFIX)]
            lines += [f"   {COMMAND_PREFIX}{a.command}  ({a.label})" for a in actions if a.command]
            return "\n".join(lines)
        case ExportReply():
            return ""
    raise AssertionError(f"cannot render {reply!r}")
