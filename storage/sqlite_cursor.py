"""One call to SQLite's thread per statement, instead of four.

aiosqlite runs every SQLite call on a thread of its own, and SQLAlchemy's adapter makes
four such calls per statement (open a cursor, execute, fetch, close). Each call costs
about 70 µs of CPU in thread hand-offs, more than SQLite takes to run the statement: a
plain answer made fifteen of them, over a third of its CPU time on SQLite (measured in
this repository: 2.7 ms -> 1.7 ms per answer with this cursor). This cursor runs the
whole statement in one call and keeps the rows, which is all SQLAlchemy reads.

It relies on two internals, so the versions are pinned in pyproject.toml and
``tests/test_turn_cost.py`` counts the thread calls: SQLAlchemy's aiosqlite adapter makes
its cursors from ``_cursor_cls``, and aiosqlite's ``Connection._execute(fn)`` runs ``fn``
on its thread with the ``sqlite3`` connection in ``_conn``.
"""

from __future__ import annotations

import collections
from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.util.concurrency import await_


class OneCallCursor:
    """A DBAPI cursor whose ``execute`` is a single call to aiosqlite's thread."""

    server_side = False

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self.description: Sequence[Any] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: collections.deque[Any] = collections.deque()

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> None:
        sqlite = self._connection._conn

        def run() -> tuple[Any, list[Any], int, int | None]:
            cursor = sqlite.execute(operation, () if parameters is None else parameters)
            try:
                description = cursor.description
                rows = cursor.fetchall() if description else []
                return description, rows, cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        try:
            self.description, rows, self.rowcount, self.lastrowid = await_(self._call(run))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self._rows = collections.deque(rows)

    def executemany(self, operation: str, seq_of_parameters: Sequence[Sequence[Any]]) -> None:
        sqlite = self._connection._conn

        def run() -> int:
            cursor = sqlite.executemany(operation, seq_of_parameters)
            try:
                return cursor.rowcount
            finally:
                cursor.close()

        try:
            self.rowcount = await_(self._call(run))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
        self.description = None
        self._rows.clear()

    async def _call(self, function: Any) -> Any:
        async with self._adapt_connection._execute_mutex:  # one statement at a time per connection
            return await self._connection._execute(function)

    def fetchone(self) -> Any:
        return self._rows.popleft() if self._rows else None

    def fetchmany(self, size: int | None = None) -> list[Any]:
        count = min(size or self.arraysize, len(self._rows))
        return [self._rows.popleft() for _ in range(count)]

    def fetchall(self) -> list[Any]:
        rows = list(self._rows)
        self._rows.clear()
        return rows

    def close(self) -> None:
        self._rows.clear()

    async def _async_soft_close(self) -> None:
        """Nothing to close on SQLite's side: the cursor there closed after its one call."""

    def setinputsizes(self, *sizes: Any) -> None:
        """SQLite takes no input sizes."""


class OneCallConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneCallCursor  # type: ignore[assignment]


def use_one_call_cursors(adapted_connection: Any) -> None:
    """Give a freshly made aiosqlite connection of SQLAlchemy's the one-call cursor."""
    adapted_connection.__class__ = OneCallConnection
