"""Dates are read as people write them, in Danish and in English, counted from the day they write.

Three days to write on: a Wednesday in November, a Sunday in December (where "uge 2" and
"15.1" are next year's) and New Year's Eve. Every expected date below was worked out by
hand from a calendar.
"""

from __future__ import annotations

from datetime import date, time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flows.dates import DateReading, read_date
from flows.invalid import Invalid
from tests.conftest import Team, asked, said

NOVEMBER = date(2026, 11, 25)  # a Wednesday, ISO week 48
DECEMBER = date(2026, 12, 20)  # a Sunday, the last day of ISO week 51
YEAR_END = date(2026, 12, 31)  # a Thursday, ISO week 53

BAD_DATE = Invalid("bad-date", {"example": "24.12.2026"})

# (today, Danish, English, the day both mean)
DAYS = [
    # full dates are read as written
    (NOVEMBER, "24.12.2026", "December 24, 2026", date(2026, 12, 24)),
    (NOVEMBER, "24/12/2026", "24 December 2026", date(2026, 12, 24)),
    (NOVEMBER, "24-12-2026", "2026-12-24", date(2026, 12, 24)),
    (NOVEMBER, "24. december 2026", "december 24 2026", date(2026, 12, 24)),
    (NOVEMBER, "24.12.26", "Dec 24, 2026", date(2026, 12, 24)),
    (NOVEMBER, "d. 24/12-2026", "the 24th of December 2026", date(2026, 12, 24)),
    # a day and month without a year: the next such date, today counting
    (NOVEMBER, "15.12", "15 December", date(2026, 12, 15)),
    (NOVEMBER, "15/12", "December 15", date(2026, 12, 15)),
    (NOVEMBER, "17. januar", "January 17", date(2027, 1, 17)),
    (NOVEMBER, "17 jan", "17 Jan", date(2027, 1, 17)),
    (NOVEMBER, "den 3. marts", "3rd of March", date(2027, 3, 3)),
    (NOVEMBER, "onsdag den 3. marts", "Wednesday, March 3", date(2027, 3, 3)),
    (NOVEMBER, "25.11", "November 25", date(2026, 11, 25)),
    (NOVEMBER, "24.11", "November 24", date(2027, 11, 24)),
    (DECEMBER, "15.1", "15 January", date(2027, 1, 15)),
    (DECEMBER, "15.12", "December 15", date(2027, 12, 15)),
    (YEAR_END, "1.1", "January 1", date(2027, 1, 1)),
    (YEAR_END, "31.12", "December 31", date(2026, 12, 31)),
    (YEAR_END, "29.2", "February 29", date(2028, 2, 29)),
    # days from today
    (NOVEMBER, "i dag", "today", date(2026, 11, 25)),
    (NOVEMBER, "i morgen", "tomorrow", date(2026, 11, 26)),
    (NOVEMBER, "i overmorgen", "the day after tomorrow", date(2026, 11, 27)),
    (YEAR_END, "i morgen", "tomorrow", date(2027, 1, 1)),
    # a weekday alone: the next one, strictly after today
    (NOVEMBER, "på tirsdag", "on Tuesday", date(2026, 12, 1)),
    (NOVEMBER, "tirsdag", "Tuesday", date(2026, 12, 1)),
    (NOVEMBER, "torsdag", "Thursday", date(2026, 11, 26)),
    (NOVEMBER, "onsdag", "Wednesday", date(2026, 12, 2)),
    (DECEMBER, "søndag", "Sunday", date(2026, 12, 27)),
    (YEAR_END, "fredag", "Friday", date(2027, 1, 1)),
    # "næste" + weekday: that day in the next ISO week, so not the coming Friday
    (NOVEMBER, "næste tirsdag", "next Tuesday", date(2026, 12, 1)),
    (NOVEMBER, "næste fredag", "next Friday", date(2026, 12, 4)),
    (NOVEMBER, "tirsdag i næste uge", "Tuesday next week", date(2026, 12, 1)),
    (DECEMBER, "næste mandag", "next Monday", date(2026, 12, 21)),
    # counted from today
    (NOVEMBER, "om en uge", "in a week", date(2026, 12, 2)),
    (NOVEMBER, "om 14 dage", "in 14 days", date(2026, 12, 9)),
    (NOVEMBER, "om to uger", "in two weeks", date(2026, 12, 9)),
    (NOVEMBER, "om 2 uger", "in 2 weeks", date(2026, 12, 9)),
    (NOVEMBER, "om tre dage", "in three days", date(2026, 11, 28)),
    (NOVEMBER, "om en måned", "in a month", date(2026, 12, 25)),
    (DECEMBER, "om en måned", "in one month", date(2027, 1, 20)),
    (YEAR_END, "om 2 måneder", "in two months", date(2027, 2, 28)),
    # weeks: Monday of the ISO week, the next such week once it is over, today in the current one
    (NOVEMBER, "næste uge", "next week", date(2026, 11, 30)),
    (YEAR_END, "næste uge", "next week", date(2027, 1, 4)),
    (NOVEMBER, "uge 50", "week 50", date(2026, 12, 7)),
    (NOVEMBER, "uge 48", "week 48", date(2026, 11, 25)),
    (NOVEMBER, "uge 47", "week 47", date(2027, 11, 22)),
    (DECEMBER, "uge 2", "week 2", date(2027, 1, 11)),
    (DECEMBER, "uge 52", "week 52", date(2026, 12, 21)),
    (YEAR_END, "uge 1", "week 1", date(2027, 1, 4)),
    (YEAR_END, "uge 53", "week 53", date(2026, 12, 31)),
    # extra spaces, capitals, fillers and trailing punctuation
    (NOVEMBER, "  Den  24. December 2026!! ", "  On the 24th of  December 2026. ", date(2026, 12, 24)),
    (NOVEMBER, "I MORGEN.", "Tomorrow!", date(2026, 11, 26)),
    (NOVEMBER, "på onsdag den 3. marts", "on Wednesday March 3rd", date(2027, 3, 3)),
]


