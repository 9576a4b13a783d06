"""Slack's payloads as the coach's :class:`Turn`: who, which workspace and channel, what.

Everything here reads data from the network, so every id is checked for shape before it
becomes a database key, and a payload missing what its type promises raises
:class:`Unexpected`, which the listeners answer politely (and log without the payload's
tokens). Names and languages come from ``users.info``, cached for an hour per person:
Slack's events carry only a user id, and a logbook needs a name.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass
from typing import Any, Literal

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.replies import Actor, AnswerAction, Lang, Turn

log = logging.getLogger(__name__)

PLATFORM = "slack"
Change = Literal["new", "edited", "deleted"]
NAME_SECONDS = 3600.0  # how long a person's name and language are trusted before asking again
# Slack's ids (T…, C…, U…, trigger ids "1.2.ab") and message timestamps ("1700000000.000100"): they become
# database keys and Block Kit text, so nothing else is let through.
_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_TS = re.compile(r"^[0-9]{1,20}\.[0-9]{1,10}$")
_MENTION = re.compile(r"<@[A-Za-z0-9_-]+(?:\|[^>]*)?>")


class Unexpected(ValueError):
    """A payload without what its type promises (a field missing, an id of the wrong shape)."""


def slack_id(value: Any, what: str) -> str:
    if isinstance(value, str) and _ID.fullmatch(value):
        return value
    raise Unexpected(f"{what} is not a Slack id")


def slack_ts(value: Any, what: str) -> str:
    if isinstance(value, str) and _TS.fullmatch(value):
        return value
    raise Unexpected(f"{what} is not a message timestamp")


def optional_ts(value: Any, what: str) -> str | None:
    return None if value is None else slack_ts(value, what)


def text_of(value: Any, what: str) -> str:
    if isinstance(value, str):
        return value
    raise Unexpected(f"{what} is not text")


def without_mentions(text: str) -> str:
    """An @-mention's text without the mention itself ("<@U0BOT> status" -> "status")."""
    return _MENTION.sub("", text).strip()


@dataclass(frozen=True)
class Origin:
    """Where a payload came from: the workspace (team, or the enterprise of an org-wide
    install), the channel and the person."""

    team: str
    enterprise: str | None
    channel: str
    user: str

    @property
    def workspace(self) -> str:
        return self.team

    @property
    def address(self) -> dict[str, Any]:
        """What the outbox needs to write to this channel later (a reminder)."""
        return {"team": self.team, "enterprise": self.enterprise, "channel": self.channel}


def origin(team: Any, enterprise: Any, channel: Any, user: Any) -> Origin:
    return Origin(
        team=slack_id(team, "team id"),
        enterprise=slack_id(enterprise, "enterprise id") if enterprise else None,
        channel=slack_id(channel, "channel id"),
        user=slack_id(user, "user id"),
    )


@dataclass(frozen=True)
class Person:
    name: str
    lang: Lang


def language_of(locale: Any) -> Lang:
    """Danish unless the person's Slack speaks English: the coach's people are Danish."""
    return "en" if isinstance(locale, str) and locale.lower().startswith("en") else "da"


class People:
    """Names and languages by ``users.info``, cached for :data:`NAME_SECONDS`."""

    def __init__(self, clock: Any = time.monotonic) -> None:
        self._known: dict[tuple[str, str], tuple[float, Person]] = {}
        self._clock = clock

    async def person(self, client: AsyncWebClient, team: str, user: str, fallback: str = "") -> Person:
        key = (team, user)
        known = self._known.get(key)
        if known and known[0] > self._clock():
            return known[1]
        try:
            found = (await client.users_info(user=user, include_locale=True)).get("user") or {}
        except SlackApiError as error:  # a missing scope, a user gone: the id still identifies them
            log.warning("slack: users.info for a user failed: %s", error.response.get("error"))
            found = {}
        profile = found.get("profile") or {}
        name = next(
            (n for n in (profile.get("display_name"), profile.get("real_name"), found.get("real_name")) if n),
            fallback or user,
        )
        person = Person(str(name)[:200], language_of(found.get("locale")))
        self._known[key] = (self._clock() + NAME_SECONDS, person)
        return person


def make_turn(
    where: Origin,
    person: Person,
    *,
    event_id: str | None,
    command: str | None = None,
    text: str | None = None,
    answer: AnswerAction | None = None,
    project_id: int | None = None,
    thread: str | None = None,
    message_id: str | None = None,
    change: Change = "new",
    workspace_name: str = "",
    conversation_name: str = "",
) -> Turn:
    return Turn(
        platform=PLATFORM,
        workspace=where.workspace,
        conversation=where.channel,
        actor=Actor(where.user, person.name),
        event_id=event_id,
        command=command,
        text=text,
        answer=answer,
        project_id=project_id,
        thread=thread,
        message_id=message_id,
        change=change,
        address=where.address,
        lang=person.lang,
        workspace_name=workspace_name[:200],
        conversation_name=conversation_name[:200],
        choices_shown_as="buttons",
    )
