"""The logbook: free entries, debrief threads and the follow-up tasks agreed in them.

``log <text>`` adds an entry at any moment, and so does a reply in the thread of any
reminder (the weekly logbook prompt asks for exactly that). A debrief is posted as a thread by the outbox
(see :mod:`bot.reminder_messages`); every reply in that thread is saved with its author
and time, an edited reply updates its entry and a deleted one removes it. Where the
conversation has no threads (a Teams chat), the messages written there while the debrief
is open are its notes (:func:`chat_turn`). ``debrief done`` posts a summary and asks for
the follow-up agreement, which the team writes as tasks (``task Send thanks – Mette –
Friday``), each a reminder to its owner on its date.
"""

from __future__ import annotations

import re
from datetime import datetime, time

from bot.commands import command
from bot.context import TurnContext
from bot.replies import Reply, TextReply
from flows.answers import Invalid
from flows.dates import read_date
from storage.models import Debrief, JournalEntry, Project

MAX_ENTRY = 4000
FINISH_WORDS = ("done", "finish", "færdig", "faerdig", "afslut", "slut")
# "Send thanks – Mette – Friday": the parts of a task, split on a dash with spaces, or ";".
_TASK_PARTS = re.compile(r"\s+[–—-]\s+|\s*;\s*")


@command("log", "logbog")
async def log(ctx: TurnContext, args: str) -> list[Reply]:
    project = await ctx.project()
    text = args.strip()
    if not text:
        entries = await ctx.repo.journal(project.id)
        return [ctx.present.journal(project, entries, ctx.tz)]
    if len(text) > MAX_ENTRY:
        return [TextReply(ctx.t("rejected-too-long", limit=MAX_ENTRY, length=len(text)), audience="asker")]
    await ctx.repo.add_journal(project.id, "log", ctx.author, text, ctx.now())
    return [TextReply(ctx.t("journal-logged", project=project.name, by=ctx.author))]


@command("task", "opgave", "opgaver")
async def task(ctx: TurnContext, args: str) -> list[Reply]:
    """One task per line; all of them are saved, or none and the line at fault is named."""
    project = await ctx.project()
    lines = [line.strip() for line in args.splitlines() if line.strip()]
    if not lines:
        return [TextReply(ctx.t("journal-task-usage"), audience="asker")]
    tasks = []
    for line in lines:
        parts = [part.strip() for part in _TASK_PARTS.split(line)]
        if len(parts) != 3 or not all(parts):
            return [TextReply(ctx.t("journal-task-bad", line=line), audience="asker")]
        what, owner, when = parts
        reading = read_date(when, ctx.today())
        if isinstance(reading, Invalid):
            return [TextReply(ctx.t("journal-task-bad-date", line=line, date=when), audience="asker")]
        if reading.day < ctx.today():
            return [TextReply(ctx.t("journal-task-past", line=line), audience="asker")]
        tasks.append((what[:MAX_ENTRY], owner[:200], reading.day))
    words = []
    for what, owner, day in tasks:
        data = {"owner": owner, "due": day.isoformat(), "done": False}
        entry = await ctx.repo.add_journal(project.id, "task", ctx.author, what, ctx.now(), data=data)
        local = datetime.combine(day, time(9, 0), tzinfo=ctx.tz)
        due = ctx.working_time.next_moment(local, not_before=ctx.now())
        await ctx.repo.schedule_nudge(
            project,
            f"task:{entry.id}",
            kind="task",
            platform=ctx.turn.platform,
            conversation=ctx.turn.conversation,
            due_at=due,
            payload={"task": what, "owner": owner, "due": day.isoformat(), "entry": entry.id},
            recipient=owner,
        )
        words.append(ctx.t.text("journal-task-line", task=what, owner=owner, date=ctx.present.day(day)))
    return [ctx.present.tasks_saved(words)]


@command("debrief", "debriefing")
async def debrief(ctx: TurnContext, args: str) -> list[Reply]:
    project, found = await _debrief_here(ctx)
    if found is None:
        return [TextReply(ctx.t("debrief-none", project=project.name), audience="asker")]
    if args.strip().lower() in FINISH_WORDS:
        return await _close(ctx, project, found)
    notes = await _notes(ctx, project, found)
    return [ctx.present.debrief_notes(project, notes, ctx.tz, audience="asker")]


async def _notes(ctx: TurnContext, project: Project, found: Debrief) -> list[JournalEntry]:
    """The debrief's notes, oldest first (a project may hold several debriefs)."""
    return [e for e in await ctx.repo.journal(project.id, kind="debrief") if e.step == found.step]


