"""Read a date the way people write it in a chat, in Danish or English.

"15.12", "17. januar", "onsdag den 3. marts kl. 14", "i morgen", "næste tirsdag", "om 2 uger",
"uge 50", "March 3 at 2pm": each is read to a day and, when one is given, a time of day. Pure:
the caller passes ``today``, so a phrase always reads the same on the same day.

Why a grammar of our own: dateutil's parser and dateparser were tried. They read "15.12" as a
quarter past three, fill a missing day in silently ("marts" became 25 March), keep a date without
a year in this year after it has passed, and know neither "næste tirsdag", "om to uger" nor
"uge 50". The phrases below are the ones people write to the coach; dateutil's relativedelta
does the calendar arithmetic.

The rules, where today always counts as "the next":

- A full date is read as written: "24.12.2026", "24/12-26", "2026-12-24", "24. december 2026",
  "December 24, 2026". A two-digit year is in this century.
- A day and month without a year is the next such date: "15.12" typed in November is this
  December, "17. januar" next January, "29.2" the next leap day.
- A weekday alone ("tirsdag", "på tirsdag", "on Tuesday") is the next such day, strictly after
  today. "næste tirsdag" / "next Tuesday" is the Tuesday of the next ISO week, as Danes mostly
  mean it: said on a Monday it is eight days on, not tomorrow. "tirsdag i næste uge" is the same.
- "næste uge" / "next week" is the Monday of next week. "uge 50" / "week 50" is the Monday of
  that ISO week: the next such week if it is over (in December "uge 2" is next year's), and
  today if it is the current week, whose Monday may have passed.
- "om 3 dage", "om en uge", "om 2 uger", "om en måned", "in two weeks" count from today; a month
  on from 31 January is the last day of February.
- A weekday written with a date ("onsdag den 3. marts") must be that date's weekday: people
  mistype one or the other, so neither is guessed.
- A time follows the date: "kl. 14", "kl 14.30", "14:30", "at 2pm", "at 14:00".
- A month or year alone ("marts", "december 2026", "2027") is refused asking for the day.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta

from dateutil.relativedelta import relativedelta

from flows.invalid import Invalid

DATE_EXAMPLE = "24.12.2026"
# A date is a few words; longer text is something else, and is not worth a regex's time.
MAX_DATE_TEXT = 200
# A stored date step value: the day, and the team's local time when one was given.
_STORED = re.compile(r"(?P<day>[0-9]{4}-[0-9]{2}-[0-9]{2})(?:T(?P<hour>[0-9]{2}):(?P<minute>[0-9]{2}))?")


@dataclass(frozen=True)
class DateReading:
    """A day, and a time of day when the text gave one ("kl. 14", "14:30", "2pm")."""

    day: date
    time: time | None = None

    @property
    def value(self) -> str:
        """What a date step stores: "2026-12-15", or "2026-12-15T14:00" with a time (local, no offset)."""
        if self.time is None:
            return self.day.isoformat()
        return f"{self.day.isoformat()}T{self.time:%H:%M}"

    @classmethod
    def from_value(cls, value: str) -> DateReading:
        """The reading a stored :attr:`value` holds; ``ValueError`` if it is not one."""
        stored = _STORED.fullmatch(value)
        if stored is None:
            raise ValueError(f"not a stored date: {value!r}")
        day = date.fromisoformat(stored["day"])
        if stored["hour"] is None:
            return cls(day)
        return cls(day, time(int(stored["hour"]), int(stored["minute"])))


def _numbered(*groups: tuple[str, ...]) -> dict[str, int]:
    """Each spelling to the number of its group, counting from 1."""
    return {name: number for number, names in enumerate(groups, start=1) for name in names}


MONTHS = _numbered(
    ("januar", "january", "jan"),
    ("februar", "february", "feb"),
    ("marts", "march", "mar"),
    ("april", "apr"),
    ("maj", "may"),
    ("juni", "june", "jun"),
    ("juli", "july", "jul"),
    ("august", "aug"),
    ("september", "sept", "sep"),
    ("oktober", "october", "okt", "oct"),
    ("november", "nov"),
    ("december", "dec"),
)
# ISO numbering: Monday is 1.
WEEKDAYS = _numbered(
    ("mandag", "monday", "man", "mon"),
    ("tirsdag", "tuesday", "tirs", "tir", "tues", "tue"),
    ("onsdag", "wednesday", "ons", "wed"),
    ("torsdag", "thursday", "tors", "tor", "thurs", "thur", "thu"),
    ("fredag", "friday", "fre", "fri"),
    ("lørdag", "saturday", "lør", "sat"),
    ("søndag", "sunday", "søn", "sun"),
)
NUMBER_WORDS = _numbered(
    ("en", "et", "én", "ét", "a", "an", "one"),
    ("to", "two"),
    ("tre", "three"),
    ("fire", "four"),
    ("fem", "five"),
    ("seks", "six"),
    ("syv", "seven"),
    ("otte", "eight"),
    ("ni", "nine"),
    ("ti", "ten"),
)
_UNITS = {
    **dict.fromkeys(("dag", "dage", "day", "days"), "days"),
    **dict.fromkeys(("uge", "uger", "week", "weeks"), "weeks"),
    **dict.fromkeys(("måned", "måneder", "month", "months"), "months"),
    **dict.fromkeys(("år", "year", "years"), "years"),
}


def _either(words: Iterable[str]) -> str:
    return "|".join(sorted((re.escape(word) for word in words), key=len, reverse=True))


# Patterns match whole normalised text: lower case, single spaces, no commas. Digits are
# written [0-9]: \d also matches other scripts' digits.
_MONTH = rf"(?P<month>{_either(MONTHS)})\.?"
_WEEKDAY = rf"(?P<weekday>{_either(WEEKDAYS)})\.?"
_DAY = r"(?P<day>[0-9]{1,2})(?:\.|st|nd|rd|th)?"
_YEAR = r"(?P<year>[0-9]{4}|[0-9]{2})"
_FILLER = re.compile(r"^(?:(?:på|on|this|the|den|d\.?) )+")
_WITH_WEEKDAY = re.compile(rf"{_WEEKDAY} (?P<rest>.+)")
_TIME = re.compile(
    r"(?P<date>.+?) (?:(?P<marker>kl\.?|klokken|at|@) ?)?"
    r"(?P<hour>[0-9]{1,2})(?:(?P<sep>[.:])(?P<minute>[0-9]{2}))? ?(?P<half>am|pm)?"
)

# What a matched phrase names: a day, or why it names none.
_Reader = Callable[[re.Match[str], date], date | Invalid]


def read_date(text: str, today: date) -> DateReading | Invalid:
    """The day (and time) ``text`` names, counted from ``today``; never raises.

    Refusals: ``bad-date`` (no date at all), ``needs-day`` (a month or year alone),
    ``no-such-date`` ("31.11"), ``weekday-mismatch`` ("mandag den 3. marts" when that is a
    Wednesday) and ``bad-time`` ("kl. 25").
    """
    if len(text) > MAX_DATE_TEXT:
        return _unreadable()
    words = _normalise(text)
    try:
        reading = _read(words, today)
    except (ValueError, OverflowError):  # arithmetic that runs past the year 9999
        return _unreadable()
    return _unreadable() if reading is None else reading


def _normalise(text: str) -> str:
    text = text.lower().replace(",", " ").replace("–", "-")
    text = re.sub(r"^([0-9]{4}-[0-9]{1,2}-[0-9]{1,2})t(?=[0-9])", r"\1 ", text.strip())  # ISO "…T14:00"
    return " ".join(text.split()).strip(".!?;: ")


def _read(words: str, today: date) -> DateReading | Invalid | None:
    split = _TIME.fullmatch(words)
    if split and (split["marker"] or split["sep"] or split["half"]):
        day = _day(split["date"], today)
        if day is not None:
            if isinstance(day, Invalid):
                return day
            clock = _clock(split)
            return clock if isinstance(clock, Invalid) else DateReading(day, clock)
    day = _day(words, today)
    return DateReading(day) if isinstance(day, date) else day


def _clock(split: re.Match[str]) -> time | Invalid:
    hour, minute = int(split["hour"]), int(split["minute"] or 0)
    if split["half"]:
        if not 1 <= hour <= 12:
            return Invalid("bad-time")
        hour = hour % 12 + (12 if split["half"] == "pm" else 0)
    if hour > 23 or minute > 59:
        return Invalid("bad-time")
    return time(hour, minute)


def _day(words: str, today: date) -> date | Invalid | None:
    words = _FILLER.sub("", words)
    found = _first(_RULES, words, today)
    if found is not None:
        return found
    written = _WITH_WEEKDAY.fullmatch(words)
    if written is None:
        return None
    day = _first(_ABSOLUTE, _FILLER.sub("", written["rest"]), today)
    typed = WEEKDAYS[written["weekday"]]
    if isinstance(day, date) and day.isoweekday() != typed:
        return Invalid(
            "weekday-mismatch", {"date": day.isoformat(), "on": day, "weekday": day.isoweekday(), "typed": typed}
        )
    return day


def _first(rules: Iterable[tuple[re.Pattern[str], _Reader]], words: str, today: date) -> date | Invalid | None:
    for pattern, reading in rules:
        found = pattern.fullmatch(words)
        if found:
            return reading(found, today)
    return None


def _unreadable() -> Invalid:
    return Invalid("bad-date", {"example": DATE_EXAMPLE})


# --- a day and month, with or without a year ----------------------------------------------------


def _on(day: int, month: int, year: str | None, today: date) -> date | Invalid:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return _unreadable()
    if year is None:
        return _next_date(day, month, today)
    full = int(year) + (2000 if len(year) == 2 else 0)
    if full < 1:
        return _unreadable()
    days = calendar.monthrange(full, month)[1]
    if day > days:
        return Invalid("no-such-date", {"day": day, "month": month, "days": days})
    return date(full, month, day)


def _next_date(day: int, month: int, today: date) -> date | Invalid:
    longest = calendar.monthrange(2000, month)[1]  # a leap year: 29 February exists
    if day > longest:
        return Invalid("no-such-date", {"day": day, "month": month, "days": longest})
    for year in range(today.year, today.year + 9):  # a leap day comes within eight years
        if day <= calendar.monthrange(year, month)[1] and date(year, month, day) >= today:
            return date(year, month, day)
    return _unreadable()


def _numeric(found: re.Match[str], today: date) -> date | Invalid:
    return _on(int(found["day"]), int(found["month"]), found["year"], today)


def _named(found: re.Match[str], today: date) -> date | Invalid:
    return _on(int(found["day"]), MONTHS[found["month"]], found["year"], today)


_ABSOLUTE: list[tuple[re.Pattern[str], _Reader]] = [
    (re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})-(?P<day>[0-9]{1,2})"), _numeric),
    (re.compile(rf"{_DAY} ?[./-] ?(?P<month>[0-9]{{1,2}})(?: ?[./-] ?{_YEAR})?"), _numeric),
    (re.compile(rf"{_DAY} ?(?:of )?{_MONTH}(?: {_YEAR})?"), _named),
    (re.compile(rf"{_MONTH} (?:the )?{_DAY}(?: (?P<year>[0-9]{{4}}))?"), _named),
]


# --- days counted from today ------------------------------------------------------------------


def _after(days: int) -> _Reader:
    return lambda _found, today: today + timedelta(days=days)


def _counted(found: re.Match[str], today: date) -> date:
    count = found["count"]
    amount = NUMBER_WORDS[count] if count in NUMBER_WORDS else int(count)
    return today + relativedelta(**{_UNITS[found["unit"]]: amount})


def _next_monday(today: date) -> date:
    return today + timedelta(days=7 - today.weekday())


def _coming_weekday(found: re.Match[str], today: date) -> date:
    return today + timedelta(days=(WEEKDAYS[found["weekday"]] - today.isoweekday() - 1) % 7 + 1)


def _weekday_next_week(found: re.Match[str], today: date) -> date:
    return _next_monday(today) + timedelta(days=WEEKDAYS[found["weekday"]] - 1)


def _week(found: re.Match[str], today: date) -> date | Invalid:
    week = int(found["week"])
    if found["year"]:
        try:
            return date.fromisocalendar(int(found["year"]), week, 1)
        except ValueError:
            return _unreadable()
    this_year = today.isocalendar().year
    for year in range(this_year, this_year + 7):  # week 53 comes every five or six years
        try:
            monday = date.fromisocalendar(year, week, 1)
        except ValueError:
            continue
        if monday + timedelta(days=6) >= today:
            return max(monday, today)
    return _unreadable()


_RELATIVE: list[tuple[re.Pattern[str], _Reader]] = [
    (re.compile(r"i ?dag|today"), _after(0)),
    (re.compile(r"i ?morgen|tomorrow"), _after(1)),
    (re.compile(r"(?:i )?overmorgen|(?:the )?day after tomorrow"), _after(2)),
    (
        re.compile(
            rf"(?:om|in) (?P<count>[0-9]{{1,3}}|{_either(NUMBER_WORDS)}) (?P<unit>{_either(_UNITS)})"
            r"(?: from now| from today| fra i dag| fra nu)?"
        ),
        _counted,
    ),
    (re.compile(rf"(?:næste|next) {_WEEKDAY}"), _weekday_next_week),
    (re.compile(rf"{_WEEKDAY} (?:i næste uge|next week)"), _weekday_next_week),
    (re.compile(_WEEKDAY), _coming_weekday),
    (re.compile(r"(?:i )?(?:næste|next) (?:uge|week)"), lambda _found, today: _next_monday(today)),
    (re.compile(r"(?:i |in )?(?:uge|week) ?(?P<week>[0-9]{1,2})(?: (?P<year>[0-9]{4}))?"), _week),
]


# --- a month or a year without a day --------------------------------------------------------------


def _needs_day(month: int, year: int) -> Invalid:
    return Invalid("needs-day", {"example": f"24.{month:02d}.{year}"})


def _month_alone(found: re.Match[str], today: date) -> Invalid:
    month = MONTHS[found["month"]]
    if found["year"]:
        return _needs_day(month, int(found["year"]))
    return _needs_day(month, today.year if month >= today.month else today.year + 1)


def _next_month(_found: re.Match[str], today: date) -> Invalid:
    month = today + relativedelta(months=1)
    return _needs_day(month.month, month.year)


_NEEDS_DAY: list[tuple[re.Pattern[str], _Reader]] = [
    (re.compile(rf"(?:i |in )?{_MONTH}(?: (?P<year>[0-9]{{4}}))?"), _month_alone),
    (re.compile(r"(?:i |in )?(?:næste|next) (?:måned|month)"), _next_month),
    (re.compile(r"(?:i |in )?(?P<year>[0-9]{4})"), lambda found, _today: _needs_day(12, int(found["year"]))),
]

_RULES = [*_RELATIVE, *_ABSOLUTE, *_NEEDS_DAY]
