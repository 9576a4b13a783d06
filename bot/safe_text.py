"""People's own words, made safe to put into a Markdown logbook or a CSV file.

A team's answers, project names and display names are data, never markup. In the logbook they must
render as exactly what was typed: ``# x`` is not a heading, ``[x](javascript:…)`` is not a link,
``<img onerror=…>`` is not HTML and ``&lt;`` shows those four characters, not ``<``. In a CSV file a
cell must never run as a spreadsheet formula.

The Markdown escaping aims at CommonMark and at GitHub's tables and strikethrough, and escapes as
little as it safely can, because the ``.md`` file is read raw too (the terminal prints it): a
character is escaped only where CommonMark could read it as syntax. Bare URLs stay as typed; a
viewer that turns ``https://…`` into a link (GitHub's "autolink" extension, not CommonMark) still
shows exactly the characters the person wrote.
"""

from __future__ import annotations

import re

# Escaped wherever they stand. `\` ` * _ [ ] < ~ | start escapes, code spans, emphasis, links, images,
# raw HTML and autolinks, strikethrough and fences, and table cells. `#` also closes an ATX heading
# ("# Logbog: Klub ##" would lose its "##"). "&" only where it could start an entity or character
# reference ("&lt;", "&#60;"), so "Mette & Ali" reads as typed. `!` and `(` need no escape: without an
# unescaped `[` they start neither an image nor a link.
_INLINE = re.compile(r"[\\`*_\[\]<~|#]|&(?=[#A-Za-z])")
# What only a line's start can open: a block quote (">"), a list item ("-", "+", "1." or "1)" before a
# space, a tab or nothing), a thematic break ("---") or a setext underline ("===" or "---", which turns
# the line above into a heading). "*" and "_" are escaped everywhere already. "-5 grader", "+45 12 34"
# and "3.A" open nothing and are left as typed.
_BLOCK_START = re.compile(r"^(?:>|[-+](?=[ \t]|$)|[-=](?=[-=\s]*$)|\d+(?P<delimiter>[.)])(?=[ \t]|$))")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# A backslash before a line break is a hard break in CommonMark. Every backslash a person types is
# escaped, so a line ending in a single "\" can only be ours; two trailing spaces would look just like
# the person's own spaces, and editors strip them.
_HARD_BREAK = "\\\n"


def markdown_literal(text: str) -> str:
    """``text`` as Markdown that renders as exactly these characters, on one line.

    Line breaks become single spaces: a raw line break would end a heading or let the rest of the
    text start its own block. Use this wherever the text shares a line with the logbook's own
    words (a heading, a sentence, an emphasised byline); use :func:`markdown_literal_lines` to
    keep someone's line breaks.
    """
    return _escape_line(_LINE_BREAK.sub(" ", text), line_start=True)


def markdown_literal_lines(text: str, indent: str = "") -> str:
    """``text`` as Markdown lines joined by hard breaks, so it stays one paragraph of literal text.

    Each line is escaped like :func:`markdown_literal`, including what could open a block at the
    start of a line, since ``# x``, ``> x`` or ``===`` interrupt or restyle a paragraph even on its
    second line. Trailing line breaks are dropped: a hard break cannot end a paragraph (its
    backslash would show). ``\\r\\n`` and ``\\r`` are line breaks too, as in CommonMark.
    ``indent`` starts every line after the first, so the paragraph can sit inside a list item.
    """
    lines = _LINE_BREAK.split(text.rstrip("\r\n"))
    return (_HARD_BREAK + indent).join(_escape_line(line, line_start=True) for line in lines)


def markdown_cell(text: str) -> str:
    """``text`` as the literal content of one Markdown table cell.

    A cell holds a single line, so line breaks become spaces, and ``|`` is escaped so it cannot
    end the cell. A cell's content is only ever read as inline text, so what opens a block at the
    start of a line (``-``, ``1.``, ``>``) needs no escape here and reads as typed in the raw file.
    """
    return _escape_line(_LINE_BREAK.sub(" ", text), line_start=False)


def csv_cell(value: str) -> str:
    """``value`` made safe for a spreadsheet cell: a leading ``'`` when it could run as a formula.

    Excel and LibreOffice run a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a formula
    (``=HYPERLINK("http://evil";"klik")``, ``@SUM(A1)``), and a leading tab or carriage return can
    hide such a start. OWASP's advice is to prefix those cells with an apostrophe, so the cell is
    read as text. The trade-off is accepted knowingly: harmless text with the same start gets the
    prefix too, such as a Danish phone number ``+45 12 34 56 78`` or a note ``- ring i morgen``,
    and may show the ``'`` (a text editor, a script reading the CSV, and on import some
    spreadsheets do). Guessing which ``+…`` is "only a number" is how injection filters get
    bypassed (``+45+cmd|…``), so none is guessed; the person's characters all stay, after the
    ``'``. Other text is left unchanged.
    """
    if value.startswith(("=", "+", "-", "@", "\t", "\r")):
        return "'" + value
    return value


def _escape_line(line: str, *, line_start: bool) -> str:
    """One line of ``text`` escaped; ``line_start`` when it may stand at the start of a Markdown line."""
    if not line:
        return ""
    escaped = _INLINE.sub(r"\\\g<0>", line)
    block_start = _BLOCK_START.match(escaped) if line_start else None
    if block_start:
        at = block_start.start("delimiter") if block_start["delimiter"] else 0
        escaped = escaped[:at] + "\\" + escaped[at:]
    # Whitespace at either end of a line is trimmed by the parser, and leading spaces or a tab would
    # make an indented code block; a character reference keeps the character and starts no block.
    # The backslash escapes above never touch whitespace, so the ends are still the original ones.
    if escaped[0].isspace():
        escaped = _char_ref(escaped[0]) + escaped[1:]
    if escaped[-1].isspace():
        escaped = escaped[:-1] + _char_ref(escaped[-1])
    return escaped


def _char_ref(char: str) -> str:
    return f"&#{ord(char)};"
