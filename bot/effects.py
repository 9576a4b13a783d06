"""Carry out what the engine decided: history rows, reminders, debriefs, the finish.

The project row itself (answers, position, finished) is written by the caller before
these, in one versioned UPDATE; everything here goes into the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from bot.context import TurnContext
from bot.replies import Reply, TextReply
from flows import engine
from flows.model import Guide
from storage.models import Project


async def apply(ctx: TurnContext, project: Project, guide: Guide, effects: Sequence[engine.Effect]) -> list[Reply]:
    replies: list[Reply] = []
    repo, now, author = ctx.repo, ctx.now(), ctx.author
    for effect in effects:
        match effect:
            case engine.SaveAnswer(step=step, value=value, previous=previous):
                action = "answered" if previous is None else "edited"
                await repo.add_history(project.id, step, action, value, previous, author, now)
            case engine.MarkSkipped(step=step):
                await repo.add_history(project.id, step, "skipped", None, None, author, now)
            case engine.Waiting(step=step, since=since, previous=previous):
                await repo.add_history(project.id, step, "waiting", since, previous, author, now)
            case engine.Paused(step=step):
                repo.audit(project.id, author, "pause", now, step=step)
            case engine.ScheduleNudge() as nudge:
                check_back = timedelta(days=ctx.settings.check_back_days)
                moment = nudge.due_at(now, ctx.tz, check_back=check_back)
                if nudge.lapses and moment < now:
                    continue
                due = ctx.working_time.next_moment(moment, not_before=now)
                row = await repo.schedule_nudge(
                    project,
                    nudge.key,
                    kind=nudge.kind,
                    platform=ctx.turn.platform,
                    conversation=ctx.turn.conversation,
                    thread=ctx.turn.thread,
                    due_at=due,
                    payload={
                        "message": nudge.message.model_dump(),
                        "step": nudge.step,
                        "repeat": nudge.repeat.value if nudge.repeat else None,
                        "suggested": nudge.suggested,
                    },
                )
                if nudge.suggested:
                    await repo.session.flush()  # the row's number goes on its Stop and Snooze buttons
                replies.append(ctx.present.nudge_scheduled(nudge, due, ctx.tz, row.id))
            case engine.CancelNudge(key=key):
                await repo.cancel_nudge(project, key)
            case engine.OpenDebrief(key=key, step=step, questions=questions):
                # Posted once, as a thread, by the outbox (at once: the visit just ended). In
                # a conversation without threads it is posted to the conversation, which its
                # reminder says (the outbox knows the conversation only by what it is given).
                threaded = ctx.turn.threaded
                await repo.open_debrief(project.id, step, ctx.turn.conversation, now)
                await repo.schedule_nudge(
                    project,
                    key,
                    kind="debrief-thread",
                    platform=ctx.turn.platform,
                    conversation=ctx.turn.conversation,
                    thread=ctx.turn.thread,
                    due_at=now,
                    payload={"step": step, "questions": [q.model_dump() for q in questions], "threaded": threaded},
                )
                replies.append(TextReply(ctx.t("debrief-opening" if threaded else "debrief-opening-chat")))
            case engine.Finished(complete=complete):
                repo.audit(project.id, author, "finish", now, complete=complete)
                said = "finished" if complete else "finished-early"
                replies.append(TextReply(ctx.t(said, project=project.name)))
    return replies
