"""Starting a project: before the first question the team hears, in one message, what the
guide is about and for whom, how long it takes, its parts, and what the coach will remind
them of.

The guides' titles and summaries come from the loaded guide (they are being rewritten);
the coach's own words around them are checked by hand.
"""

from __future__ import annotations

from typing import Any

from bot.coach import Coach
from bot.config import RemindersConfig
from bot.guide_words import intro
from bot.i18n import Messages
from bot.replies import QuestionReply, Reply, TextReply
from bot.richtext import ItemList
from flows.model import Guide
from storage.db import Database
from tests.conftest import Clock, Team


def introduction(replies: list[Reply]) -> TextReply:
    """The message that starts the project; the first question comes after it."""
    first_question = next(i for i, r in enumerate(replies) if isinstance(r, QuestionReply))
    [started] = [r for r in replies[:first_question] if isinstance(r, TextReply) and "er startet" in r.text.plain()]
    return started


async def test_starting_kommer_forbi_says_who_it_is_for_how_long_its_parts_and_reminders(
    team: Team, guides: dict[str, Guide]
) -> None:
    guide = guides["kommer-forbi"]
    said = introduction(await team.command("start kommer-forbi Fitness Nord")).text.plain()
    assert said.startswith(f"Projektet Fitness Nord (#1) er startet med guiden {guide.title.da}.")
    # The document: "Målgruppe: Medarbejdere og ledere ..." and "Tid: Planlægning ca. 1,5 time ..."
    assert f"Om guiden: {guide.summary.da}" in said
    assert guide.duration is not None and f"Tid: {guide.duration.da}" in said
    assert f"Guiden har {len(guide.sections)} dele:" in said
    for section in guide.sections:
        assert f"\n• {section.title.da}\n" in said
    # Step 1: "følger op efter senest en uge" – the document's own week, not our suggestion.
    [follow_up] = [line for line in said.splitlines() if "7 dage efter svaret på" in line]
    assert follow_up.startswith("• ") and "vores forslag" not in follow_up
    # Step 2: "Send en dagsorden i god tid" – how many days is ours to suggest.
    assert any("dage før mødet" in line and line.endswith("(vores forslag)") for line in said.splitlines())
    assert "Svarer I “Ikke endnu”, spørger jeg igen" in said
    assert "timedelta" not in said and "P7D" not in said and "0:00:00" not in said


async def test_the_parts_are_a_list_in_the_same_message_as_the_start(team: Team, guides: dict[str, Guide]) -> None:
    started = introduction(await team.command("start vejviseren Landsbyen"))
    lists = [block for block in started.text.blocks if isinstance(block, ItemList)]
    sections = [section.title.da for section in guides["vejviseren"].sections]
    assert [["".join(span.text for span in item) for item in block.items] for block in lists][0] == sections
    assert not lists[0].ordered  # the titles carry the document's own numbers ("Trin 3.A")


async def test_english_speakers_get_the_introduction_in_english(team: Team, guides: dict[str, Guide]) -> None:
    team.lang = "en"
    guide = guides["kommer-forbi"]
    replies = await team.command("start kommer-forbi Gym")
    said = next(r for r in replies if isinstance(r, TextReply) and "has started" in r.text.plain()).text.plain()
    assert f"About the guide: {guide.summary.en}" in said
    assert f"The guide has {len(guide.sections)} parts:" in said
    assert any("7 days after the answer to" in line for line in said.splitlines())
    assert "(our suggestion)" in said and "If you answer “Not yet”, I ask again" in said
    assert "vores forslag" not in said


async def test_the_default_check_back_is_the_deployments(db: Database, guides: dict[str, Guide], clock: Clock) -> None:
    team = Team(Coach(db, guides, clock=clock, reminders=RemindersConfig(check_back_days=5)))
    said = introduction(await team.command("start partnerskaber Foreningen")).text.plain()
    assert "Svarer I “Ikke endnu”, spørger jeg igen efter standardtiden på 5 dage (vores forslag)." in said


# --- on small guides of our own ------------------------------------------------------------


def text(da: str, en: str) -> dict[str, str]:
    return {"da": da, "en": en}


def a_guide(*steps: dict[str, Any], duration: dict[str, str] | None = None) -> Guide:
    return Guide.model_validate(
        {
            "id": "proeve",
            "version": 1,
            "source": "proeve.txt",
            "title": text("Prøve", "Trial"),
            "summary": text("For biblioteker, der vil prøve.", "For libraries that want to try."),
            "duration": duration,
            "sections": [{"id": "del", "title": text("Fase 1: Start", "Phase 1: Start"), "steps": list(steps)}],
        }
    )


