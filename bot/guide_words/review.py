"""The whole guide as plain text, as a consultant reviews it against its document
(``outreach-coach guides show ID``).

Every step is numbered by its place in the guide file (1-based, over all sections), so a
number means the same question whichever branch a team takes. Under each question: how it
is answered, its help, tips and options, what it waits for, its reminders and debriefing
in words, and where its branches lead; where the guide ends or pauses is said.
"""

from __future__ import annotations

from datetime import timedelta

from bot.guide_words.timing import GuideWords
from bot.i18n import Messages
from flows.model import Guide, PromptKind, Section, Step, Transition

INDENT = "    "


def review(guide: Guide, lang: str, check_back_days: int) -> str:
    return _Review(guide, Messages(lang), timedelta(days=check_back_days)).text()


class _Review:
    def __init__(self, guide: Guide, t: Messages, check_back: timedelta) -> None:
        self.guide, self.t, self.lang = guide, t, t.lang
        self.numbers = {step.id: number for number, step in enumerate(guide.steps, start=1)}
        self.words = GuideWords(t, guide, check_back, self.refer)

    def refer(self, step_id: str) -> str:
        return self.t.text("words-step-numbered", number=self.numbers[step_id], question=self.question(step_id))

    def question(self, step_id: str) -> str:
        return self.guide.step(step_id).text.get(self.lang)

    def text(self) -> str:
        lines = self.heading()
        for section in self.guide.sections:
            lines += ["", *self.section(section)]
        return "\n".join(lines) + "\n"

    def heading(self) -> list[str]:
        guide, t = self.guide, self.t
        title = guide.title.get(self.lang)
        duration = guide.duration.get(self.lang) if guide.duration else None
        return [
            title,
            "=" * len(title),
            t.text("guide-show-about", summary=guide.summary.get(self.lang)),
            t.text("guide-show-duration", duration=duration) if duration else t.text("guide-show-no-duration"),
            t.text("guide-show-source", source=guide.source, version=guide.version),
            t.text("guide-show-size", sections=len(guide.sections), steps=len(guide.steps)),
            t.text("guide-show-legend"),
        ]

    def section(self, section: Section) -> list[str]:
        title = section.title.get(self.lang)
        lines = [title, "-" * len(title)]
        if section.intro:
            lines.append(section.intro.get(self.lang))
        lines += [f"• {tip.get(self.lang)}" for tip in section.tips]
        for step in section.steps:
            lines += ["", f"{self.numbers[step.id]}. {step.text.get(self.lang)}"]
            lines += [INDENT + detail for detail in self.step(step)]
        return lines

    def step(self, step: Step) -> list[str]:
        t = self.t
        optional = "" if step.required else "-optional"
        lines = [t.text(f"guide-show-answer{optional}", kind=self.answer_kind(step))]
        lines += [f"{INDENT}{n}. {o.label.get(self.lang)}" for n, o in enumerate(step.options, start=1)]
        if step.help:
            lines.append(t.text("guide-show-help", text=step.help.get(self.lang)))
        lines += [f"• {tip.get(self.lang)}" for tip in step.tips]
        lines += self.wait(step) + self.nudges(step) + self.debrief(step)
        lines += [self.branch(step, transition, index) for index, transition in enumerate(step.next)]
        if step.end:
            lines.append(t.text("guide-show-end"))
        if step.pause:
            lines.append(t.text("guide-show-pause"))
        return lines

    def answer_kind(self, step: Step) -> str:
        if step.kind is PromptKind.CONFIRM:
            yes, no = ("done", "not-yet") if step.wait else ("yes", "no")
            quoted = self.words.quoted
            return self.t.text("guide-show-kind-confirm", yes=quoted(self.t.text(yes)), no=quoted(self.t.text(no)))
        if step.kind is PromptKind.LIST and (step.min_items or step.max_items):
            low, high = step.min_items, step.max_items
            shape = "range" if low and high and low < high else "exactly" if low == high else "min" if low else "max"
            return self.t.text(f"guide-show-kind-list-{shape}", min=low or 0, max=high or 0)
        return self.t.text(f"guide-show-kind-{step.kind.value}")

    def wait(self, step: Step) -> list[str]:
        wait, words = step.wait, self.words
        if wait is None:
            return []
        when = words.suggested(words.wait_timing(wait), words.wait_suggested(wait))
        lines = [self.t.text("guide-show-wait", not_yet=words.not_yet(), when=when)]
        if wait.at is not None and not self.guide.step(wait.at).required:
            # The engine falls back to the default when the date is skipped.
            fallback = words.suggested(words.default_wait_timing(), True)
            lines.append(self.t.text("guide-show-wait-undated", step=self.refer(wait.at), when=fallback))
        return [*lines, self.message(wait.message.get(self.lang))]

    def nudges(self, step: Step) -> list[str]:
        lines: list[str] = []
        for nudge in step.nudges:
            when = self.words.suggested(self.words.nudge_timing(step, nudge), nudge.suggested)
            if nudge.when is None:
                lines.append(self.t.text("guide-show-nudge", when=when))
            else:
                condition = self.words.condition(nudge.when, step)
                lines.append(self.t.text("guide-show-nudge-if", when=when, condition=condition))
            lines.append(self.message(nudge.message.get(self.lang)))
        return lines

    def message(self, text: str) -> str:
        return INDENT + self.t.text("guide-show-message", text=text)

    def debrief(self, step: Step) -> list[str]:
        if step.debrief is None:
            return []
        when = step.debrief.when
        if when is None:
            opens = self.t.text("guide-show-debrief")
        else:
            opens = self.t.text("guide-show-debrief-if", condition=self.words.condition(when, step))
        questions = step.debrief.questions
        return [opens, *(f"{INDENT}{n}. {q.get(self.lang)}" for n, q in enumerate(questions, start=1))]

    def branch(self, step: Step, transition: Transition, index: int) -> str:
        target = {"number": self.numbers[transition.to], "question": self.question(transition.to)}
        if transition.when is not None:
            return self.t.text("guide-show-branch", condition=self.words.condition(transition.when, step), **target)
        if index:
            return self.t.text("guide-show-branch", condition=self.t.text("guide-show-otherwise"), **target)
        return self.t.text("guide-show-next", **target)
