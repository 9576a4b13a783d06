"""What a team hears when it starts a project, before the first question: what the guide
is about and for whom, how long it takes, its parts, and what the coach will remind them
of — in one chat message.

The parts are listed with bullets, not numbers: their titles carry the document's own
numbering ("Step 1", "Fase 2", "Trin 3.A"), which a second number would contradict.
Reminders of one kind are said once ("Dokumentation af mødet: 2 dage før og 1 dag efter
det første co-creation-møde, ..."); the steps that wait for "Ikke endnu" follow, and those without a timing
of their own share one line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache

from bot.guide_words.timing import GuideWords
from bot.i18n import Messages, message_keys
from bot.richtext import Rich, items, join, line
from flows.model import Guide, Nudge, Step


def intro(t: Messages, guide: Guide, check_back_days: int) -> Rich:
    lang = t.lang

    def refer(step_id: str) -> str:
        return t.text("words-quoted", text=guide.step(step_id).text.get(lang))

    words = GuideWords(t, guide, timedelta(days=check_back_days), refer)
    parts = [t("guide-intro-about", summary=guide.summary.get(lang))]
    if guide.duration:
        parts.append(t("guide-intro-duration", duration=guide.duration.get(lang)))
    sections = items(line(section.title.get(lang)) for section in guide.sections)
    parts.append(t("guide-intro-sections", count=len(guide.sections)) + sections)
    return join([*parts, *_reminders(words), *_waits(words)])


@dataclass
class _Kind:
    """The reminders of one kind: dated ones by their date step, the others as words."""

    dated: dict[str, list[str]] = field(default_factory=dict)
    other: list[str] = field(default_factory=list)
    unnamed: set[str] = field(default_factory=set)

    def add_dated(self, anchor: str, lead: str) -> None:
        leads = self.dated.setdefault(anchor, [])
        if lead not in leads:
            leads.append(lead)

    def add_other(self, timing: str, unnamed: str) -> None:
        """``timing`` names the question it counts from; ``unnamed`` says "svaret" instead."""
        if timing not in self.other:
            self.other.append(timing)
        self.unnamed.add(unnamed)

    def timings(self, words: GuideWords) -> list[str]:
        """Date steps with the same leads share one phrase: "... før og ... efter datoerne i A, B og C"."""
        anchors_by_leads: dict[tuple[str, ...], list[str]] = {}
        for anchor, leads in self.dated.items():
            anchors_by_leads.setdefault(tuple(leads), []).append(anchor)
        # Either of two questions may start the same reminder (samskabelse's logbook): say it once.
        other = sorted(self.unnamed) if len(self.other) > 1 and len(self.unnamed) == 1 else self.other
        return [words.on_dates(leads, list(anchors)) for leads, anchors in anchors_by_leads.items()] + other


def _reminders(words: GuideWords) -> list[Rich]:
    kinds: dict[tuple[str, str, bool], _Kind] = {}
    for step in words.guide.steps:
        for nudge in step.nudges:
            kind = kinds.setdefault((*_about(words.t, nudge), nudge.suggested), _Kind())
            if nudge.at is not None and words.every(nudge) is None:
                kind.add_dated(nudge.at, words.lead(nudge))
            else:
                kind.add_other(words.nudge_timing(step, nudge, name_owner=True), words.nudge_timing(step, nudge))
    if not kinds:
        return []
    lines = []
    for (key, what, suggested), kind in kinds.items():
        when = words.suggested(words.all_of(kind.timings(words)), suggested)
        lines.append(line(words.t.text(key, what=what, when=when)))
    return [words.t("guide-intro-reminders") + items(lines)]


def _about(t: Messages, nudge: Nudge) -> tuple[str, str]:
    """The line a reminder goes on and what it is about: its kind in a few words ("Opfølgning: ..."),
    or, for a kind the coach has no words for, the reminder's own message after its timing."""
    kind = f"guide-intro-kind-{nudge.kind}"
    if kind in _keys(t.lang):
        return "guide-intro-reminder", t.text(kind)
    return "guide-intro-reminder-message", nudge.message.get(t.lang)


@cache
def _keys(lang: str) -> frozenset[str]:
    return frozenset(message_keys(lang))


def _waits(words: GuideWords) -> list[Rich]:
    t = words.t
    waiting = [step for step in words.guide.steps if step.wait is not None]
    if not waiting:
        return []
    timed = [step for step in waiting if step.wait is not None and step.wait.timed]
    default = words.suggested(words.default_wait_timing(), True)
    if not timed:
        return [t("guide-intro-waits-all", not_yet=words.not_yet(), when=default)]
    lines = [line(t.text("guide-intro-wait", step=words.refer(step.id), when=_again(words, step))) for step in timed]
    if len(timed) < len(waiting):
        lines.append(line(t.text("guide-intro-wait-others", when=default)))
    return [t("guide-intro-waits", not_yet=words.not_yet()) + items(lines)]


def _again(words: GuideWords, step: Step) -> str:
    assert step.wait is not None
    return words.suggested(words.wait_timing(step.wait), words.wait_suggested(step.wait))
