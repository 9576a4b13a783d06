"""The logbook a team sends its manager: what the manager sees in the Markdown, the CSV and the calendar.

One project of "Biblioteket kommer forbi" lived over five weeks by Mette and Ali, from October
(summer time, UTC+2) into November (winter time, UTC+1): answers, one of them changed later, a
journal with notes, meeting notes, two people's debrief replies and follow-up tasks, and the
reminders the guide set up. It runs on SQLite and on PostgreSQL through ``Coach.logbook``.
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import aiohttp
import pytest
from icalendar import Calendar
from playwright.async_api import Browser, expect

from bot.export import Logbook, logbook_csv, logbook_ics, logbook_markdown
from bot.export.book import GLANCE_STEPS
from bot.export.wording import question_heading
from bot.i18n import Messages
from bot.replies import ExportReply
from flows.engine import FlowState
from flows.model import Guide
from storage.db import Database
from storage.models import JournalEntry, NudgeRow
from tests.conftest import Clock, Team
from tests.test_export_safety import Element, rendered
from tests.test_web_browser import browser, js_errors, open_page, send, wait_turn  # noqa: F401 - browser is a fixture

COPENHAGEN = ZoneInfo("Europe/Copenhagen")

SUMMER = datetime(2026, 10, 20, 8, 0, tzinfo=UTC)  # 10:00 in Copenhagen (CEST, UTC+2)
WINTER = datetime(2026, 11, 2, 13, 30, tzinfo=UTC)  # 14:30 in Copenhagen (CET, UTC+1)
LATER = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00
KEY_QUESTIONS = ["Hvad savner jeres medlemmer?", "Hvem kommer aldrig?", "Hvad virker allerede?"]
NOTE_WITH_SEMICOLON = "Mødet flyttet; ny dato følger\nAnna ringer tilbage"
DEBRIEF_BY_ALI = "- Mange kommer om formiddagen\n- Få kender biblioteket"


def utc(month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


# What the team wrote besides answers, as the journal keeps it (times in UTC).
OPEN_TASK = {"owner": "Ali", "due": "2026-12-18", "done": False}
DONE_TASK = {"owner": "Mette", "due": "2026-12-01", "done": True}
JOURNAL: list[dict[str, object]] = [
    {"kind": "log", "author": "Mette", "at": utc(10, 21, 7, 15), "text": "Ringede til centret, Anna var på ferie."},
    {"kind": "meeting", "author": "Ali", "at": utc(11, 5, 12, 0), "text": NOTE_WITH_SEMICOLON},
    {
        "kind": "debrief",
        "author": "Mette",
        "at": utc(11, 24, 12, 0),
        "text": "De vil have IT-hjælp.",
        "step": "visited",
    },
    {"kind": "log", "author": "Mette", "at": utc(11, 24, 12, 10), "text": "Billeder ligger i fællesmappen."},
    {"kind": "debrief", "author": "Ali", "at": utc(11, 24, 12, 30), "text": DEBRIEF_BY_ALI, "step": "visited"},
    {"kind": "task", "author": "Ali", "at": utc(11, 24, 13, 0), "text": "Send referat til Anna", "data": OPEN_TASK},
    {"kind": "task", "author": "Mette", "at": utc(11, 24, 13, 5), "text": "Book lokale", "data": DONE_TASK},
]

# Words of the English logbook that must never show in the Danish one.
ENGLISH = re.compile(r"\b(answered|edited|changed|skipped|UTC|Logbook|History|Reminder|Task|Meeting|Started|at \d)\b")


@dataclass
class Lived:
    """The project's logbook as loaded by the coach, with the team that made it."""

    team: Team
    clock: Clock
    db: Database
    project_id: int

    async def book(self, lang: str = "da") -> Logbook:
        return await self.team.coach.logbook(self.team.platform, self.team.workspace, self.project_id, lang)


async def at(clock: Clock, moment: datetime) -> None:
    clock.now = moment


