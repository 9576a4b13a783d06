"""``outreach-coach guides show ID``: the whole guide as a consultant reviews it against
its document, with its timings in words.

The guides' own wording is being rewritten, so their questions and titles are taken from
the loaded guide; what is checked by hand is the coach's wording around them: the
numbering, the branch lines, "7 dage efter svaret", "(vores forslag)".
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.guide_words import GuideWords
from bot.i18n import Messages
from flows.model import Guide, Nudge, PromptKind, Repeat, Step

SHIPPED = ("kommer-forbi", "partnerskaber", "samskabelse", "vejviseren", "klubfaellesskaber")


def show(guide_id: str, lang: str = "da") -> str:
    result = CliRunner().invoke(main, ["guides", "show", guide_id, "--lang", lang])
    assert result.exit_code == 0, result.output
    return result.output


def number(guide: Guide, step: Step) -> int:
    """A question's number: its place in the guide file, counted over every section."""
    return guide.steps.index(step) + 1


def first_of(guide: Guide, kind: PromptKind, section: int | None = None) -> Step:
    steps = guide.sections[section].steps if section is not None else guide.steps
    return next(step for step in steps if step.kind is kind)


# --- kommer-forbi, read against its document -------------------------------------------


def test_each_part_of_the_guide_is_a_heading_with_its_intro(guides: dict[str, Guide]) -> None:
    shown = show("kommer-forbi")
    guide = guides["kommer-forbi"]
    # The document: "Denne guide klæder jer på ...", "Tid: Planlægning ca. 1,5 time ..."
    assert shown.startswith(f"{guide.title.da}\n")
    assert f"Om guiden: {guide.summary.da}\n" in shown
    assert guide.duration is not None and f"Tid: {guide.duration.da}\n" in shown
    for section in guide.sections:  # the prerequisites, then Step 1, 2 and 3
        title = section.title.da
        assert f"\n{title}\n{'-' * len(title)}\n" in shown
        if section.intro:
            assert f"{'-' * len(title)}\n{section.intro.da}\n" in shown
        for tip in section.tips:  # "Husk! ..." and "Tip! ..."
            assert f"• {tip.da}\n" in shown


def test_a_question_keeps_its_number_in_both_languages_and_where_branches_point_to_it(
    guides: dict[str, Guide],
) -> None:
    guide = guides["kommer-forbi"]
    # Step 2 of the document: "Når mødet er i kalenderen ..." – the meeting's date is the
    # guide's first date question, asked by every way through Step 1.
    meeting = first_of(guide, PromptKind.DATE)
    n = number(guide, meeting)
    assert f"\n{n}. {meeting.text.da}\n" in show("kommer-forbi")
    assert f"\n{n}. {meeting.text.en}\n" in show("kommer-forbi", "en")
    # The call to a close relation leads straight on to the meeting.
    assert f"\n    → {n}. {meeting.text.da}\n" in show("kommer-forbi")


def test_the_three_ways_of_making_first_contact_are_branch_lines(guides: dict[str, Guide]) -> None:
    # Step 1: "Følg ét af følgende trin: Vi har en nær personlig relation / en god bekendt /
    # ingen personlig relation" – each leads its own way.
    guide = guides["kommer-forbi"]
    relation = first_of(guide, PromptKind.SINGLE_CHOICE, section=1)
    shown = show("kommer-forbi")
    assert len(relation.options) == 3
    for option in relation.options:
        assert re.search(rf"\n    hvis “{re.escape(option.label.da)}”: → \d+\. ", shown), option.id


def test_a_missing_prerequisite_branches_on_no_to_the_mapping_tool(guides: dict[str, Guide]) -> None:
    # "Har I ikke ovenstående på plads, anbefales I at starte med redskabet 'Afdækning ...'"
    shown = show("kommer-forbi")
    first = guides["kommer-forbi"].steps[0]
    assert shown.split(f"1. {first.text.da}\n")[1].split("\n\n")[0].count("hvis “Nej”: → ") == 1
    assert "\n    Her holder projektet pause, til I genoptager det.\n" in shown
    assert shown.endswith("\n    Her slutter guiden.\n")


def test_following_up_a_week_after_the_mail_is_said_in_days_and_is_the_documents_own(
    guides: dict[str, Guide],
) -> None:
    # Step 1, a good acquaintance: "Straks efter opkaldet sender I mailen og følger op efter
    # senest en uge." The week is the document's, so it is not marked as our suggestion.
    shown = show("kommer-forbi")
    [follow_up] = [line for line in shown.splitlines() if "7 dage efter svaret" in line]
    assert follow_up.startswith("    Påmindelse 7 dage efter svaret")
    assert "vores forslag" not in follow_up
    [english] = [line for line in show("kommer-forbi", "en").splitlines() if "7 days after the answer" in line]
    assert english.startswith("    Reminder 7 days after the answer")


