"""Structured text: what the coach says, before any channel decides how it looks.

The coach never writes Slack's ``*bold*`` or Markdown's ``**bold**``; it builds a
:class:`Rich` (paragraphs and lists of spans and command mentions) and each channel
renders it: JSON for the browser page, mrkdwn for Slack, Markdown for Teams, plain lines
for the terminal. A :class:`Mention` is a command the person can type, rendered in the
form that channel accepts (``/start`` in the browser, ``/outreach start`` in Slack).

The coach's sentences live in Fluent files written in a small markup (see
:func:`parse_markup`); words that come from people (project names, answers) are passed in
as *literal* segments, so nothing a person types is ever read as markup.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

Style = Literal["plain", "strong", "emph"]


@dataclass(frozen=True)
class Span:
    text: str
    style: Style = "plain"
    kind: Literal["span"] = "span"


@dataclass(frozen=True)
class Mention:
    """A command the reader can type, as written after the channel's prefix: ``start <guide>``."""

    command: str
    kind: Literal["command"] = "command"


Inline = Span | Mention
Line = tuple[Inline, ...]


@dataclass(frozen=True)
class Paragraph:
    lines: tuple[Line, ...]
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True)
class ItemList:
    """A list; an ordered one counts from 1 unless ``numbers`` gives each item its own
    (a guide's questions keep their numbers when some are left out)."""

    items: tuple[Line, ...]
    ordered: bool = False
    numbers: tuple[int, ...] = ()
    kind: Literal["list"] = "list"

    def markers(self) -> list[str]:
        if not self.ordered:
            return ["•"] * len(self.items)
        numbers = self.numbers or range(1, len(self.items) + 1)
        return [f"{number}." for number in numbers]


Block = Paragraph | ItemList


@dataclass(frozen=True)
class Rich:
    blocks: tuple[Block, ...]

    @classmethod
    def text(cls, text: str, style: Style = "plain") -> Rich:
        """A paragraph of literal text (line breaks kept)."""
        return cls((Paragraph((line(Span(text, style)),)),))

    def __add__(self, other: Rich) -> Rich:
        return Rich(self.blocks + other.blocks)

    def plain(self) -> str:
        """Every word as plain text, commands as typed in the browser: for tests and logs."""
        return render_plain(self, "/")


def line(*parts: Inline | str) -> Line:
    return tuple(Span(part) if isinstance(part, str) else part for part in parts)


def items(lines: Iterable[Line], ordered: bool = False) -> Rich:
    return Rich((ItemList(tuple(lines), ordered),))


def numbered(pairs: Iterable[tuple[int, Line]]) -> Rich:
    """An ordered list whose items carry their own numbers."""
    listed = list(pairs)
    return Rich((ItemList(tuple(item for _, item in listed), True, tuple(n for n, _ in listed)),))


def paragraph(*lines: Line) -> Rich:
    return Rich((Paragraph(lines),))


def join(parts: Iterable[Rich]) -> Rich:
    return Rich(tuple(block for part in parts for block in part.blocks))


# --- the markup of the Fluent files -----------------------------------------------------

MENTION_OPEN, MENTION_CLOSE = "\ue000", "\ue001"
LITERAL_OPEN, LITERAL_CLOSE = "\ue002", "\ue003"
_SENTINELS = re.compile("[\ue000-\ue003]")
_TOKENS = re.compile(f"{MENTION_OPEN}(.*?){MENTION_CLOSE}|{LITERAL_OPEN}(.*?){LITERAL_CLOSE}", re.S)
_MARKS = re.compile(r"\*\*|_")


def literal(value: str) -> str:
    """Mark a value as words to show as they are (a name, an answer), never as markup."""
    return f"{LITERAL_OPEN}{_SENTINELS.sub('', value)}{LITERAL_CLOSE}"


def mention(command: str) -> str:
    return f"{MENTION_OPEN}{_SENTINELS.sub('', command)}{MENTION_CLOSE}"


CACHED_MARKUP = 1000  # sentences up to this long are remembered; people's long texts are not kept


def parse_markup(source: str) -> Rich:
    """Read the Fluent files' markup: ``**strong**``, ``_emphasis_``, lines starting with
    ``- `` as a list, a blank line between paragraphs, and the sentinels that
    :func:`literal` and :func:`mention` put around values. Short ones are remembered: a
    :class:`Rich` never changes, and the same sentences come back turn after turn."""
    return _remembered(source) if len(source) <= CACHED_MARKUP else _parse_markup(source)


