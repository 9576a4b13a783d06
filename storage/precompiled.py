"""An answer's database work in two round trips on PostgreSQL: read the project, then one
statement that claims it and writes its rows.

Through the session an answer cost six round trips (BEGIN, the project's SELECT, its
versioned UPDATE, the history line, the record of the event, COMMIT), and about 100 µs of
Python around each statement (cache key, greenlet, execution context, the ORM's
bookkeeping). On PostgreSQL this module sends the same Core statements, compiled once,
their values converted by the columns' own types (JSON, UTC timestamps), to SQLAlchemy's
asyncpg adapter directly:

* :class:`PrecompiledRead` reads an entity's row and attaches it to the session as a
  loaded object, without beginning a transaction when none is open: reading committed
  rows is what the first statement of a READ COMMITTED transaction does anyway, and the
  version check of the claim guards what the turn then writes.
* :class:`Precompiled` writes wait in the session: the project's claim (its versioned
  UPDATE) and the INSERTs after it go as one statement, the INSERTs gated on the claim
  (``WITH claim AS (UPDATE ... RETURNING) INSERT ... SELECT ... FROM claim``), so a stale
  claim writes nothing and raises ``StaleDataError``. They are sent before anything else
  the session runs (a query, a flush, a commit: :class:`BatchedSession`), so every
  statement still sees them and the claim still takes the project row first. At commit,
  when they are all the transaction holds, that one statement is atomic on its own and
  needs no BEGIN or COMMIT.

Other drivers (SQLite, whose own path is direct: storage.sqlite_cursor) run every
statement through the session at once. Errors are raised as SQLAlchemy raises them (a
duplicate key is an ``IntegrityError``). The adapter's coroutines are SQLAlchemy's internal
API, hence the version pin in pyproject.toml; ``tests/test_precompiled.py`` holds this to
what the session's own execution does, and ``tests/test_turn_cost.py`` counts the round trips.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from sqlalchemy import Table, event, func, insert, literal, select
from sqlalchemy.dialects.postgresql.asyncpg import AsyncAdapt_asyncpg_connection, AsyncAdapt_asyncpg_dbapi
from sqlalchemy.engine import Connection, Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction, class_mapper, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError
from sqlalchemy.orm.util import identity_key
from sqlalchemy.sql import Insert, Select, Update, bindparam
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.util.concurrency import greenlet_spawn

_PENDING = "precompiled.pending"  # session.info: the writes not sent yet (a _Batch)

Entity = TypeVar("Entity")


@dataclass(frozen=True)
class _Compiled:
    sql: str
    names: tuple[str, ...]  # the value for each placeholder, in order (a name may repeat)
    convert: tuple[Callable[[Any], Any] | None, ...]
    fixed: Mapping[str, Any]  # the statement's own values (a LIMIT's)

    def values(self, params: Mapping[str, Any]) -> tuple[Any, ...]:
        given = {**self.fixed, **params} if self.fixed else params
        return tuple(
            given[name] if convert is None else convert(given[name])
            for name, convert in zip(self.names, self.convert, strict=True)
        )


class Precompiled:
    """An INSERT, or the claim's UPDATE, for :meth:`write` / :meth:`claim` with a mapping of
    its bound values. ``columns`` are the columns an INSERT without ``values()`` sets (its
    parameters' names). Nothing here reads a new row's key."""

    def __init__(self, statement: Insert | Update, columns: Sequence[str] | None = None) -> None:
        self.statement = statement.inline() if isinstance(statement, Insert) else statement
        self.columns = tuple(columns) if columns is not None else ()
        if isinstance(statement, Insert) and not self.columns:
            raise ValueError("an INSERT needs its columns")

    async def claim(self, session: AsyncSession, params: Mapping[str, Any]) -> None:
        """The versioned UPDATE that claims a row; StaleDataError (now, or when the write is
        sent) unless it matches exactly one row."""
        batch = await _batch_of(session)
        if batch is None:
            if (await session.execute(self.statement, params)).rowcount != 1:  # type: ignore[attr-defined]
                raise _stale()
            return
        if batch.claim is not None or batch.inserts:
            await batch.send(final=False)  # the claim goes first, as it would have
        batch.claim = (self, params)

    async def write(self, session: AsyncSession, params: Mapping[str, Any]) -> None:
        """An INSERT, sent with the claim before it (if any) and the writes around it."""
        batch = await _batch_of(session)
        if batch is None:
            await session.execute(self.statement, params)
            return
        batch.inserts.append((self, params))


class PrecompiledRead(Generic[Entity]):
    """A SELECT of at most one row of ``entity``'s table, returned as a loaded ``entity``
    attached to the session (the identity map's object when it holds that row already).
    The statement may select columns of other tables after the entity's (``select(entity,
    Other.column).join(...)``): :meth:`row_or_none` returns their values beside it."""

    def __init__(self, entity: type[Entity], statement: Select[Any]) -> None:
        self.entity = entity
        self.statement = statement  # ``select(entity, ...)...``: its first columns are the table's, in order
        self._width = len(class_mapper(entity).columns)
        self._by_dialect: dict[str, tuple[_Compiled, tuple[tuple[str, Callable[[Any], Any] | None], ...]]] = {}

    async def one_or_none(self, session: AsyncSession, params: Mapping[str, Any]) -> Entity | None:
        found = await self.row_or_none(session, params)
        return None if found is None else found[0]

    async def row_or_none(
        self, session: AsyncSession, params: Mapping[str, Any]
    ) -> tuple[Entity, tuple[Any, ...]] | None:
        """The entity and the values selected after it; None when no row matches."""
        batch = await _batch_of(session)
        if batch is None:
            row = (await session.execute(self.statement, params)).one_or_none()
            return None if row is None else (row[0], tuple(row[1:]))
        await batch.send(final=False)
        compiled, columns = self._compiled(batch.dialect)
        rows = await batch.run(compiled, compiled.values(params), begin=False)
        if not rows:
            return None
        read = zip(columns, rows[0], strict=True)
        row = [value if convert is None else convert(value) for (_, convert), value in read]
        keys = [key for key, _ in columns[: self._width]]
        return self._attached(session, dict(zip(keys, row[: self._width], strict=True))), tuple(row[self._width :])

    def _attached(self, session: AsyncSession, values: dict[str, Any]) -> Entity:
        """The entity of these column values, as the session's identity map holds it."""
        sync = session.sync_session
        known = sync.identity_map.get(identity_key(self.entity, values["id"]))
        if known is not None:
            return known  # type: ignore[no-any-return]
        found = class_mapper(self.entity).class_manager.new_instance()  # as loading makes it, not through __init__
        for key, value in values.items():
            set_committed_value(found, key, value)
        make_transient_to_detached(found)
        sync.add(found)
        return found

    def _compiled(self, dialect: Dialect) -> tuple[_Compiled, tuple[tuple[str, Callable[[Any], Any] | None], ...]]:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            compiled = _compile(self.statement, dialect)
            columns = tuple(
                (column.key, column.type.dialect_impl(dialect).result_processor(dialect, None))
                for column in self.statement.selected_columns
            )
            found = self._by_dialect[dialect.name] = (compiled, columns)
        return found


