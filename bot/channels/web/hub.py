"""Everyone in a browser chat room sees the team's progress, as in a Slack channel.

A page keeps one streaming request open per room; when someone's turn produces replies
meant for the whole conversation, the other pages in that room get them. Replies for the
asker alone (help, a refused answer, an export link) never reach this hub. It lives in
the server process: the browser chat is the single-process way to try the coach.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from typing import Any

QUEUE_LIMIT = 100
CLOSED: dict[str, Any] = {"type": "closed"}


class Hub:
    def __init__(self) -> None:
        self._rooms: dict[str, dict[str, asyncio.Queue[dict[str, Any]]]] = defaultdict(dict)

    def subscribe(self, room: str, client: str) -> asyncio.Queue[dict[str, Any]]:
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(QUEUE_LIMIT)
        self._rooms[room][client] = queue
        return queue

    def unsubscribe(self, room: str, client: str, queue: asyncio.Queue[dict[str, Any]]) -> None:
        members = self._rooms.get(room, {})
        if members.get(client) is queue:
            del members[client]
        if not members:
            self._rooms.pop(room, None)

    def publish(self, room: str, sender: str | None, event: dict[str, Any]) -> None:
        for client, queue in list(self._rooms.get(room, {}).items()):
            if client == sender:
                continue
            try:
                queue.put_nowait(event)
            except asyncio.QueueFull:  # a page that stopped reading: it reloads its state when it reconnects
                self.unsubscribe(room, client, queue)

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        for members in self._rooms.values():
            for queue in members.values():
                if queue.full():
                    queue.get_nowait()
                queue.put_nowait(CLOSED)
        self._rooms.clear()
