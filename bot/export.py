"""A project's logbook, as Markdown to read and CSV to analyse: who answered what, when."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.i18n import Messages
from bot.presenter import Presenter
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
    status = t("project-finished") if project.finished else t("project-active")
    out = [
        f"# {t('logbook-title', project=project.name)}",
        "",
        t(
            "logbook-meta",
            guide=present.text(guide.title),
            owner=project.owner,
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
        out += [f"## {present.text(section.title)}", ""]
        for step in answered:
            out.append(f"**{present.text(step.text)}**  ")
            value = present.value(step, state.answers[step.id])
            out.append("  \n".join(value.splitlines()) or "–")
            entry = last_by_step.get(step.id)
            if entry:
                out.append(f"_{entry.author}, {_stamp(entry.at)}_")
            out.append("")
    out += [
        f"## {t('logbook-history')}",
        "",
        f"| {t('csv-time')} | {t('csv-author')} | {t('csv-question')} | {t('csv-action')} | {t('csv-value')} |",
        "|---|---|---|---|---|",
    ]
    for entry in book.history:
        question = present.step_text(guide, entry.step_id)
        value = _cell(present, guide, entry.step_id, entry.value)
        cells = [_stamp(entry.at), _md(entry.author), _md(question), t(f"action-{entry.action}"), _md(value)]
        out.append(f"| {' | '.join(cells)} |")
    return "\n".join(out) + "\n"


def logbook_csv(book: Logbook, t: Messages) -> str:
    present = Presenter(t, {book.guide.id: book.guide})
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        [
            t("csv-time"),
            t("csv-author"),
            t("csv-step"),
            t("csv-question"),
            t("csv-action"),
            t("csv-value"),
            t("csv-old-value"),
        ]
    )
    for entry in book.history:
        writer.writerow(
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


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
