"""Word the coach's state as neutral replies, in the team's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_skeleton

from bot.i18n import Messages
from bot.replies import ActionsReply, Choice, ProgressReply, QuestionReply, Reply, TextReply, TipReply
from flows import engine
from flows.engine import FlowState
from flows.model import Guide, PromptKind, Step, Text
from storage.models import Project


class Presenter:
    def __init__(self, t: Messages, guides: dict[str, Guide]) -> None:
        self.t = t
        self.lang = t.lang
        self.guides = guides

    def text(self, text: Text) -> str:
        return text.get(self.lang)

    # --- guides and projects -------------------------------------------------------------

    def guide_list(self) -> list[Reply]:
        lines = [self.t("guides-header")]
        lines += [f"• {g.id}: {self.text(g.title)}. {self.text(g.summary)}" for g in self.guides.values()]
        actions = [Choice(f"start {g.id}", self.text(g.title)) for g in self.guides.values()]
        return [TextReply("\n".join(lines)), ActionsReply(self.t("guides-start"), actions)]

    def project_list(self, projects: Sequence[Project]) -> Reply:
        lines = [self.t("projects-header")]
        for index, project in enumerate(projects):
            title = (
                self.text(self.guides[project.guide_id].title) if project.guide_id in self.guides else project.guide_id
            )
            state = self.t("project-finished") if project.finished else self.t("project-active")
            marker = "▶" if index == 0 else "•"
            lines.append(f"{marker} #{project.id} {project.name} ({title}, {state})")
        lines.append(self.t("projects-switch-hint"))
        return TextReply("\n".join(lines))

    # --- where the team stands -----------------------------------------------------------

    def where(self, project: Project, guide: Guide, state: FlowState, entering: bool) -> list[Reply]:
        if state.finished or state.current is None:
            return [TextReply(self.t("project-done", project=project.name))]
        step = guide.step(state.current)
        section = guide.section_of(step.id)
        replies: list[Reply] = [self.progress(project, guide, state)]
        if entering:
            replies.append(TextReply(f"*{self.text(section.title)}*"))
            if section.intro:
                replies.append(TextReply(self.text(section.intro)))
            replies += [TipReply(self.text(tip)) for tip in section.tips]
        replies += [TipReply(self.text(tip)) for tip in step.tips]
        replies.append(self.question(project, step, state.answers.get(step.id)))
        return replies

    def progress(self, project: Project, guide: Guide, state: FlowState) -> ProgressReply:
        section = guide.section_of(state.current) if state.current else guide.sections[-1]
        path = engine.active_path(guide, state)
        return ProgressReply(
            project_id=project.id,
            project=project.name,
            guide=self.text(guide.title),
            section=self.text(section.title),
            section_number=guide.sections.index(section) + 1,
            sections=len(guide.sections),
            answered=sum(1 for s in path if s in state.answers),
        )

    def question(self, project: Project, step: Step, current: Any) -> QuestionReply:
        if step.kind is PromptKind.CONFIRM:
            choices = [Choice("true", self.t("yes")), Choice("false", self.t("no"))]
        else:
            choices = [Choice(o.id, self.text(o.label)) for o in step.options]
        return QuestionReply(
            project_id=project.id,
            step=step.id,
            kind=step.kind.value,
            text=self.text(step.text),
            help=self.text(step.help) if step.help else None,
            choices=choices,
            required=step.required,
            min_items=step.min_items,
            max_items=step.max_items,
            current=current,
        )

    def answers(self, project: Project, guide: Guide, state: FlowState) -> list[Reply]:
        path = engine.active_path(guide, state)
        on_path = [s for s in path if s in state.answers]
        if not on_path:
            return [TextReply(self.t("answers-none", project=project.name))]
        lines = [self.t("answers-header", project=project.name)]
        for number, step_id in enumerate(on_path, start=1):
            step = guide.step(step_id)
            lines.append(f"{number}. {self.text(step.text)}\n   → {self.value(step, state.answers[step_id])}")
        off_path = [s.id for s in guide.steps if s.id in state.answers and s.id not in path]
        if off_path:
            lines.append(self.t("answers-off-path"))
            lines += [
                f"• {self.text(guide.step(s).text)} → {self.value(guide.step(s), state.answers[s])}" for s in off_path
            ]
        lines.append(self.t("answers-edit-hint"))
        return [TextReply("\n".join(lines))]

    @staticmethod
    def step_id(guide: Guide, state: FlowState, reference: str) -> str | None:
        """A step by id, or by its number in the ``answers`` list."""
        reference = reference.strip()
        if guide.has_step(reference):
            return reference
        if reference.isdigit():
            answered = [s for s in engine.active_path(guide, state) if s in state.answers]
            if 1 <= int(reference) <= len(answered):
                return answered[int(reference) - 1]
        return None

    def step_text(self, guide: Guide, step_id: str) -> str:
        return self.text(guide.step(step_id).text) if guide.has_step(step_id) else step_id

    # --- values ---------------------------------------------------------------------------

    def value(self, step: Step, value: Any) -> str:
        match step.kind:
            case PromptKind.CONFIRM:
                return self.t("yes") if value else self.t("no")
            case PromptKind.SINGLE_CHOICE:
                option = step.option(value)
                return self.text(option.label) if option else str(value)
            case PromptKind.MULTI_CHOICE | PromptKind.CHECKLIST:
                labels = [self.text(o.label) for o in step.options if o.id in value]
                return ", ".join(labels) if labels else self.t("nothing-ticked")
            case PromptKind.LIST:
                return "; ".join(value)
            case PromptKind.DATE:
                return format_date(date.fromisoformat(value), format="long", locale=self.lang)
        return str(value)

    def when(self, moment: datetime, tz: ZoneInfo) -> str:
        local = moment.astimezone(tz)
        day = format_skeleton("yMMMEd", local, tzinfo=tz, locale=self.lang)
        return f"{day} {format_skeleton('Hm', local, tzinfo=tz, locale=self.lang)}"

    # --- events -----------------------------------------------------------------------

    def rejection(self, guide: Guide, state: FlowState, rejected: engine.Rejected) -> str:
        params = dict(rejected.params)
        for key in ("step", "current"):
            if isinstance(params.get(key), str):
                params[key] = self.step_text(guide, params[key])
        return self.t(f"rejected-{rejected.code}", **params)

    def nudge_scheduled(self, nudge: engine.ScheduleNudge, due: datetime, tz: ZoneInfo) -> Reply:
        return TextReply(self.t("nudge-scheduled", message=self.text(nudge.message), when=self.when(due, tz)))

    def debrief(self, questions: Sequence[Text]) -> Reply:
        lines = [self.t("debrief-opened")]
        lines += [f"{n}. {self.text(q)}" for n, q in enumerate(questions, start=1)]
        return TextReply("\n".join(lines))
