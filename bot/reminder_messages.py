"""What a reminder says when the outbox posts it, by kind, with buttons to act on it.

- a guide's reminder ("follow up on the mail"): its words, Done / Snooze / Stop;
- a check-back on a step the team said "not yet" to: its words and the step's own
  Done / Not yet, which answer the step, plus Stop;
- a follow-up task: who, what, by when, with Done / Snooze / Stop;
- a stalled project: how long it has been quiet, the way back in (status) and Stop;
- a debrief: the guide's questions, opening the thread the team writes its notes in (in a
  conversation without threads: asking for them as messages), and a button that ends it.
A timing that is only the coach's suggestion says so on the reminder.
"""

from __future__ import annotations

from typing import Literal

from bot.i18n import Messages
from bot.presenter import Presenter
from bot.replies import Action, ActionsReply, AnswerAction, Reply
from bot.richtext import Rich
from flows.model import Text
from storage.outbox import DueNudge

Style = Literal["default", "primary", "danger"]


def compose(due: DueNudge) -> list[Reply]:
    t = Messages(due.lang)
    match due.kind:
        case "debrief-thread":
            return _debrief(due, t)
        case "check-back":
            return _check_back(due, t)
        case "task":
            text = t("reminder-task", project=due.project_name, **_task(due))
        case "stalled":
            text = t("reminder-stalled", project=due.project_name, days=int(due.payload.get("days", 0)))
            look = Action(t.text("reminder-look"), command="status", project_id=due.project_id, style="primary")
            return _post(due, text, [look, _button(t, "reminder-stop", f"reminder stop {due.id}", due)])
        case "logbook":  # the weekly logbook prompt: answered in its thread, or with log
            text = t("reminder", project=due.project_name, message=_about(due, t)) + t("reminder-logbook-how")
        case _:
            text = t("reminder", project=due.project_name, message=_about(due, t))
    buttons = [
        _button(t, "reminder-done", f"reminder done {due.id}", due, "primary"),
        _button(t, "reminder-snooze-day", f"reminder snooze {due.id} 1d", due),
        _button(t, "reminder-snooze-week", f"reminder snooze {due.id} 1w", due),
        _button(t, "reminder-stop", f"reminder stop {due.id}", due, "danger"),
    ]
    return _post(due, text, buttons)


def _check_back(due: DueNudge, t: Messages) -> list[Reply]:
    """Ask again about the step the team is waiting on; its buttons answer that step, so
    one that was answered meanwhile is told the project moved on."""
    step = str(due.payload.get("step", ""))
    text = t("reminder", project=due.project_name, message=_about(due, t))
    buttons = [
        Action(t.text("done"), answer=AnswerAction(step, True), project_id=due.project_id, style="primary"),
        Action(t.text("not-yet"), answer=AnswerAction(step, False), project_id=due.project_id),
        _button(t, "reminder-stop", f"reminder stop {due.id}", due, "danger"),
    ]
    return _post(due, text, buttons)


def _debrief(due: DueNudge, t: Messages) -> list[Reply]:
    """The questions, and how to answer: in the thread this message opens, or, where the
    conversation has no threads (the turn that opened the debrief said so), as messages
    in the conversation until someone says it is done."""
    questions = [Text.model_validate(question) for question in due.payload.get("questions", [])]
    threaded = bool(due.payload.get("threaded", True))
    how = t("reminder-debrief-how" if threaded else "reminder-debrief-how-chat", project=due.project_name)
    text = Presenter(t, {}).debrief(questions, threaded).text + how
    end = Action(t.text("reminder-debrief-end"), command="debrief done", project_id=due.project_id)
    return [ActionsReply(text, [end], thread=due.thread)]


def _post(due: DueNudge, text: Rich, buttons: list[Action]) -> list[Reply]:
    """One message: the words and their buttons together, so a channel can update it in place."""
    if due.payload.get("suggested"):
        text += Messages(due.lang)("nudge-suggested")
    return [ActionsReply(text, buttons, thread=due.thread)]


def _button(t: Messages, label: str, command: str, due: DueNudge, style: Style = "default") -> Action:
    return Action(t.text(label), command=command, project_id=due.project_id, style=style)


def _about(due: DueNudge, t: Messages) -> str:
    return Presenter(t, {}).reminder_about(due.kind, due.payload)


def _task(due: DueNudge) -> dict[str, str]:
    return {"task": str(due.payload.get("task", "")), "owner": str(due.payload.get("owner", ""))}