@lru_cache(maxsize=2048)
def _remembered(source: str) -> Rich:
    return _parse_markup(source)


def _parse_markup(source: str) -> Rich:
    blocks: list[Block] = []
    lines: list[Line] = []
    bullets: list[Line] = []

    def close() -> None:
        if lines:
            blocks.append(Paragraph(tuple(lines)))
            lines.clear()
        if bullets:
            blocks.append(ItemList(tuple(bullets)))
            bullets.clear()

    for tokens in _lines(source):
        if all(kind == "markup" and not text.strip() for kind, text in tokens):
            close()
        elif tokens[0][0] == "markup" and tokens[0][1].startswith("- "):
            if lines:
                close()
            bullets.append(_inline([("markup", tokens[0][1][2:]), *tokens[1:]]))
        else:
            if bullets:
                close()
            lines.append(_inline(tokens))
    close()
    return Rich(tuple(blocks))


def _lines(source: str) -> Iterator[list[tuple[str, str]]]:
    """Tokens per markup line; a newline inside a literal value stays in that value."""
    current: list[tuple[str, str]] = []
    position = 0
    for match in _TOKENS.finditer(source):
        for index, piece in enumerate(source[position : match.start()].split("\n")):
            if index:
                yield current
                current = []
            if piece:
                current.append(("markup", piece))
        if match.group(1) is not None:
            current.append(("mention", match.group(1)))
        else:
            current.append(("literal", match.group(2)))
        position = match.end()
    for index, piece in enumerate(source[position:].split("\n")):
        if index:
            yield current
            current = []
        if piece:
            current.append(("markup", piece))
    yield current


def _inline(tokens: list[tuple[str, str]]) -> Line:
    parts: list[Inline] = []
    strong = emph = False

    def add(text: str) -> None:
        if not text:
            return
        style: Style = "strong" if strong else "emph" if emph else "plain"
        if parts and isinstance(parts[-1], Span) and parts[-1].style == style:
            parts[-1] = Span(parts[-1].text + text, style)
        else:
            parts.append(Span(text, style))

    for kind, text in tokens:
        if kind == "mention":
            parts.append(Mention(text))
        elif kind == "literal":
            add(text)
        else:
            position = 0
            for mark in _MARKS.finditer(text):
                add(text[position : mark.start()])
                if mark.group() == "**":
                    strong = not strong
                else:
                    emph = not emph
                position = mark.end()
            add(text[position:])
    return tuple(parts)


# --- renderers -------------------------------------------------------------------------


def render_plain(rich: Rich, command_prefix: str) -> str:
    """Plain lines for a terminal: lists with bullets or numbers, commands as typed."""
    out: list[str] = []
    for block in rich.blocks:
        if isinstance(block, Paragraph):
            out += ["".join(_plain_inline(part, command_prefix) for part in parts) for parts in block.lines]
        else:
            for marker, parts in zip(block.markers(), block.items, strict=True):
                out.append(f"{marker} " + "".join(_plain_inline(part, command_prefix) for part in parts))
    return "\n".join(out)


def _plain_inline(part: Inline, command_prefix: str) -> str:
    return f"{command_prefix}{part.command}" if isinstance(part, Mention) else part.text


def escape_mrkdwn(text: str) -> str:
    """``& < >`` as Slack asks for them in any text it is sent (``&amp; &lt; &gt;``).
    Three replaces, not ``str.translate``: a table of strings costs a dict lookup per
    character, about thirty times as much on the coach's sentences."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_mrkdwn(rich: Rich, command_prefix: str) -> str:
    """Slack's mrkdwn: ``*strong*``, ``_emphasis_``, commands in code; ``& < >`` escaped
    as Slack asks, so typed words cannot become links or mentions."""

    def inline(part: Inline) -> str:
        if isinstance(part, Mention):
            return escape_mrkdwn(f"`{command_prefix}{part.command}`")
        text = escape_mrkdwn(part.text)
        if part.style == "plain" or not text.strip():
            return text
        mark = "*" if part.style == "strong" else "_"
        return f"{mark}{text}{mark}"

    out: list[str] = []
    for block in rich.blocks:
        if isinstance(block, Paragraph):
            out.append("\n".join("".join(inline(p) for p in parts) for parts in block.lines))
        else:
            out.append(
                "\n".join(
                    f"{marker} " + "".join(inline(p) for p in parts)
                    for marker, parts in zip(block.markers(), block.items, strict=True)
                )
            )
    return "\n\n".join(out)
