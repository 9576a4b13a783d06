"""A team that types formulas, Markdown and HTML gets a logbook that shows those words and runs none of them.

The real coach (on SQLite and PostgreSQL) starts a project, takes hostile answers from a person with
a hostile display name, and exports. The CSV is read back with the csv module, as Danish Excel
would split it (semicolons, after the byte order mark); the Markdown is rendered by a real CommonMark
parser (markdown-it-py, with GitHub's tables), and the check is on the HTML: which elements there
are and what each one shows.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from html.parser import HTMLParser

from markdown_it import MarkdownIt

from bot.export import logbook_csv, logbook_markdown
from bot.i18n import Messages
from bot.replies import ExportReply
from storage.models import JournalEntry
from tests.conftest import Team

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])

PROJECT = "-2+3 # [Fitness](javascript:alert(1)) <b>Nord</b>"
AUTHOR = "@SUM(A1) *Mette* <img src=x onerror=alert(1)>"
TARGET_GROUP = (
    "# Overtaget\n"
    "[klik her](javascript:alert(1)) og ![x](http://tracker.example/pixel.gif)\n"
    "<img src=x onerror=alert(1)><script>alert(1)</script>\n"
    "<http://evil.example> *fed* _skrå_ `kode` ~~væk~~\n"
    "> citat\n"
    "- punkt\n"
    "1. punkt\n"
    "```\n"
    "===\n"
    "&lt;b&gt; &#60; | celle |\n"
    "    indrykket"
)
FORMULA = '=HYPERLINK("http://evil.example","klik")'
EDITED = "@SUM(A1)"
PHONE = "+45 12 34 56 78"

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Everything the logbook's own layout uses. No a, img, script, blockquote, code, pre, ol, hr, del, h4…
LAYOUT_TAGS = {"h1", "h2", "h3", "p", "strong", "em", "br", "ul", "li"}


@dataclass(frozen=True)
class Exported:
    markdown: str
    csv: str

    def csv_rows(self) -> list[list[str]]:
        assert self.csv.startswith("\ufeff")
        return list(csv.reader(io.StringIO(self.csv.removeprefix("\ufeff"), newline=""), delimiter=";"))


async def export_hostile_project(team: Team) -> Exported:
    """A project whose name, author and answers are all hostile, plus one edit, exported in Danish."""
    await team.command(f"start kommer-forbi {PROJECT}", user=AUTHOR)
    await team.say("ja", user=AUTHOR)
    await team.say(TARGET_GROUP, user=AUTHOR)
    await team.say("ja", user=AUTHOR)
    await team.say(FORMULA, user=AUTHOR)
    await team.say(PHONE, user="Ali")
    await team.command(f"edit actors {EDITED}", user="Ali")
    [export] = [r for r in await team.command("export") if isinstance(r, ExportReply)]
    book = await team.coach.logbook(team.platform, team.workspace, export.project_id, "da")
    t = Messages("da")
    return Exported(logbook_markdown(book, t), logbook_csv(book, t))


async def export_hostile_journal(team: Team) -> Exported:
    """The hostile project with a note, a debrief reply and a task (with a hostile owner) in its journal."""
    await export_hostile_project(team)
    book = await team.coach.logbook(team.platform, team.workspace, 1, "da")
    project = book.project
    async with team.coach.db.transaction() as session:
        session.add_all(
            JournalEntry(
                workspace_id=project.workspace_id, project_id=project.id, author=AUTHOR, at=team.coach.clock(), **entry
            )
            for entry in (
                {"kind": "log", "text": TARGET_GROUP},
                {"kind": "debrief", "text": FORMULA, "step": "visited"},
                {"kind": "task", "text": PROJECT, "data": {"owner": AUTHOR, "due": "2026-12-18"}},
            )
        )
    book = await team.coach.logbook(team.platform, team.workspace, 1, "da")
    t = Messages("da")
    return Exported(logbook_markdown(book, t), logbook_csv(book, t))


# --- CSV ---------------------------------------------------------------------------------------


async def test_no_csv_cell_of_a_hostile_project_starts_a_formula(team: Team) -> None:
    rows = (await export_hostile_project(team)).csv_rows()
    assert len(rows) == 1 + 6  # the header and six answers: two confirms, three texts, one edit
    assert [cell for row in rows for cell in row if cell.startswith(FORMULA_START)] == []


async def test_csv_cells_that_could_run_get_an_apostrophe_and_keep_every_character(team: Team) -> None:
    header, *rows = (await export_hostile_project(team)).csv_rows()
    by_step = {(row["Trin"], row["Handling"]): row for row in (dict(zip(header, r, strict=True)) for r in rows)}

    target_group = by_step["target_group", "besvaret"]
    assert target_group["Hvem"] == "'" + AUTHOR
    assert target_group["Indhold"] == TARGET_GROUP  # starts with "#": no formula, left as typed
    assert by_step["actors", "besvaret"]["Indhold"] == "'" + FORMULA
    edited = by_step["actors", "rettet"]
    assert (edited["Hvem"], edited["Indhold"], edited["Tidligere svar"]) == ("Ali", "'" + EDITED, "'" + FORMULA)
    assert by_step["contact_person", "besvaret"]["Indhold"] == "'" + PHONE  # the accepted trade-off


# --- Markdown ---------------------------------------------------------------------------------


@dataclass
class Element:
    tag: str
    text: str = ""
    children: list[Element] = field(default_factory=list)


class _Reader(HTMLParser):
    """Every element of the rendered HTML with the text it shows, in the order they close."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[Element] = []
        self.open: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.open.append(Element(tag))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._close(Element(tag))

    def handle_endtag(self, tag: str) -> None:
        element = self.open.pop()
        assert element.tag == tag, f"</{tag}> closes <{element.tag}>"
        self._close(element)

    def handle_data(self, data: str) -> None:
        for element in self.open:
            element.text += data

    def _close(self, element: Element) -> None:
        self.elements.append(element)
        if self.open:
            self.open[-1].children.append(element)


