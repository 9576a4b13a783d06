"""The coach's commands and answers: what each does to a project and what the team sees.

Each command registers itself in :mod:`bot.commands`; a handler gets the turn's context
and the command's arguments. Views (help, status, answers ...) go to the asker alone;
what changes the project goes to the whole conversation.
"""

from __future__ import annotations

from bot.commands import command, command_shaped, parse_command, parse_number
from bot.context import NoProject, TurnContext
from bot.guide_words import intro as guide_intro
from bot.handlers import journal
from bot.replies import Action, ActionsReply, AnswerAction, ExportReply, Reply, TextReply, for_asker
from bot.richtext import Mention
from bot.steps import run_event
from flows import engine
from flows.engine import FlowState

MAX_NAME = 200
YES = ("ja", "yes")


# --- views ----------------------------------------------------------------------------


@command("help", "hjælp", "hjaelp", shape="alone")
async def help_(ctx: TurnContext, _args: str) -> list[Reply]:
    return [TextReply(ctx.t("help"), audience="asker")]


@command("guides", "guider", shape="alone")
async def guides(ctx: TurnContext, _args: str) -> list[Reply]:
    return ctx.present.guide_list()


@command("projects", "projekter", shape="alone")
async def projects(ctx: TurnContext, _args: str) -> list[Reply]:
    found = await ctx.repo.projects(ctx.conversation.id)
    if not found:
        return [TextReply(ctx.t("no-project"), audience="asker"), *ctx.present.guide_list()]
    return [ctx.present.project_list(found)]


@command("status", shape="alone")
async def status(ctx: TurnContext, _args: str) -> list[Reply]:
    project = await ctx.project()
    return for_asker(ctx.present.where(project, ctx.guide(project), ctx.state(project), entering=False))


@command("answers", "svar", shape="alone")
async def answers(ctx: TurnContext, _args: str) -> list[Reply]:
    project = await ctx.project()
    return ctx.present.answers(project, ctx.guide(project), ctx.state(project))


@command("export", "eksport", shape="alone")
async def export(ctx: TurnContext, _args: str) -> list[Reply]:
    project = await ctx.project()
    ctx.repo.audit(project.id, ctx.author, "export", ctx.now())
    return [ExportReply(project.id, project.name, audience="asker")]


# --- projects -----------------------------------------------------------------------------


def _clean_name(name: str) -> str:
    return " ".join(name.split())


@command("start", shape="guide")
async def start(ctx: TurnContext, args: str) -> list[Reply]:
    guide_id, _, name = args.strip().partition(" ")
    guide = ctx.guides.get(guide_id.lower())
    if guide is None:
        message = "unknown-guide" if guide_id else "start-needs-guide"
        return [TextReply(ctx.t(message, guide=guide_id), audience="asker"), *ctx.present.guide_list()]
    name = _clean_name(name) or guide.title.get(ctx.t.lang)
    if len(name) > MAX_NAME:
        return [TextReply(ctx.t("name-too-long", limit=MAX_NAME), audience="asker")]
    state = FlowState(answers={})
    project = await ctx.repo.create_project(
        ctx.conversation.id, name, guide.id, guide.version, ctx.author, state.position(), ctx.now()
    )
    ctx.repo.audit(project.id, ctx.author, "start", ctx.now(), guide=guide.id, name=name)
    started = ctx.t("started", project=name, number=str(project.id), guide=guide.title.get(ctx.t.lang))
    # Before the first question: what the guide is, how long, its parts, its reminders.
    started += guide_intro(ctx.t, guide, ctx.settings.check_back_days)
    return [TextReply(started), *ctx.present.where(project, guide, state, entering=True)]


@command("switch", "skift", shape="number")
async def switch(ctx: TurnContext, reference: str) -> list[Reply]:
    if not reference.strip():
        return await projects(ctx, "")
    project = await ctx.repo.find_project(ctx.conversation.id, parse_number(reference), reference.strip().lstrip("#"))
    if project is None:
        unknown = TextReply(ctx.t("unknown-project", project=reference.strip()), audience="asker")
        return [unknown, *await projects(ctx, "")]
    project.focused_at = ctx.now()
    where = ctx.present.where(project, ctx.guide(project), ctx.state(project), entering=False)
    return [TextReply(ctx.t("switched", project=project.name)), *where]


@command("rename", "omdøb", "omdoeb")
async def rename(ctx: TurnContext, args: str) -> list[Reply]:
    project = await ctx.project()
    name = _clean_name(args)
    if not name:
        return [TextReply(ctx.t("rename-needs-name"), audience="asker")]
    if len(name) > MAX_NAME:
        return [TextReply(ctx.t("name-too-long", limit=MAX_NAME), audience="asker")]
    old, project.name = project.name, name
    ctx.repo.audit(project.id, ctx.author, "rename", ctx.now(), old=old, new=name)
    return [TextReply(ctx.t("renamed", old=old, project=name))]


