"""The logbook as Markdown, for a manager to read: the project at a glance, the journal in
time order, then every answer by section with its history.

Everything a person typed (project name, owner, answers, notes, authors) goes through
:mod:`bot.safe_text`, so it shows as typed and cannot become a link, an image, HTML or a
heading. The guide's own words are escaped the same way: a no-op for today's guides, and a
guide author's stray ``*`` or ``#`` cannot restyle the logbook.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from bot.export.book import (
    HISTORY_ACTIONS,
    Logbook,
    dated_answers,
    glance_steps,
    on_path,
    open_tasks,
    pending_reminders,
    status,
)
from bot.export.wording import Wording
from bot.i18n import Messages
from bot.safe_text import markdown_literal, markdown_literal_lines
from flows import engine
from storage.models import AnswerHistory, JournalEntry

Lines = Iterator[str]


def logbook_markdown(book: Logbook, t: Messages) -> str:
    words = Wording(book, t)
    out = list(_heading(1, t.text("logbook-title", project=book.project.name)))
    for part in (_glance(book, words), _journal(book, words), _answers(book, words)):
        out += part
    out.append(f"_{markdown_literal(t.text('logbook-made', when=words.moment(book.made_at)))}_")
    return "\n".join(out) + "\n"


# --- the project at a glance ---------------------------------------------------------------


def _glance(book: Logbook, words: Wording) -> Lines:
    t, project = words.t, book.project
    yield from _heading(2, t.text("logbook-glance"))
    started = t.text("logbook-started-by", when=words.moment(project.created_at), owner=project.owner)
    yield _labelled(t.text("logbook-guide"), book.guide.title.get(words.lang))
    yield _labelled(t.text("logbook-started"), started)
    yield _labelled(t.text("logbook-status"), _status(book, words))
    for step in glance_steps(book):
        yield from _labelled_value(words.question(step.id), words.value(step.id, book.state.answers[step.id]))
    yield ""

    dates = dated_answers(book)
    if dates:
        yield from _heading(3, t.text("logbook-dates"))
        for step, answer in dates:
            yield _labelled(words.question(step.id), words.date_answer(answer))
        yield ""

    tasks = open_tasks(book)
    if tasks:
        yield from _heading(3, t.text("logbook-tasks"))
        for task in tasks:
            yield "- " + markdown_literal_lines(_task_line(task, words), indent="  ")
        yield ""

    current = engine.current_step(book.guide, book.state)
    if current is not None:
        yield from _heading(3, t.text("logbook-next"))
        yield markdown_literal(words.question(current))
        yield ""

    reminders = pending_reminders(book)
    if reminders:
        yield from _heading(3, t.text("logbook-reminders"))
        for nudge in reminders:
            yield _labelled(words.moment(nudge.due_at), words.reminder(nudge))
        yield ""


def _status(book: Logbook, words: Wording) -> str:
    found = status(book)
    t = words.t
    match found.code:
        case "waiting":
            since = words.iso_day(found.since) or str(found.since)
            return t.text("logbook-status-waiting", question=words.question(found.step or ""), since=since)
        case "paused":
            return t.text("logbook-status-paused", question=words.question(found.step or ""))
    return t.text(f"logbook-status-{found.code}")


def _task_line(task: JournalEntry, words: Wording) -> str:
    """``Ring til Anna · ansvarlig: Ali · senest fredag 4. december 2026``."""
    data = task.data or {}
    parts = [task.text]
    if data.get("owner"):
        parts.append(words.t.text("logbook-task-owner", owner=str(data["owner"])))
    due = words.iso_day(data.get("due"))
    if due:
        parts.append(words.t.text("logbook-task-due", day=due))
    return " · ".join(parts)


# --- the journal -----------------------------------------------------------------------------


def _journal(book: Logbook, words: Wording) -> Lines:
    """Entries in time order; a debrief's replies together, where its first reply falls."""
    yield from _heading(2, words.t.text("logbook-journal"))
    if not book.journal:
        yield words.t.text("logbook-journal-empty")
        yield ""
        return
    shown: set[str] = set()
    for entry in book.journal:
        if entry.kind != "debrief":
            yield from _entry(entry, words, indent="", with_kind=True)
            continue
        debrief = entry.step or ""
        if debrief in shown:
            continue
        shown.add(debrief)
        title = words.t.text("logbook-debrief", question=words.question(debrief))
        yield f"- **{markdown_literal(title)}**"
        for reply in (e for e in book.journal if e.kind == "debrief" and (e.step or "") == debrief):
            yield from _entry(reply, words, indent="  ", with_kind=False)
    yield ""


