"""How the logbook words dates, times, questions and answers in the team's language and time zone.

Plain text only: each format escapes what it puts in (see :mod:`bot.safe_text`).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from bot.export.book import DateAnswer, Logbook, reminder_key
from bot.i18n import Messages
from flows.model import Guide, PromptKind, Step
from storage.models import NudgeRow

# What a question says about how to type the answer, which means nothing once the answer is
# written out: a parenthesis that ends the question ("... (én pr. linje)", "... (fx “Opgave –
# navn”)."), and the guides' "one per line" sentences and clauses in Danish and English ("Skriv
# én pr. linje.", ", én pr. linje", "One name per line."). A parenthesis inside the question,
# as in "(uformelle interviews og/eller observationer)?", is part of the question and stays.
_TRAILING_PARENTHESIS = re.compile(r"\s*\([^()]*\)(?P<end>\.?)\s*$")
_ONE_PER_LINE = re.compile(
    r"(?:,\s*|\s+)(?:(?:skriv|write)\s+)?(?:én|ét|one)(?:\s+\w+)?\s+(?:pr\.|per)\s+(?:linje|line)(?P<end>\.?)\s*$",
    re.IGNORECASE,
)
_SENTENCE_END = (".", "?", "!", ":")
SHORT_QUESTION = 60  # characters of a question in a calendar title


def question_heading(text: str) -> str:
    """A guide's question without its trailing hints on how to type the answer."""
    while True:
        for hint in (_TRAILING_PARENTHESIS, _ONE_PER_LINE):
            found = hint.search(text)
            if found and found.start() > 0:
                rest = text[: found.start()].rstrip()
                text = rest if rest.endswith(_SENTENCE_END) else rest + found["end"]
                break
        else:
            return text


def shorten(text: str, limit: int = SHORT_QUESTION) -> str:
    """``text``, or its first sentence, or else its words up to ``limit`` characters and an ellipsis."""
    if len(text) <= limit:
        return text
    sentence = re.match(r".+?[.?!](?=\s)", text)
    if sentence and len(sentence[0]) <= limit:
        return sentence[0]
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


class Wording:
    def __init__(self, book: Logbook, t: Messages) -> None:
        self.t = t
        self.lang = t.lang
        self.tz: ZoneInfo = book.timezone
        self.guide: Guide = book.guide

    # --- dates and times, in the team's time zone -----------------------------------------

    def day(self, day: date) -> str:
        """``tirsdag 15. december 2026``."""
        return format_date(day, self.t.text("logbook-day-pattern"), locale=self.lang)

    def clock(self, moment: datetime) -> str:
        return format_time(moment, "HH:mm", locale=self.lang)

    def moment(self, at: datetime) -> str:
        """``tirsdag 15. december 2026 kl. 14:30``, local time."""
        local = at.astimezone(self.tz)
        return self.t.text("logbook-moment", day=self.day(local.date()), time=self.clock(local))

    def stamp(self, at: datetime) -> str:
        """``2026-12-15 14:30``, local time: what a spreadsheet reads as a date and time."""
        return at.astimezone(self.tz).strftime("%Y-%m-%d %H:%M")

    def date_answer(self, answer: DateAnswer) -> str:
        if answer.time is None:
            return self.day(answer.day)
        moment = datetime.combine(answer.day, answer.time)
        return self.t.text("logbook-moment", day=self.day(answer.day), time=self.clock(moment))

    def iso_day(self, value: Any) -> str | None:
        """An ISO date (a task's due date, a waiting step's start) worded; None when it is none."""
        answer = DateAnswer.read(value)
        return self.date_answer(answer) if answer else None

    # --- the guide's words -----------------------------------------------------------------

    def text(self, step_id: str) -> str:
        return self.guide.step(step_id).text.get(self.lang) if self.guide.has_step(step_id) else step_id

    def question(self, step_id: str) -> str:
        """The step's question as a heading or label: without hints on how to type the answer."""
        return question_heading(self.text(step_id))

    # --- answers ---------------------------------------------------------------------------

    def value(self, step_id: str, value: Any) -> str | list[str]:
        """An answer as words: a list for list-shaped answers (items, ticked options), else one text."""
        if not self.guide.has_step(step_id):
            return json.dumps(value, ensure_ascii=False)
        step = self.guide.step(step_id)
        try:
            return self._value(step, value)
        except (TypeError, ValueError, AttributeError):  # e.g. a raw concurrent answer
            return str(value)

    def _value(self, step: Step, value: Any) -> str | list[str]:
        match step.kind:
            case PromptKind.CONFIRM:
                return self.t.text("yes") if value else self.t.text("no")
            case PromptKind.SINGLE_CHOICE:
                option = step.option(value)
                return option.label.get(self.lang) if option else str(value)
            case PromptKind.MULTI_CHOICE | PromptKind.CHECKLIST:
                labels = [o.label.get(self.lang) for o in step.options if o.id in value]
                return labels or self.t.text("nothing-ticked")
            case PromptKind.LIST:
                return [str(item) for item in value]
            case PromptKind.DATE if isinstance(value, list):
                return [self._date_value(day) for day in value]
            case PromptKind.DATE:
                return self._date_value(value)
        return str(value)

    def _date_value(self, value: Any) -> str:
        answer = DateAnswer.read(value)
        return self.date_answer(answer) if answer else str(value)

    # --- journal and reminders -------------------------------------------------------------

    def kind(self, kind: str) -> str:
        """A journal entry's kind (log, debrief, task, meeting) or ``answer``, as a word."""
        known = ("answer", "log", "debrief", "task", "meeting")
        return self.t.text(f"logbook-kind-{kind}") if kind in known else kind

    def task_state(self, done: bool) -> str:
        return self.t.text("logbook-task-done" if done else "logbook-task-open")

    def reminder(self, nudge: NudgeRow) -> str:
        """What a reminder says: the guide's message in this language, or what it opens."""
        payload = nudge.payload or {}
        message = payload.get("message")
        if isinstance(message, dict) and message.get(self.lang):
            return str(message[self.lang])
        if nudge.kind == "debrief-thread":
            step = str(payload.get("step") or reminder_key(nudge).partition(":")[0])
            return self.t.text("logbook-reminder-debrief", question=self.question(step))
        return self.t.text("logbook-reminder")
