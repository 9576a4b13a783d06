"""Reminders arrive in working hours: weekdays 09:00-15:00 in the team's time zone,
never on a Danish holiday, never in the past."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.worktime import WorkingTime

CPH = ZoneInfo("Europe/Copenhagen")
TEAM = WorkingTime.of("Europe/Copenhagen", "12345", "09:00", "15:00")


def local(text: str, tz: ZoneInfo = CPH) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=tz)


def shown(moment: datetime, tz: ZoneInfo = CPH) -> str:
    return moment.astimezone(tz).strftime("%a %Y-%m-%d %H:%M")


@pytest.mark.parametrize(
    ("due", "arrives"),
    [
        ("2026-11-25 10:30", "Wed 2026-11-25 10:30"),  # inside working hours: as planned
        ("2026-11-25 07:00", "Wed 2026-11-25 09:00"),  # early morning: when the day starts
        ("2026-11-25 15:00", "Thu 2026-11-26 09:00"),  # closing time is already after hours
        ("2026-11-27 16:00", "Mon 2026-11-30 09:00"),  # Friday evening: Monday morning
        ("2026-11-28 09:00", "Mon 2026-11-30 09:00"),  # the agenda reminder that fell on a Saturday
    ],
)
def test_a_reminder_outside_working_hours_waits_for_the_next_working_moment(due: str, arrives: str) -> None:
    assert shown(TEAM.next_moment(local(due))) == arrives


def test_christmas_eve_christmas_and_the_weekend_after_are_all_off() -> None:
    # Christmas Eve is in the holidays library's "optional" Danish category, which is off by default.
    assert TEAM.holiday(local("2026-12-24 00:00").date()) == "Juleaftensdag"
    assert shown(TEAM.next_moment(local("2026-12-24 10:00"))) == "Mon 2026-12-28 09:00"


def test_new_years_eve_and_day_are_off() -> None:
    # 31 December (optional) and 1 January (public) are off; 2-3 January 2027 is a weekend.
    assert shown(TEAM.next_moment(local("2026-12-31 09:00"))) == "Mon 2027-01-04 09:00"


def test_easter_from_maundy_thursday_to_easter_monday_is_off() -> None:
    assert shown(TEAM.next_moment(local("2026-04-02 09:00"))) == "Tue 2026-04-07 09:00"


def test_store_bededag_is_an_ordinary_working_day_from_2024() -> None:
    assert TEAM.holiday(local("2023-05-05 00:00").date()) is not None
    assert TEAM.holiday(local("2024-04-26 00:00").date()) is None
    # The fourth Friday after Easter 2025 (16 May), once Store Bededag, is a working day.
    assert shown(TEAM.next_moment(local("2025-05-16 10:00"))) == "Fri 2025-05-16 10:00"


def test_a_deployment_can_keep_only_the_statutory_holidays() -> None:
    public_only = WorkingTime.of("Europe/Copenhagen", "12345", "09:00", "15:00", categories=["public"])
    assert shown(public_only.next_moment(local("2026-12-24 10:00"))) == "Thu 2026-12-24 10:00"


def test_summer_time_starts_between_friday_and_monday_and_nine_stays_nine() -> None:
    # 29 March 2026 the clocks go forward: 09:00 on Friday is 08:00 UTC, on Monday 07:00 UTC.
    friday = TEAM.next_moment(local("2026-03-27 05:00"))
    monday = TEAM.next_moment(local("2026-03-27 16:00"))
    assert friday == datetime(2026, 3, 27, 8, 0, tzinfo=UTC)
    assert monday == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)


def test_winter_time_returns_and_nine_stays_nine() -> None:
    assert TEAM.next_moment(local("2026-10-24 12:00")) == datetime(2026, 10, 26, 8, 0, tzinfo=UTC)


def test_a_team_in_another_time_zone_gets_its_own_nine_oclock() -> None:
    new_york = ZoneInfo("America/New_York")
    team = WorkingTime.of("America/New_York", "12345", "09:00", "15:00")
    # 20:00 UTC is 15:00 in New York: closing time, so the next morning there.
    arrives = team.next_moment(datetime(2026, 11, 24, 20, 0, tzinfo=UTC))
    assert shown(arrives, new_york) == "Wed 2026-11-25 09:00"
    assert arrives == datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


def test_a_reminder_is_never_scheduled_in_the_past() -> None:
    now = local("2026-11-25 11:00")
    assert TEAM.next_moment(local("2026-11-20 09:00"), not_before=now) == now
    evening = local("2026-11-25 18:00")
    assert shown(TEAM.next_moment(local("2026-11-01 09:00"), not_before=evening)) == "Thu 2026-11-26 09:00"


def test_working_days_can_be_any_set_of_weekdays() -> None:
    weekend_library = WorkingTime.of("Europe/Copenhagen", "67", "10:00", "14:00")
    assert shown(weekend_library.next_moment(local("2026-11-25 10:00"))) == "Sat 2026-11-28 10:00"


def test_a_week_without_working_time_is_refused() -> None:
    with pytest.raises(ValueError):
        WorkingTime.of("Europe/Copenhagen", "", "09:00", "15:00")
    with pytest.raises(ValueError):
        WorkingTime.of("Europe/Copenhagen", "12345", "15:00", "09:00")
