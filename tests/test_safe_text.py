"""What a person types shows up in the logbook as exactly that text, and never runs in a spreadsheet.

The Markdown is rendered by a real CommonMark parser (markdown-it-py, with GitHub's tables and
strikethrough switched on, as GitHub shows a ``.md`` file), and the check is on the HTML it makes:
which tags there are, and which characters a reader sees.
"""

from __future__ import annotations

import csv
import io
import re
import string
from dataclasses import dataclass, field
from html.parser import HTMLParser

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from bot.safe_text import csv_cell, markdown_cell, markdown_literal, markdown_literal_lines

MARKDOWN = MarkdownIt("commonmark").enable(["table", "strikethrough"])

# Everything a person could type on one line: any character but control characters (tab, line
# breaks, NUL…) and lone surrogates, with Markdown's punctuation, digits and spaces drawn often
# so that syntax turns up. Lines add the breaks CommonMark knows, and the tab.
PRINTABLE = st.one_of(
    st.sampled_from(string.punctuation + string.digits + "  a\u00a0\u3000"),
    st.characters(exclude_categories=("Cc", "Cs")),
)
ONE_LINE = st.text(PRINTABLE)
LINES = st.lists(st.one_of(PRINTABLE, st.sampled_from(["\n", "\r", "\r\n", "\t"]))).map("".join)

HOSTILE = {
    "heading": "# Overtaget",
    "closing hashes": "Klub ##",
    "link": "[klik her](javascript:alert(1))",
    "image": "![x](http://tracker.example/pixel.gif)",
    "reference link": "[klik][1]\n\n[1]: http://evil.example",
    "raw html": '<img src=x onerror="alert(1)">',
    "script": "<script>alert(1)</script>",
    "autolink": "<http://evil.example>",
    "email autolink": "<mette@evil.example>",
    "emphasis": "*vigtigt* _meget_ **fed** __fed__",
    "code span": "`rm -rf /`",
    "code fence": "```\nkode\n```",
    "tilde fence": "~~~\nkode\n~~~",
    "strikethrough": "~~slettet~~",
    "block quote": "> citat",
    "bullet lists": "- en\n+ to\n* tre",
    "ordered lists": "1. en\n2) to\n2024. år",
    "thematic break": "---\n***\n___\n- - -",
    "setext heading": "Overskrift\n===",
    "setext with dashes": "Overskrift\n---",
    "table": "a | b\n:-|-:\nc | d",
    "named entity": "&lt;script&gt; &amp; &copy;",
    "numeric entities": "&#60; &#x3C;",
    "indented code": "    kode",
    "tab indented code": "\tkode",
    "html comment": "<!-- skjult -->",
    "backslashes": "C:\\temp\\ og \\* og \\",
    "hard break lookalike": "to mellemrum  \nog backslash\\\nher",
    "blank line": "første afsnit\n\nandet afsnit",
}

# Tags the user's text may produce on its own: a paragraph, and the hard breaks we put between lines.
PARAGRAPH_TAGS = {"p", "br"}


@dataclass
class Rendered:
    """The HTML a CommonMark reader gets: its tags in order and the characters it shows."""

    tags: list[str] = field(default_factory=list)
    text: str = ""
    cells: list[str] = field(default_factory=list)  # the text of each table cell, row by row


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rendered = Rendered()
        self.in_cell = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.rendered.tags.append(tag)
        if tag in ("th", "td"):
            self.rendered.cells.append("")
            self.in_cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("th", "td"):
            self.in_cell = False

    def handle_data(self, data: str) -> None:
        self.rendered.text += data
        if self.in_cell:
            self.rendered.cells[-1] += data


def render(markdown: str) -> Rendered:
    """Render ``markdown`` and read back its tags and visible text (without the newline after the last block)."""
    reader = _Reader()
    reader.feed(MARKDOWN.render(markdown))
    reader.close()
    reader.rendered.text = reader.rendered.text.removesuffix("\n")
    return reader.rendered


def as_lines(text: str) -> str:
    """What a reader should see for ``text`` typed over several lines: its lines, joined by newlines."""
    return re.sub(r"\r\n?", "\n", text).rstrip("\n")


def on_one_line(text: str) -> str:
    return re.sub(r"\r\n|\r|\n", " ", text)


# --- one line: headings, sentences, bylines -------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_on_one_line_renders_as_the_same_characters_in_one_paragraph(text: str) -> None:
    rendered = render(markdown_literal(text))
    assert rendered.tags == ["p"]
    assert rendered.text == on_one_line(text)


@given(ONE_LINE)
def test_any_text_on_one_line_renders_as_itself_and_makes_no_markup(text: str) -> None:
    rendered = render(markdown_literal(text))
    assert set(rendered.tags) <= {"p"}
    assert rendered.text == text


@given(st.text(PRINTABLE, min_size=1))  # with nothing after it, a heading's trailing space is not shown
def test_text_after_a_heading_marker_stays_the_whole_heading(text: str) -> None:
    rendered = render(f"# Logbog: {markdown_literal(text)}")
    assert rendered.tags == ["h1"]
    assert rendered.text == f"Logbog: {text}"


