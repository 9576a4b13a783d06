"""SQLite statements run where the coach runs, not one thread hand-off at a time.

Inside :meth:`storage.db.Database.transaction` (which holds the in-process writer lock),
statements run directly on the event loop's thread; elsewhere each runs in a single call
to aiosqlite's thread, so an ``AsyncConnection.execute`` still awaits something, as
SQLAlchemy's asyncio layer requires.

aiosqlite runs every SQLite call on a thread of its own, and SQLAlchemy's adapter makes
four such calls per statement (open a cursor, execute, fetch, close). Each costs about
70 µs of CPU and, worse, a wait for the event loop to come back to the transaction, which
holds the in-process writer lock (see :meth:`storage.db.Database.transaction`) all that
while. A plain answer made fifteen of them: at 16 concurrent clients the coach managed
about 300 answers/s with a p99 near 90 ms, bound by that lock (bench/turns.py).

A statement on the local SQLite file takes microseconds: this cursor runs it directly,
in one go, and keeps the rows, which is all SQLAlchemy reads. Commit and rollback stay on
aiosqlite's thread, so the disk writes of a commit (and of WAL checkpoints) never stop the
event loop. The only wait left on the loop is another *process* writing the same file
(a terminal chat beside the server): SQLite's busy timeout, milliseconds in practice.

It relies on internals, so the versions are pinned in pyproject.toml and
``tests/test_turn_cost.py`` counts the thread calls: SQLAlchemy's aiosqlite adapter makes
its cursors from ``_cursor_cls``, and aiosqlite keeps its ``sqlite3`` connection in
``_conn`` (opened with ``check_same_thread=False``; Python's sqlite3 is built serialized,
so a connection may be used from either thread, and the writer lock keeps it to one) and
runs a function on its thread with ``_execute``.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

from sqlalchemy.dialects.sqlite.aiosqlite import AsyncAdapt_aiosqlite_connection
from sqlalchemy.util.concurrency import await_

T = TypeVar("T")
_DIRECT: ContextVar[bool] = ContextVar("sqlite_statements_direct", default=False)


@contextmanager
def direct_statements() -> Iterator[None]:
    """Within this block (and the tasks and greenlets it runs), statements run directly."""
    token = _DIRECT.set(True)
    try:
        yield
    finally:
        _DIRECT.reset(token)


class DirectCursor:
    """A DBAPI cursor that runs each statement in one go on the ``sqlite3`` connection:
    directly inside :func:`direct_statements`, else in one call to aiosqlite's thread."""

    server_side = False

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._aiosqlite = adapt_connection._connection
        self._sqlite = self._aiosqlite._conn
        self.description: Sequence[Any] | None = None
        self.rowcount = -1
        self.lastrowid: int | None = None
        self.arraysize = 1
        self._rows: collections.deque[Any] = collections.deque()

    def execute(self, operation: str, parameters: Sequence[Any] | None = None) -> None:
        def run() -> tuple[Any, list[Any], int, int | None]:
            cursor = self._sqlite.execute(operation, () if parameters is None else parameters)
            try:
                description = cursor.description
                return description, cursor.fetchall() if description else [], cursor.rowcount, cursor.lastrowid
            finally:
                cursor.close()

        self.description, rows, self.rowcount, self.lastrowid = self._run(run)
        self._rows = collections.deque(rows)

    def executemany(self, operation: str, seq_of_parameters: Sequence[Sequence[Any]]) -> None:
        def run() -> int:
            cursor = self._sqlite.executemany(operation, seq_of_parameters)
            try:
                return cursor.rowcount
            finally:
                cursor.close()

        self.description, self.rowcount = None, self._run(run)
        self._rows.clear()

    def _run(self, statement: Callable[[], T]) -> T:
        try:
            if _DIRECT.get():
                return statement()
            return await_(self._on_thread(statement))
        except Exception as error:
            self._adapt_connection._handle_exception(error)
            raise  # _handle_exception always raises; this keeps type checkers informed

    async def _on_thread(self, statement: Callable[[], T]) -> T:
        async with self._adapt_connection._execute_mutex:
            return await self._aiosqlite._execute(statement)

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
        """Nothing to close on SQLite's side: the cursor there closed with its statement."""

    def setinputsizes(self, *sizes: Any) -> None:
        """SQLite takes no input sizes."""


class DirectConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = DirectCursor  # type: ignore[assignment]


def use_direct_cursors(adapted_connection: Any) -> None:
    """Give a freshly made aiosqlite connection of SQLAlchemy's the direct cursor."""
    adapted_connection.__class__ = DirectConnection