def meeting(number: int, *nudges: dict[str, Any]) -> dict[str, Any]:
    question = text(f"Hvornår er møde {number}?", f"When is meeting {number}?")
    return {"id": f"meeting{number}", "kind": "date", "text": question, "nudges": list(nudges)}


def document(number: int, offset: str) -> dict[str, Any]:
    message = text("Dokumentér mødet.", "Document the meeting.")
    anchor = f"meeting{number}"
    return {"kind": "document_meeting", "at": anchor, "offset": offset, "suggested": True, "message": message}


def said(guide: Guide, lang: str = "da") -> str:
    return intro(Messages(lang), guide, check_back_days=3).plain()


def test_reminders_of_one_kind_around_several_dates_share_one_line() -> None:
    # Samskabelse's report: document before and after each co-creation meeting.
    steps = [meeting(n, document(n, "-P2D"), document(n, "P1D")) for n in (1, 2, 3)]
    lines = said(a_guide(*steps)).splitlines()
    assert lines[lines.index("Jeg minder jer om:") + 1] == (
        "• Dokumentation af mødet: 2 dage før og 1 dag efter datoerne i "
        "“Hvornår er møde 1?”, “Hvornår er møde 2?” og “Hvornår er møde 3?” (vores forslag)"
    )


def test_a_reminder_the_coach_has_no_words_for_is_said_with_its_message() -> None:
    message = text("Ring til borgmesteren.", "Call the mayor.")
    reminder = {"kind": "ring_til_borgmesteren", "after": "P14D", "message": message}
    step = {"id": "ready", "kind": "confirm", "text": text("Klar?", "Ready?"), "nudges": [reminder]}
    assert "\n• 2 uger efter svaret på “Klar?”: Ring til borgmesteren." in said(a_guide(step))


def test_a_guide_without_time_reminders_or_waits_says_only_what_it_has() -> None:
    step = {"id": "what", "kind": "text", "text": text("Hvad?", "What?")}
    shown = said(a_guide(step))
    assert shown == "Om guiden: For biblioteker, der vil prøve.\nGuiden har én del:\n• Fase 1: Start"
    timed = said(a_guide(step, duration=text("Et par timer.", "A few hours.")), "en")
    assert "Time: A few hours." in timed and "remind" not in timed and "Not yet" not in timed


def test_steps_that_wait_are_listed_with_their_own_timing_and_the_rest_share_the_default() -> None:
    dated = {"at": "meeting1", "offset": "-P5D", "suggested": True, "message": text("Sendt?", "Sent?")}
    agenda = {"id": "agenda", "kind": "confirm", "text": text("Har I sendt dagsordenen?", "Sent the agenda?")}
    called = {"id": "called", "kind": "confirm", "text": text("Har I ringet?", "Have you called?")}
    plain = {"message": text("Ringet?", "Called?")}
    shown = said(a_guide(meeting(1), {**agenda, "wait": dated}, {**called, "wait": plain}))
    assert shown.endswith(
        "Svarer I “Ikke endnu”, spørger jeg igen:\n"
        "• “Har I sendt dagsordenen?”: 5 dage før datoen i “Hvornår er møde 1?” (vores forslag)\n"
        "• De andre spørgsmål: efter standardtiden på 3 dage (vores forslag)"
    )


async def test_a_reminder_either_of_two_questions_starts_is_said_once(team: Team) -> None:
    """Samskabelse: a logbook of their own, or the chat's logbook instead – either way the
    weekly logbook prompt, which the start names once, without quoting both questions."""
    said = "\n".join(
        r.text.plain() for r in await team.command("start samskabelse Vestbyen") if isinstance(r, TextReply)
    )
    logbook = [line for line in said.splitlines() if line.startswith("• Logbogen:")]
    assert logbook == ["• Logbogen: 7 dage efter svaret og derefter hver uge (vores forslag)"]
    meetings = [line for line in said.splitlines() if line.startswith("• Dokumentation af mødet:")]
    assert meetings == [
        "• Dokumentation af mødet: 2 dage før og 1 dag efter det første co-creation-møde, det andet "
        "co-creation-møde, det tredje co-creation-møde og et flyttet møde (vores forslag)"
    ]
