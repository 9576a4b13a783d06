"""The coach, written once for every channel: a :class:`Turn` in, replies out.

Each turn runs in one database transaction: find the workspace and conversation (cached
after the first turn), dispatch to a command or an answer, and commit the project row,
its history, its reminders and the record of the event together. The project row is
versioned, so when two people answer at once the second transaction fails cleanly and is
replayed against the fresh state, where the engine tells that person the question has
moved on. A repeated delivery of the same event fails on the event's unique key and is
answered from the first result, writing nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.exc import StaleDataError

from bot import handlers  # importing it registers the commands
from bot.config import RemindersConfig
from bot.context import NoProject, TurnContext, UnknownProject
from bot.export import Logbook
from bot.i18n import Messages
from bot.presenter import Presenter
from bot.replies import (
    ProgressReply,
    ProjectGlance,
    QuestionReply,
    Reply,
    TextReply,
    Turn,
    Upcoming,
    dump_replies,
    load_replies,
)
from flows import engine
from flows.model import Guide
from storage.db import Database
from storage.repository import (
    ConversationRef,
    NotFound,
    WorkingHours,
    WorkspaceRef,
    WorkspaceRepo,
    ensure_workspace,
    find_workspace,
)

__all__ = ["Coach", "Outcome", "UnknownProject"]

RETRIES = 3
# Control characters mean nothing in an answer, and PostgreSQL refuses NUL in text.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def utcnow() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Outcome:
    """The replies to a turn; ``repeated`` when the turn was a redelivery answered from the
    first result (a channel then need not post them again)."""

    replies: list[Reply]
    repeated: bool = False


class Coach:
    def __init__(
        self,
        db: Database,
        guides: dict[str, Guide],
        clock: Callable[[], datetime] = utcnow,
        timezone: str = "Europe/Copenhagen",
        reminders: RemindersConfig | None = None,
    ) -> None:
        self.db = db
        self.guides = guides
        self.clock = clock
        self.timezone = timezone  # for workspaces seen for the first time
        self.reminders = reminders or RemindersConfig()
        # Identities never change once created; caching them saves two queries a turn.
        self._workspaces: dict[tuple[str, str], WorkspaceRef] = {}
        self._conversations: dict[tuple[int, str], ConversationRef] = {}

    async def handle(self, turn: Turn) -> Outcome:
        """Answer one turn; replays it when another writer changed the project meanwhile."""
        turn = _clean_turn(turn)
        expected: dict[str, str | None] = {}
        for _ in range(RETRIES):
            try:
                return await self._handle_once(turn, expected)
            except StaleDataError:
                continue
            except IntegrityError:
                recalled = await self._recall(turn) if turn.event_id else None
                if recalled is None:
                    raise
                return Outcome(recalled, repeated=True)
        return Outcome([TextReply(Messages(turn.lang)("busy"), audience="asker")])

    async def _handle_once(self, turn: Turn, expected: dict[str, str | None]) -> Outcome:
        async with self.db.transaction() as session:
            workspace = await self._workspace(session, turn)
            repo = WorkspaceRepo(session, workspace.id)
            conversation = await self._conversation(repo, turn)
            t = Messages(turn.lang)
            ctx = TurnContext(
                turn,
                repo,
                workspace,
                conversation,
                self.guides,
                self.clock,
                t,
                Presenter(t, self.guides),
                self.reminders,
                expected,
            )
            try:
                replies = await _dispatch(ctx)
            except NoProject:
                replies = [TextReply(t("no-project"), audience="asker"), *ctx.present.guide_list()]
            if not ctx.conversation.active:  # inactive, or not known to be active: see _conversation
                await repo.reactivate_conversation(conversation.id)
            if turn.event_id:
                await repo.remember_event(turn.event_id, dump_replies(replies), self.clock())
        self._keep(turn, workspace, conversation)
        return Outcome(replies)

    async def _workspace(self, session: AsyncSession, turn: Turn) -> WorkspaceRef:
        workspace = self._workspaces.get((turn.platform, turn.workspace))
        if workspace is None:
            hours = WorkingHours(self.reminders.work_days, self.reminders.work_start, self.reminders.work_end)
            workspace = await ensure_workspace(
                session, turn.platform, turn.workspace, turn.workspace_name, self.timezone, hours
            )
        return workspace

    async def remember(self, turn: Turn) -> None:
        """Keep the conversation of ``turn`` and its address, without answering: the bot was
        installed there, and reminders must reach it before anyone has written (Teams'
        ``installationUpdate``). It is active again if it was not."""
        turn = _clean_turn(turn)
        async with self.db.transaction() as session:
            workspace = await self._workspace(session, turn)
            repo = WorkspaceRepo(session, workspace.id)
            conversation = await self._conversation(repo, turn)
            if not conversation.active:
                await repo.reactivate_conversation(conversation.id)
        self._keep(turn, workspace, conversation)

    def _keep(self, turn: Turn, workspace: WorkspaceRef, conversation: ConversationRef) -> None:
        """Cache the turn's identities, once committed; whether the conversation is active is
        not kept, as the outbox may mark it inactive any time."""
        self._workspaces[(turn.platform, turn.workspace)] = workspace
        self._conversations[(workspace.id, turn.conversation)] = replace(conversation, active=None)

    async def started_thread(self, platform: str, workspace: str, conversation: str, thread: str) -> bool:
        """Whether ``thread`` is a message the coach posted on its own (a reminder, a debrief)
        in ``conversation``: where the platform does not say whose a thread is (a Teams
        channel post), the replies in it are notes only then. Looked up without creating anything."""
        async with self.db.session() as session:
            try:
                found = await find_workspace(session, platform, workspace)
            except NotFound:
                return False
            return await WorkspaceRepo(session, found.id).nudge_for_message(conversation, thread) is not None

    async def _conversation(self, repo: WorkspaceRepo, turn: Turn) -> ConversationRef:
        """The turn's conversation, from the cache after its first turn.

        A turn from a conversation makes it active again (the outbox marks one inactive when
        the platform says the bot cannot reach it). A conversation read or written here is
        known to be active or not; one from the cache is not (``active`` None), and the
        turn's read of its project will say (:meth:`TurnContext.project`): an answer, the
        turn that must stay cheapest, learns it without a statement of its own, and only a
        turn that reads no project pays an UPDATE, which writes nothing while it is active."""
        known = self._conversations.get((repo.workspace_id, turn.conversation))
        if known is None:
            return await repo.ensure_conversation(turn.conversation, turn.conversation_name, turn.address, turn.lang)
        if (turn.address is not None and turn.address != known.address) or turn.lang != known.lang:
            await repo.update_conversation(known.id, turn.address, turn.lang)
            return replace(known, address=turn.address or known.address, lang=turn.lang, active=True)
        return known

    async def conversation_gone(self, platform: str, workspace: str, conversation: str, reason: str) -> None:
        """A channel learnt that the bot was removed from ``conversation`` (or uninstalled):
        mark it inactive, so its reminders fail at once, with ``reason``, instead of being
        sent to a platform that refuses them, until a turn comes from it again. Its projects,
        answers and journal stay. Nothing is created for a conversation the coach never saw."""
        async with self.db.transaction() as session:
            try:
                found = await find_workspace(session, platform, workspace)
            except NotFound:
                return
            await WorkspaceRepo(session, found.id).conversation_gone(conversation, reason)

    async def _recall(self, turn: Turn) -> list[Reply] | None:
        async with self.db.transaction() as session:
            try:
                workspace = await find_workspace(session, turn.platform, turn.workspace)
            except NotFound:
                return None
            stored = await WorkspaceRepo(session, workspace.id).recall_event(turn.event_id or "")
        return load_replies(stored) if stored is not None else None

    # --- for channels that offer a logbook for download ---------------------------------

    async def logbook(
        self, platform: str, workspace: str, project_id: int, lang: str, conversation: str | None = None
    ) -> Logbook:
        """A project's logbook (its history, journal and reminders, in the workspace's time zone),
        looked up without creating anything; UnknownProject when there is no such project in
        that workspace (and conversation, when given)."""
        async with self.db.transaction() as session:
            try:
                found = await find_workspace(session, platform, workspace)
                repo = WorkspaceRepo(session, found.id)
                conversation_id = None
                if conversation is not None:
                    ref = await repo.find_conversation(conversation)
                    if ref is None:
                        raise NotFound(conversation)
                    conversation_id = ref.id
                project = await repo.project(project_id, conversation_id)
            except NotFound:
                raise UnknownProject(project_id) from None
            history = await repo.history(project.id)
            journal = await repo.journal(project.id)
            nudges = await repo.nudges(project.id)
        return Logbook(
            project=project,
            guide=self.guides[project.guide_id],
            state=TurnContext.state(project),
            history=history,
            journal=journal,
            nudges=nudges,
            timezone=ZoneInfo(found.timezone),
            lang=Messages(lang).lang,
            made_at=self.clock(),
        )

    # --- for channels that show where the conversation stands beside the chat -------------

    async def progress(self, platform: str, workspace: str, conversation: str, lang: str) -> ProgressReply | None:
        """Where the conversation's current project (the one a typed answer goes to) stands,
        worded in ``lang``; None when the conversation has no project. The browser's header
        follows it, so it changes with a switch, a delete or the page's language, not only
        when a question is asked. A finished project shows its last section. Looked up
        without creating anything."""
        async with self.db.transaction() as session:
            found = self._workspaces.get((platform, workspace))
            if found is None:
                try:
                    found = await find_workspace(session, platform, workspace)
                except NotFound:
                    return None
            repo = WorkspaceRepo(session, found.id)
            ref = self._conversations.get((found.id, conversation)) or await repo.find_conversation(conversation)
            project = await repo.focused_project(ref.id) if ref else None
        if project is None:
            return None
        guide = self.guides[project.guide_id]
        state = TurnContext.state(project)
        step = engine.current_step(guide, state) or engine.active_path(guide, state)[-1]
        return Presenter(Messages(lang), self.guides).progress(project, guide, state, step)

    # --- for channels that open a form for a question (Slack's modal) -------------------

    async def question(
        self, platform: str, workspace: str, conversation: str, project_id: int, step: str, lang: str
    ) -> QuestionReply | None:
        """Question ``step`` of a project in ``conversation``, with its saved answer, worded in
        ``lang``; None when there is no such project or step (a hostile or very old button).
        Whether the step may still be answered is the engine's to say when the form comes back."""
        async with self.db.transaction() as session:
            try:
                found = await find_workspace(session, platform, workspace)
                repo = WorkspaceRepo(session, found.id)
                ref = await repo.find_conversation(conversation)
                if ref is None:
                    return None
                project = await repo.project(project_id, ref.id)
            except NotFound:
                return None
        guide = self.guides.get(project.guide_id)
        if guide is None or not guide.has_step(step):
            return None
        return Presenter(Messages(lang), self.guides).question(project, guide.step(step), project.answers.get(step))

    # --- for channels with an overview of a person's projects (Slack's App Home) ----------

    async def overview(
        self, platform: str, workspace: str, conversations: Sequence[str], lang: str, upcoming: int = 3
    ) -> list[ProjectGlance]:
        """The projects of the ``conversations`` a person is in (the channel tells which),
        unfinished ones first, each with where it stands, its next question and its next
        ``upcoming`` reminders. A conversation the person is not in is never shown, so a
        private channel's work stays in it. Looked up without creating anything."""
        present = Presenter(Messages(lang), self.guides)
        glances: list[ProjectGlance] = []
        async with self.db.transaction() as session:
            try:
                found = await find_workspace(session, platform, workspace)
            except NotFound:
                return []
            repo = WorkspaceRepo(session, found.id)
            tz = ZoneInfo(found.timezone)
            for ref in await repo.conversations_among(conversations):
                for project in await repo.projects(ref.id):
                    guide = self.guides.get(project.guide_id)
                    if guide is None:
                        continue
                    state = TurnContext.state(project)
                    current = engine.current_step(guide, state)
                    step = current or engine.active_path(guide, state)[-1]
                    pending = [row for row in await repo.nudges(project.id) if row.status == "pending"]
                    glances.append(
                        ProjectGlance(
                            conversation=ref.external_id,
                            conversation_name=ref.name,
                            progress=present.progress(project, guide, state, step),
                            next_question=present.step_text(guide, current) if current else None,
                            finished=project.finished,
                            upcoming=[
                                Upcoming(present.when(row.due_at, tz), present.reminder_about(row.kind, row.payload))
                                for row in pending[:upcoming]
                            ],
                        )
                    )
        glances.sort(key=lambda glance: glance.finished)  # stable: most recently touched first within each
        return glances


