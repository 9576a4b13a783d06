"""A project's logbook, as Markdown to read and CSV to analyse: who answered what, when.

Everything a person typed (project name, owner, answers, authors) goes through :mod:`bot.safe_text`
on its way in, so it shows as typed and cannot become a link, an image, HTML or a heading in the
Markdown, nor a formula in a spreadsheet. The guide's own words are escaped the same way: a
no-op for today's guides, and a guide author's stray ``*`` or ``#`` cannot restyle the logbook.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.i18n import Messages
from bot.presenter import Presenter
from bot.safe_text import csv_cell, markdown_cell, markdown_literal, markdown_literal_lines
from flows import engine
from flows.engine import FlowState
from flows.model import Guide
from storage.models import AnswerHistory, Project


@dataclass(frozen=True)
class Logbook:
    project: Project
    guide: Guide
    state: FlowState
    history: Sequence[AnswerHistory]
    lang: str


def _stamp(moment: Any) -> str:
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def logbook_markdown(book: Logbook, t: Messages) -> str:
    present = Presenter(t, {book.guide.id: book.guide})
    project, guide, state = book.project, book.guide, book.state
    last_by_step = {h.step_id: h for h in book.history if h.action in ("answered", "edited")}
    status = t.text("project-finished") if project.finished else t.text("project-active")
    out = [
        f"# {t.text('logbook-title', project=markdown_literal(project.name))}",
        "",
        t.text(
            "logbook-meta",
            guide=markdown_literal(present.text(guide.title)),
            owner=markdown_literal(project.owner),
            started=_stamp(project.created_at),
            status=status,
        ),
        "",
    ]
    path = engine.active_path(guide, state)
    for section in guide.sections:
        answered = [s for s in section.steps if s.id in state.answers and s.id in path]
        if not answered:
            continue
        out += [f"## {markdown_literal(present.text(section.title))}", ""]
        for step in answered:
            out.append(f"**{markdown_literal(present.text(step.text))}**  ")
            value = present.value(step, state.answers[step.id])
            out.append(markdown_literal_lines(value) or "–")
            entry = last_by_step.get(step.id)
            if entry:
                out.append(f"_{markdown_literal(entry.author)}, {_stamp(entry.at)}_")
            out.append("")
    out += [
        f"## {t.text('logbook-history')}",
        "",
        "| "
        + " | ".join(t.text(key) for key in ("csv-time", "csv-author", "csv-question", "csv-action", "csv-value"))
        + " |",
        "|---|---|---|---|---|",
    ]
    for entry in book.history:
        question = present.step_text(guide, entry.step_id)
        value = _cell(present, guide, entry.step_id, entry.value)
        cells = [
            _stamp(entry.at),
            markdown_cell(entry.author),
            markdown_cell(question),
            t.text(f"action-{entry.action}"),
            markdown_cell(value),
        ]
        out.append(f"| {' | '.join(cells)} |")
    return "\n".join(out) + "\n"


def logbook_csv(book: Logbook, t: Messages) -> str:
    present = Presenter(t, {book.guide.id: book.guide})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    rows: list[list[str]] = [
        [
            t.text("csv-time"),
            t.text("csv-author"),
            t.text("csv-step"),
            t.text("csv-question"),
            t.text("csv-action"),
            t.text("csv-value"),
            t.text("csv-old-value"),
        ]
    ]
    for entry in book.history:
        rows.append(
            [
                entry.at.isoformat(),
                entry.author,
                entry.step_id,
                present.step_text(book.guide, entry.step_id),
                entry.action,
                _cell(present, book.guide, entry.step_id, entry.value),
                _cell(present, book.guide, entry.step_id, entry.old_value),
            ]
        )
    # Every cell, not only the answers: authors, and even step ids and guide texts, could start with
    # "=" or "-", and a prefix on a harmless cell costs only an apostrophe.
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    return buffer.getvalue()


def _cell(present: Presenter, guide: Guide, step_id: str, value: Any) -> str:
    if value is None:
        return ""
    if not guide.has_step(step_id):
        return json.dumps(value, ensure_ascii=False)
    try:
        return present.value(guide.step(step_id), value)
    except (TypeError, ValueError, AttributeError):  # e.g. a raw concurrent answer
        return str(value)