def rendered(markdown: str) -> list[Element]:
    reader = _Reader()
    reader.feed(MARKDOWN.render(markdown))
    reader.close()
    assert reader.open == []
    return reader.elements


async def test_the_markdown_logbook_of_a_hostile_project_makes_only_its_own_layout(team: Team) -> None:
    elements = rendered((await export_hostile_project(team)).markdown)
    assert {e.tag for e in elements} <= LAYOUT_TAGS
    headings = [(e.tag, e.text) for e in elements if e.tag in ("h1", "h2")]
    assert headings == [
        ("h1", f"Logbog: {PROJECT}"),
        ("h2", "Projektet kort fortalt"),
        ("h2", "Journal"),
        ("h2", "Inden I starter"),
        ("h2", "Step 1: Find den rette indgang og skab den første kontakt"),
    ]


async def test_the_markdown_logbook_shows_every_hostile_word_as_typed(team: Team) -> None:
    elements = rendered((await export_hostile_project(team)).markdown)
    glance = [e.text for e in elements if e.tag == "li"]
    assert any(text.startswith("Startet: ") and text.endswith(f" af {AUTHOR}") for text in glance)
    assert f"Hvilken målgruppe drejer det sig om? {TARGET_GROUP}" in glance

    answers = answers_by_question(elements)
    assert answers["Hvilken målgruppe drejer det sig om?"] == TARGET_GROUP
    assert answers["Hvem vil I besøge?"] == EDITED
    assert answers["Hvem skal I tale med?"] == PHONE
    # Each answer's byline, in emphasis: three answers by the hostile name, then the edit and the phone by Ali.
    bylines = [e.text for e in elements if e.tag == "em" and e.text.startswith(("Besvaret af ", "Rettet af "))]
    assert [text.partition(", ")[0] for text in bylines] == [
        *[f"Besvaret af {AUTHOR}"] * 4,
        "Rettet af Ali",
        "Besvaret af Ali",
    ]


async def test_an_edited_answer_keeps_the_hostile_value_it_replaced_as_typed(team: Team) -> None:
    elements = rendered((await export_hostile_project(team)).markdown)
    [edit] = [e.text for e in elements if e.tag == "li" and e.text.startswith("Rettet af Ali")]
    assert edit.endswith(f"; før: {FORMULA}")


def answers_by_question(elements: list[Element]) -> dict[str, str]:
    """Each question heading (h3) with the paragraph that follows it, as rendered."""
    found: dict[str, str] = {}
    question = None
    for element in elements:
        if element.tag == "h3":
            question = element.text
        elif element.tag == "p" and question is not None and question not in found:
            found[question] = element.text
    return found


# --- the journal --------------------------------------------------------------------------------


async def test_hostile_journal_entries_show_as_typed_and_run_nothing(team: Team) -> None:
    export = await export_hostile_journal(team)
    elements = rendered(export.markdown)
    assert {e.tag for e in elements} <= LAYOUT_TAGS
    entries = [e.text for e in elements if e.tag == "li"]
    assert f"Note · {AUTHOR} · mandag 23. november 2026 kl. 10:00\n{TARGET_GROUP}" in entries
    assert f"{AUTHOR} · mandag 23. november 2026 kl. 10:00\n{FORMULA}" in entries
    task = f"{PROJECT} · ansvarlig: {AUTHOR} · senest fredag 18. december 2026"
    assert task in entries  # among the open tasks
    assert f"Opgave · {AUTHOR} · mandag 23. november 2026 kl. 10:00\n{task} · åben" in entries

    header, *rows = export.csv_rows()
    assert [cell for row in rows for cell in row if cell.startswith(FORMULA_START)] == []
    by_type = {row["Type"]: row for row in (dict(zip(header, r, strict=True)) for r in rows)}
    assert by_type["Note"]["Indhold"] == TARGET_GROUP
    assert by_type["Debriefing"]["Indhold"] == "'" + FORMULA
    assert (by_type["Opgave"]["Indhold"], by_type["Opgave"]["Ansvarlig"]) == ("'" + PROJECT, "'" + AUTHOR)