class BatchedSession(Session):
    """A session that sends its waiting :class:`Precompiled` writes before anything else it
    runs: a query, a flush of ORM objects, a commit (see the listeners below). Statements
    run on ``session.connection()`` itself pass no listener; nothing in a turn does that."""


@dataclass
class _Batch:
    """The writes of one transaction not sent yet: the claim and the INSERTs after it."""

    transaction: SessionTransaction
    connection: Connection
    adapter: AsyncAdapt_asyncpg_connection
    dialect: Dialect
    claim: tuple[Precompiled, Mapping[str, Any]] | None = None
    inserts: list[tuple[Precompiled, Mapping[str, Any]]] = field(default_factory=list)

    async def send(self, *, final: bool) -> None:
        """Send the waiting writes as one statement. ``final``: nothing else will run in this
        transaction, so if nothing ran before either, the statement needs no BEGIN."""
        claim, inserts = self.claim, self.inserts
        if claim is None and not inserts:
            return
        self.claim, self.inserts = None, []
        compiled = _combined(self.dialect, claim[0] if claim else None, tuple(pc for pc, _ in inserts))
        params: dict[str, Any] = dict(claim[1]) if claim else {}
        for number, (pc, values) in enumerate(inserts):
            params.update({f"w{number}_{column}": values[column] for column in pc.columns})
        alone = final and not self.adapter.driver_connection.is_in_transaction()
        rows = await self.run(compiled, compiled.values(params), begin=not alone)
        if claim is not None and rows[0][0] != 1:
            raise _stale()

    async def run(self, compiled: _Compiled, values: tuple[Any, ...], *, begin: bool) -> list[Any]:
        """Rows of one statement on the session's connection; inside the transaction when
        one is open or ``begin`` asks for it, else on its own. Errors are raised as
        SQLAlchemy raises them from its own execute, and a connection the database closed
        is invalidated as SQLAlchemy would, so the pool replaces it rather than lending it
        to every turn after this one."""
        try:
            if begin:
                cursor = self.adapter.cursor()
                await cursor._prepare_and_execute(compiled.sql, values)  # raises the adapter's errors
                return cursor.fetchall()
            try:
                return await self.adapter.driver_connection.fetch(compiled.sql, *values)  # type: ignore[no-any-return]
            except Exception as error:  # asyncpg's own
                self.adapter._handle_exception(error)  # raises it as the adapter's DBAPI error
        except AsyncAdapt_asyncpg_dbapi.Error as error:
            lost = bool(self.dialect.is_disconnect(error, self.adapter, None))
            if lost:
                await greenlet_spawn(self.connection.invalidate, error)
            raise DBAPIError.instance(
                compiled.sql, values, error, AsyncAdapt_asyncpg_dbapi.Error, connection_invalidated=lost
            ) from error