def test_the_agenda_in_good_time_is_a_number_of_days_before_the_meeting_and_our_suggestion(
    guides: dict[str, Guide],
) -> None:
    # Step 2: "Send en dagsorden i god tid" – the document names no number of days.
    # The date step has a short name, so the timing reads as a consultant would say it.
    assert re.search(r"\d+ dage før mødet \(vores forslag\)", show("kommer-forbi"))
    assert re.search(r"\d+ days before the meeting \(our suggestion\)", show("kommer-forbi", "en"))


def test_a_date_without_a_short_name_is_named_by_its_question(guides: dict[str, Guide]) -> None:
    guide = guides["kommer-forbi"]
    meeting = first_of(guide, PromptKind.DATE)
    raw = guide.model_dump(by_alias=True, exclude_none=True)
    for section in raw["sections"]:
        for step in section["steps"]:
            step.pop("label", None)
    unnamed = Guide.model_validate(raw)
    words = GuideWords(Messages("da"), unnamed, timedelta(days=3), lambda step: f"“{unnamed.step(step).text.da}”")
    assert words.on_dates(["5 dage før"], [meeting.id]) == f"5 dage før datoen i “{meeting.text.da}”"


def test_the_debriefing_after_the_visit_lists_its_questions(guides: dict[str, Guide]) -> None:
    # Step 3: "hold et debriefing møde ... På mødet deler I jeres indtryk og sammenfatter jeres indsigter."
    step = next(s for s in guides["kommer-forbi"].steps if s.debrief)
    assert step.debrief is not None
    shown = show("kommer-forbi")
    assert re.search(r"\n    Debriefing(, hvis [^:]+)?: jeg åbner en tråd med spørgsmålene\n", shown)
    for n, question in enumerate(step.debrief.questions, start=1):
        assert f"\n        {n}. {question.da}\n" in shown


@pytest.mark.parametrize("lang", ["da", "en"])
@pytest.mark.parametrize("guide_id", SHIPPED)
def test_no_guide_shows_a_python_or_iso_duration(guide_id: str, lang: str) -> None:
    shown = show(guide_id, lang)
    for leak in ("timedelta(", "days=", "0:00:00", "{", "}", "_choice", "[confirm]"):
        assert leak not in shown, leak
    assert not re.search(r"\bP(T?\d+[DWMYHS])+\b", shown)


# --- the words themselves, on a small guide of our own -----------------------------------