async def _dispatch(ctx: TurnContext) -> list[Reply]:
    turn = ctx.turn
    # Without threads, a debrief open in the conversation takes its messages as notes.
    if not turn.threaded and (noted := await handlers.journal.chat_turn(ctx)) is not None:
        return noted
    if not turn.addressed and turn.thread is None:
        return []  # the team's own talk, not written to the coach: only ever a note
    if turn.command is not None:
        return await handlers.run_command(ctx, turn.command)
    if turn.answer is not None:
        return await handlers.click(ctx, turn.answer)
    if turn.text is not None:
        return await handlers.say(ctx, turn.text)
    return [TextReply(ctx.t("help-short"), audience="asker")]


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


def _clean_turn(turn: Turn) -> Turn:
    """Drop control characters from everything a person typed (newlines and tabs stay)."""
    answer = turn.answer and replace(turn.answer, step=_clean(turn.answer.step), value=_clean(turn.answer.value))
    actor = replace(turn.actor, name=_clean(turn.actor.name).strip() or turn.actor.id)
    return replace(
        turn,
        actor=actor,
        command=_clean(turn.command),
        text=_clean(turn.text),
        answer=answer,
        conversation=_clean(turn.conversation),
        conversation_name=_clean(turn.conversation_name),
        workspace_name=_clean(turn.workspace_name),
    )
