"""When a reminder may arrive: the team's working hours, in its time zone, off on holidays.

A reminder due at 07:00, on a Saturday or on Christmas Eve waits for the next working
moment; one due in the past is sent at the next working moment from now. Holidays come
from the ``holidays`` package (kept current: Store Bededag stopped being a holiday in
2024), in its two Danish categories: ``public`` (the statutory days) and ``optional``
(Christmas Eve, New Year's Eve, Constitution Day, 1 May), which libraries mostly keep
closed too; a deployment can choose ``public`` alone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

import holidays

DEFAULT_CATEGORIES = ("public", "optional")
# Enough to cross any run of closed days a calendar can hold; a week with no working
# day at all is refused when the hours are read.
_SEARCH_DAYS = 30


@cache
def _danish_holidays(categories: tuple[str, ...]) -> holidays.HolidayBase:
    return holidays.country_holidays("DK", categories=categories, language="da")


@dataclass(frozen=True)
class WorkingTime:
    tz: ZoneInfo
    days: frozenset[int]  # ISO weekdays, Monday is 1
    start: time
    end: time
    categories: tuple[str, ...] = DEFAULT_CATEGORIES

    @classmethod
    def of(
        cls, timezone: str, days: str, start: str, end: str, categories: Iterable[str] = DEFAULT_CATEGORIES
    ) -> WorkingTime:
        """From a workspace's settings: ``"12345"``, ``"09:00"``, ``"15:00"``."""
        weekdays = frozenset(int(day) for day in days)
        begin, finish = time.fromisoformat(start), time.fromisoformat(end)
        if not weekdays or not weekdays <= set(range(1, 8)) or begin >= finish:
            raise ValueError(f"no working time in days={days!r} {start}-{end}")
        return cls(ZoneInfo(timezone), weekdays, begin, finish, tuple(categories))

    def holiday(self, day: date) -> str | None:
        """The holiday's Danish name, or None on an ordinary day."""
        return _danish_holidays(self.categories).get(day)

    def is_working_day(self, day: date) -> bool:
        return day.isoweekday() in self.days and self.holiday(day) is None

    def next_moment(self, moment: datetime, not_before: datetime | None = None) -> datetime:
        """The first working moment at or after ``moment`` and ``not_before`` (now), in UTC."""
        if not_before is not None and not_before > moment:
            moment = not_before
        local = moment.astimezone(self.tz)
        day = local.date()
        for _ in range(_SEARCH_DAYS):
            if self.is_working_day(day):
                opens = _local(day, self.start, self.tz)
                closes = _local(day, self.end, self.tz)
                if moment < opens:
                    return opens.astimezone(UTC)
                if moment < closes:
                    return moment.astimezone(UTC)
            day += timedelta(days=1)
        raise ValueError(f"no working day within {_SEARCH_DAYS} days of {local:%Y-%m-%d}")


def _local(day: date, at: time, tz: ZoneInfo) -> datetime:
    """``at`` o'clock on ``day`` in ``tz``; a time in a spring-forward gap becomes the first
    real moment after it (a round trip through UTC normalises it)."""
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC).astimezone(tz)
