"""What the Teams bot does with each activity: messages, card actions, edits and
deletions, and the bot being added to or removed from a conversation.

Which messages reach the coach: everything in a personal chat; in a channel or a group
chat, messages that @mention the bot, and (Teams delivers them with the app's
resource-specific consent) replies in a channel post the coach started itself (a
debrief, a reminder) and, in a chat, the notes of an open debrief. Other talk is the
team's own: it is dropped on arrival, neither stored nor logged. Reactions and activity
types the coach has no use for are acknowledged and ignored.

An activity of unexpected shape is logged without its values, and the person, when known,
gets a polite word instead of silence; a card action always gets an invoke response.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from botbuilder.core import InvokeResponse, TurnContext
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount
from pydantic import ValidationError

from bot.channels.teams import PLATFORM, cards
from bot.channels.teams.adapter import (
    Origin,
    Unexpected,
    addressed_to_bot,
    event_id,
    make_turn,
    origin,
    said,
    teams_id,
)
from bot.channels.teams.card_data import BadCard, CardSubmit, read_invoke, read_submit
from bot.channels.teams.connectors import ConnectorRefused
from bot.channels.teams.speaker import Speaker
from bot.channels.teams.speaker import activity as message_activity
from bot.coach import Coach, UnknownProject
from bot.commands import command_or_words
from bot.i18n import Messages
from bot.replies import TextReply, Turn
from bot.richtext import render_plain

log = logging.getLogger(__name__)

CARD_ACTION = "adaptiveCard/action"
CARD_TYPE = "application/vnd.microsoft.card.adaptive"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"
KNOWN_THREADS = 10_000  # channel posts known to be the coach's own, remembered per process
_SHAPE_ERRORS = (Unexpected, BadCard, ValidationError, KeyError, TypeError, AttributeError, ValueError)
_GONE_EVENTS = ("teamDeleted", "channelDeleted")
_UNREACHABLE = (ConnectorRefused, aiohttp.ClientError, TimeoutError)


class TeamsBot:
    """The coach's side of every activity botbuilder hands over (``on_turn``)."""

    def __init__(self, coach: Coach) -> None:
        self.coach = coach
        self.speaker = Speaker(coach)
        self._threads: OrderedDict[tuple[str, str, str], None] = OrderedDict()
        self._handlers: dict[str, Callable[[TurnContext, Origin], Awaitable[None]]] = {
            ActivityTypes.message: self.on_message,
            ActivityTypes.invoke: self.on_invoke,
            ActivityTypes.message_update: self.on_edit,
            ActivityTypes.message_delete: self.on_delete,
            ActivityTypes.conversation_update: self.on_membership,
            ActivityTypes.installation_update: self.on_installation,
        }

    async def on_turn(self, context: TurnContext) -> None:
        activity = context.activity
        handler = self._handlers.get(activity.type)
        if handler is None:
            return  # a reaction, typing, an activity type the coach has no use for
        try:
            where = origin(activity)
        except _SHAPE_ERRORS as error:
            _log_shape(activity, error)
            if activity.type == ActivityTypes.invoke:
                await _invoke_response(context, _error_body("the activity could not be read"))
            return
        try:
            await self._guarded(context, where, handler)
        except _UNREACHABLE as error:  # what was saved stays saved; the reply did not get through
            log.warning("teams: could not reply to a %r activity: %s", activity.type, _why(error))

    async def _guarded(
        self, context: TurnContext, where: Origin, handler: Callable[[TurnContext, Origin], Awaitable[None]]
    ) -> None:
        """Run ``handler``; an activity of unexpected shape is logged (never its values) and
        the person told so, instead of a traceback."""
        try:
            await handler(context, where)
        except _SHAPE_ERRORS as error:
            _log_shape(context.activity, error)
            if context.activity.type == ActivityTypes.invoke:
                said = render_plain(Messages(where.lang)("teams-unexpected"), cards.COMMAND_PREFIX)
                await _invoke_response(context, _message_body(said))
            else:
                await self._polite(context, where, "teams-unexpected")

    # --- messages ----------------------------------------------------------------------

    async def on_message(self, context: TurnContext, where: Origin) -> None:
        activity = context.activity
        text = said(activity)
        if isinstance(activity.value, dict) and not text:  # a card's Action.Submit (the Emulator)
            await self._card(context, where, read_submit(activity.value))
            return
        addressed = addressed_to_bot(activity, where)
        thread = await self._coach_thread(where, context.activity.id)
        if where.kind == "channel" and not (addressed or thread):
            return  # the team's own talk
        command, words = command_or_words(text) if addressed else (None, text)
        turn = make_turn(
            where,
            event=event_id(activity, where),
            command=command,
            text=words,
            thread=thread,
            # A note (in the coach's post, or in a chat) follows its message when edited.
            message_id=activity.id if thread or not where.threaded else None,
            addressed=addressed,
        )
        await self._answer(context, where, turn)

    async def on_edit(self, context: TurnContext, where: Origin) -> None:
        await self._changed(context, where, "edited", said(context.activity))

    async def on_delete(self, context: TurnContext, where: Origin) -> None:
        await self._changed(context, where, "deleted", "")

    async def _changed(self, context: TurnContext, where: Origin, change: Any, text: str) -> None:
        """An edited or deleted message: only a note follows its message (a debrief's)."""
        thread = await self._coach_thread(where, context.activity.id)
        if where.kind == "channel" and thread is None:
            return
        message = teams_id(context.activity.id, "message id")
        turn = make_turn(
            where, event=None, text=text, thread=thread, message_id=message, change=change, addressed=False
        )
        await self._answer(context, where, turn)

    # --- cards -------------------------------------------------------------------------

    async def on_invoke(self, context: TurnContext, where: Origin) -> None:
        activity = context.activity
        if activity.name != CARD_ACTION:
            await _invoke_response(context, None)  # an invoke this app offers nothing for
            return
        replacement = await self._card(context, where, read_invoke(activity.value))
        body = (
            _message_body(None) if replacement is None else {"statusCode": 200, "type": CARD_TYPE, "value": replacement}
        )
        await _invoke_response(context, body)

    async def _card(self, context: TurnContext, where: Origin, submit: CardSubmit) -> dict[str, Any] | None:
        """A pressed button or a submitted form; returns the pressed card's new content."""
        turn = make_turn(
            where,
            event=event_id(context.activity, where, "card"),
            command=submit.command,
            answer=submit.answer,
            project_id=submit.project_id,
        )
        replacement = await self._answer(context, where, turn, pressed=submit)
        reply_to = context.activity.reply_to_id
        # An invoke's response replaces the card for the person who pressed it alone: where
        # others see the card too, the message itself is updated (as Action.Submit's is).
        others_see_it = context.activity.type == ActivityTypes.message or where.kind != "personal"
        if replacement is not None and reply_to and others_see_it:
            update = message_activity(cards.TeamsMessage(text="", card=replacement))
            update.id = reply_to
            await context.update_activity(update)
        return replacement

    # --- membership --------------------------------------------------------------------

    async def on_membership(self, context: TurnContext, where: Origin) -> None:
        """The bot added (a welcome, and the conversation's address kept for reminders) or
        removed (its reminders there stop); a team or channel deleted likewise."""
        activity = context.activity
        event = (activity.channel_data or {}).get("eventType") if isinstance(activity.channel_data, dict) else None
        if _names_bot(activity.members_removed, activity) or event in _GONE_EVENTS:
            await self.coach.conversation_gone(PLATFORM, where.tenant, where.conversation, "the bot was removed")
        elif _names_bot(activity.members_added, activity):
            turn = make_turn(where, event=event_id(activity, where, "added"), command="hjælp")
            await self._answer(context, where, turn)

    async def on_installation(self, context: TurnContext, where: Origin) -> None:
        action = context.activity.action or ""
        if action.startswith("remove"):
            await self.coach.conversation_gone(PLATFORM, where.tenant, where.conversation, "the app was uninstalled")
        else:
            await self.coach.remember(make_turn(where, event=None))

    # --- the way every turn goes -----------------------------------------------------------

    async def _answer(
        self, context: TurnContext, where: Origin, turn: Turn, pressed: CardSubmit | None = None
    ) -> dict[str, Any] | None:
        try:
            outcome = await self.coach.handle(turn)
        except UnknownProject:
            await self._polite(context, where, "teams-project-gone")
            return None
        if outcome.repeated:  # Teams delivered it again: it was answered the first time
            return None
        return await self.speaker.speak(context, where, outcome.replies, pressed)

    async def _coach_thread(self, where: Origin, context_id: str | None) -> str | None:
        """The channel post the message replies in, when the coach started that post."""
        if where.thread is None or where.thread == context_id:
            return None  # no thread, or a new post: the person's own
        key = (where.tenant, where.conversation, where.thread)
        if key in self._threads:
            self._threads.move_to_end(key)
            return where.thread
        if not await self.coach.started_thread(PLATFORM, where.tenant, where.conversation, where.thread):
            return None  # not remembered: the post may become the coach's only by a reminder sent later
        self._threads[key] = None
        if len(self._threads) > KNOWN_THREADS:
            self._threads.popitem(last=False)
        return where.thread

    async def _polite(self, context: TurnContext, where: Origin, key: str) -> None:
        await self.speaker.speak(context, where, [TextReply(Messages(where.lang)(key), audience="asker")])