@pytest.mark.parametrize(("today", "danish", "english", "day"), DAYS, ids=[row[1] for row in DAYS])
def test_a_date_means_the_same_day_in_danish_and_english(today: date, danish: str, english: str, day: date) -> None:
    assert read_date(danish, today) == DateReading(day)
    assert read_date(english, today) == DateReading(day)


TIMES = [
    ("3. marts kl. 14", "March 3 at 2pm", "2027-03-03T14:00"),
    ("3. marts kl. 14.30", "March 3 at 14:30", "2027-03-03T14:30"),
    ("3/3 kl 9", "March 3 at 9am", "2027-03-03T09:00"),
    ("i morgen kl. 10", "tomorrow at 10", "2026-11-26T10:00"),
    ("15.12 14:30", "December 15 14:30", "2026-12-15T14:30"),
    ("næste fredag klokken 8.05", "next Friday 8:05 am", "2026-12-04T08:05"),
    ("i dag kl. 0", "today at 12am", "2026-11-25T00:00"),
    ("24.12.2026 kl. 12", "24.12.2026 12pm", "2026-12-24T12:00"),
]


@pytest.mark.parametrize(("danish", "english", "value"), TIMES, ids=[row[0] for row in TIMES])
def test_a_time_given_with_the_date_is_kept(danish: str, english: str, value: str) -> None:
    for typed in (danish, english):
        reading = read_date(typed, NOVEMBER)
        assert isinstance(reading, DateReading), typed
        assert reading.value == value, typed


def test_without_a_time_the_stored_value_is_the_day_alone() -> None:
    assert read_date("15.12", NOVEMBER) == DateReading(date(2026, 12, 15), None)
    assert DateReading(date(2026, 12, 15)).value == "2026-12-15"
    assert DateReading(date(2026, 12, 15), time(9, 5)).value == "2026-12-15T09:05"


@pytest.mark.parametrize("typed", ["3. marts kl. 25", "i morgen kl. 10.60", "March 3 at 13pm", "15.12 24:00"])
def test_a_time_that_does_not_exist_is_refused(typed: str) -> None:
    assert read_date(typed, NOVEMBER) == Invalid("bad-time")


@pytest.mark.parametrize(
    ("danish", "english", "example"),
    [
        ("marts", "March", "24.03.2027"),
        ("i marts", "in March", "24.03.2027"),
        ("november", "November", "24.11.2026"),
        ("december 2026", "December 2026", "24.12.2026"),
        ("2027", "in 2027", "24.12.2027"),
        ("næste måned", "next month", "24.12.2026"),
    ],
)
def test_a_month_or_a_year_alone_asks_for_the_day(danish: str, english: str, example: str) -> None:
    assert read_date(danish, NOVEMBER) == Invalid("needs-day", {"example": example})
    assert read_date(english, NOVEMBER) == Invalid("needs-day", {"example": example})


def test_a_weekday_that_is_not_the_dates_weekday_is_named_not_guessed() -> None:
    wednesday = date(2027, 3, 3)
    mismatch = Invalid("weekday-mismatch", {"date": "2027-03-03", "on": wednesday, "weekday": 3, "typed": 1})
    assert read_date("mandag den 3. marts", NOVEMBER) == mismatch
    assert read_date("Monday, March 3", NOVEMBER) == mismatch
    christmas_eve = {"date": "2026-12-24", "on": date(2026, 12, 24), "weekday": 4, "typed": 5}
    assert read_date("fredag 24.12.2026 kl. 18", NOVEMBER) == Invalid("weekday-mismatch", christmas_eve)


@pytest.mark.parametrize(
    ("typed", "day", "month", "days"),
    [("31.11", 31, 11, 30), ("30. februar", 30, 2, 29), ("29.2.2027", 29, 2, 28), ("April 31", 31, 4, 30)],
)
def test_a_day_the_month_does_not_have_is_refused_with_the_months_length(
    typed: str, day: int, month: int, days: int
) -> None:
    assert read_date(typed, NOVEMBER) == Invalid("no-such-date", {"day": day, "month": month, "days": days})


