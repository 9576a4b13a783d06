"""Everything one turn's handlers need, in one place: the turn, the workspace's
repository, the conversation, the guides, the clock and the team's language."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from bot.config import RemindersConfig
from bot.i18n import Messages
from bot.presenter import Presenter
from bot.replies import Turn
from bot.worktime import WorkingTime
from flows.engine import FlowState
from flows.model import Guide
from storage.models import Project
from storage.repository import ConversationRef, WorkspaceRef, WorkspaceRepo


class UnknownProject(LookupError):
    """The turn names a project that is not in its conversation (or no longer exists)."""


class NoProject(Exception):
    """The conversation has no project yet; the dispatcher offers the guides."""


@dataclass
class TurnContext:
    turn: Turn
    repo: WorkspaceRepo
    workspace: WorkspaceRef
    conversation: ConversationRef
    guides: dict[str, Guide]
    clock: Callable[[], datetime]
    t: Messages
    present: Presenter
    settings: RemindersConfig
    # What the first attempt of this turn saw, kept across replays after a conflict.
    expected: dict[str, str | None] = field(default_factory=dict)

    @property
    def author(self) -> str:
        return self.turn.actor.name

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.workspace.timezone)

    @cached_property
    def working_time(self) -> WorkingTime:
        """When this team's reminders may arrive."""
        ws = self.workspace
        return WorkingTime.of(ws.timezone, ws.work_days, ws.work_start, ws.work_end, self.settings.holidays)

    def now(self) -> datetime:
        return self.clock()

    def today(self) -> date:
        return self.clock().astimezone(self.tz).date()

    async def project(self) -> Project:
        """The project the turn names, else the conversation's current one. The same read
        says whether the conversation is active, which a conversation the coach kept from
        an earlier turn does not know (see :class:`storage.repository.ConversationRef`)."""
        found = await self.repo.turn_project(self.conversation.id, self.turn.project_id)
        if found is None:
            if self.turn.project_id is not None:
                raise UnknownProject(self.turn.project_id)
            raise NoProject
        project, active = found
        self.conversation = replace(self.conversation, active=active)
        return project

    def guide(self, project: Project) -> Guide:
        return self.guides[project.guide_id]

    @staticmethod
    def state(project: Project) -> FlowState:
        return FlowState.from_position(project.position, project.answers, project.finished)
