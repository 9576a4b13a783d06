"""Teams activities as the coach's :class:`Turn`: who, which tenant and conversation, what.

Everything here reads data from the network, so every id is checked for shape before it
becomes a database key, and an activity missing what its type promises raises
:class:`Unexpected`, which the bot answers politely (and logs without the activity's text).

A Teams conversation is a personal chat, a group chat or a team's channel. In a channel
every post is a thread: the conversation id of a reply carries the post's id
(``19:…@thread.tacv2;messageid=1700000000000``). The coach keeps the channel as the
conversation, so its projects and reminders belong to the channel, and the post's id as
the thread. Chats have no threads (:attr:`bot.replies.Turn.threaded` is False there).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Any, Literal

from botbuilder.schema import Activity, ChannelAccount, ConversationAccount, ConversationReference

from bot.channels.teams import PLATFORM
from bot.channels.teams.cards import COMMAND_PREFIX
from bot.commands import command_or_words
from bot.replies import Actor, Lang, Turn

Kind = Literal["personal", "groupChat", "channel"]
THREAD_MARK = ";messageid="
# Teams' and the Emulator's ids ("19:abc@thread.tacv2", "a:1Xy_-", "29:1ab", GUIDs,
# "abc|livechat") and message ids ("1700000000000", GUIDs): they become database keys.
_ID = re.compile(r"^[A-Za-z0-9:@._|=+/\-]{1,200}$")
_MENTION = re.compile(r"<at>[^<]{0,200}</at>")
_TAG = re.compile(r"<[^>]{0,500}>")
NAME_LENGTH = 200
TYPED_MENTION = COMMAND_PREFIX.strip()


class Unexpected(ValueError):
    """An activity without what its type promises (a field missing, an id of the wrong shape)."""


def teams_id(value: Any, what: str) -> str:
    if isinstance(value, str) and _ID.fullmatch(value):
        return value
    raise Unexpected(f"{what} is not a Teams id")


@dataclass(frozen=True)
class Origin:
    """Where an activity came from: the tenant (the coach's workspace), the conversation
    (a channel without its post's id), the channel post it replies in, and the person."""

    tenant: str
    conversation: str
    kind: Kind
    thread: str | None
    user: str
    name: str
    lang: Lang
    address: dict[str, Any]
    conversation_name: str

    @property
    def threaded(self) -> bool:
        return self.kind == "channel"


def origin(activity: Activity) -> Origin:
    conversation: ConversationAccount | None = activity.conversation
    sender: ChannelAccount | None = activity.from_property
    if conversation is None or sender is None or activity.recipient is None:
        raise Unexpected("no conversation, sender or recipient")
    raw = conversation.id if isinstance(conversation.id, str) else ""
    base, _, thread = raw.partition(THREAD_MARK)
    base = teams_id(base, "conversation id")
    kind = _kind(conversation)
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = _tenant(conversation, data) or teams_id(activity.channel_id, "channel id")
    service_url = activity.service_url
    if not isinstance(service_url, str) or not service_url.startswith(("https://", "http://")):
        raise Unexpected("no service URL")
    user = teams_id(sender.aad_object_id or sender.id, "user id")
    return Origin(
        tenant=teams_id(tenant, "tenant id"),
        conversation=base,
        kind=kind,
        thread=teams_id(thread, "thread id") if thread and kind == "channel" else None,
        user=user,
        name=_text(sender.name)[:NAME_LENGTH] or user,
        lang=language_of(activity.locale),
        address=address(activity, base, kind),
        conversation_name=_conversation_name(conversation, data),
    )


def _kind(conversation: ConversationAccount) -> Kind:
    match conversation.conversation_type:
        case "channel":
            return "channel"
        case "groupChat":
            return "groupChat"
        case "personal" | None if not conversation.is_group:
            return "personal"  # the Emulator names no type: a 1:1 chat
        case _:
            return "groupChat"


def _tenant(conversation: ConversationAccount, data: dict[str, Any]) -> str | None:
    tenant = data.get("tenant")
    found = tenant.get("id") if isinstance(tenant, dict) else None
    return found or conversation.tenant_id


def _conversation_name(conversation: ConversationAccount, data: dict[str, Any]) -> str:
    channel, team = data.get("channel"), data.get("team")
    names = [part.get("name") for part in (team, channel) if isinstance(part, dict)]
    shown = " / ".join(name for name in names if isinstance(name, str) and name)
    return (shown or _text(conversation.name))[:NAME_LENGTH]


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def language_of(locale: Any) -> Lang:
    """Danish unless the person's Teams speaks English: the coach's people are Danish."""
    return "en" if isinstance(locale, str) and locale.lower().startswith("en") else "da"


def address(activity: Activity, conversation: str, kind: Kind) -> dict[str, Any]:
    """What the outbox needs to write here later (a reminder): a conversation reference, in
    the connector's JSON, without the person or the message, so it stays the same from turn
    to turn; a channel's names the channel itself (a reminder there starts a new post)."""
    found: ConversationAccount = activity.conversation
    reference = {
        "bot": {"id": activity.recipient.id, "name": activity.recipient.name},
        "conversation": {
            "id": conversation,
            "conversationType": found.conversation_type,
            "tenantId": found.tenant_id,
            "isGroup": found.is_group,
        },
        "channelId": activity.channel_id,
        "serviceUrl": activity.service_url,
    }
    return {key: _without_none(value) for key, value in reference.items() if value is not None}


def _without_none(value: Any) -> Any:
    return {k: v for k, v in value.items() if v is not None} if isinstance(value, dict) else value


def reference_of(address: dict[str, Any], thread: str | None = None) -> ConversationReference:
    """The stored address as botbuilder's reference; in a channel, ``thread`` is the post to
    reply in (none: a new post)."""
    reference: ConversationReference = ConversationReference().deserialize(address)
    if thread and reference.conversation is not None:
        reference.conversation.id = f"{reference.conversation.id}{THREAD_MARK}{thread}"
    return reference


def addressed_to_bot(activity: Activity, where: Origin) -> bool:
    """A personal chat is always for the bot; elsewhere the bot must be @mentioned."""
    if where.kind == "personal":
        return True
    bot = activity.recipient.id
    return any(
        entity.type == "mention"
        and isinstance(entity.additional_properties.get("mentioned"), dict)
        and entity.additional_properties["mentioned"].get("id") == bot
        for entity in activity.entities or []
    )


def said(activity: Activity) -> str:
    """What a person wrote, without the bot's @mention and the markup Teams adds."""
    text = activity.text if isinstance(activity.text, str) else ""
    text = _MENTION.sub(" ", text)
    if "<" in text:  # a message with formatting arrives as HTML
        text = _TAG.sub("", re.sub(r"<br\s*/?>|</p>", "\n", text, flags=re.IGNORECASE))
    text = html.unescape(text).replace("\xa0", " ").strip()
    return text.removeprefix(TYPED_MENTION).strip()  # a command copied from a card, without a real @mention


def event_id(activity: Activity, where: Origin, what: str = "activity") -> str:
    """The activity's id within the tenant: Teams' message ids are times in milliseconds,
    so they are only unique within their conversation."""
    return f"{what}:{where.conversation}:{teams_id(activity.id, 'activity id')}"[:255]


def make_turn(where: Origin, *, event: str | None, **said: Any) -> Turn:
    """A turn from ``where``; ``said`` are the :class:`Turn` fields of what was written,
    pressed or changed (``command``, ``text``, ``answer``, ``thread``, ``change`` ...)."""
    return Turn(
        platform=PLATFORM,
        workspace=where.tenant,
        conversation=where.conversation,
        actor=Actor(where.user, where.name),
        event_id=event,
        address=where.address,
        lang=where.lang,
        conversation_name=where.conversation_name,
        threaded=where.threaded,
        **said,
    )


__all__ = [
    "Origin",
    "Unexpected",
    "addressed_to_bot",
    "command_or_words",
    "event_id",
    "make_turn",
    "origin",
    "reference_of",
    "said",
]
