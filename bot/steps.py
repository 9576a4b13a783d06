"""Run one engine event on a project and word the outcome for the team."""

from __future__ import annotations

from bot import effects
from bot.context import TurnContext
from bot.replies import Action, ActionsReply, AnswerAction, Reply, TextReply, for_asker
from flows import engine
from flows.answers import Invalid, parse_answer
from flows.engine import FlowState
from flows.model import Guide
from storage.models import Project


async def claim(ctx: TurnContext, project: Project, state: FlowState | None = None) -> None:
    """Write the project row first, under its version check, with ``state`` if given.

    A concurrent writer of the same project (an answer, a delete) then waits for this
    transaction and fails cleanly on the version (and is replayed) before it writes any
    row of its own; every writer takes the project row first, so none can deadlock.
    """
    if state is None:
        state = ctx.state(project)
    await ctx.repo.save_state(project, dict(state.answers), state.position(), state.finished, ctx.now())


async def run_event(ctx: TurnContext, project: Project, event: engine.Event) -> list[Reply]:
    guide = ctx.guide(project)
    state = ctx.state(project)
    on_screen = engine.current_step(guide, state)
    new, results = engine.advance(guide, state, event)
    rejected = next((e for e in results if isinstance(e, engine.Rejected)), None)
    if rejected is not None:
        return await _rejected(ctx, project, guide, state, event, rejected)
    await claim(ctx, project, new)
    replies = _answered(ctx, project, guide, on_screen, event, results)
    replies += _changed(ctx, guide, state, new, results)
    replies += await effects.apply(ctx, project, guide, results)
    if any(isinstance(result, engine.Waiting) for result in results):
        return replies  # "not yet": the coach says when it asks again, rather than asking again now
    if any(isinstance(result, engine.Finished) for result in results):
        return replies  # the end is said once, by the Finished effect
    current = engine.current_step(guide, new)
    entering = current is not None and (
        on_screen is None or guide.section_of(current) is not guide.section_of(on_screen)
    )
    return [*replies, *ctx.present.where(project, guide, new, entering=entering)]


def _answered(
    ctx: TurnContext,
    project: Project,
    guide: Guide,
    on_screen: str | None,
    event: engine.Event,
    results: list[engine.Effect],
) -> list[Reply]:
    """The question that was on screen, now showing its answer (it replaces the question)."""
    if on_screen is None or not isinstance(event, engine.Answer | engine.Skip):
        return []
    step = guide.step(on_screen)
    for result in results:
        if isinstance(result, engine.SaveAnswer) and result.step == on_screen:
            return [ctx.present.answered(project, step, ctx.present.value(step, result.value), ctx.author)]
        if isinstance(result, engine.MarkSkipped) and result.step == on_screen:
            return [ctx.present.answered(project, step, ctx.t.text("action-skipped"), ctx.author)]
        if isinstance(result, engine.Waiting) and result.step == on_screen:
            return [ctx.present.answered(project, step, ctx.t.text("not-yet"), ctx.author)]
    return []


def _changed(
    ctx: TurnContext, guide: Guide, before: FlowState, after: FlowState, results: list[engine.Effect]
) -> list[Reply]:
    """An answer that replaced an earlier one says what changed, old → new, and which
    answers now lie on the branch it left (kept, but no longer counted)."""
    changes = [
        result
        for result in results
        if isinstance(result, engine.SaveAnswer) and result.previous is not None and result.previous != result.value
    ]
    if not changes:
        return []
    now_on = set(engine.active_path(guide, after))
    left = [s for s in engine.active_path(guide, before) if s in before.answers and s not in now_on]
    return [ctx.present.edited(guide, change, left, after) for change in changes]


async def _rejected(
    ctx: TurnContext,
    project: Project,
    guide: Guide,
    state: FlowState,
    event: engine.Event,
    rejected: engine.Rejected,
) -> list[Reply]:
    if rejected.code == "moved-on" and isinstance(event, engine.Answer) and event.step:
        return await _moved_on(ctx, project, guide, state, event, rejected)
    reason = TextReply(ctx.present.rejection(guide, rejected, ctx.turn.choices_shown_as), audience="asker")
    if rejected.code == "past-date" and isinstance(event, engine.Answer):
        step = engine.current_step(guide, state) or ""
        confirm = AnswerAction(step, {"date": rejected.params["date"], "confirm_past": True})
        keep = Action(ctx.t.text("past-date-keep"), answer=confirm, project_id=project.id, style="primary")
        where = for_asker(ctx.present.where(project, guide, state, entering=False))
        return [ActionsReply(reason.text, [keep], audience="asker"), *where]
    if rejected.code in ("finished", "at-start", "nothing-to-answer", "not-reached", "unknown-step", "not-paused"):
        return [reason]
    return [reason, *for_asker(ctx.present.where(project, guide, state, entering=False))]


async def _moved_on(
    ctx: TurnContext,
    project: Project,
    guide: Guide,
    state: FlowState,
    event: engine.Answer,
    rejected: engine.Rejected,
) -> list[Reply]:
    """Someone else answered first. Keep this person's words in the history if they are a
    valid answer to the question they saw; say plainly when they are not."""
    question = ctx.present.step_text(guide, event.step or "")
    where = for_asker(ctx.present.where(project, guide, state, entering=False))
    if "value" in rejected.params:
        await claim(ctx, project)
        await ctx.repo.add_history(
            project.id, event.step or "", "concurrent", rejected.params["value"], None, ctx.author, ctx.now()
        )
        return [TextReply(ctx.t("moved-on", question=question), audience="asker"), *where]
    reason = ctx.t.text("rejected-unknown-step", step=question)
    if guide.has_step(event.step or ""):
        invalid = parse_answer(guide.step(event.step or ""), event.value, event.today)
        if isinstance(invalid, Invalid):
            reason = ctx.present.rejection(
                guide, engine.Rejected(invalid.code, invalid.params), ctx.turn.choices_shown_as
            ).plain()
    return [TextReply(ctx.t("moved-on-not-kept", question=question, reason=reason), audience="asker"), *where]
