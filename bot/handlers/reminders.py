"""The team's reminders: the list, and Done / Snooze / Stop on each one.

The buttons on a delivered reminder send ``reminder done 12``, ``reminder snooze 12 1w``
or ``reminder stop 12``; a team can type the same, or the Danish words. "Done" on a
reminder that asks whether something has happened yet (a check-back) answers that step.
"""

from __future__ import annotations

from datetime import timedelta

from bot.commands import command, parse_number
from bot.context import TurnContext
from bot.replies import Reply, TextReply, reminder_key
from bot.steps import run_event
from flows import engine
from storage.models import NudgeRow
from storage.repository import NotFound

ACTIONS = {
    "done": "done",
    "klaret": "done",
    "færdig": "done",
    "faerdig": "done",
    "snooze": "snooze",
    "udsæt": "snooze",
    "udsaet": "snooze",
    "stop": "stop",
}
PERIODS = {
    "1d": timedelta(days=1),
    "1dag": timedelta(days=1),
    "1w": timedelta(weeks=1),
    "1u": timedelta(weeks=1),
    "1uge": timedelta(weeks=1),
}
# Reminders a team can still act on; "sent" is the one on screen, with its buttons.
LIVE = ("pending", "sent")


@command("reminders", "påmindelser", "paamindelser", shape="alone")
async def reminders(ctx: TurnContext, _args: str) -> list[Reply]:
    project = await ctx.project()
    rows = await ctx.repo.nudges(project.id)
    return [ctx.present.reminder_list(project, rows, ctx.tz)]


@command("reminder", "påmindelse", "paamindelse")
async def reminder(ctx: TurnContext, args: str) -> list[Reply]:
    words = args.lower().split()
    action = ACTIONS.get(words[0]) if words else None
    number = parse_number(words[1]) if len(words) > 1 else None
    if action is None or number is None:
        return [TextReply(ctx.t("remind-act-usage"), audience="asker")]
    try:
        row = await ctx.repo.nudge(number, ctx.conversation.id)
    except NotFound:
        return [TextReply(ctx.t("remind-act-unknown", number=str(number)), audience="asker")]
    if row.status not in LIVE:
        return [TextReply(ctx.t(f"remind-act-already-{row.status}", number=str(number)), audience="asker")]
    match action:
        case "done":
            return await _done(ctx, row)
        case "snooze":
            period = PERIODS.get(words[2] if len(words) > 2 else "1d")
            if period is None:
                return [TextReply(ctx.t("remind-act-usage"), audience="asker")]
            return _snooze(ctx, row, period)
    row.status = "cancelled"
    ctx.repo.audit(row.project_id, ctx.author, "reminder-stop", ctx.now(), reminder=row.id, kind=row.kind)
    about = ctx.present.reminder_about(row.kind, row.payload)
    return [TextReply(ctx.t("remind-act-stopped", about=about, by=ctx.author), replaces=reminder_key(row.id))]


async def _done(ctx: TurnContext, row: NudgeRow) -> list[Reply]:
    about = ctx.present.reminder_about(row.kind, row.payload)
    repeating = bool(row.payload.get("repeat"))
    if not repeating:
        row.status = "done"
    ctx.repo.audit(row.project_id, ctx.author, "reminder-done", ctx.now(), reminder=row.id, kind=row.kind)
    done = TextReply(ctx.t("remind-act-done", about=about, by=ctx.author), replaces=reminder_key(row.id))
    if row.kind == "task":
        for entry in await ctx.repo.journal(row.project_id, kind="task"):
            if entry.id == row.payload.get("entry"):
                entry.data = {**(entry.data or {}), "done": True}
    if row.kind == "check-back" and isinstance(row.payload.get("step"), str):
        # "Done" on "have you called yet?" is the answer the step waits for.
        project = await ctx.repo.project(row.project_id, ctx.conversation.id)
        step = row.payload["step"]
        return [done, *await run_event(ctx, project, engine.Answer(True, ctx.today(), step))]
    return [done]


def _snooze(ctx: TurnContext, row: NudgeRow, period: timedelta) -> list[Reply]:
    now = ctx.now()
    row.due_at = ctx.working_time.next_moment(now + period, not_before=now)
    row.status, row.attempts, row.lease_until, row.last_error = "pending", 0, None, None
    ctx.repo.audit(row.project_id, ctx.author, "reminder-snooze", now, reminder=row.id, until=row.due_at.isoformat())
    about = ctx.present.reminder_about(row.kind, row.payload)
    when = ctx.present.when(row.due_at, ctx.tz)
    return [TextReply(ctx.t("remind-act-snoozed", about=about, when=when), replaces=reminder_key(row.id))]