@pytest.fixture
async def lived(team: Team, clock: Clock, db: Database) -> Lived:
    await at(clock, SUMMER)
    await team.command("start kommer-forbi Fitness Nord", user="Mette")
    for answer in ("ja", "Seniorer i Nordby", "ja", "Fitness Nord"):
        await team.say(answer, user="Mette")

    await at(clock, WINTER)
    await team.say("Anna Jensen, centerleder", user="Ali")
    await team.click("relation", "close", user="Ali")
    await team.say("ja", user="Ali")
    await team.click("meeting_date", "2026-12-15", user="Ali")
    await team.say("At lære seniorerne i centret at kende", user="Ali")
    await team.say("ja", user="Ali")
    await team.say("\n".join(KEY_QUESTIONS), user="Ali")
    await team.say("ja", user="Ali")  # the agenda is sent ("nej" would keep them at the agenda until it is)
    await team.command("skip", user="Ali")  # the tour is optional
    await team.say("Lånerkort og en foredragsrække", user="Ali")
    await team.say("Mette\nAli", user="Ali")  # the visit team; nothing is due before the visit

    await at(clock, LATER)
    await team.command("edit target_group Seniorer og pårørende i Nordby", user="Ali")
    [export] = [r for r in await team.command("export", user="Mette") if isinstance(r, ExportReply)]

    book = await team.coach.logbook(team.platform, team.workspace, export.project_id, "da")
    project = book.project

    async with db.transaction() as session:
        session.add_all(
            JournalEntry(workspace_id=project.workspace_id, project_id=project.id, **entry) for entry in JOURNAL
        )
    await at(clock, datetime(2026, 11, 25, 11, 0, tzinfo=UTC))
    return Lived(team, clock, db, export.project_id)


async def not_back_from_the_visit(lived: Lived) -> Logbook:
    """Ali ticks the visit's questions and notes, then says "nej" to "Har I været på besøget?":
    the coach asks again the day after the meeting (15 December), at 09:00."""
    for answer in ("alle", "1", "nej"):
        await lived.team.say(answer, user="Ali")
    return await lived.book()


# --- helpers that read what a manager reads ------------------------------------------------------


def texts(elements: list[Element], tag: str) -> list[str]:
    return [e.text.strip() for e in elements if e.tag == tag]


def markdown_part(markdown: str, heading: str) -> str:
    """The Markdown under ``heading`` (a whole heading line), up to the next heading of that level or higher."""
    level = heading.split(" ")[0]
    start = markdown.index(f"\n{heading}\n") + len(heading) + 2
    following = re.compile(rf"^#{{1,{len(level)}}} ", re.M)
    found = following.search(markdown, start)
    return markdown[start : found.start() if found else len(markdown)]


def top_items(markdown: str) -> list[Element]:
    """The items of the outermost list of a piece of Markdown, as rendered."""
    outer = [e for e in rendered(markdown) if e.tag == "ul"][-1]  # elements are listed as they close
    return outer.children


def items(markdown: str) -> list[str]:
    """The list items of a piece of Markdown as rendered text, each with its nested items' text."""
    return [e.text.strip() for e in rendered(markdown) if e.tag == "li"]


# --- the project at a glance -------------------------------------------------------------------