@given(ONE_LINE)
def test_text_inside_the_logbooks_emphasis_stays_inside_it(text: str) -> None:
    rendered = render(f"_{markdown_literal(text)}, 2026-11-23 09:00 UTC_")
    assert rendered.tags == ["p", "em"]
    assert rendered.text == f"{text}, 2026-11-23 09:00 UTC"


def test_line_breaks_on_one_line_become_spaces_so_nothing_after_them_starts_a_block() -> None:
    assert markdown_literal("Fitness\n# Nord") == "Fitness \\# Nord"
    assert render("# " + markdown_literal("Fitness\r\n===")).tags == ["h1"]


@pytest.mark.parametrize(
    "typed",
    [
        "Unge mænd 18-25, Mette & Ali (ca. 40!) kl. 10:30 på www.bibliotek.dk: +/- 5 %",
        "+45 12 34 56 78",
        "-5 grader",
        "3.A Hjælp til selvhjælp",
        "2024 blev et godt år.",
        "1+1=2",
    ],
)
def test_ordinary_text_is_left_as_typed_so_the_raw_file_reads_well(typed: str) -> None:
    assert markdown_literal(typed) == typed
    assert markdown_literal_lines(typed) == typed


# --- several lines: answers --------------------------------------------------------------------


@pytest.mark.parametrize("text", HOSTILE.values(), ids=HOSTILE.keys())
def test_hostile_text_over_several_lines_keeps_its_lines_in_one_paragraph(text: str) -> None:
    rendered = render(markdown_literal_lines(text))
    assert set(rendered.tags) <= PARAGRAPH_TAGS and rendered.tags[0] == "p"
    assert rendered.text == as_lines(text)


@given(LINES)
def test_any_text_over_several_lines_renders_as_its_lines_and_makes_no_markup(text: str) -> None:
    rendered = render(markdown_literal_lines(text))
    assert set(rendered.tags) <= PARAGRAPH_TAGS
    assert rendered.text == as_lines(text)


@given(LINES)
def test_lines_after_the_questions_bold_line_neither_restyle_nor_leave_its_paragraph(text: str) -> None:
    rendered = render(f"**Hvem er målgruppen?**  \n{markdown_literal_lines(text) or '–'}")
    assert rendered.tags[:2] == ["p", "strong"]
    assert set(rendered.tags[2:]) <= {"br"}
    assert rendered.text == f"Hvem er målgruppen?\n{as_lines(text) or '–'}"


def test_lines_are_joined_by_a_backslash_break_that_no_typed_text_can_make() -> None:
    assert markdown_literal_lines("Mette\nAli") == "Mette\\\nAli"
    typed_break = render(markdown_literal_lines("C:\\\nD:"))
    assert typed_break.text == "C:\\\nD:" and typed_break.tags == ["p", "br"]


def test_trailing_line_breaks_are_dropped_because_a_paragraph_cannot_end_in_a_break() -> None:
    assert markdown_literal_lines("Mette\n\n") == "Mette"
    assert render(markdown_literal_lines("\nMette")).text == "\nMette"


# --- table cells: the history ------------------------------------------------------------------


def history_row(cell: str) -> str:
    return f"| Hvem | Svar |\n|---|---|\n| Mette | {cell} |\n"


@given(LINES)
def test_any_text_in_a_table_cell_stays_in_that_cell_as_itself(text: str) -> None:
    rendered = render(history_row(markdown_cell(text)))
    assert set(rendered.tags) <= {"table", "thead", "tbody", "tr", "th", "td"}
    assert rendered.cells == ["Hvem", "Svar", "Mette", on_one_line(text)]


def test_a_cell_leaves_what_only_matters_at_a_line_start_unescaped() -> None:
    assert markdown_cell("-5 grader") == "-5 grader"
    assert markdown_cell("1. gang > 2. gang") == "1. gang > 2. gang"
    assert markdown_cell("ja | nej") == "ja \\| nej"


# --- CSV cells -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        '=HYPERLINK("http://evil.example","klik")',
        "=1+1",
        "+1+1",
        "-1+1",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
        "+45 12 34 56 78",  # a Danish phone number: prefixed too, the accepted trade-off
        "- ring i morgen",
    ],
)
def test_a_csv_cell_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(value: str) -> None:
    assert csv_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Unge mænd 18-25", "45 12 34 56 78", " =1+1", "'=1+1", "", "Ali = Mette"])
def test_other_csv_cells_are_left_unchanged(value: str) -> None:
    assert csv_cell(value) == value


@given(st.text())
def test_no_csv_cell_starts_a_formula_and_none_loses_a_character(value: str) -> None:
    cell = csv_cell(value)
    assert not cell.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert cell in (value, "'" + value)
    buffer = io.StringIO()
    csv.writer(buffer).writerow([cell])
    assert next(csv.reader(io.StringIO(buffer.getvalue(), newline=""))) == [cell]
