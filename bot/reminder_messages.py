"""What a reminder says when the outbox posts it: the guide's words, and buttons to act on it.

A first version: the reminder's own message in the conversation's language, then Done,
Snooze a day, Snooze a week and Stop as buttons that send ``reminder <action> <id>``
(the commands live in :mod:`bot.handlers`).
"""

from __future__ import annotations

from typing import Literal

from bot.i18n import Messages
from bot.replies import Action, ActionsReply, Reply, TextReply
from storage.outbox import DueNudge

# (label key, the command it sends, button style)
_BUTTONS: tuple[tuple[str, str, Literal["default", "primary", "danger"]], ...] = (
    ("reminder-done", "reminder done {id}", "primary"),
    ("reminder-snooze-day", "reminder snooze {id} 1d", "default"),
    ("reminder-snooze-week", "reminder snooze {id} 1w", "default"),
    ("reminder-stop", "reminder stop {id}", "danger"),
)


def compose(due: DueNudge) -> list[Reply]:
    t = Messages(due.lang)
    message = due.payload.get("message") or {}
    words = message.get(t.lang) or message.get("da") or ""
    actions = [
        Action(t.text(label), command=command.format(id=due.id), project_id=due.project_id, style=style)
        for label, command, style in _BUTTONS
    ]
    return [
        TextReply(t("reminder", project=due.project_name, message=words), thread=due.thread),
        ActionsReply(t("reminder-actions"), actions, thread=due.thread),
    ]
