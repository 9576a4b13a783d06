"""Word the coach's state as neutral replies, in the team's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton
from babel.lists import format_list

from bot.i18n import Keyword, Messages
from bot.replies import (
    Action,
    ActionsReply,
    AnsweredReply,
    Audience,
    Choice,
    ChoiceForm,
    ProgressReply,
    QuestionReply,
    Reply,
    TextReply,
    TipReply,
    question_key,
)
from bot.richtext import Line, Rich, Span, items, line, numbered, paragraph
from flows import engine
from flows.dates import DateReading
from flows.engine import FlowState
from flows.model import Guide, PromptKind, Step, Text
from storage.models import JournalEntry, NudgeRow, Project


class Presenter:
    def __init__(self, t: Messages, guides: dict[str, Guide]) -> None:
        self.t = t
        self.lang = t.lang
        self.guides = guides

    def text(self, text: Text) -> str:
        return text.get(self.lang)

    # --- guides and projects -------------------------------------------------------------

    def guide_list(self) -> list[Reply]:
        lines = [
            line(Span(g.id, "strong"), f": {self.text(g.title)}. {self.text(g.summary)}") for g in self.guides.values()
        ]
        actions = [Action(self.text(g.title), command=f"start {g.id}") for g in self.guides.values()]
        return [
            TextReply(self.t("guides-header") + items(lines), audience="asker"),
            ActionsReply(self.t("guides-start"), actions, audience="asker"),
        ]

    def project_list(self, projects: Sequence[Project]) -> Reply:
        lines = []
        for index, project in enumerate(projects):
            guide = self.guides.get(project.guide_id)
            status = self.t.text("project-finished" if project.finished else "project-active")
            words = self.t.text(
                "project-line-current" if index == 0 else "project-line",
                number=str(project.id),
                project=project.name,
                guide=self.text(guide.title) if guide else project.guide_id,
                status=status,
            )
            lines.append(line(words))
        return TextReply(self.t("projects-header") + items(lines) + self.t("projects-switch-hint"), audience="asker")

    # --- where the team stands -----------------------------------------------------------

    def where(self, project: Project, guide: Guide, state: FlowState, entering: bool) -> list[Reply]:
        current = engine.current_step(guide, state)
        paused = engine.paused_at(guide, state)
        if paused is not None:
            resume = Action(self.t.text("paused-resume"), command="resume", project_id=project.id, style="primary")
            return [ActionsReply(self.t("project-paused", project=project.name), [resume])]
        if current is None:
            return [TextReply(self.t("project-done", project=project.name))]
        step = guide.step(current)
        section = guide.section_of(step.id)
        replies: list[Reply] = [self.progress(project, guide, state, current)]
        if entering:
            heading = paragraph(line(Span(self.text(section.title), "strong")))
            replies.append(TextReply(heading + (Rich.text(self.text(section.intro)) if section.intro else Rich(()))))
            replies += [TipReply(Rich.text(self.text(tip))) for tip in section.tips]
        replies += [TipReply(Rich.text(self.text(tip))) for tip in step.tips]
        if engine.waiting_for(guide, state) == step.id:
            since = self.day(date.fromisoformat(state.waiting[step.id]))
            replies.append(TextReply(self.t("waiting-status", question=self.text(step.text), since=since)))
        replies.append(self.question(project, step, state.answers.get(step.id)))
        return replies

    def progress(self, project: Project, guide: Guide, state: FlowState, current: str) -> ProgressReply:
        """Where the team is: the section by the document's own name, and the question's
        place among the questions on their path ("12 af 31")."""
        path = engine.expected_path(guide, state)
        return ProgressReply(
            project_id=project.id,
            project=project.name,
            guide=self.text(guide.title),
            section=self.text(guide.section_of(current).title),
            question=path.index(current) + 1,
            questions=len(path),
        )

    def question(self, project: Project, step: Step, current: Any) -> QuestionReply:
        if step.kind is PromptKind.CONFIRM and step.wait is not None:
            choices = [Choice("true", self.t.text("done")), Choice("false", self.t.text("not-yet"))]
        elif step.kind is PromptKind.CONFIRM:
            choices = [Choice("true", self.t.text("yes")), Choice("false", self.t.text("no"))]
        else:
            choices = [Choice(o.id, self.text(o.label)) for o in step.options]
        return QuestionReply(
            project_id=project.id,
            step=step.id,
            kind="dates" if step.many else step.kind.value,
            text=self.text(step.text),
            help=self.text(step.help) if step.help else None,
            choices=choices,
            required=step.required,
            min_items=step.min_items,
            max_items=step.max_items,
            current=current,
        )

    def answered(self, project: Project, step: Step, answer: str, by: str) -> AnsweredReply:
        """The question as answered, replacing the question itself where the channel can."""
        return AnsweredReply(
            project_id=project.id,
            step=step.id,
            question=self.text(step.text),
            answer=answer,
            by=by,
            replaces=question_key(project.id, step.id),
        )

    def answers(self, project: Project, guide: Guide, state: FlowState) -> list[Reply]:
        path = engine.active_path(guide, state)
        on_path = [s for s in path if s in state.answers]
        if not on_path:
            return [TextReply(self.t("answers-none", project=project.name), audience="asker")]
        listed = [(guide.number(s), self._answer_line(guide.step(s), state.answers[s])) for s in on_path]
        text = self.t("answers-header", project=project.name) + numbered(listed)
        off_path = [s.id for s in guide.steps if s.id in state.answers and s.id not in path]
        if off_path:
            text += self.t("answers-off-path") + self.off_path(guide, state, off_path)
        return [TextReply(text + self.t("answers-edit-hint"), audience="asker")]

    def _answer_line(self, step: Step, value: Any) -> Line:
        return line(Span(self.text(step.text), "strong"), "\n→ ", self.value(step, value))

    def off_path(self, guide: Guide, state: FlowState, step_ids: Sequence[str]) -> Rich:
        """Answers kept from a branch the team has left, with their questions' numbers."""
        return numbered(
            (guide.number(s), line(f"{self.text(guide.step(s).text)} → {self.value(guide.step(s), state.answers[s])}"))
            for s in step_ids
        )

    def edited(self, guide: Guide, change: engine.SaveAnswer, left: Sequence[str], state: FlowState) -> Reply:
        """What an edit changed, old → new, and which answers now belong to a branch left behind."""
        step = guide.step(change.step)
        old = self.value(step, change.previous) if change.previous is not None else self.t.text("edited-unanswered")
        text = self.t(
            "edited",
            number=str(guide.number(step.id)),
            question=self.text(step.text),
            old=old,
            new=self.value(step, change.value),
        )
        if left:
            text += self.t("edited-branch-left") + self.off_path(guide, state, left)
        return TextReply(text)

    @staticmethod
    def step_id(guide: Guide, reference: str, number: int | None) -> str | None:
        """A step by id, or by its number in the guide (the number the ``answers`` list shows)."""
        reference = reference.strip()
        if guide.has_step(reference):
            return reference
        step = guide.numbered(number) if number is not None else None
        return step.id if step else None

    def step_text(self, guide: Guide, step_id: str) -> str:
        return self.text(guide.step(step_id).text) if guide.has_step(step_id) else step_id

    # --- values ---------------------------------------------------------------------------

    def value(self, step: Step, value: Any) -> str:
        match step.kind:
            case PromptKind.CONFIRM if step.wait is not None:
                return self.t.text("done") if value else self.t.text("not-yet")  # as its buttons say
            case PromptKind.CONFIRM:
                return self.t.text("yes") if value else self.t.text("no")
            case PromptKind.SINGLE_CHOICE:
                option = step.option(value)
                return self.text(option.label) if option else str(value)
            case PromptKind.MULTI_CHOICE | PromptKind.CHECKLIST:
                labels = [self.text(o.label) for o in step.options if o.id in value]
                return ", ".join(labels) if labels else self.t.text("nothing-ticked")
            case PromptKind.LIST:
                return "; ".join(value)
            case PromptKind.DATE if isinstance(value, list):
                return "; ".join(self.value(step, day) for day in value)
            case PromptKind.DATE:
                reading = DateReading.from_value(value)
                if reading.time is None:
                    return self.day(reading.day)
                clock = format_skeleton("Hm", reading.time, locale=self.lang)
                return self.t.text("format-day-time", day=self.day(reading.day), time=clock)
        return str(value)

    def when(self, moment: datetime, tz: ZoneInfo) -> str:
        local = moment.astimezone(tz)
        day = format_skeleton("yMMMEd", local, tzinfo=tz, locale=self.lang)
        return f"{day} {format_skeleton('Hm', local, tzinfo=tz, locale=self.lang)}"

    # --- events -----------------------------------------------------------------------

    def rejection(self, guide: Guide, rejected: engine.Rejected, shown: ChoiceForm) -> Rich:
        """Why an event was refused, naming only the ways of answering the channel offers:
        numbers where it shows numbered choices, buttons where it shows buttons (``shown``)."""
        params: dict[str, Any] = {k: v for k, v in rejected.params.items() if k != "value"}
        for key in ("step", "current"):
            if isinstance(params.get(key), str):
                params[key] = self.step_text(guide, params[key])
        if "candidates" in params:
            wording = "option-candidate-numbered" if shown == "numbers" else "option-candidate"
            named = [self.t.text(wording, label=self.text(c.label), number=c.number) for c in params["candidates"]]
            params["candidates"] = format_list(named, locale=self.lang)
        if "pick" in params:
            params["pick"] = Keyword(params["pick"])
        return self.t(f"rejected-{rejected.code}", shown=Keyword(shown), **params)

    def day(self, day: date) -> str:
        """A date as people say it back: "tirsdag 15. december 2026"."""
        return format_date(day, format=self.t.text("format-day"), locale=self.lang)

    # --- reminders and the journal --------------------------------------------------------

    def reminder_about(self, kind: str, payload: dict[str, Any]) -> str:
        """What a reminder is about, in a few words, from what its row holds."""
        message = payload.get("message")
        if isinstance(message, dict) and isinstance(message.get(self.lang), str):
            return message[self.lang]
        if kind == "task":
            return self.t.text(
                "remind-about-task", task=str(payload.get("task", "")), owner=str(payload.get("owner", ""))
            )
        if kind in ("debrief-thread", "stalled"):
            return self.t.text(f"remind-about-{kind}")
        return kind

    def reminder_list(self, project: Project, rows: Sequence[NudgeRow], tz: ZoneInfo) -> Reply:
        groups = {"upcoming": [r for r in rows if r.status == "pending"]}
        groups["sent"] = [r for r in rows if r.status in ("sent", "done")]
        groups["failed"] = [r for r in rows if r.status == "failed"]
        if not any(groups.values()):
            return TextReply(self.t("remind-list-none", project=project.name), audience="asker")
        text = self.t("remind-list-header", project=project.name)
        for group, members in groups.items():
            if not members:
                continue
            lines = []
            for row in members:
                moment = row.due_at if group == "upcoming" else (row.sent_at or row.due_at)
                words = self.t.text(
                    f"remind-list-{group}-line",
                    number=str(row.id),
                    when=self.when(moment, tz),
                    about=self.reminder_about(row.kind, row.payload),
                    reason=row.last_error or "",
                )
                lines.append(line(words))
            text += self.t(f"remind-list-{group}") + items(lines)
        return TextReply(text + self.t("remind-list-hint"), audience="asker")

    def journal(self, project: Project, entries: Sequence[JournalEntry], tz: ZoneInfo) -> Reply:
        if not entries:
            return TextReply(self.t("journal-empty", project=project.name), audience="asker")
        lines = [line(Span(f"{e.author}, {self.when(e.at, tz)}", "strong"), f": {e.text}") for e in entries[-10:]]
        return TextReply(self.t("journal-header", project=project.name) + items(lines), audience="asker")

    def tasks_saved(self, tasks: Sequence[str]) -> Reply:
        return TextReply(self.t("journal-tasks-saved") + items(line(task) for task in tasks))

    def debrief_notes(
        self, project: Project, notes: Sequence[JournalEntry], tz: ZoneInfo, audience: Audience = "conversation"
    ) -> Reply:
        if not notes:
            return TextReply(self.t("debrief-summary-empty", project=project.name), audience=audience)
        lines = [line(Span(note.author, "strong"), f": {note.text}") for note in notes]
        return TextReply(self.t("debrief-summary", project=project.name) + items(lines), audience=audience)

    def nudge_scheduled(self, nudge: engine.ScheduleNudge, due: datetime, tz: ZoneInfo, number: int) -> Reply:
        """Say when the team will be reminded; a timing that is only the coach's suggestion
        says so and offers to move or stop it right there."""
        when = self.when(due, tz)
        if nudge.kind == engine.CHECK_BACK:
            text = self.t("waiting-ask-again", when=when)
        else:
            text = self.t("nudge-scheduled", message=self.text(nudge.message), when=when)
        if not nudge.suggested:
            return TextReply(text)
        actions = [
            Action(self.t.text("reminder-snooze-week"), command=f"reminder snooze {number} 1w"),
            Action(self.t.text("reminder-stop"), command=f"reminder stop {number}"),
        ]
        return ActionsReply(text + self.t("nudge-suggested"), actions)

    def debrief(self, questions: Sequence[Text], threaded: bool = True) -> Reply:
        """The debrief's questions, to talk through in its thread, or in a conversation
        without threads (``threaded`` False) right there."""
        opened = self.t("debrief-opened" if threaded else "debrief-opened-chat")
        return TextReply(opened + items((line(self.text(q)) for q in questions), ordered=True))