async def _close(ctx: TurnContext, project: Project, found: Debrief) -> list[Reply]:
    """End the debrief: its notes as a summary for everyone, and the question of who follows
    up on what. Ending it again shows the summary again."""
    notes = await _notes(ctx, project, found)
    if found.closed_at is None:
        found.closed_at = ctx.now()
        ctx.repo.audit(project.id, ctx.author, "debrief-done", ctx.now(), step=found.step, notes=len(notes))
    return [ctx.present.debrief_notes(project, notes, ctx.tz), TextReply(ctx.t("debrief-agree-tasks"))]


async def _debrief_here(ctx: TurnContext) -> tuple[Project, Debrief | None]:
    """The debrief of the thread the command came from, else the project's latest one."""
    if ctx.turn.thread is not None:
        anchor = await ctx.repo.nudge_for_message(ctx.turn.conversation, ctx.turn.thread)
        if anchor is not None and anchor.kind == "debrief-thread":
            project = await ctx.repo.project(anchor.project_id)
            return project, await ctx.repo.debrief(project.id, str(anchor.payload.get("step")))
    project = await ctx.project()
    opened = await ctx.repo.debriefs(project.id)
    still_open = [d for d in opened if d.closed_at is None]
    latest = still_open[-1] if still_open else opened[-1] if opened else None
    return project, latest


async def thread_reply(ctx: TurnContext, text: str) -> list[Reply]:
    """A message in a thread the coach started: a debrief's thread keeps it as a debrief
    note, any other reminder's thread (the weekly logbook prompt, a check-back) as a
    logbook note of that project. A thread that belongs to no project (any longer) is
    told so politely, and nothing is saved."""
    thread = ctx.turn.thread or ""
    anchor = await ctx.repo.nudge_for_message(ctx.turn.conversation, thread)
    if anchor is None:
        return [TextReply(ctx.t("debrief-thread-unknown"), audience="asker", thread=thread)]
    entry = await _entry(ctx)
    if entry is not None:
        return await _follow(ctx, entry, text)
    if ctx.turn.change == "deleted":
        return _told(ctx, "debrief-note-removed")
    if anchor.kind == "debrief-thread":
        kind, step = "debrief", str(anchor.payload.get("step") or "")
    else:
        kind, step = "log", None
    return await _add(ctx, text, anchor.project_id, kind, step, "debrief-note-saved")


async def chat_turn(ctx: TurnContext) -> list[Reply] | None:
    """A turn in a conversation without threads (a Teams group or personal chat), where a
    debrief's notes cannot be replies in a thread of its own.

    While a debrief posted to the conversation is open, every new message there is one of
    its notes, and a message that is only a finish word ("færdig", or "afslut" sent as a
    command, which elsewhere finishes the project) ends it as ``debrief færdig`` does. An
    edited or deleted message that became a note updates or removes it. Any other turn
    (other commands, buttons, messages while no debrief is open) gets None and runs as it
    would anywhere; only messages and finish words look the debrief up."""
    turn = ctx.turn
    if turn.change != "new":
        entry = await _entry(ctx)
        return None if entry is None else await _follow(ctx, entry, turn.text or "")
    finishing = (turn.text or turn.command or "").strip().lower() in FINISH_WORDS
    if turn.text is None and not finishing:
        return None
    found = await ctx.repo.posted_debrief(turn.conversation)
    if found is None:
        return None
    if finishing:
        return await _close(ctx, await ctx.repo.project(found.project_id), found)
    return await _add(ctx, turn.text or "", found.project_id, "debrief", found.step, "debrief-chat-note-saved")


async def _entry(ctx: TurnContext) -> JournalEntry | None:
    """The note the turn's message became, if it became one."""
    return await ctx.repo.journal_entry(ctx.turn.message_id) if ctx.turn.message_id else None


async def _follow(ctx: TurnContext, entry: JournalEntry, text: str) -> list[Reply]:
    """The note of an edited message follows it; that of a deleted one is removed."""
    if ctx.turn.change == "deleted":
        await ctx.repo.remove_journal(entry)
        return _told(ctx, "debrief-note-removed")
    text = text.strip()[:MAX_ENTRY]
    if not text:
        return []
    entry.text, entry.edited_at = text, ctx.now()
    return _told(ctx, "debrief-note-updated")


async def _add(ctx: TurnContext, text: str, project_id: int, kind: str, step: str | None, saved: str) -> list[Reply]:
    """Keep a message as a note of the project, with its author, time and message id."""
    text = text.strip()[:MAX_ENTRY]
    if not text:
        return []
    await ctx.repo.add_journal(project_id, kind, ctx.author, text, ctx.now(), step=step, message_id=ctx.turn.message_id)
    return _told(ctx, saved)


def _told(ctx: TurnContext, message: str) -> list[Reply]:
    """What became of the writer's note: for them alone, where they wrote it."""
    return [TextReply(ctx.t(message), audience="asker", thread=ctx.turn.thread)]
