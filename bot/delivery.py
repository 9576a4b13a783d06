"""How the coach writes to a conversation on its own (a reminder, a debrief thread).

Every channel implements one small interface: given the conversation's stored address
and the replies to post, it answers :class:`Sent` (the platform accepted the message),
:class:`RetryAfter` (a temporary problem: rate limit, timeout, 5xx) or :class:`Failed`
(a permanent one: the message was refused, or, ``gone``, the channel was deleted or the
bot removed). The outbox marks a reminder sent only on :class:`Sent`, so a channel must
never claim success it did not see.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from bot.replies import Reply


@dataclass(frozen=True)
class Target:
    """Where a message goes: the conversation's id and stored address, the thread if any,
    and the person it is for (a task reminder), which a channel may mention.
    ``opens_thread`` says the message starts a thread the team answers in (a debrief): a
    channel whose threads need a post of their own (a Teams channel) starts one.
    ``lang`` is the conversation's language, for the words a channel adds itself (a
    button's label)."""

    conversation: str
    address: dict[str, Any] | None
    thread: str | None = None
    recipient: str | None = None
    opens_thread: bool = False
    lang: str = "da"


@dataclass(frozen=True)
class Sent:
    """The platform accepted the message; ``message_id`` is its id (a thread can hang on it)."""

    message_id: str | None = None


@dataclass(frozen=True)
class RetryAfter:
    """Try again after ``seconds`` (the platform's ``Retry-After``, else the outbox's backoff)."""

    reason: str
    seconds: float | None = None


@dataclass(frozen=True)
class Failed:
    """Never try again; ``reason`` is kept on the reminder for the team to see.

    ``gone`` says the conversation itself cannot be reached any more (it was deleted or
    archived, the bot was removed from it), not just this message: the outbox then fails
    the conversation's later reminders at once, without asking the platform, until a turn
    comes from the conversation again."""

    reason: str
    gone: bool = False


Result = Sent | RetryAfter | Failed


class Channel(Protocol):
    """A platform the outbox can deliver to."""

    platform: str

    async def deliver(self, target: Target, replies: list[Reply]) -> Result: ...