def _names_bot(members: list[ChannelAccount] | None, activity: Activity) -> bool:
    return any(member.id == activity.recipient.id for member in members or [])


async def _invoke_response(context: TurnContext, body: dict[str, Any] | None) -> None:
    response = InvokeResponse(status=200, body=body)
    await context.send_activity(Activity(type=ActivityTypes.invoke_response, value=response))


def _message_body(text: str | None) -> dict[str, Any]:
    """Universal Actions' answer without a new card: a short message Teams shows the person."""
    return {"statusCode": 200, "type": MESSAGE_TYPE, "value": text or ""}


def _error_body(reason: str) -> dict[str, Any]:
    return {
        "statusCode": 400,
        "type": "application/vnd.microsoft.error",
        "value": {"code": "BadRequest", "message": reason},
    }


def _why(error: Exception) -> str:
    return f"{type(error).__name__}: {str(error)[:200]}"


def _log_shape(activity: Activity, error: Exception) -> None:
    """What was wrong, and the activity's type: never its text or values. Only this app's
    own errors are quoted; they name fields, never what was in them."""
    quoted = str(error)[:200] if isinstance(error, Unexpected | BadCard) else "-"
    log.warning("teams: an activity of unexpected shape (%s: %s); type %r", type(error).__name__, quoted, activity.type)