@command("delete", "slet", shape="alone")
async def delete(ctx: TurnContext, args: str) -> list[Reply]:
    project = await ctx.project()
    confirmed = args.strip().lower() in YES or parse_number(args) == project.id
    if not confirmed:
        actions = [
            Action(ctx.t.text("delete-yes"), command=f"delete {project.id}", project_id=project.id, style="danger"),
            Action(ctx.t.text("delete-no"), command="status", project_id=project.id),
        ]
        return [ActionsReply(ctx.t("delete-confirm", project=project.name), actions, audience="asker")]
    name = project.name
    await ctx.repo.delete_project(project)
    ctx.repo.audit(project.id, ctx.author, "delete", ctx.now())
    return [TextReply(ctx.t("deleted", project=name))]


# --- moving through the guide ------------------------------------------------------------


@command("back", "tilbage", shape="alone")
async def back(ctx: TurnContext, _args: str) -> list[Reply]:
    return await run_event(ctx, await ctx.project(), engine.Back())


@command("skip", "spring", shape="alone")
async def skip(ctx: TurnContext, _args: str) -> list[Reply]:
    return await run_event(ctx, await ctx.project(), engine.Skip())


@command("resume", "genoptag", "fortsæt", "fortsaet", shape="alone")
async def resume(ctx: TurnContext, _args: str) -> list[Reply]:
    """Take up a paused project: the coach asks the question that led to the pause again."""
    return await run_event(ctx, await ctx.project(), engine.Resume())


# Follow-up tasks belong to people, not to the guide: they outlive the project's end.
KEPT_AFTER_FINISH = ("task",)


@command("finish", "afslut", shape="alone")
async def finish(ctx: TurnContext, _args: str) -> list[Reply]:
    """The team ends the project: its guide reminders go with it (a guide that simply
    reaches its last question keeps them: the follow-up date still lies ahead)."""
    project = await ctx.project()
    replies = await run_event(ctx, project, engine.Finish())
    if project.finished:
        await ctx.repo.cancel_pending(project, keep_kinds=KEPT_AFTER_FINISH)
    return replies


@command("edit", "ret", shape="number")
async def edit(ctx: TurnContext, args: str) -> list[Reply]:
    project = await ctx.project()
    guide, state = ctx.guide(project), ctx.state(project)
    reference, _, value = args.strip().partition(" ")
    step_id = ctx.present.step_id(guide, reference, parse_number(reference))
    if step_id is None:
        return [TextReply(ctx.t("edit-which"), audience="asker"), *ctx.present.answers(project, guide, state)]
    if value.strip():
        return await run_event(ctx, project, engine.Edit(step_id, value, ctx.today()))
    return await run_event(ctx, project, engine.GoTo(step_id))


# --- answers -----------------------------------------------------------------------------


async def click(ctx: TurnContext, answer: AnswerAction) -> list[Reply]:
    """A button or form: it names the step it answers."""
    project = await ctx.project()
    if answer.skip:
        return await run_event(ctx, project, engine.Skip(answer.step))
    return await run_event(ctx, project, engine.Answer(answer.value, ctx.today(), answer.step))


async def say(ctx: TurnContext, text: str) -> list[Reply]:
    """A plain message answers the question that is open, unless it reads as a command.

    A message in a thread belongs to that thread (a debrief's notes); an edit or deletion
    of an ordinary message changes nothing, as its answer was taken when it was sent.
    """
    if ctx.turn.thread is not None:
        return await journal.thread_reply(ctx, text)
    if ctx.turn.change != "new":
        return []
    shaped = command_shaped(text, set(ctx.guides))
    try:
        project = await ctx.project()
    except NoProject:
        if shaped:
            return await run_command(ctx, text)
        raise
    current = engine.current_step(ctx.guide(project), ctx.state(project))
    if shaped and current is None:
        return await run_command(ctx, text)
    if shaped:
        question = ctx.present.step_text(ctx.guide(project), current or "")
        actions = [
            Action(ctx.t.text("command-or-answer-run"), command=text, project_id=project.id, style="primary"),
            Action(
                ctx.t.text("command-or-answer-keep"), answer=AnswerAction(current or "", text), project_id=project.id
            ),
        ]
        ask = ctx.t("command-or-answer", command=Mention(text.strip()), question=question)
        return [ActionsReply(ask, actions, audience="asker")]
    # A replay after a conflict must not silently answer the *next* question.
    if "step" not in ctx.expected:
        ctx.expected["step"] = current
    return await run_event(ctx, project, engine.Answer(text, ctx.today(), ctx.expected["step"]))


async def run_command(ctx: TurnContext, text: str) -> list[Reply]:
    parsed = parse_command(text)
    if parsed.spec is None:
        unknown = TextReply(ctx.t("unknown-command", command=parsed.word), audience="asker")
        return [unknown, TextReply(ctx.t("help-short"), audience="asker")]
    return await parsed.spec.handler(ctx, parsed.args)
