"""The logbook as CSV that Danish Excel opens into columns: one row per answer change and
per journal entry, in time order.

Danish Excel splits on ``;`` (the comma is the decimal mark) and reads UTF-8 only after a
byte order mark; line ends are CRLF as RFC 4180 has them. Times are local, written
``2026-12-15 14:30`` so a spreadsheet reads them as date and time. Every cell goes through
:func:`~bot.safe_text.csv_cell`, so none can run as a formula.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime

from bot.export.book import HISTORY_ACTIONS, Logbook
from bot.export.wording import Wording
from bot.i18n import Messages
from bot.safe_text import csv_cell
from flows.model import PromptKind
from storage.models import AnswerHistory, JournalEntry

BOM = "\ufeff"
COLUMNS = ("time", "type", "author", "step", "question", "action", "value", "old-value", "owner", "due")


def logbook_csv(book: Logbook, t: Messages) -> str:
    words = Wording(book, t)
    rows: list[tuple[datetime, list[str]]] = [(h.at, _history_row(h, words)) for h in book.history]
    rows += [(e.at, _journal_row(e, words)) for e in book.journal]
    rows.sort(key=lambda row: row[0])  # stable: at the same moment, answers before notes
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([csv_cell(t.text(f"csv-{column}")) for column in COLUMNS])
    # Every cell, not only people's words: authors, and even step ids and guide texts, could
    # start with "=" or "-", and a prefix on a harmless cell costs only an apostrophe.
    writer.writerows([csv_cell(cell) for cell in row] for _at, row in rows)
    return BOM + buffer.getvalue()


def _history_row(entry: AnswerHistory, words: Wording) -> list[str]:
    return [
        words.stamp(entry.at),
        words.kind("answer"),
        entry.author,
        entry.step_id,
        words.question(entry.step_id),
        words.t.text(f"action-{entry.action}") if entry.action in HISTORY_ACTIONS else entry.action,
        _cell(words, entry.step_id, entry.value),
        _cell(words, entry.step_id, entry.old_value),
        "",
        "",
    ]


def _journal_row(entry: JournalEntry, words: Wording) -> list[str]:
    data = entry.data or {}
    is_task = entry.kind == "task"
    due = data.get("due")
    return [
        words.stamp(entry.at),
        words.kind(entry.kind),
        entry.author,
        entry.step or "",
        words.question(entry.step) if entry.step else "",
        words.task_state(bool(data.get("done"))) if is_task else "",
        entry.text,
        "",
        str(data.get("owner") or "") if is_task else "",
        str(due) if is_task and due else "",
    ]


def _cell(words: Wording, step_id: str, value: object) -> str:
    """An answer in one cell: list-shaped answers one item per line; dates as ``2026-12-15 14:00``."""
    if value is None:
        return ""
    if isinstance(value, str) and words.guide.has_step(step_id) and words.guide.step(step_id).kind is PromptKind.DATE:
        return value.replace("T", " ")
    worded = words.value(step_id, value)
    return "\n".join(worded) if isinstance(worded, list) else worded
