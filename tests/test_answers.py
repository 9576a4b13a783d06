"""What people type is read the way they meant it, or they are told why not."""

from __future__ import annotations

from datetime import date

import pytest

from flows.answers import Invalid, parse_answer
from flows.model import Step

TODAY = date(2026, 11, 23)


def step(kind: str, **extra: object) -> Step:
    return Step.model_validate({"id": "q", "kind": kind, "text": {"da": "?", "en": "?"}, **extra})


OPTIONS = [
    {"id": "close", "label": {"da": "Nær relation", "en": "Close relation"}},
    {"id": "none", "label": {"da": "Ingen relation", "en": "No relation"}},
]


@pytest.mark.parametrize(
    "typed", ["24.12.2026", "24/12/2026", "2026-12-24", "24. december 2026", "24 dec 2026", "24. december"]
)
def test_dates_are_read_as_danes_write_them(typed: str) -> None:
    assert parse_answer(step("date"), typed, TODAY) == "2026-12-24"


def test_a_date_that_does_not_parse_gets_an_example() -> None:
    assert parse_answer(step("date"), "næste tirsdag-ish", TODAY) == Invalid("bad-date", {"example": "24.12.2026"})


@pytest.mark.parametrize(
    ("typed", "stored"),
    [("15.12", "2026-12-15"), ("i morgen", "2026-11-24"), ("i dag", "2026-11-23"), ("17. januar", "2027-01-17")],
)
def test_a_date_without_a_year_is_stored_as_the_next_such_day(typed: str, stored: str) -> None:
    assert parse_answer(step("date"), typed, TODAY) == stored


def test_a_date_with_a_time_is_stored_with_the_time_of_day() -> None:
    assert parse_answer(step("date"), "3. marts kl. 14.30", TODAY) == "2027-03-03T14:30"
    assert parse_answer(step("date"), "tomorrow at 9am", TODAY) == "2026-11-24T09:00"


def test_a_past_date_is_not_stored_until_it_is_confirmed() -> None:
    s = step("date")
    friday = date(2026, 11, 20)
    assert parse_answer(s, "20.11.2026", TODAY) == Invalid("past-date", {"date": "2026-11-20", "on": friday})
    at_nine = Invalid("past-date", {"date": "2026-11-20T09:00", "on": friday})
    assert parse_answer(s, "20.11.2026 kl. 9", TODAY) == at_nine
    assert parse_answer(s, {"date": "2026-11-20", "confirm_past": True}, TODAY) == "2026-11-20"
    assert parse_answer(s, {"date": "2026-11-20T09:00", "confirm_past": True}, TODAY) == "2026-11-20T09:00"


@pytest.mark.parametrize(
    "sent",
    [
        {"date": "2026-11-20"},
        {"date": "2026-11-20", "confirm_past": "yes"},
        {"date": "20.11.2026", "confirm_past": True},
        {"date": "2026-02-30", "confirm_past": True},
        {"date": "2026-11-20T25:00", "confirm_past": True},
        {"date": ["2026-11-20"], "confirm_past": True},
    ],
)
def test_a_confirmation_must_carry_a_real_stored_date(sent: dict[str, object]) -> None:
    assert parse_answer(step("date"), sent, TODAY) == Invalid("bad-date", {"example": "24.12.2026"})


def test_a_date_handed_over_by_code_is_taken_as_it_is() -> None:
    assert parse_answer(step("date"), date(2026, 1, 2), TODAY) == "2026-01-02"


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("marts", "needs-day"),
        ("mandag den 3. marts", "weekday-mismatch"),
        ("31.11", "no-such-date"),
        ("i morgen kl. 25", "bad-time"),
    ],
)
def test_a_date_the_reader_refuses_is_refused_for_the_same_reason(typed: str, code: str) -> None:
    result = parse_answer(step("date"), typed, TODAY)
    assert isinstance(result, Invalid) and result.code == code


def test_an_answer_over_4000_characters_is_refused_with_the_limit() -> None:
    result = parse_answer(step("text"), "x" * 4001, TODAY)
    assert result == Invalid("too-long", {"limit": 4000, "length": 4001})
    assert parse_answer(step("text"), "x" * 4000, TODAY) == "x" * 4000


def test_an_empty_answer_is_refused() -> None:
    assert parse_answer(step("text"), "   ", TODAY) == Invalid("empty")


def test_choices_by_number_label_or_id() -> None:
    s = step("single_choice", options=OPTIONS)
    assert parse_answer(s, "2", TODAY) == "none"
    assert parse_answer(s, "nær relation", TODAY) == "close"
    assert parse_answer(s, "close", TODAY) == "close"
    assert parse_answer(s, "7", TODAY) == Invalid("unknown-option", {"answer": "7", "count": 2, "pick": "one"})


def test_several_choices_keep_the_guide_order() -> None:
    s = step("multi_choice", options=OPTIONS)
    assert parse_answer(s, "2, 1", TODAY) == ["close", "none"]
    assert parse_answer(s, ["none"], TODAY) == ["none"]
    assert parse_answer(s, "alle", TODAY) == ["close", "none"]


def test_a_checklist_may_have_nothing_ticked_yet() -> None:
    assert parse_answer(step("checklist", options=OPTIONS), [], TODAY) == []
    assert parse_answer(step("checklist", options=OPTIONS), "ingen", TODAY) == []


def test_yes_and_no_in_both_languages() -> None:
    s = step("confirm")
    assert [parse_answer(s, word, TODAY) for word in ("ja", "Yes", "nej", "no", True)] == [
        True,
        True,
        False,
        False,
        True,
    ]
    assert parse_answer(s, "måske", TODAY) == Invalid("not-yes-no")


def test_lists_one_item_per_line_within_bounds() -> None:
    s = step("list", min_items=3, max_items=4)
    assert parse_answer(s, "- a\n2. b\n\n• c", TODAY) == ["a", "b", "c"]
    assert parse_answer(s, "a\nb", TODAY) == Invalid("too-few-items", {"min": 3, "count": 2})
    assert parse_answer(s, "a\nb\nc\nd\ne", TODAY) == Invalid("too-many-items", {"max": 4, "count": 5})


def test_a_list_sent_as_items_is_held_to_the_same_4000_characters() -> None:
    s = step("list")
    assert parse_answer(s, ["x" * 3000, "y" * 1001], TODAY) == Invalid("too-long", {"limit": 4000, "length": 4002})
    assert parse_answer(s, ["x" * 2000, "y" * 1999], TODAY) == ["x" * 2000, "y" * 1999]


@pytest.mark.parametrize("kind", ["text", "confirm", "date", "list", "single_choice", "multi_choice", "checklist"])
@pytest.mark.parametrize("value", [{"a": 1}, [[1]], 1e308, -5, True, ["²", None], "²"])
def test_a_value_of_the_wrong_shape_is_refused_or_read_never_crashes(kind: str, value: object) -> None:
    extra = {"options": OPTIONS} if kind in ("single_choice", "multi_choice", "checklist") else {}
    result = parse_answer(step(kind, **extra), value, TODAY)
    stored_as = {"confirm": bool, "list": list, "multi_choice": list, "checklist": list}.get(kind, str)
    assert isinstance(result, Invalid | stored_as), result