def _stale() -> StaleDataError:
    return StaleDataError("the claimed row changed or was deleted meanwhile")


async def _batch_of(session: AsyncSession) -> _Batch | None:
    """The session's batch for its current transaction, or None at once on any driver other
    than asyncpg. The adapter is looked up once per transaction (a greenlet's round trip)."""
    if session.sync_session.get_bind().dialect.driver != "asyncpg":
        return None
    sync = session.sync_session
    transaction = sync.get_transaction()
    found = sync.info.get(_PENDING)
    if found is not None and transaction is not None and found.transaction is transaction:
        return found  # type: ignore[no-any-return]
    connection = await session.run_sync(lambda s: s.connection())
    adapted = connection.connection.dbapi_connection
    assert isinstance(adapted, AsyncAdapt_asyncpg_connection)
    batch = _Batch(sync.get_transaction(), connection, adapted, connection.dialect)  # type: ignore[arg-type]
    sync.info[_PENDING] = batch
    return batch


def _send_waiting(session: Session, *, final: bool) -> None:
    """From the session's own (synchronous, greenlet-run) code: send what waits first."""
    batch: _Batch | None = session.info.get(_PENDING)
    if batch is None or (batch.claim is None and not batch.inserts):
        return
    if batch.transaction is not session.get_transaction():  # left from a transaction that ended
        # (get_transaction is the outermost one: the batch outlives savepoints)
        session.info.pop(_PENDING, None)
        return
    # The session counts as clean when no ORM object waits to be flushed after this.
    alone = final and not (session.new or session.dirty or session.deleted)
    batch.adapter.run_async(lambda _driver: batch.send(final=alone))


@event.listens_for(BatchedSession, "do_orm_execute")
def _before_a_statement(state: Any) -> None:
    _send_waiting(state.session, final=False)


@event.listens_for(BatchedSession, "before_flush")
def _before_a_flush(session: Session, _context: Any, _instances: Any) -> None:
    _send_waiting(session, final=False)


@event.listens_for(BatchedSession, "before_commit")
def _before_the_commit(session: Session) -> None:
    _send_waiting(session, final=True)


@event.listens_for(BatchedSession, "after_soft_rollback")
def _after_a_rollback(session: Session, _previous: Any) -> None:
    session.info.pop(_PENDING, None)  # what waited is gone with its transaction (or savepoint)


# By shape: few, as a turn writes a claim, a history line per step it changed and its event.
_COMBINED: dict[tuple[str, Precompiled | None, tuple[Precompiled, ...]], _Compiled] = {}


def _combined(dialect: Dialect, claim: Precompiled | None, inserts: tuple[Precompiled, ...]) -> _Compiled:
    """One statement for a claim and the INSERTs after it, compiled once per shape: each
    INSERT's parameters renamed ``w<n>_<column>``, each row gated on the claim's row."""
    key = (dialect.name, claim, inserts)
    found = _COMBINED.get(key)
    if found is not None:
        return found
    claimed = None
    if claim is not None:
        table = claim.statement.table
        assert isinstance(table, Table)
        claimed = claim.statement.returning(table.c.id).cte("claim")  # type: ignore[union-attr]
    writes = []
    for number, pc in enumerate(inserts):
        table = pc.statement.table
        assert isinstance(table, Table)
        row = select(*(bindparam(f"w{number}_{c}", type_=table.c[c].type) for c in pc.columns))
        if claimed is not None:
            row = row.select_from(claimed)
        writes.append(insert(table).from_select(list(pc.columns), row).cte(f"w{number}"))
    result = select(func.count()).select_from(claimed) if claimed is not None else select(literal(1))
    found = _COMBINED[key] = _compile(result.add_cte(*writes), dialect)
    return found


def _compile(statement: Any, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    assert isinstance(compiled, SQLCompiler)
    if not compiled.positional or compiled.positiontup is None:
        raise ValueError(f"{dialect.name}: only positional paramstyles are supported")
    names = tuple(compiled.positiontup)
    binds = [compiled.binds[name] for name in names]
    convert = tuple(bind.type.dialect_impl(dialect).bind_processor(dialect) for bind in binds)
    fixed = {name: bind.value for name, bind in zip(names, binds, strict=True) if bind.value is not None}
    return _Compiled(compiled.string, names, convert, fixed)