def test_a_past_date_written_in_full_is_read_as_written() -> None:
    # Whether to store it is the answer reader's question (it asks first); the reader only reads.
    assert read_date("20.11.2026", NOVEMBER) == DateReading(date(2026, 11, 20))


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "blabla",
        "på tirsdag engang",
        "næste tirsdag-ish",
        "²",
        "15.²",
        "١٥.١٢",  # digits of another script
        "32.12",
        "15.13",
        "2026-13-01",
        "0.0",
        "uge 54",
        "uge 0",
        "kl. 14",
        "\x00",
        "om mange dage",
        "i morgen " + "x" * 300,
    ],
)
def test_text_that_is_no_date_gets_an_example(typed: str) -> None:
    assert read_date(typed, NOVEMBER) == BAD_DATE


def test_a_stored_value_reads_back_to_the_same_day_and_time() -> None:
    assert DateReading.from_value("2026-12-15") == DateReading(date(2026, 12, 15))
    assert DateReading.from_value("2026-12-15T14:00") == DateReading(date(2026, 12, 15), time(14, 0))
    for broken in ("15.12.2026", "2026-12-15T25:00", "2026-02-30", "2026-12-15T14:00+01:00", "２０２６-12-15"):
        with pytest.raises(ValueError):
            DateReading.from_value(broken)


@given(text=st.text(max_size=250), today=st.dates())
def test_any_text_on_any_day_is_read_or_refused_never_raises(text: str, today: date) -> None:
    reading = read_date(text, today)
    assert isinstance(reading, DateReading | Invalid)
    if isinstance(reading, DateReading):
        assert DateReading.from_value(reading.value) == reading


@given(
    phrase=st.sampled_from(["i morgen", "næste tirsdag", "om 2 uger", "uge 1", "15.12", "29.2", "om 999 år"]),
    today=st.dates(),
)
def test_phrases_near_the_ends_of_the_calendar_never_raise(phrase: str, today: date) -> None:
    assert isinstance(read_date(phrase, today), DateReading | Invalid)


# --- what the team sees ---------------------------------------------------------------------------

TO_MEETING_DATE = ("ja", "Unge", "ja", "Fitness", "Jens", "1", "ja")


async def at_the_meeting_date(team: Team) -> None:
    await team.command("start kommer-forbi A")
    for answer in TO_MEETING_DATE:
        replies = await team.say(answer)
    assert asked(replies) == "meeting_date"


async def test_a_date_without_a_year_is_saved_as_the_next_one_and_the_guide_moves_on(team: Team) -> None:
    await at_the_meeting_date(team)  # the team's clock says Monday 23 November 2026
    replies = await team.say("15.12")
    assert asked(replies) != "meeting_date"
    assert "→ tirsdag 15. december 2026" in said(await team.command("svar"))


async def test_a_date_with_a_time_is_shown_with_its_time(team: Team) -> None:
    await at_the_meeting_date(team)
    await team.say("15.12 kl. 10")
    assert "→ tirsdag 15. december 2026 kl. 10.00" in said(await team.command("svar"))
    team.lang = "en"
    assert "→ Tuesday 15 December 2026 at 10:00" in said(await team.command("svar"))


@pytest.mark.parametrize(
    ("typed", "danish", "english"),
    [
        (
            "20.11.2026",
            "Den dato er allerede gået: fredag den 20. november 2026. Er det den, I mener? Ellers skriv en ny dato.",
            "That date has passed: Friday, November 20, 2026. Is it the one you mean? If not, write another date.",
        ),
        (
            "mandag den 3. marts",
            "3. marts 2027 er en onsdag, ikke en mandag. Skriv datoen igen, så jeg ved, hvilken dag I mener.",
            "March 3, 2027 is a Wednesday, not a Monday. Write the date again so I know which day you mean.",
        ),
        (
            "marts",
            "Hvilken dag? Skriv hele datoen, fx 24.03.2027.",
            "Which day? Write the whole date, for example 24.03.2027.",
        ),
        (
            "31.11",
            "Den 31. november findes ikke; den måned har højst 30 dage. Skriv en anden dato.",
            "There is no November 31: that month has at most 30 days. Write another date.",
        ),
        (
            "i morgen kl. 25",
            "Det klokkeslæt findes ikke. Skriv det fx sådan: 3. marts kl. 14.30",
            "There is no such time of day. Write it like this, for example: March 3 at 14:30",
        ),
    ],
)
async def test_a_refused_date_is_explained_and_the_question_stays_open(
    team: Team, typed: str, danish: str, english: str
) -> None:
    await at_the_meeting_date(team)
    replies = await team.say(typed)
    assert danish in said(replies) and asked(replies) == "meeting_date"
    team.lang = "en"
    replies = await team.say(typed)
    assert english in said(replies) and asked(replies) == "meeting_date"
