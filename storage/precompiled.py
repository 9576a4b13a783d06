"""The writes every answer makes, compiled once and handed to the asyncpg adapter directly.

An answer writes three rows: the project's claim, its history line and the record of the
event. Through ``AsyncSession.execute`` each costs about 100 µs of Python around the
database's own work (the statement's cache key, a greenlet, an execution context, the
ORM's bookkeeping, a result): on PostgreSQL that was a third of an answer's CPU
(``exec_driver_sql`` saves only part of it).

A :class:`Precompiled` statement is the same Core statement, compiled by SQLAlchemy once,
its values converted by the columns' own types (JSON, UTC timestamps). On PostgreSQL it
goes to SQLAlchemy's asyncpg adapter as SQLAlchemy itself sends it from inside its
greenlet: on the session's connection, in its transaction (which the adapter begins if
nothing ran yet), through the adapter's cache of prepared statements, its errors raised
as SQLAlchemy's (a duplicate key is an ``IntegrityError``). Other drivers get the
statement through the session, as before.

The adapter's coroutine is SQLAlchemy's internal API, hence the version pin in
pyproject.toml; ``tests/test_precompiled.py`` holds it to what the session's own
execution does, and ``tests/test_turn_cost.py`` counts its statements.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection, AsyncAdapt_asyncpg_dbapi
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Insert, Update
from sqlalchemy.sql.compiler import SQLCompiler

_ADAPTED = "precompiled.asyncpg"  # session.info: (the transaction, its asyncpg adapter)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the value for each placeholder, in order (a name may repeat)
    convert: tuple[Callable[[Any], Any] | None, ...]

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        return tuple(
            params[name] if convert is None else convert(params[name])
            for name, convert in zip(self.names, self.convert, strict=True)
        )


class Precompiled:
    """An INSERT or UPDATE for :meth:`execute` with a mapping of its bound values.

    ``columns`` are the columns an INSERT without ``values()`` sets (its parameters' names).
    INSERTs are compiled without ``RETURNING``: nothing here reads a new row's key.
    """

    def __init__(self, statement: Insert | Update, columns: Sequence[str] | None = None) -> None:
        self._statement = statement.inline() if isinstance(statement, Insert) else statement
        self._columns = list(columns) if columns is not None else None
        self._by_dialect: dict[str, _Compiled] = {}

    async def execute(self, session: AsyncSession, params: Mapping[str, Any]) -> int:
        """Run it in ``session``'s transaction; the number of rows it matched."""
        adapted = await _asyncpg_of(session)
        if adapted is None:
            result = await session.execute(self._statement, params)
            return int(result.rowcount)  # type: ignore[attr-defined]
        compiled = self._compiled(session.sync_session.get_bind().dialect)
        values = compiled.values(params)
        cursor = adapted.cursor()
        try:
            await cursor._prepare_and_execute(compiled.sql, values)
        except AsyncAdapt_asyncpg_dbapi.Error as error:  # as SQLAlchemy raises it from its own execute
            raise DBAPIError.instance(compiled.sql, values, error, AsyncAdapt_asyncpg_dbapi.Error) from error
        return int(cursor.rowcount)

    def _compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = _compile(self._statement, self._columns, dialect)
        return found


async def _asyncpg_of(session: AsyncSession) -> AsyncAdapt_asyncpg_connection | None:
    """The asyncpg adapter of the session's connection, or None at once on any other driver;
    looked up once per transaction (a lookup is a greenlet's round trip through the pool)."""
    if session.sync_session.get_bind().dialect.driver != "asyncpg":
        return None
    transaction = session.sync_session.get_transaction()
    found = session.info.get(_ADAPTED)
    if found is not None and transaction is not None and found[0] is transaction:
        return found[1]
    adapted = await session.run_sync(lambda sync: sync.connection().connection.dbapi_connection)
    assert isinstance(adapted, AsyncAdapt_asyncpg_connection)
    session.info[_ADAPTED] = (session.sync_session.get_transaction(), adapted)
    return adapted


def _compile(statement: Insert | Update, columns: list[str] | None, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect, column_keys=columns)
    assert isinstance(compiled, SQLCompiler)
    if not compiled.positional or compiled.positiontup is None:
        raise ValueError(f"{dialect.name}: only positional paramstyles are supported")
    names = tuple(compiled.positiontup)
    convert = tuple(compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names)
    return _Compiled(compiled.string, names, convert)
