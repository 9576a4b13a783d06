"""The coach, written once for every channel: a :class:`Turn` in, replies out.

Each turn runs in one database transaction: load the project and its answers, ask the
engine for the next state and its effects, carry the effects out (answers, history,
nudges, audit) and save the new position. The project row is versioned, so when two
people answer at once the second transaction fails cleanly and is replayed against the
fresh state, where the engine tells that person the question has moved on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm.exc import StaleDataError

from bot.commands import Command, parse_command
from bot.export import Logbook, logbook_csv, logbook_markdown
from bot.i18n import Messages
from bot.presenter import Presenter
from bot.replies import ActionsReply, Choice, ExportReply, Reply, TextReply, Turn
from flows import engine
from flows.engine import FlowState
from flows.model import Guide
from storage.db import Database
from storage.models import Conversation, Project
from storage.repository import NotFound, WorkspaceRepo, get_or_create_workspace

MAX_NAME = 200
RETRIES = 3


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass
class _Context:
    turn: Turn
    repo: WorkspaceRepo
    conversation: Conversation
    t: Messages
    present: Presenter


class Coach:
    def __init__(
        self,
        db: Database,
        guides: dict[str, Guide],
        clock: Callable[[], datetime] = utcnow,
        timezone: str = "Europe/Copenhagen",
    ) -> None:
        self.db = db
        self.guides = guides
        self.clock = clock
        self.timezone = timezone  # for workspaces seen for the first time

    async def handle(self, turn: Turn) -> list[Reply]:
        """Answer one turn; replays it when another writer changed the project meanwhile."""
        expected: dict[str, str | None] = {}
        for _ in range(RETRIES):
            try:
                return await self._handle_once(turn, expected)
            except StaleDataError:
                continue
        return [TextReply(Messages(turn.lang)("busy"))]

    async def _handle_once(self, turn: Turn, expected: dict[str, str | None]) -> list[Reply]:
        async with self.db.session() as session, session.begin():
            workspace = await get_or_create_workspace(
                session, turn.platform, turn.workspace, turn.workspace_name, self.timezone
            )
            repo = WorkspaceRepo(session, workspace)
            conversation = await repo.conversation(turn.conversation, turn.conversation_name)
            t = Messages(turn.lang)
            ctx = _Context(turn, repo, conversation, t, Presenter(t, self.guides))
            if turn.command is not None:
                return await self._command(ctx, parse_command(turn.command))
            if turn.answer is None and turn.text is None:
                return [TextReply(t("help-short"))]
            project = await self._addressed_project(ctx)
            if project is None:
                return [TextReply(t("no-project")), *ctx.present.guide_list()]
            if turn.answer is not None:
                if turn.answer.skip:
                    return await self._event(ctx, project, engine.Skip(turn.answer.step))
                event = engine.Answer(turn.answer.value, self._today(workspace.timezone), turn.answer.step)
                return await self._event(ctx, project, event)
            # A plain message answers the question that was open when it arrived; a replay
            # after a conflict must not silently answer the *next* question.
            if "step" not in expected:
                expected["step"] = project.position.get("current")
            event = engine.Answer(turn.text, self._today(workspace.timezone), expected["step"])
            return await self._event(ctx, project, event)

    # --- commands ----------------------------------------------------------------------

    async def _command(self, ctx: _Context, command: Command) -> list[Reply]:
        t = ctx.t
        match command.name:
            case "help":
                return [TextReply(t("help"))]
            case "guides":
                return ctx.present.guide_list()
            case "start":
                return await self._start(ctx, command.args)
            case "projects":
                return await self._projects(ctx)
            case "switch":
                return await self._switch(ctx, command.args)
            case "unknown":
                return [TextReply(t("unknown-command", command=command.args)), TextReply(t("help-short"))]
        project = await self._addressed_project(ctx)
        if project is None:
            return [TextReply(t("no-project")), *ctx.present.guide_list()]
        match command.name:
            case "status":
                return await self._status(ctx, project)
            case "answers":
                state = await self._state(ctx.repo, project)
                return ctx.present.answers(project, self.guides[project.guide_id], state)
            case "back":
                return await self._event(ctx, project, engine.Back())
            case "skip":
                return await self._event(ctx, project, engine.Skip())
            case "finish":
                return await self._event(ctx, project, engine.Finish())
            case "edit":
                return await self._edit(ctx, project, command.args)
            case "rename":
                return await self._rename(ctx, project, command.args)
            case "export":
                return [await self._export(ctx, project)]
            case "delete":
                return await self._delete(ctx, project, command.args)
        raise AssertionError(f"command {command.name} not handled")

    async def _start(self, ctx: _Context, args: str) -> list[Reply]:
        guide_id, _, name = args.strip().partition(" ")
        guide = self.guides.get(guide_id.lower())
        if guide is None:
            message = "unknown-guide" if guide_id else "start-needs-guide"
            return [TextReply(ctx.t(message, guide=guide_id)), *ctx.present.guide_list()]
        name = " ".join(name.split()) or guide.title.get(ctx.t.lang)
        if len(name) > MAX_NAME:
            return [TextReply(ctx.t("name-too-long", limit=MAX_NAME))]
        state = engine.start(guide)
        project = await ctx.repo.create_project(
            ctx.conversation, name, guide.id, guide.version, ctx.turn.user, state.position(), self.clock()
        )
        await ctx.repo.audit(project.id, ctx.turn.user, "start", guide=guide.id, name=name)
        return [
            TextReply(ctx.t("started", project=name, number=project.id, guide=guide.title.get(ctx.t.lang))),
            *ctx.present.where(project, guide, state, entering=True),
        ]

    async def _projects(self, ctx: _Context) -> list[Reply]:
        projects = await ctx.repo.projects(ctx.conversation.id)
        if not projects:
            return [TextReply(ctx.t("no-project")), *ctx.present.guide_list()]
        return [ctx.present.project_list(projects)]

    async def _status(self, ctx: _Context, project: Project) -> list[Reply]:
        guide = self.guides[project.guide_id]
        return ctx.present.where(project, guide, await self._state(ctx.repo, project), entering=False)

    async def _switch(self, ctx: _Context, reference: str) -> list[Reply]:
        if not reference.strip():
            return await self._projects(ctx)
        project = await ctx.repo.find_project(ctx.conversation.id, reference)
        if project is None:
            return [TextReply(ctx.t("unknown-project", project=reference.strip())), *await self._projects(ctx)]
        project.focused_at = self.clock()
        return [TextReply(ctx.t("switched", project=project.name)), *await self._status(ctx, project)]

    async def _rename(self, ctx: _Context, project: Project, name: str) -> list[Reply]:
        name = " ".join(name.split())
        if not name:
            return [TextReply(ctx.t("rename-needs-name"))]
        if len(name) > MAX_NAME:
            return [TextReply(ctx.t("name-too-long", limit=MAX_NAME))]
        old, project.name = project.name, name
        await ctx.repo.audit(project.id, ctx.turn.user, "rename", old=old, new=name)
        return [TextReply(ctx.t("renamed", old=old, project=name))]

    async def _delete(self, ctx: _Context, project: Project, args: str) -> list[Reply]:
        if args.strip().lower() not in ("yes", "ja", str(project.id)):
            return [
                ActionsReply(
                    ctx.t("delete-confirm", project=project.name),
                    [
                        Choice(f"delete {project.id}", ctx.t("delete-yes")),
                        Choice("status", ctx.t("delete-no")),
                    ],
                )
            ]
        name = project.name
        await ctx.repo.delete_project(project)
        await ctx.repo.audit(project.id, ctx.turn.user, "delete")
        return [TextReply(ctx.t("deleted", project=name))]

    async def _edit(self, ctx: _Context, project: Project, args: str) -> list[Reply]:
        guide = self.guides[project.guide_id]
        reference, _, value = args.strip().partition(" ")
        state = await self._state(ctx.repo, project)
        step_id = ctx.present.step_id(guide, state, reference)
        if step_id is None:
            return [TextReply(ctx.t("edit-which")), *ctx.present.answers(project, guide, state)]
        if value.strip():
            event: engine.Event = engine.Edit(step_id, value, self._today(ctx.repo.workspace.timezone))
            return await self._event(ctx, project, event)
        return await self._event(ctx, project, engine.GoTo(step_id))

    async def _export(self, ctx: _Context, project: Project) -> ExportReply:
        logbook = await self.logbook(ctx.repo, project, ctx.t.lang)
        await ctx.repo.audit(project.id, ctx.turn.user, "export")
        return ExportReply(project.id, project.name, logbook_markdown(logbook, ctx.t), logbook_csv(logbook, ctx.t))

    async def logbook(self, repo: WorkspaceRepo, project: Project, lang: str) -> Logbook:
        guide = self.guides[project.guide_id]
        state = await self._state(repo, project)
        return Logbook(project, guide, state, await repo.history(project.id), lang)

    # --- the state machine -------------------------------------------------------------

    async def _event(self, ctx: _Context, project: Project, event: engine.Event) -> list[Reply]:
        guide = self.guides[project.guide_id]
        state = await self._state(ctx.repo, project)
        new, effects = engine.advance(guide, state, event)
        rejected = next((e for e in effects if isinstance(e, engine.Rejected)), None)
        if rejected is not None:
            return await self._rejected(ctx, project, guide, state, event, rejected)
        replies = await self._apply(ctx, project, guide, new, effects)
        entering = new.current is not None and (
            state.current is None or guide.section_of(new.current) is not guide.section_of(state.current)
        )
        return [*replies, *ctx.present.where(project, guide, new, entering=entering)]

    async def _rejected(
        self,
        ctx: _Context,
        project: Project,
        guide: Guide,
        state: FlowState,
        event: engine.Event,
        rejected: engine.Rejected,
    ) -> list[Reply]:
        if rejected.code == "moved-on" and isinstance(event, engine.Answer) and event.step:
            # Someone else answered first. Keep this person's words in the history too.
            if guide.has_step(event.step):
                await ctx.repo.add_history(project.id, event.step, "concurrent", event.value, None, ctx.turn.user)
            question = ctx.present.step_text(guide, event.step)
            return [TextReply(ctx.t("moved-on", question=question)), *ctx.present.where(project, guide, state, False)]
        reason = ctx.present.rejection(guide, state, rejected)
        if rejected.code in ("finished", "at-start", "nothing-to-answer", "not-reached", "unknown-step"):
            return [TextReply(reason)]
        return [TextReply(reason), *ctx.present.where(project, guide, state, entering=False)]

    async def _apply(
        self, ctx: _Context, project: Project, guide: Guide, new: FlowState, effects: Sequence[engine.Effect]
    ) -> list[Reply]:
        replies: list[Reply] = []
        user, repo = ctx.turn.user, ctx.repo
        tz = ZoneInfo(repo.workspace.timezone)
        # Claim the project row first: a concurrent writer then waits here and fails with
        # StaleDataError (and is replayed) before it can write an answer of its own.
        project.position = new.position()
        project.focused_at = self.clock()
        await repo.session.flush()
        for effect in effects:
            match effect:
                case engine.SaveAnswer(step=step, value=value):
                    await repo.save_answer(project, step, value, user)
                case engine.MarkSkipped(step=step):
                    await repo.add_history(project.id, step, "skipped", None, None, user)
                case engine.ScheduleNudge() as nudge:
                    due = nudge.due_at(self.clock(), tz)
                    await repo.schedule_nudge(
                        project,
                        nudge.key,
                        kind=nudge.kind,
                        platform=ctx.turn.platform,
                        conversation=ctx.turn.conversation,
                        due_at=due,
                        payload={
                            "message": nudge.message.model_dump(),
                            "step": nudge.step,
                            "repeat": nudge.repeat.value if nudge.repeat else None,
                        },
                    )
                    replies.append(ctx.present.nudge_scheduled(nudge, due, tz))
                case engine.CancelNudge(key=key):
                    await repo.cancel_nudge(project, key)
                case engine.OpenDebrief(step=step, questions=questions):
                    await repo.schedule_nudge(
                        project,
                        f"{step}:debrief-thread",
                        kind="debrief-thread",
                        platform=ctx.turn.platform,
                        conversation=ctx.turn.conversation,
                        due_at=self.clock(),
                        payload={"step": step, "questions": [q.model_dump() for q in questions]},
                    )
                    replies.append(ctx.present.debrief(questions))
                case engine.Finished(complete=complete):
                    project.finished = True
                    await repo.audit(project.id, user, "finish", complete=complete)
                    replies.append(TextReply(ctx.t("finished", project=project.name)))
        await repo.session.flush()
        return replies

    # --- helpers -------------------------------------------------------------------------

    async def _addressed_project(self, ctx: _Context) -> Project | None:
        if ctx.turn.project_id is not None:
            project = await ctx.repo.project(ctx.turn.project_id)  # NotFound for foreign ids
            if project.conversation_id != ctx.conversation.id:
                raise NotFound(ctx.turn.project_id)
            return project
        return await ctx.repo.focused_project(ctx.conversation.id)

    @staticmethod
    async def _state(repo: WorkspaceRepo, project: Project) -> FlowState:
        answers = {step: row.value for step, row in (await repo.answers(project.id)).items()}
        return FlowState.from_position(project.position, answers)

    def _today(self, timezone: str) -> date:
        return self.clock().astimezone(ZoneInfo(timezone)).date()