async def test_the_glance_says_what_the_project_is_about_who_started_it_and_where_it_stands(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    assert markdown.startswith("# Logbog: Fitness Nord\n")
    glance = markdown_part(markdown, "## Projektet kort fortalt")
    assert items(glance.split("\n### ")[0]) == [
        "Guide: Biblioteket kommer forbi",
        "Startet: tirsdag 20. oktober 2026 kl. 10:00 af Mette",
        "Status: i gang",
        "Hvilken målgruppe drejer det sig om? Seniorer og pårørende i Nordby",
        "Hvem vil I besøge? Fitness Nord",
        "Hvem skal I tale med? Anna Jensen, centerleder",
    ]


async def test_the_glance_lists_key_dates_open_tasks_the_next_step_and_upcoming_reminders(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    assert items(markdown_part(markdown, "### Vigtige datoer")) == ["Hvornår er mødet? tirsdag 15. december 2026"]
    # The done task ("Book lokale") is not open any more.
    assert items(markdown_part(markdown, "### Aftaler og åbne opgaver")) == [
        "Send referat til Anna · ansvarlig: Ali · senest fredag 18. december 2026"
    ]
    assert markdown_part(markdown, "### Næste skridt").strip() == (
        "Tag disse spørgsmål med på besøget. Sæt flueben ved dem, I vil spørge ind til:"
    )
    # "hold et debriefing møde – og gerne lige med det samme" comes after the visit, so nothing is due before it.
    assert "### Kommende påmindelser" not in markdown

    markdown = logbook_markdown(await not_back_from_the_visit(lived), Messages("da"))
    assert items(markdown_part(markdown, "### Kommende påmindelser")) == [
        "onsdag 16. december 2026 kl. 09:00: Har I været på besøget? Sig til, når I er hjemme igen "
        "– så åbner jeg en tråd til debriefingmødet.",
    ]


async def test_a_debrief_thread_still_to_open_is_an_upcoming_reminder(lived: Lived) -> None:
    book = await lived.book()
    thread = NudgeRow(
        kind="debrief-thread",
        dedupe_key=f"{book.project.id}:visited:debrief",
        status="pending",
        due_at=datetime(2026, 12, 15, 14, 0, tzinfo=UTC),
        payload={"step": "visited", "questions": [{"da": "Hvilke indtryk fik I hver især?", "en": "…"}]},
    )
    markdown = logbook_markdown(replace(book, nudges=[*book.nudges, thread]), Messages("da"))
    assert items(markdown_part(markdown, "### Kommende påmindelser"))[-1] == (
        "tirsdag 15. december 2026 kl. 15:00: Debriefingen efter “Har I været på besøget?” åbnes"
    )


def test_every_guide_names_the_steps_its_glance_shows(guides: dict[str, Guide]) -> None:
    assert set(GLANCE_STEPS) == set(guides)
    assert {(g, s) for g, steps in GLANCE_STEPS.items() for s in steps if not guides[g].has_step(s)} == set()


async def test_a_date_with_a_time_reads_with_the_hour(lived: Lived) -> None:
    book = await lived.book()
    timed = replace(book, state=replace(book.state, answers={**book.state.answers, "meeting_date": "2026-12-15T14:00"}))
    markdown = logbook_markdown(timed, Messages("da"))
    assert items(markdown_part(markdown, "### Vigtige datoer")) == [
        "Hvornår er mødet? tirsdag 15. december 2026 kl. 14:00"
    ]


async def test_the_status_says_finished_waiting_or_paused(lived: Lived) -> None:
    book = await lived.book()
    t = Messages("da")

    def status(of: Logbook) -> str:
        [line] = [
            i for i in items(markdown_part(logbook_markdown(of, t), "## Projektet kort fortalt")) if "Status" in i
        ]
        return line

    book.project.finished = True
    assert status(replace(book, state=replace(book.state, finished=True))) == "Status: afsluttet"
    book.project.finished = False
    # The engine keeps the steps a team answered "not yet" in the position's waiting map.
    book.project.position = {**book.project.position, "waiting": {"visit_questions": "2026-11-23"}}
    assert status(book) == (
        "Status: venter på “Tag disse spørgsmål med på besøget. Sæt flueben ved dem, I vil spørge ind til:” "
        "siden mandag 23. november 2026"
    )
    # A path that ends at "come back when ready" without finishing the project is a pause.
    stopped = FlowState({"target_group_chosen": False, "start_with_mapping": False, "stop_here": "Vi kortlægger først"})
    assert status(replace(book, state=stopped)).startswith("Status: sat på pause ved “Godt – start med")


# --- the journal ---------------------------------------------------------------------------------


async def test_the_journal_shows_every_entry_in_time_order_with_author_and_local_time(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    entries = top_items(markdown_part(markdown, "## Journal"))
    assert [e.text.strip().split("\n")[0] for e in entries] == [
        "Note · Mette · onsdag 21. oktober 2026 kl. 09:15",
        "Mødenoter · Ali · torsdag 5. november 2026 kl. 13:00",
        "Debriefing efter “Har I været på besøget?”",
        "Note · Mette · tirsdag 24. november 2026 kl. 13:10",
        "Opgave · Ali · tirsdag 24. november 2026 kl. 14:00",
        "Opgave · Mette · tirsdag 24. november 2026 kl. 14:05",
    ]
    assert entries[1].text.split("\n")[1:] == NOTE_WITH_SEMICOLON.split("\n")
    assert entries[4].text.endswith("Send referat til Anna · ansvarlig: Ali · senest fredag 18. december 2026 · åben")
    assert entries[5].text.endswith("Book lokale · ansvarlig: Mette · senest tirsdag 1. december 2026 · udført")


async def test_debrief_replies_of_two_people_stand_together_under_their_debrief(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    [debrief] = [e for e in top_items(markdown_part(markdown, "## Journal")) if e.text.startswith("Debriefing")]
    [replies] = [e for e in debrief.children if e.tag == "ul"]
    assert [reply.text.split("\n") for reply in replies.children] == [
        ["Mette · tirsdag 24. november 2026 kl. 13:00", "De vil have IT-hjælp."],
        ["Ali · tirsdag 24. november 2026 kl. 13:30", "- Mange kommer om formiddagen", "- Få kender biblioteket"],
    ]


# --- every answer, by section --------------------------------------------------------------------


async def test_answers_show_their_history_in_local_time_across_the_change_to_winter_time(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    target_group = markdown_part(markdown, "### Hvilken målgruppe drejer det sig om?")
    assert texts(rendered(target_group), "p") == ["Seniorer og pårørende i Nordby"]
    assert items(target_group) == [
        "Besvaret af Mette, tirsdag 20. oktober 2026 kl. 10:00",  # 08:00 UTC in summer time
        "Rettet af Ali, mandag 23. november 2026 kl. 10:00; før: Seniorer i Nordby",  # 09:00 UTC in winter time
    ]
    contact = markdown_part(markdown, "### Hvem skal I tale med?")
    assert items(contact) == ["Besvaret af Ali, mandag 2. november 2026 kl. 14:30"]  # 13:30 UTC


async def test_a_skipped_question_says_so_and_who_skipped_it(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    tour = markdown_part(markdown, "### Har I bedt om at kombinere mødet med en kort rundvisning?")
    assert texts(rendered(tour), "p") == ["Sprunget over."]
    assert items(tour) == ["Sprunget over af Ali, mandag 2. november 2026 kl. 14:30"]


async def test_list_answers_are_markdown_lists_under_headings_without_typing_hints(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    headings = texts(rendered(markdown), "h3")
    assert "Sæt jer sammen og formuler 3–4 centrale spørgsmål, I gerne vil have svar på." in headings
    assert "Hvem tager med på besøget?" in headings
    assert not [h for h in headings if "pr. linje" in h or "(" in h]
    questions = markdown_part(
        markdown, "### Sæt jer sammen og formuler 3–4 centrale spørgsmål, I gerne vil have svar på."
    )
    assert items(questions)[:3] == KEY_QUESTIONS
    assert "; ".join(KEY_QUESTIONS) not in markdown


async def test_the_danish_logbook_has_no_english_word_and_no_utc(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book(), Messages("da"))
    assert ENGLISH.findall(markdown) == []
    assert "+00:00" not in markdown and "T08:00" not in markdown


async def test_the_english_logbook_is_english_throughout(lived: Lived) -> None:
    markdown = logbook_markdown(await lived.book("en"), Messages("en"))
    assert markdown.startswith("# Logbook: Fitness Nord\n")
    assert "Started: Tuesday 20 October 2026 at 10:00 by Mette" in items(
        markdown_part(markdown, "## The project at a glance")
    )
    assert "### Which target group is it?" in markdown
    assert not re.search(r"\b(Besvaret|Rettet|Logbog|kl\.|december|oktober)\b", markdown)


@pytest.mark.parametrize(
    ("question", "heading"),
    [
        # Written from the guides' own questions (flows/guides/*.yaml).
        (
            "Hvilke events i lokalmiljøet kan I være med til? (én pr. linje)",
            "Hvilke events i lokalmiljøet kan I være med til?",
        ),
        ("Which local events can you take part in? (one per line)", "Which local events can you take part in?"),
        (
            "Skriv jeres prioriterede liste, den vigtigste først (én pr. linje).",
            "Skriv jeres prioriterede liste, den vigtigste først.",
        ),
        ("Hvilke fordele får medlemmerne? Skriv én pr. linje.", "Hvilke fordele får medlemmerne?"),
        ("What benefits do members get? Write one per line.", "What benefits do members get?"),
        ("Hvem tager med på besøget? Skriv ét navn pr. linje.", "Hvem tager med på besøget?"),
        ("Who is going on the visit? One name per line.", "Who is going on the visit?"),
        (
            "Aftal, hvordan I følger op: skriv de konkrete opgaver med en ansvarlig, "
            "én pr. linje (fx “Opgave – navn”).",
            "Aftal, hvordan I følger op: skriv de konkrete opgaver med en ansvarlig.",
        ),
        # A parenthesis inside the question is part of it.
        (
            "Hvad har I lært af kvalitativ research i lokalområdet (uformelle interviews og/eller observationer)?",
            "Hvad har I lært af kvalitativ research i lokalområdet (uformelle interviews og/eller observationer)?",
        ),
        ("Hvornår er mødet?", "Hvornår er mødet?"),
    ],
)
def test_a_question_heading_drops_the_hint_on_how_to_type_the_answer(question: str, heading: str) -> None:
    assert question_heading(question) == heading


# --- CSV for Danish Excel ----------------------------------------------------------------------------


def read_csv(text: str) -> list[dict[str, str]]:
    assert text.startswith("\ufeff"), "Excel reads UTF-8 only after a byte order mark"
    header, *rows = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=";")
    return [dict(zip(header, row, strict=True)) for row in rows]


async def test_the_csv_opens_in_danish_excel_one_row_per_change_and_entry_in_time_order(lived: Lived) -> None:
    book = await lived.book()
    text = logbook_csv(book, Messages("da"))
    assert text.startswith(
        "\ufeffTidspunkt;Type;Hvem;Trin;Spørgsmål;Handling;Indhold;Tidligere svar;Ansvarlig;Frist\r\n"
    )
    assert text.endswith("\r\n") and "\r\n" in text.split("\n", 1)[0] + "\n"
    rows = read_csv(text)
    assert len(rows) == len(book.history) + len(book.journal)
    times = [row["Tidspunkt"] for row in rows]
    assert times == sorted(times)
    assert times[0] == "2026-10-20 10:00" and "2026-11-02 14:30" in times  # local: +02 in summer, +01 in winter
    assert {row["Type"] for row in rows} == {"Svar", "Note", "Mødenoter", "Debriefing", "Opgave"}

    [edit] = [row for row in rows if row["Handling"] == "rettet"]
    assert (edit["Hvem"], edit["Trin"], edit["Indhold"], edit["Tidligere svar"]) == (
        "Ali",
        "target_group",
        "Seniorer og pårørende i Nordby",
        "Seniorer i Nordby",
    )
    [key_questions] = [row for row in rows if row["Trin"] == "key_questions"]
    assert key_questions["Indhold"] == "\n".join(KEY_QUESTIONS)
    [meeting] = [row for row in rows if row["Trin"] == "meeting_date"]
    assert meeting["Indhold"] == "2026-12-15"
    [open_task] = [row for row in rows if row["Indhold"] == "Send referat til Anna"]
    assert (open_task["Handling"], open_task["Ansvarlig"], open_task["Frist"]) == ("åben", "Ali", "2026-12-18")


async def test_a_csv_cell_with_semicolons_and_line_breaks_round_trips(lived: Lived) -> None:
    rows = read_csv(logbook_csv(await lived.book(), Messages("da")))
    [meeting] = [row for row in rows if row["Type"] == "Mødenoter"]
    assert meeting["Indhold"] == NOTE_WITH_SEMICOLON
    [debrief] = [row for row in rows if row["Hvem"] == "Ali" and row["Type"] == "Debriefing"]
    assert debrief["Indhold"] == "'" + DEBRIEF_BY_ALI  # never a formula


# --- the calendar --------------------------------------------------------------------------------------


async def test_the_calendar_holds_the_meeting_day_and_the_reminders_to_come(lived: Lived) -> None:
    book = await not_back_from_the_visit(lived)
    calendar = Calendar.from_ical(logbook_ics(book, Messages("da")))
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Copenhagen"]
    events = {str(event["UID"]): event for event in calendar.walk("VEVENT")}
    project = book.project.id
    assert set(events) == {
        f"{project}-meeting_date@outreach-coach",
        f"{project}-reminder-visited-check-back@outreach-coach",
    }
    meeting = events[f"{project}-meeting_date@outreach-coach"]
    assert str(meeting["SUMMARY"]) == "Hvornår er mødet? – Fitness Nord"
    assert (meeting.start, meeting.end) == (date(2026, 12, 15), date(2026, 12, 16))  # all day
    check_back = events[f"{project}-reminder-visited-check-back@outreach-coach"]
    assert check_back.start == datetime(2026, 12, 16, 9, 0, tzinfo=COPENHAGEN)
    assert check_back.start.tzinfo is not None and str(check_back["DTSTART"].params["TZID"]) == "Europe/Copenhagen"
    # The title is the message's first sentence.
    assert str(check_back["SUMMARY"]) == "Påmindelse: Har I været på besøget? – Fitness Nord"
    assert str(check_back["DESCRIPTION"]).startswith("Har I været på besøget? Sig til, når I er hjemme igen")
    stamps = {event.DTSTAMP for event in events.values()}
    assert stamps == {datetime(2026, 11, 25, 11, 0, tzinfo=UTC)}  # when the logbook was exported


async def test_a_meeting_with_a_time_is_an_hour_long_and_uids_stay_the_same_next_time(lived: Lived) -> None:
    book = await lived.book()
    timed = replace(book, state=replace(book.state, answers={**book.state.answers, "meeting_date": "2026-12-15T14:00"}))
    [meeting] = [
        e for e in Calendar.from_ical(logbook_ics(timed, Messages("da"))).walk("VEVENT") if "meeting" in e["UID"]
    ]
    assert meeting.start == datetime(2026, 12, 15, 14, 0, tzinfo=COPENHAGEN)
    assert meeting.end == datetime(2026, 12, 15, 15, 0, tzinfo=COPENHAGEN)

    def uids(text: str) -> list[str]:
        return sorted(str(e["UID"]) for e in Calendar.from_ical(text).walk("VEVENT"))

    await at(lived.clock, datetime(2026, 12, 1, 8, 0, tzinfo=UTC))
    assert uids(logbook_ics(await lived.book(), Messages("da"))) == uids(logbook_ics(book, Messages("da")))


# --- where the team gets it ------------------------------------------------------------------------------


async def test_the_browser_chat_offers_the_logbook_as_markdown_csv_and_calendar(
    web_server: str, http: aiohttp.ClientSession
) -> None:
    async def turn(**body: object) -> dict[str, object]:
        payload = {"conversation": "kalender", "user": "Mette", **body}
        async with http.post(f"{web_server}/chat/api/turn", json=payload) as response:
            assert response.status == 200
            return await response.json()

    await turn(command="start kommer-forbi Fitness Nord")
    for text in ("ja", "Seniorer", "ja", "Fitness Nord", "Anna"):
        await turn(text=text)
    await turn(answer={"step": "relation", "value": "close"})
    await turn(text="ja")
    await turn(answer={"step": "meeting_date", "value": "2026-12-15"})
    body = await turn(command="export")
    [export] = [r for r in body["replies"] if r["type"] == "export"]  # type: ignore[union-attr]
    assert set(export["links"]) == {"md", "csv", "ics"}
    expected = {"md": "text/markdown", "csv": "text/csv", "ics": "text/calendar"}
    for fmt, content_type in expected.items():
        async with http.get(f"{web_server}/chat/{export['links'][fmt]}") as response:
            assert response.status == 200
            assert response.content_type == content_type and response.charset == "utf-8"
            assert f'filename="logbook-{export["project_id"]}.{fmt}"' in response.headers["Content-Disposition"]
            body_bytes = await response.read()
    calendar = Calendar.from_ical(body_bytes)
    assert [e.start for e in calendar.walk("VEVENT")] == [date(2026, 12, 15)]


@pytest.mark.browser
async def test_the_chat_page_offers_the_calendar_beside_markdown_and_csv(
    browser: Browser,  # noqa: F811 - the fixture imported above
    web_server: str,
) -> None:
    page = await open_page(browser, f"{web_server}/?channel=browser-calendar")
    await wait_turn(page, 0)  # the welcome
    await send(page, "/start kommer-forbi Fitness Nord")
    await send(page, "/export")
    links = page.locator("#messages a.export-link")
    await expect(links).to_have_count(3)
    assert await links.evaluate_all("links => links.map(link => link.dataset.format)") == ["md", "csv", "ics"]
    calendar_link = links.last
    assert await calendar_link.inner_text() == "Hent datoer og påmindelser (kalender, .ics)"
    async with page.expect_download() as download:
        await calendar_link.click()
    calendar = Calendar.from_ical(Path(await (await download.value).path()).read_bytes())
    assert str(calendar["NAME"]) == "Fitness Nord (Biblioteket kommer forbi)"
    assert not js_errors(page), js_errors(page)


def test_the_cli_writes_the_calendar_file(tmp_path: Path) -> None:
    env = {"OUTREACH_COACH_DATA_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    chat = "/start kommer-forbi Besøg\nja\nUnge mænd\nja\nFitness Nord\nAnna\n1\nja\n15.12.2026\n/quit\n"
    command = [sys.executable, "-m", "bot.cli", "chat", "--user", "Ali"]
    subprocess.run(command, input=chat, text=True, env=env, check=True, capture_output=True, timeout=120)
    output = tmp_path / "besøg.ics"
    export = [sys.executable, "-m", "bot.cli", "export", "1", "--platform", "terminal", "--format", "ics"]
    result = subprocess.run([*export, "--output", str(output)], capture_output=True, text=True, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    [meeting] = Calendar.from_ical(output.read_bytes()).walk("VEVENT")
    assert (str(meeting["SUMMARY"]), meeting.start) == ("Hvornår er mødet? – Besøg", date(2026, 12, 15))
