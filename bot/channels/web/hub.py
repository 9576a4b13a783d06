"""Everyone in a browser chat room sees the team's progress, as in a Slack channel.

A page keeps one streaming request open per room; when someone's turn produces replies
meant for the whole conversation, or the coach writes on its own (a reminder, a debrief
thread), the pages in that room get them. Replies for the asker alone (help, a refused
answer, an export link) never reach this hub.

The hub also keeps each room's last :data:`HISTORY_LIMIT` events, so a page that
(re)loads shows the conversation so far and a page that lost its stream catches up on
what it missed. All of it lives in memory, in the server process: the browser chat is
the single-process way to try the coach, and a restart starts every room afresh (the
projects and their answers are in the database; ``status`` shows where a team stands).
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any

QUEUE_LIMIT = 100
HISTORY_LIMIT = 50


@dataclass(frozen=True)
class Event:
    """One thing that happened in a room. ``id`` is ``<hub epoch>-<number>``: the epoch
    changes when the server restarts, so a page's last id from before cannot hide what
    came after. ``sender`` is the page whose own turn it was (it drew the replies itself)."""

    id: str
    data: dict[str, Any]
    sender: str | None = field(default=None, compare=False)


CLOSED = Event(id="", data={"type": "closed"})


class Hub:
    def __init__(self) -> None:
        self._epoch = secrets.token_hex(4)
        self._numbers = itertools.count(1)
        self._rooms: dict[str, dict[str, asyncio.Queue[Event]]] = defaultdict(dict)
        self._history: dict[str, deque[Event]] = defaultdict(lambda: deque(maxlen=HISTORY_LIMIT))

    def subscribe(self, room: str, client: str) -> asyncio.Queue[Event]:
        queue: asyncio.Queue[Event] = asyncio.Queue(QUEUE_LIMIT)
        self._rooms[room][client] = queue
        return queue

    def unsubscribe(self, room: str, client: str, queue: asyncio.Queue[Event]) -> None:
        members = self._rooms.get(room, {})
        if members.get(client) is queue:
            del members[client]
        if not members:
            self._rooms.pop(room, None)

    def publish(self, room: str, sender: str | None, data: dict[str, Any]) -> Event:
        """Keep ``data`` in the room's history and hand it to every open page but the sender's."""
        event = Event(f"{self._epoch}-{next(self._numbers)}", data, sender)
        self._history[room].append(event)
        for client, queue in list(self._rooms.get(room, {}).items()):
            if client == sender:
                continue
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # a page that stopped reading: its stream ends, and it
                self.unsubscribe(room, client, queue)  # catches up from the history when it reconnects
                _end(queue)
        return event

    def history(self, room: str) -> list[Event]:
        """The room's recent events, oldest first."""
        return list(self._history.get(room, ()))

    def missed(self, room: str, client: str, last_id: str | None) -> list[Event]:
        """What a page that last saw ``last_id`` has not seen, except its own turns.

        Numbers grow across the whole hub, so "newer" is a comparison; an id from another
        epoch (before a restart) or none at all means every kept event is new to the page.
        """
        seen = self._number(last_id) if last_id else None
        return [
            event
            for event in self.history(room)
            if event.sender != client and (seen is None or (self._number(event.id) or 0) > seen)
        ]

    def _number(self, event_id: str) -> int | None:
        epoch, _, number = event_id.partition("-")
        return int(number) if epoch == self._epoch and number.isdigit() else None

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        for members in self._rooms.values():
            for queue in members.values():
                _end(queue)
        self._rooms.clear()


def _end(queue: asyncio.Queue[Event]) -> None:
    """Tell the stream reading ``queue`` to finish now. What it still held is dropped, not
    sent: a page must never see a later event without the earlier ones, or the id it
    reconnects with would skip them."""
    while not queue.empty():
        queue.get_nowait()
    queue.put_nowait(CLOSED)