def _entry(entry: JournalEntry, words: Wording, indent: str, with_kind: bool) -> Lines:
    """One list item: what kind, who and when, then the text as written (a task with its owner, date and state)."""
    byline = [words.kind(entry.kind)] if with_kind else []
    byline += [entry.author, words.moment(entry.at)]
    if entry.edited_at is not None:
        byline.append(words.t.text("logbook-edited", when=words.moment(entry.edited_at)))
    text = entry.text
    if entry.kind == "task":
        text = f"{_task_line(entry, words)} · {words.task_state(bool((entry.data or {}).get('done')))}"
    head = f"{indent}- _{markdown_literal(' · '.join(byline))}_"
    if not text.strip():
        yield head
        return
    inner = indent + "  "
    yield head + "\\"  # a hard break: the text goes on the next line of the same item
    yield inner + markdown_literal_lines(text, inner)


# --- every answer, by section ------------------------------------------------------------------


def _answers(book: Logbook, words: Wording) -> Lines:
    answered = {step.id for step in on_path(book)}
    path = engine.active_path(book.guide, book.state)
    skipped = {s for s in path if s in book.state.skipped}
    by_step: dict[str, list[AnswerHistory]] = {}
    for entry in book.history:  # oldest first
        by_step.setdefault(entry.step_id, []).append(entry)
    for section in book.guide.sections:
        steps = [s for s in section.steps if s.id in answered or s.id in skipped]
        if not steps:
            continue
        yield from _heading(2, section.title.get(words.lang))
        for step in steps:
            yield from _heading(3, words.question(step.id))
            if step.id in answered:
                yield from _block(words.value(step.id, book.state.answers[step.id]), indent="")
            else:
                yield words.t.text("logbook-skipped")
            yield ""
            history = by_step.get(step.id, [])
            if history:
                yield from _history(history, words)
                yield ""


def _history(entries: Sequence[AnswerHistory], words: Wording) -> Lines:
    """Who answered, changed or skipped the step, and when; a change shows the answer it replaced.

    Its items start with ``*``: a list right after the answer's own ``-`` list would otherwise
    continue that list (CommonMark starts a new list only where the bullet character changes).
    """
    for entry in entries:
        action = entry.action if entry.action in HISTORY_ACTIONS else "answered"
        said = words.t.text(f"logbook-history-{action}", author=entry.author, when=words.moment(entry.at))
        earlier = {"edited": entry.old_value, "concurrent": entry.value}.get(entry.action)
        if earlier is None:
            yield f"* _{markdown_literal(said)}_"
            continue
        value = words.value(entry.step_id, earlier)
        if isinstance(value, list):
            yield f"* _{markdown_literal(said)}_"
            yield from _block(value, indent="  ")
        else:
            yield f"* _{markdown_literal(said)}_ {markdown_literal_lines(value, '  ')}"


# --- Markdown pieces ---------------------------------------------------------------------------


def _heading(level: int, text: str) -> Lines:
    yield f"{'#' * level} {markdown_literal(text)}"
    yield ""


def _labelled(label: str, text: str) -> str:
    """A list item: ``- **label:** text``; a label that ends a question keeps its own mark."""
    mark = "" if label.endswith(("?", ":", "!")) else ":"
    return f"- **{markdown_literal(label)}{mark}** {markdown_literal_lines(text, '  ')}"


def _labelled_value(label: str, value: str | list[str]) -> Lines:
    if isinstance(value, list):
        mark = "" if label.endswith(("?", ":", "!")) else ":"
        yield f"- **{markdown_literal(label)}{mark}**"
        yield from _block(value, indent="  ")
    else:
        yield _labelled(label, value)


def _block(value: str | list[str], indent: str) -> Lines:
    """An answer as Markdown: a list for list-shaped answers, else lines of one paragraph."""
    if isinstance(value, list):
        for item in value:
            yield f"{indent}- {markdown_literal(item)}"
    else:
        yield indent + (markdown_literal_lines(value, indent) or "–")
