"""Klubfællesskaber (Kort nr. 30), read side by side with its document (004_29ee882fe786f1cd.txt).

Written by hand from the card: why (the segment, the purposes, the library as a living
social meeting place), the members' benefits, how (in person and/or with a digital channel
such as a newsletter), content before and after the events, value for the recipient in
every issue, and tracking what the segment clicks on. Herning's newsletter goes out "en
gang om måneden": an example, so the team chooses its own rhythm and how early it is
reminded. The team walks the guide through ``flows.engine``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from flows.engine import (
    CancelNudge,
    Finished,
    FlowState,
    Waiting,
    active_path,
    current_step,
    reminders,
)
from flows.model import Repeat
from tests.engine_moves import GUIDES, TODAY, walk
from tests.guide_paths import SKIP
from tests.test_engine_branches import edit, scheduled
from tests.test_guide_kommer_forbi import texts

CLUB = GUIDES["klubfaellesskaber"]

# HVORFOR? "fastholde og styrke relationen", "indsamle data", "én effektiv kanal med
# markedsføring", and "biblioteket som levende socialt samlingspunkt".
WHY = [
    ("segment", "Kernepublikummet til vores debatarrangementer"),
    ("topic", "Demokrati og samfundsdebat"),
    ("purposes", "1, 4"),
]
# EKSEMPEL: "adgang til artikler og boganbefalinger samt prioriteret adgang til køb af billet".
BENEFITS = [("benefits", "Boganbefalinger\nForsalg af billetter")]
# HVORDAN? "Klubfællesskaber kan være fysiske fællesskaber ... Men det kan give rigtig god
# mening at tilknytte en digital kanal til fællesskabet – som fx et nyhedsbrev".
NEWSLETTER = [
    ("community_form", "both"),
    ("channels", "1"),
    ("newsletter_cadence", "fortnightly"),
    ("newsletter_lead", "two_days"),
    ("newsletter_start", "15. januar 2027"),
]
RESOURCES = [("resources", "Anna skriver nyhedsbrevet, to timer hver anden uge")]
# "før et arrangement (ved at dele relevante artikler, opbygge hype mv.) og efter
# arrangementet (ved at dele supplerende materiale, oplægsholders slides mv.)".
EVENTS = [
    ("event_dates", "20. januar, 17. februar og 17. marts 2027"),
    ("content_before", "En artikel om emnet"),
    ("content_after", "Oplægsholderens slides"),
]
# "tænk på, hvad der vil skabe værdi ... i hvert eneste nyhedsbrev eller opslag. Det må
# aldrig blive envejs og en ren salgskanal", and "indgå evt. i dialog med udvalgte
# repræsentanter for målgruppen".
VALUE = [
    ("recipient_value", "Baggrund til aktuelle debatter"),
    ("value_check", "alle"),
    ("representatives", SKIP),
]
# "I diverse mailprogrammer ... er det desuden muligt at tracke data".
DATA = [("newsletter_sent", "ja"), ("tracking", "Vi ser på klik i mailprogrammet hver måned")]
NEXT = [("next_step", "Skrive det første nyhedsbrev")]

EVENT_DAYS = ["2027-01-20", "2027-02-17", "2027-03-17"]
NEWSLETTER_REMINDER = "newsletter_start:newsletter:0"


def before(day: str) -> str:
    return f"event_dates:communication_before:0:{day}"


def after(day: str) -> str:
    return f"event_dates:communication_after:1:{day}"


def sections_walked(state: FlowState) -> list[str]:
    titles: list[str] = []
    for step_id in active_path(CLUB, state):
        title = CLUB.section_of(step_id).title.da
        if not titles or titles[-1] != title:
            titles.append(title)
    return titles


# --- the order of the card ------------------------------------------------------------------


def test_a_club_with_a_newsletter_goes_through_every_part_of_the_card_in_order() -> None:
    moves = [*WHY, *BENEFITS, *NEWSLETTER, *RESOURCES, *EVENTS, *VALUE, *DATA, *NEXT]
    state, effects = walk(CLUB, moves)

    assert active_path(CLUB, state) == [step for step, _ in moves]
    assert sections_walked(state) == [
        "Hvorfor? Segment og formål",
        "Fordele for medlemmerne",
        "Hvordan? Fysisk og/eller digitalt fællesskab",
        "Ressourcer",
        "Før og efter arrangementerne",
        "Værdi for modtageren",
        "Følg med i data",
        "Næste skridt",
    ]
    assert effects[-1] == Finished(complete=True)


def test_a_club_that_only_meets_in_person_skips_the_newsletter_and_its_data() -> None:
    moves = [*WHY, *BENEFITS, ("community_form", "physical"), *RESOURCES, *EVENTS, *NEXT]
    state, effects = walk(CLUB, moves)

    assert active_path(CLUB, state) == [step for step, _ in moves]
    assert effects[-1] == Finished(complete=True)
    assert all(key.startswith("event_dates:") for key in reminders(CLUB, state))


def test_a_club_on_social_media_only_is_not_asked_about_a_newsletter() -> None:
    moves = [*WHY, *BENEFITS, ("community_form", "digital"), ("channels", "2"), *RESOURCES, *EVENTS, *VALUE]
    state, _ = walk(CLUB, [*moves, ("tracking", "Vi følger med i reaktionerne på opslagene"), *NEXT])

    assert [s for s in active_path(CLUB, state) if s.startswith("newsletter")] == []
    assert state.finished


# --- why: the library as a living social meeting place -------------------------------------


def test_the_why_keeps_the_library_as_a_living_social_meeting_place() -> None:
    # HVORFOR?: "en måde for biblioteket som levende socialt samlingspunkt at forbinde
    # mennesker på og herigennem styrke demokratisk deltagelse, dannelse, oplysning og
    # sammenhængskraften i lokalsamfundet."
    intro = CLUB.section_of("segment").intro
    assert intro is not None and "levende socialt samlingspunkt" in intro.da
    assert "lively social meeting place" in intro.en
    purpose = CLUB.step("purposes").option("democracy")
    assert purpose is not None
    assert "levende socialt samlingspunkt" in purpose.label.da
    assert "demokratisk deltagelse, dannelse, oplysning og sammenhængskraften" in purpose.label.da


# --- the newsletter: the team's rhythm and lead time ----------------------------------------


def test_herning_is_an_example_and_the_help_no_longer_promises_monthly_whatever_is_chosen() -> None:
    # EKSEMPEL: "Nyhedsbrevet sendes ud en gang om måneden" – Herning's rhythm, not a rule.
    cadence = CLUB.step("newsletter_cadence").help
    assert cadence is not None and "Herning" in cadence.da and "et eksempel, ikke en regel" in cadence.da
    assert not [t for t in texts(CLUB, "da") if "hver måned fra denne dato" in t]
    assert not [t for t in texts(CLUB, "en") if "every month from" in t]


@pytest.mark.parametrize(
    ("cadence", "repeat"),
    [("1", Repeat.WEEKLY), ("hver anden uge", Repeat.FORTNIGHTLY), ("monthly", Repeat.MONTHLY)],
)
@pytest.mark.parametrize(
    ("lead", "offset"),
    [("1", timedelta(0)), ("to dage før", timedelta(days=-2)), ("week", timedelta(days=-7))],
)
def test_the_newsletter_reminder_repeats_at_the_chosen_rhythm_with_the_chosen_lead_time(
    cadence: str, repeat: Repeat, lead: str, offset: timedelta
) -> None:
    moves = [*NEWSLETTER[:2], ("newsletter_cadence", cadence), ("newsletter_lead", lead), NEWSLETTER[4]]
    _, effects = walk(CLUB, [*WHY, *BENEFITS, *moves])

    newsletter = scheduled(effects)[NEWSLETTER_REMINDER]
    assert (newsletter.on_date, newsletter.repeat, newsletter.offset) == (date(2027, 1, 15), repeat, offset)
    assert not newsletter.suggested, "the team chose the timing; it is not the coach's proposal"


def test_two_days_before_the_first_fortnightly_issue_is_when_the_first_reminder_comes() -> None:
    state, _ = walk(CLUB, [*WHY, *BENEFITS, *NEWSLETTER])

    newsletter = reminders(CLUB, state)[NEWSLETTER_REMINDER]
    assert newsletter.due_at(datetime(2026, 11, 23, tzinfo=UTC), UTC) == datetime(2027, 1, 13, 9, 0, tzinfo=UTC)
    assert newsletter.repeat is Repeat.FORTNIGHTLY


def test_a_changed_rhythm_moves_the_newsletter_reminder() -> None:
    state, _ = walk(CLUB, [*WHY, *BENEFITS, *NEWSLETTER])

    _, effects = edit(CLUB, state, "newsletter_cadence", "monthly")

    assert [(e.key, e.repeat) for e in scheduled(effects).values()] == [(NEWSLETTER_REMINDER, Repeat.MONTHLY)]


def test_a_newsletter_not_sent_yet_is_asked_about_the_day_after_its_date() -> None:
    state, _ = walk(CLUB, [*WHY, *BENEFITS, *NEWSLETTER, *RESOURCES, *EVENTS, *VALUE])

    state, effects = walk(CLUB, [("newsletter_sent", "ikke endnu")], state)

    assert effects[0] == Waiting("newsletter_sent", TODAY.isoformat())
    check_back = scheduled(effects)["newsletter_sent:check-back"]
    assert (check_back.on_date, check_back.offset) == (date(2027, 1, 15), timedelta(days=1))
    assert current_step(CLUB, state) == "newsletter_sent"


# --- the events: before and after each one --------------------------------------------------


def test_several_events_each_get_a_reminder_before_and_after() -> None:
    _, effects = walk(CLUB, [*WHY, *BENEFITS, ("community_form", "physical"), *RESOURCES, EVENTS[0]])

    nudges = scheduled(effects)
    assert sorted(nudges) == sorted([before(day) for day in EVENT_DAYS] + [after(day) for day in EVENT_DAYS])
    for day in EVENT_DAYS:
        assert (nudges[before(day)].on_date, nudges[before(day)].offset) == (date.fromisoformat(day), timedelta(-7))
        assert (nudges[after(day)].on_date, nudges[after(day)].offset) == (date.fromisoformat(day), timedelta(1))
    # The card says before and after, not how many days: those are the coach's proposal.
    assert all(n.suggested for n in nudges.values())
    assert "artikler" in nudges[before(EVENT_DAYS[0])].message.da
    assert "slides" in nudges[after(EVENT_DAYS[0])].message.da


def test_the_following_events_are_added_later_and_only_they_get_new_reminders() -> None:
    help_text = CLUB.step("event_dates").help
    assert help_text is not None and "kommandoen ret" in help_text.da and "edit command" in help_text.en
    state, _ = walk(CLUB, [*WHY, *BENEFITS, ("community_form", "physical"), *RESOURCES, EVENTS[0]])

    _, effects = edit(CLUB, state, "event_dates", "20.1.2027, 17.2.2027, 17.3.2027 og 14.4.2027")

    assert sorted(scheduled(effects)) == [after("2027-04-14"), before("2027-04-14")]
    assert not [e for e in effects if isinstance(e, CancelNudge)]


def test_a_cancelled_event_takes_its_reminders_with_it() -> None:
    state, _ = walk(CLUB, [*WHY, *BENEFITS, ("community_form", "physical"), *RESOURCES, EVENTS[0]])

    _, effects = edit(CLUB, state, "event_dates", "20. januar og 17. marts 2027")

    assert sorted(e.key for e in effects if isinstance(e, CancelNudge)) == [after("2027-02-17"), before("2027-02-17")]


# --- value in every issue -------------------------------------------------------------------


def test_content_that_does_not_hold_yet_is_taken_into_the_next_issue() -> None:
    state, _ = walk(CLUB, [*WHY, *BENEFITS, *NEWSLETTER, *RESOURCES, *EVENTS, *VALUE[:1], ("value_check", "ingen")])

    assert state.answers["value_check"] == []
    assert current_step(CLUB, state) == "representatives"
    help_text = CLUB.step("value_check").help
    assert help_text is not None and "næste nyhedsbrev eller opslag" in help_text.da


# --- the words ------------------------------------------------------------------------------


def test_the_danish_uses_one_quotation_style_and_the_english_has_no_calques() -> None:
    danish, english = texts(CLUB, "da"), texts(CLUB, "en")
    assert not [t for t in danish if '"' in t or "'" in t or "‘" in t]
    assert not [t for t in english if '"' in t]
    for calque in ("actor", "frames", "as the sender", "enlightenment", "democracy community"):
        assert not [t for t in english if calque in t.lower()], calque
    tip = CLUB.step("segment").tips[0]
    assert "“Her er debat”" in tip.da and "“Her er debat”" in tip.en
