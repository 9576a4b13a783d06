"""A guide's timings and conditions in plain words: "7 dage efter svaret", "5 dage før
datoen i “Hvornår er mødet?” (vores forslag)", "hvis “Nej”".

A guide file states its timings as ISO durations on nudges and waits (``flows/model.py``);
a team or a consultant should never see ``P7D`` or a Python timedelta. Durations are said
exactly (7 days stay 7 days; 14 days are 2 weeks; a month is the 30 days ``P1M`` parses
to). A date step is named by its ``label`` ("5 dage før mødet"); one without a label is
referred to by its question, as the reader meets it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from babel.lists import format_list

from bot.i18n import Messages
from flows.model import Condition, Guide, Nudge, PromptKind, Step, Wait

MINUTES_A_DAY = 24 * 60
DAYS_A_MONTH = 30  # what pydantic makes of P1M

Refer = Callable[[str], str]
"""A step's id to the words that name it for this reader, quotes included."""


@dataclass(frozen=True)
class GuideWords:
    """One guide's timings and branch conditions in one language.

    ``refer`` names a step (the review adds its number; the chat quotes its question);
    ``check_back`` is the deployment's default for a wait without a timing of its own.
    """

    t: Messages
    guide: Guide
    check_back: timedelta
    refer: Refer

    # --- durations and lists --------------------------------------------------------------

    def duration(self, span: timedelta) -> str:
        minutes = round(abs(span).total_seconds() / 60)
        if minutes % MINUTES_A_DAY:
            if minutes % 60:
                return self.t.text("words-minutes", count=minutes)
            return self.t.text("words-hours", count=minutes // 60)
        days = minutes // MINUTES_A_DAY
        if days % DAYS_A_MONTH == 0:
            return self.t.text("words-months", count=days // DAYS_A_MONTH)
        if days >= 14 and days % 7 == 0:
            return self.t.text("words-weeks", count=days // 7)
        return self.t.text("words-days", count=days)

    def all_of(self, words: Iterable[str]) -> str:
        """ "a, b og c" """
        return format_list(list(words), locale=self.t.lang)

    def one_of(self, words: Iterable[str]) -> str:
        """ "a, b eller c" """
        return format_list(list(words), style="or", locale=self.t.lang)

    def quoted(self, text: str) -> str:
        return self.t.text("words-quoted", text=text)

    def suggested(self, timing: str, suggested: bool) -> str:
        return self.t.text("words-suggested", timing=timing) if suggested else timing

    # --- reminders --------------------------------------------------------------------------

    def nudge_timing(self, owner: Step, nudge: Nudge, name_owner: bool = False) -> str:
        """When the reminder comes, without the suggestion mark. ``name_owner`` names the
        step the reminder belongs to (a list of the guide's reminders needs it; the step's
        own description says "svaret")."""
        if nudge.at is not None:
            own = nudge.at == owner.id and not name_owner
            first = self.on_dates([self.lead(nudge)], [nudge.at], own=nudge.at if own else None)
        else:
            first = self._after(owner, nudge.after or timedelta(0), name_owner)
        every = self.every(nudge)
        return self.t.text("words-then-every", first=first, every=every) if every else first

    def _after(self, owner: Step, after: timedelta, name_owner: bool) -> str:
        """ "7 dage efter svaret"; a pause step's reminder counts from the pause."""
        if owner.pause:
            return self.t.text("words-after-pause", duration=self.duration(after))
        key = "words-after-answer" if after else "words-right-after-answer"
        key += "-to" if name_owner else ""
        return self.t.text(key, duration=self.duration(after), step=self.refer(owner.id))

    def lead(self, nudge: Nudge) -> str:
        """How far from its date a dated reminder comes: "5 dage før", "samme dag som"."""
        if nudge.offset_from is not None:
            return self.t.text("words-lead-chosen", step=self.refer(nudge.offset_from))
        return self.relation(nudge.offset)

    def every(self, nudge: Nudge) -> str | None:
        """How often a repeating reminder comes again ("hver måned"); None when it does not."""
        if nudge.repeat_from is not None:
            return self.t.text("words-every-chosen", step=self.refer(nudge.repeat_from))
        return self.t.text(f"words-every-{nudge.repeat.value}") if nudge.repeat else None

    def relation(self, offset: timedelta) -> str:
        if not offset:
            return self.t.text("words-same-day")
        key = "words-before" if offset < timedelta(0) else "words-after"
        return self.t.text(key, duration=self.duration(offset))

    def on_dates(self, relations: Iterable[str], step_ids: list[str], own: str | None = None) -> str:
        """ "2 dage før og 1 dag efter mødet" for one or more date steps, by their labels;
        "... datoen i “Hvornår er mødet?”" where a step has none (``own`` is "svaret")."""
        leads = self.all_of(relations)
        steps = [self.guide.step(step_id) for step_id in step_ids]
        labels = [step.label.get(self.t.lang) for step in steps if step.label]
        if len(labels) == len(steps):
            # A name shared by several steps ("et flyttet møde") is said once, where it last comes.
            once = list(reversed(dict.fromkeys(reversed(labels))))
            return self.t.text("words-on-labelled", relations=leads, dates=self.all_of(once))
        named = [self.t.text("words-the-answer") if s == own else self.refer(s) for s in step_ids]
        return self.t.text("words-on-dates", relations=leads, steps=self.all_of(named), count=len(named))

    # --- asking again after "not yet" ---------------------------------------------------------

    def wait_timing(self, wait: Wait) -> str:
        """When the coach asks again, without the suggestion mark: "efter 7 dage"."""
        if wait.after is not None:
            return self.t.text("words-again-after", duration=self.duration(wait.after))
        if wait.at is not None:
            return self.on_dates([self.relation(wait.offset)], [wait.at])
        return self.default_wait_timing()

    def default_wait_timing(self) -> str:
        return self.t.text("words-again-default", duration=self.duration(self.check_back))

    @staticmethod
    def wait_suggested(wait: Wait) -> bool:
        """As the engine schedules it: a wait with no timing of its own is always our suggestion."""
        return wait.suggested or not wait.timed

    def not_yet(self) -> str:
        """The "Ikke endnu" button, quoted as the team sees it."""
        return self.quoted(self.t.text("not-yet"))

    # --- conditions ---------------------------------------------------------------------------

    def condition(self, condition: Condition, owner: Step) -> str:
        """ "hvis “Nej”" about the owner's own answer, else naming the step it tests."""
        step = self.guide.step(condition.step)
        suffix = "-own" if step.id == owner.id else ""
        if condition.answered is not None:
            key, value = ("words-if-answered" if condition.answered else "words-if-not-answered"), ""
        elif condition.contains is not None:
            key, value = "words-if-chosen", self.answer(step, condition.contains)
        else:
            values = condition.in_ if condition.in_ is not None else [condition.equals]
            key, value = "words-if-is", self.one_of(self.answer(step, v) for v in values)
        return self.t.text(key + suffix, value=value, step=self.refer(step.id))

    def answer(self, step: Step, value: Any) -> str:
        """An answer a condition names, as the team would give it: an option's label, a button."""
        if step.kind is PromptKind.CONFIRM:
            label = self.t.text(("done" if step.wait else "yes") if value is True else "no")
        else:
            option = step.option(str(value))
            label = option.label.get(self.t.lang) if option else str(value)
        return self.quoted(label)
