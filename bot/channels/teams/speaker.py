"""The coach's replies posted to Teams within a turn, and the messages a reminder sends.

Consecutive replies go out as one message (progress, question and tip on one card), so a
turn posts as few messages as it can. When the turn came from a card, the first reply
that replaces an earlier message becomes that card's new content (answered, by whom), so
no live buttons are left behind: an ``Action.Execute`` gets it as its invoke response,
an ``Action.Submit`` (the Bot Framework Emulator) by updating the message.

Teams has no messages for one person alone in a channel or a group chat: replies meant
for the asker (help, a refused answer) are posted where the turn came from, in the same
channel post. A logbook is posted as Markdown messages.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from itertools import groupby
from typing import Any

from botbuilder.core import CardFactory, TurnContext
from botbuilder.schema import Activity, ActivityTypes, Attachment

from bot.channels.teams import PLATFORM, cards
from bot.channels.teams.adapter import Origin
from bot.channels.teams.card_data import CardSubmit
from bot.coach import Coach, UnknownProject
from bot.export import FORMATS
from bot.i18n import Messages
from bot.replies import ExportReply, Reply

MESSAGE_TEXT = 18_000  # a bot's message may be 40 KB counted in UTF-16 (Teams' "message size limits")


class _Message(Activity):  # type: ignore[misc]
    """A message made for one send and never changed after. botbuilder deep-copies every
    activity it sends, and then sets only the copy's own addressing fields: a shallow copy
    serves, where the deep one walked the whole card (a fifth of a turn's time)."""

    def __deepcopy__(self, memo: dict[int, Any]) -> _Message:
        return copy.copy(self)


def activity(message: cards.TeamsMessage) -> Activity:
    """A message activity: the card, with its words as the summary (the notification's
    preview), not as text, which Teams would show above the card."""
    card: Attachment = CardFactory.adaptive_card(message.card or cards.card([]))
    return _Message(type=ActivityTypes.message, attachments=[card], summary=message.text[:200])


class Speaker:
    def __init__(self, coach: Coach) -> None:
        self._coach = coach

    async def speak(
        self, context: TurnContext, where: Origin, replies: Sequence[Reply], pressed: CardSubmit | None = None
    ) -> dict[str, Any] | None:
        """Post ``replies``; returns the card that takes the place of the ``pressed`` one, if
        a reply replaces it (the caller puts it in place): the reply that names the card's
        key, or, for a card without one (a reminder), the first that replaces anything."""
        t = Messages(where.lang)
        replacement: dict[str, Any] | None = None
        pending = pressed is not None

        def takes_its_place(reply: Reply) -> bool:
            wanted = pressed.replaces if pressed is not None else None
            return pending and reply.replaces is not None and wanted in (None, reply.replaces)

        def run_of(reply: Reply) -> tuple[bool, bool]:
            return type(reply) is ExportReply, takes_its_place(reply)

        for (export, replaces), run in groupby(replies, key=run_of):
            group = list(run)
            if export:
                for reply in group:
                    if isinstance(reply, ExportReply):
                        await self._logbook(context, where, reply, t)
                continue
            message = cards.message(group, t)
            if replaces and pending:
                pending = False  # one card was pressed: the first reply that replaces takes it
                replacement = message.card
                continue
            await context.send_activity(activity(message))
        return replacement

    async def _logbook(self, context: TurnContext, where: Origin, reply: ExportReply, t: Messages) -> None:
        try:
            book = await self._coach.logbook(
                PLATFORM, where.tenant, reply.project_id, t.lang, conversation=where.conversation
            )
        except UnknownProject:
            return
        for part in _parts(FORMATS["md"].render(book, t), MESSAGE_TEXT):
            await context.send_activity(_Message(type=ActivityTypes.message, text=part, text_format="markdown"))


def _parts(text: str, most: int) -> list[str]:
    """``text`` in pieces of at most ``most`` characters, cut between lines where it can."""
    parts: list[str] = []
    while len(text) > most:
        cut = text.rfind("\n", 0, most)
        cut = cut if cut > most // 2 else most
        parts.append(text[:cut])
        text = text[cut:].lstrip("\n")
    return [*parts, text] if text else parts
