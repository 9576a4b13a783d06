"""What the Slack app does with each payload: the ``/outreach`` command, button clicks,
modals, thread replies, mentions, direct messages and App Home.

Every listener acks first and works after: Slack wants its answer within 3 seconds. The
app runs with bolt's ``process_before_response``, and each listener acks and leaves its
work running as a task (:meth:`Listeners._acked`), so the answer goes out at once. A
payload that is not what its type promises is logged without its values, and the
person, when known, gets a polite word instead of silence.

Which messages reach the coach: replies in a thread the bot started (a debrief, a
reminder), their edits and deletions, an @-mention, and direct messages to the bot. Other
talk in a channel is the team's own; the bot's own messages (and other bots') never
answer a question.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from pydantic import ValidationError
from slack_bolt.async_app import AsyncApp
from slack_bolt.context.async_context import AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.channels.slack import actions, blocks, views
from bot.channels.slack.adapter import (
    PLATFORM,
    Change,
    Origin,
    People,
    Person,
    Unexpected,
    make_turn,
    optional_ts,
    origin,
    slack_id,
    slack_ts,
    text_of,
    without_mentions,
)
from bot.channels.slack.speaker import Speaker, Where
from bot.coach import Coach, UnknownProject
from bot.commands import command_or_words
from bot.i18n import Messages
from bot.replies import AnswerAction, TextReply, Turn

log = logging.getLogger(__name__)

Ack = Callable[..., Awaitable[Any]]
Work = Callable[[dict[str, Any], AsyncWebClient, AsyncBoltContext], Awaitable[None]]

_SHAPE_ERRORS = (Unexpected, actions.BadIntent, ValidationError, KeyError, TypeError, AttributeError, ValueError)
_ANY = re.compile(r".*")
# Message subtypes that are a person writing (a plain message has none).
_WRITTEN = (None, "thread_broadcast", "file_share")


class Listeners:
    """The coach's listeners on one bolt :class:`AsyncApp` (HTTP and Socket Mode alike)."""

    def __init__(self, coach: Coach, people: People | None = None) -> None:
        self.coach = coach
        self.people = people or People()
        self.speaker = Speaker(coach)
        self._working: set[asyncio.Task[None]] = set()
        self._last_in: dict[tuple[str, str], asyncio.Task[None]] = {}  # each channel's latest work

    def register(self, app: AsyncApp) -> None:
        app.command(re.compile(r"^/outreach"))(self._acked(self.on_command))
        app.action(re.compile(rf"^{re.escape(actions.PREFIX)}"))(self._acked(self.on_action))
        app.view_submission(actions.MODAL_CALLBACK)(self._acked(self.on_modal))
        app.event("app_home_opened")(self._acked(self.on_home))
        app.event("app_mention")(self._acked(self.on_mention))
        app.event("message")(self._acked(self.on_message))
        # Anything else is acked and ignored: Slack retries what is not acked.
        app.action(_ANY)(_ack_only)
        app.view(_ANY)(_ack_only)
        app.options(_ANY)(_ack_only)
        app.shortcut(_ANY)(_ack_only)
        app.event(_ANY)(_ack_only)

    def _acked(self, work: Work) -> Callable[..., Awaitable[None]]:
        """A listener that acks at once and leaves ``work`` running after the answer.

        The app runs with bolt's ``process_before_response``, so its answer to Slack is sent
        when the listener returns, at once, not after bolt's 10 ms polls for an ack. Work in
        one channel starts when the channel's earlier work is done, so commands and clicks
        apply in the order Slack sent them (a start, then an answer to its first question),
        however long one waits on Slack or the database; channels do not wait for each other."""

        async def listener(ack: Ack, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
            await ack()
            channel = _channel_of(body)
            earlier = self._last_in.get(channel) if channel else None
            task = asyncio.create_task(_after(earlier, lambda: work(body, client, context)))
            self._working.add(task)
            task.add_done_callback(self._done)
            if channel:
                self._last_in[channel] = task
                task.add_done_callback(lambda done: self._forget(channel, done))

        return listener

    def _forget(self, channel: tuple[str, str], task: asyncio.Task[None]) -> None:
        if self._last_in.get(channel) is task:  # nothing came after it
            del self._last_in[channel]

    def _done(self, task: asyncio.Task[None]) -> None:
        self._working.discard(task)
        if not task.cancelled() and task.exception() is not None:
            error = task.exception()
            log.error("slack: a listener failed after its ack: %s: %s", type(error).__name__, str(error)[:200])

    async def drain(self, timeout: float) -> None:
        """Let the work under way finish (a stop), for at most ``timeout`` seconds."""
        if self._working:
            await asyncio.wait(set(self._working), timeout=timeout)

    # --- the slash command -------------------------------------------------------------

    async def on_command(self, body: dict[str, Any], client: AsyncWebClient, _context: AsyncBoltContext) -> None:
        """``/outreach <command>`` runs it; ``/outreach <anything else>`` answers the open question."""

        async def work(where: Origin, person: Person) -> None:
            command, said = command_or_words(text_of(body.get("text", ""), "command text"))
            turn = make_turn(
                where,
                person,
                event_id=f"command:{slack_id(body.get('trigger_id'), 'trigger id')}",
                command=command,
                text=said,
                workspace_name=str(body.get("team_domain") or ""),
                conversation_name=str(body.get("channel_name") or ""),
            )
            await self._answer(client, turn, _where(where, person, response_url=body.get("response_url")))

        await self._guarded(client, body, "command", work, lambda: _origin_of_command(body), body.get("user_name"))

    # --- buttons -----------------------------------------------------------------------

    async def on_action(self, body: dict[str, Any], client: AsyncWebClient, _context: AsyncBoltContext) -> None:
        action = (body.get("actions") or [{}])[0]

        async def work(where: Origin, person: Person) -> None:
            raw = action.get("value")
            if raw is None and isinstance(action.get("selected_option"), dict):
                raw = action["selected_option"].get("value")
            intent = actions.read_intent(raw)
            if intent.ch is not None:  # a button outside the channel (App Home)
                where = origin(where.team, where.enterprise, intent.ch, where.user)
            container = body.get("container") or {}
            message = body.get("message") or {}
            place = _where(
                where,
                person,
                thread=optional_ts(message.get("thread_ts"), "thread"),
                message_ts=None if intent.ch else optional_ts(container.get("message_ts"), "message ts"),
                ephemeral=bool(container.get("is_ephemeral")),
                response_url=body.get("response_url"),
            )
            if intent.f == "modal":
                await self._open_modal(client, body, intent, where, person, place)
                return
            answer = intent.answer
            if intent.f == "checklist":
                answer = AnswerAction(intent.s or "", blocks.checklist_answer(_state(body)))
            turn = make_turn(
                where,
                person,
                event_id=f"action:{slack_id(body.get('trigger_id'), 'trigger id')}",
                command=intent.c,
                answer=answer,
                project_id=intent.p,
            )
            await self._answer(client, turn, place)

        await self._guarded(client, body, "action", work, lambda: _origin_of_interaction(body))

    async def _open_modal(
        self,
        client: AsyncWebClient,
        body: dict[str, Any],
        intent: actions.Intent,
        where: Origin,
        person: Person,
        place: Where,
    ) -> None:
        question = None
        if intent.p is not None and intent.s is not None:
            question = await self.coach.question(PLATFORM, where.team, where.channel, intent.p, intent.s, person.lang)
        if question is None:  # the project or its step is gone: say where things stand instead
            turn = make_turn(where, person, event_id=None, command="status")
            await self._answer(client, turn, place)
            return
        context = actions.ModalContext(
            p=question.project_id,
            s=question.step,
            kind=question.kind,
            channel=where.channel,
            ts=place.message_ts if not place.ephemeral else None,
        )
        view = views.modal(question, Messages(person.lang), actions.modal_metadata(context))
        await client.views_open(trigger_id=slack_id(body.get("trigger_id"), "trigger id"), view=view)

    # --- modals ------------------------------------------------------------------------

    async def on_modal(self, body: dict[str, Any], client: AsyncWebClient, _context: AsyncBoltContext) -> None:
        view = body.get("view") or {}

        async def work(where: Origin, person: Person) -> None:
            context = actions.read_modal(view.get("private_metadata"))
            value = views.modal_answer(context.kind, _state(view))
            where = origin(where.team, where.enterprise, context.channel, where.user)
            turn = make_turn(
                where,
                person,
                event_id=f"view:{slack_id(view.get('id'), 'view id')}:{slack_id(view.get('hash'), 'view hash')}",
                answer=AnswerAction(context.s, value),
                project_id=context.p,
            )
            await self._answer(client, turn, _where(where, person, message_ts=context.ts))

        def from_view() -> Origin:
            context = actions.read_modal(view.get("private_metadata"))
            return _origin_of_interaction({**body, "channel": {"id": context.channel}})

        await self._guarded(client, body, "modal", work, from_view)

    # --- events ------------------------------------------------------------------------

    async def on_message(self, body: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext) -> None:
        """A reply in the bot's thread (new, edited or deleted), or a direct message."""
        event = body.get("event") or {}
        subtype = event.get("subtype")
        change: Change
        if subtype == "message_changed":
            message, change = event.get("message") or {}, "edited"
        elif subtype == "message_deleted":
            message, change = event.get("previous_message") or {}, "deleted"
        elif subtype in _WRITTEN:
            message, change = event, "new"
        else:
            return
        if (
            message.get("bot_id")
            or message.get("subtype") == "bot_message"
            or message.get("user") == context.bot_user_id
        ):
            return
        thread = message.get("thread_ts")
        in_our_thread = thread and thread != message.get("ts") and message.get("parent_user_id") == context.bot_user_id
        direct = event.get("channel_type") == "im" and not thread and change == "new"
        if not (in_our_thread or direct):
            return

        async def work(where: Origin, person: Person) -> None:
            turn = make_turn(
                where,
                person,
                event_id=_event_id(body),
                text="" if change == "deleted" else text_of(message.get("text", ""), "message text"),
                thread=slack_ts(thread, "thread") if in_our_thread else None,
                message_id=slack_ts(message.get("ts"), "message ts") if in_our_thread else None,
                change=change,
            )
            await self._answer(client, turn, _where(where, person, thread=turn.thread))

        await self._guarded(
            client,
            body,
            "message",
            work,
            lambda: _origin_of_event(body, event.get("channel"), message.get("user")),
        )

    async def on_mention(self, body: dict[str, Any], client: AsyncWebClient, _context: AsyncBoltContext) -> None:
        """``@Outreach Coach status`` in a channel: the same as ``/outreach status``. A mention
        in the bot's own thread is a thread reply (see on_message)."""
        event = body.get("event") or {}
        if event.get("thread_ts") or event.get("bot_id"):
            return

        async def work(where: Origin, person: Person) -> None:
            command, said = command_or_words(without_mentions(text_of(event.get("text", ""), "mention text")))
            turn = make_turn(
                where,
                person,
                event_id=_event_id(body),
                command=command,
                text=said,
            )
            await self._answer(client, turn, _where(where, person))

        await self._guarded(
            client,
            body,
            "mention",
            work,
            lambda: _origin_of_event(body, event.get("channel"), event.get("user")),
        )

    async def on_home(self, body: dict[str, Any], client: AsyncWebClient, _context: AsyncBoltContext) -> None:
        """App Home: the projects of the channels this person is in."""
        event = body.get("event") or {}
        if event.get("tab") not in (None, "home"):
            return
        try:
            team, user = slack_id(_team(body), "team id"), slack_id(event.get("user"), "user id")
        except Unexpected as error:
            _log_shape("app_home_opened", error, body)
            return
        person = await self.people.person(client, team, user)
        channels = await _channels_of(client, user)
        glances = await self.coach.overview(PLATFORM, team, channels, person.lang)
        await client.views_publish(user_id=user, view=views.home(glances, Messages(person.lang)))

    # --- the way every turn goes -----------------------------------------------------------

    async def _answer(self, client: AsyncWebClient, turn: Turn, where: Where) -> None:
        try:
            outcome = await self.coach.handle(turn)
        except UnknownProject:
            replies = [TextReply(Messages(turn.lang)("slack-project-gone"), audience="asker")]
            await self.speaker.speak(client, where, replies)
            return
        if outcome.repeated:  # Slack delivered it again: it was answered the first time
            return
        await self.speaker.speak(client, where, outcome.replies)

    async def _guarded(
        self,
        client: AsyncWebClient,
        body: dict[str, Any],
        kind: str,
        work: Callable[[Origin, Person], Awaitable[None]],
        find_origin: Callable[[], Origin],
        fallback_name: Any = None,
    ) -> None:
        """Run ``work`` for the payload's origin; a payload of unexpected shape is logged
        (its kind and the error, never its tokens) and its sender, when known, told so."""
        try:
            where = find_origin()
        except _SHAPE_ERRORS as error:
            _log_shape(kind, error, body)
            return
        person = await self.people.person(client, where.team, where.user, str(fallback_name or ""))
        try:
            await work(where, person)
        except _SHAPE_ERRORS as error:
            _log_shape(kind, error, body)
            await self._polite(client, _where(where, person), "slack-unexpected")
        except SlackApiError as error:
            log.warning("slack: %s: the Web API refused: %s", kind, error.response.get("error"))

    async def _polite(self, client: AsyncWebClient, where: Where, key: str) -> None:
        try:
            await self.speaker.speak(client, where, [TextReply(Messages(where.lang)(key), audience="asker")])
        except SlackApiError as error:
            log.warning("slack: could not tell the person: %s", error.response.get("error"))


async def _after(earlier: asyncio.Task[None] | None, work: Callable[[], Awaitable[None]]) -> None:
    if earlier is not None:
        await asyncio.wait({earlier})  # however it ended
    await work()


def _channel_of(body: dict[str, Any]) -> tuple[str, str] | None:
    """The workspace and channel a payload comes from, read loosely (the listeners check the
    shape); None when it names none (App Home)."""
    team = body.get("team_id") or _id_in(body.get("team"))
    event = body.get("event") if isinstance(body.get("event"), dict) else {}
    channel = body.get("channel_id") or _id_in(body.get("channel")) or event.get("channel")
    return (team, channel) if isinstance(team, str) and isinstance(channel, str) else None


def _id_in(value: Any) -> Any:
    return value.get("id") if isinstance(value, dict) else None


async def _ack_only(ack: Ack) -> None:
    await ack()


def _where(where: Origin, person: Person, **more: Any) -> Where:
    return Where(team=where.team, channel=where.channel, user=where.user, lang=person.lang, **more)


def _team(body: dict[str, Any]) -> Any:
    return body.get("team_id") or (body.get("team") or {}).get("id")


def _origin_of_command(body: dict[str, Any]) -> Origin:
    return origin(body.get("team_id"), body.get("enterprise_id"), body.get("channel_id"), body.get("user_id"))


def _origin_of_event(body: dict[str, Any], channel: Any, user: Any) -> Origin:
    return origin(_team(body), body.get("enterprise_id"), channel, user)


def _event_id(body: dict[str, Any]) -> str:
    """An Events API delivery's id: Slack sends a retry with the same one."""
    return f"event:{slack_id(body.get('event_id'), 'event id')}"


def _origin_of_interaction(body: dict[str, Any]) -> Origin:
    """A click or a modal: the user's team (an org-wide install may differ per user)."""
    user = body.get("user") or {}
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    if channel is None and (body.get("view") or {}).get("type") == "home":
        channel = "home"  # App Home: the button names its channel itself
    enterprise = (body.get("enterprise") or {}).get("id")
    return origin(user.get("team_id") or _team(body), enterprise, channel, user.get("id"))


def _state(holder: dict[str, Any]) -> dict[str, Any]:
    values = (holder.get("state") or {}).get("values")
    if not isinstance(values, dict):
        raise Unexpected("no form state")
    return values


async def _channels_of(client: AsyncWebClient, user: str) -> list[str]:
    """The channels ``user`` is in (public, private, group and direct), page by page."""
    channels: list[str] = []
    cursor = None
    for _ in range(20):  # at most 20 pages of 200: a person in more has App Home of the first 4,000
        page = await client.users_conversations(
            user=user, types="public_channel,private_channel,mpim,im", limit=200, cursor=cursor
        )
        channels += [c["id"] for c in page.get("channels", []) if isinstance(c, dict) and isinstance(c.get("id"), str)]
        cursor = (page.get("response_metadata") or {}).get("next_cursor")
        if not cursor:
            break
    return channels


def _log_shape(kind: str, error: Exception, body: dict[str, Any]) -> None:
    """What was wrong, and the payload's type and keys: never its values (tokens, text).
    Only this app's own errors are quoted; they name fields, never what was in them."""
    said = str(error)[:200] if isinstance(error, Unexpected | actions.BadIntent) else "-"
    log.warning(
        "slack: a %s payload of unexpected shape (%s: %s); type %r, keys %s",
        kind,
        type(error).__name__,
        said,
        body.get("type"),
        sorted(body)[:30],
    )