def text(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def a_guide(*steps: dict[str, Any]) -> Guide:
    return Guide.model_validate(
        {
            "id": "proeve",
            "version": 1,
            "source": "proeve.txt",
            "title": text("Prøve", "Trial"),
            "summary": text("Til prøve.", "For trying out."),
            "sections": [{"id": "del", "title": text("Del 1", "Part 1"), "steps": list(steps)}],
        }
    )


MEETING = {"id": "meeting", "kind": "date", "text": text("Hvornår er mødet?", "When is the meeting?")}
SENT = {"id": "sent", "kind": "confirm", "text": text("Har I sendt den?", "Have you sent it?")}


def words(guide: Guide, lang: str = "da") -> GuideWords:
    t = Messages(lang)
    return GuideWords(t, guide, timedelta(days=3), lambda step: f"“{guide.step(step).text.get(lang)}”")


def nudge(**fields: Any) -> Nudge:
    return Nudge.model_validate({"kind": "k", "message": text("Husk det.", "Remember it."), **fields})


@pytest.mark.parametrize(
    ("duration", "da", "en"),
    [
        ("P1D", "1 dag", "1 day"),
        ("P7D", "7 dage", "7 days"),
        ("P10D", "10 dage", "10 days"),
        ("P14D", "2 uger", "2 weeks"),
        ("P2W", "2 uger", "2 weeks"),
        ("P28D", "4 uger", "4 weeks"),
        ("P1M", "1 måned", "1 month"),
        ("PT2H", "2 timer", "2 hours"),
        ("PT1H", "1 time", "1 hour"),
        ("PT30M", "30 minutter", "30 minutes"),
    ],
)
def test_durations_are_said_as_people_say_them(duration: str, da: str, en: str) -> None:
    guide = a_guide(SENT)
    span = nudge(after=duration).after
    assert span is not None
    assert words(guide).duration(span) == da
    assert words(guide, "en").duration(span) == en


def test_a_reminder_after_an_answer_counts_from_that_answer() -> None:
    guide = a_guide(SENT)
    sent, reminder = guide.step("sent"), nudge(after="P7D")
    assert words(guide).nudge_timing(sent, reminder) == "7 dage efter svaret"
    assert words(guide).nudge_timing(sent, reminder, name_owner=True) == "7 dage efter svaret på “Har I sendt den?”"
    assert words(guide, "en").nudge_timing(sent, reminder) == "7 days after the answer"


def test_a_dated_reminder_says_which_side_of_which_date() -> None:
    guide = a_guide(MEETING, SENT)
    sent, meeting = guide.step("sent"), guide.step("meeting")
    say = words(guide).nudge_timing
    assert say(sent, nudge(at="meeting", offset="-P5D")) == "5 dage før datoen i “Hvornår er mødet?”"
    assert say(sent, nudge(at="meeting", offset="P1D")) == "1 dag efter datoen i “Hvornår er mødet?”"
    assert say(sent, nudge(at="meeting")) == "samme dag som datoen i “Hvornår er mødet?”"
    assert say(meeting, nudge(at="meeting")) == "samme dag som datoen i svaret"  # under the date question itself
    english = words(guide, "en").nudge_timing(sent, nudge(at="meeting", offset="-P5D"))
    assert english == "5 days before the date in “When is the meeting?”"


def test_a_suggested_timing_is_marked_as_ours() -> None:
    guide = a_guide(SENT)
    assert words(guide).suggested("5 dage før", True) == "5 dage før (vores forslag)"
    assert words(guide, "en").suggested("5 days before", True) == "5 days before (our suggestion)"
    assert words(guide).suggested("5 dage før", False) == "5 dage før"


def test_a_repeating_reminder_says_how_often() -> None:
    guide = a_guide(MEETING, SENT)
    sent = guide.step("sent")
    monthly = words(guide).nudge_timing(sent, nudge(at="meeting", repeat="monthly"))
    assert monthly == "samme dag som datoen i “Hvornår er mødet?” og derefter hver måned"
    weekly = words(guide, "en").nudge_timing(sent, nudge(after="P7D", repeat="weekly"))
    assert weekly == "7 days after the answer and then every week"


@pytest.mark.parametrize("lang", ["da", "en"])
def test_every_rhythm_the_guides_can_name_has_words(lang: str) -> None:
    # A rhythm added to the model (fortnightly: every other week) needs its words here.
    guide = a_guide(SENT)
    said = {repeat: words(guide, lang).every(nudge(after="P7D", repeat=repeat.value)) for repeat in Repeat}
    assert all(phrase and phrase.startswith(("hver ", "every ")) for phrase in said.values()), said
    assert len(set(said.values())) == len(said)


def test_a_rhythm_or_lead_time_the_team_chooses_names_the_question_it_is_chosen_in() -> None:
    # Nudge.repeat_from / offset_from are being added: the option chosen in a step sets them.
    cadence = {"id": "cadence", "kind": "single_choice", "text": text("Hvor tit?", "How often?")}
    cadence["options"] = [{"id": "monthly", "label": text("Hver måned", "Every month")}]
    guide = a_guide(MEETING, cadence, SENT)
    sent = guide.step("sent")
    chosen = nudge(at="meeting").model_copy(update={"repeat_from": "cadence"})
    assert words(guide).nudge_timing(sent, chosen) == (
        "samme dag som datoen i “Hvornår er mødet?” og derefter med den rytme, I vælger i “Hvor tit?”"
    )
    lead = nudge(at="meeting").model_copy(update={"offset_from": "cadence"})
    assert words(guide, "en").nudge_timing(sent, lead) == (
        "with the lead time you choose in “How often?”, before the date in “When is the meeting?”"
    )


def test_asking_again_after_not_yet_uses_the_wait_or_else_the_default() -> None:
    guide = a_guide(MEETING, {**SENT, "wait": {"message": text("Sendt?", "Sent?")}})
    say = words(guide)
    plain = guide.step("sent").wait
    assert plain is not None
    assert say.wait_timing(plain) == "efter standardtiden på 3 dage"
    assert say.wait_suggested(plain)  # no timing of its own: always ours
    timed = plain.model_copy(update={"after": timedelta(days=7)})
    assert say.wait_timing(timed) == "efter 7 dage" and not say.wait_suggested(timed)
    dated = plain.model_copy(update={"at": "meeting", "offset": timedelta(days=-5), "suggested": True})
    assert say.wait_timing(dated) == "5 dage før datoen i “Hvornår er mødet?”" and say.wait_suggested(dated)
    assert say.not_yet() == "“Ikke endnu”"


def test_conditions_name_the_answer_and_the_question_they_test() -> None:
    choice = {"id": "relation", "kind": "single_choice", "text": text("Hvilken relation?", "Which relation?")}
    choice["options"] = [
        {"id": "close", "label": text("Nær", "Close")},
        {"id": "none", "label": text("Ingen", "None")},
    ]
    guide = a_guide(choice, {**SENT, "wait": {"message": text("Sendt?", "Sent?")}})
    say, relation, sent = words(guide), guide.step("relation"), guide.step("sent")
    condition = Nudge.model_validate(
        {"kind": "k", "message": text("m", "m"), "after": "P1D", "when": {"step": "relation", "in": ["close", "none"]}}
    ).when
    assert condition is not None
    assert say.condition(condition, relation) == "hvis “Nær” eller “Ingen”"
    assert say.condition(condition, sent) == "hvis “Hvilken relation?” er “Nær” eller “Ingen”"
    done = condition.model_copy(update={"step": "sent", "in_": None, "equals": True})
    assert say.condition(done, sent) == "hvis “Gjort”"  # a waiting step's button
    unanswered = condition.model_copy(update={"step": "sent", "in_": None, "answered": False})
    assert say.condition(unanswered, relation) == "hvis “Har I sendt den?” ikke er besvaret"
