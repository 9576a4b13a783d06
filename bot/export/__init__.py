"""A project's logbook, for a team to send its manager: Markdown to read, CSV for a
spreadsheet, and an ``.ics`` calendar of its dates and reminders.

:data:`FORMATS` names each format with its renderer and content type, so every channel
that offers a download (the web chat, the CLI) offers the same ones.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from bot.export.book import Logbook
from bot.export.calendar_file import logbook_ics
from bot.export.markdown import logbook_markdown
from bot.export.spreadsheet import logbook_csv
from bot.i18n import Messages


@dataclass(frozen=True)
class Format:
    render: Callable[[Logbook, Messages], str]
    content_type: str


FORMATS: dict[str, Format] = {
    "md": Format(logbook_markdown, "text/markdown"),
    "csv": Format(logbook_csv, "text/csv"),
    "ics": Format(logbook_ics, "text/calendar"),
}

__all__ = ["FORMATS", "Format", "Logbook", "logbook_csv", "logbook_ics", "logbook_markdown"]
