"""The server's engine: PostgreSQL through psycopg 3, for several workstations on one database.

Statements stay in SQLite's dialect and are translated as they are run (``postgres_sql``);
values go and come back as SQLite gives them (a date as its ISO text, True as 1, a sum as a
whole number or a float, never a Decimal), so readers and writers need not know the engine.

Every write transaction is SERIALIZABLE and takes the audit log's write lock first. Each
change is a link of one audit chain, so writers take turns on it, as the embedded file's
``BEGIN IMMEDIATE`` makes them; taking the lock before the first read gives each writer a view
that includes the change before it, so checks that read before they write (overlapping
cycles, a duplicate MRN, a cycle start) hold with several workstations at once. A clash that
gets through anyway (a unique index met after checks that read before the transaction, or
PostgreSQL's serializability check against a client that takes no lock) is refused with
ConflictError; the screens make a change that lost a serializability check again
(``conflicts.retrying``) and show the other's record after a unique clash. Each commit
notifies ``CHANGES_CHANNEL``: other workstations read again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import psycopg
from psycopg import errors as pg_errors
from psycopg.adapt import Dumper, Loader
from psycopg.pq import TransactionStatus

from tracker.storage.audit_chain import AUDIT_TABLE
from tracker.storage.engines import clash_refusal, upsert_row
from tracker.storage.engines.addresses import CONNECT_TIMEOUT_S, ServerAddress
from tracker.storage.engines.postgres_readers import ReaderPool
from tracker.storage.engines.postgres_sql import to_postgres
from tracker.storage.errors import (
    ConflictError,
    DatabaseBusyError,
    ServerUnreachableError,
    StorageError,
)

if TYPE_CHECKING:
    from tracker.storage.database import Store

CHANGES_CHANNEL = "tracker_changes"
# A writer waits this long for the one before it; past it the change is refused as busy.
LOCK_TIMEOUT_MS = 15_000
_INT64 = 2**63


class _DayDumper(Dumper):
    """A date or time goes as its ISO text, as SQLite stores it (the column is text)."""

    oid = 0  # unknown: the server takes the column's type

    def dump(self, obj: Any) -> bytes:
        return obj.isoformat().encode()


class _FlagDumper(Dumper):
    """True and False go as 1 and 0, as SQLite stores them."""

    oid = psycopg.adapters.types["int8"].oid

    def dump(self, obj: Any) -> bytes:
        return b"1" if obj else b"0"


class _NumberLoader(Loader):
    """A numeric (what SUM and AVG give) comes back as a whole number or a float."""

    def load(self, data: Any) -> Any:
        text = bytes(data).decode()
        if any(mark in text for mark in ".eEN"):
            return float(text)
        return int(text)


def _adapt(connection: psycopg.Connection[Any]) -> None:
    adapters = connection.adapters
    for kind in (dt.date, dt.datetime, dt.time):
        adapters.register_dumper(kind, _DayDumper)
    adapters.register_dumper(bool, _FlagDumper)
    adapters.register_loader("numeric", _NumberLoader)


def _checked(parameters: Sequence[Any] | Mapping[str, Any] | None) -> Any:
    """The parameters as SQLite would take them: a whole number beyond 64 bits or a list is
    refused here as SQLite refuses it, not sent."""
    if parameters is None:
        return ()
    values = parameters.values() if isinstance(parameters, Mapping) else parameters
    for index, value in enumerate(values, start=1):
        if isinstance(value, int) and not isinstance(value, bool):
            if not -_INT64 <= value < _INT64:
                raise OverflowError("Python int too large to convert to SQLite INTEGER")
        elif value is not None and not isinstance(value, str | float | bytes | dt.date | dt.time):
            raise psycopg.ProgrammingError(
                f"Error binding parameter {index}: type '{type(value).__name__}' is not supported"
            )
    return parameters


def _copied(value: Any) -> Any:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return value


class PostgresConnection:
    """A psycopg connection that takes SQLite-dialect statements, as ``sqlite3`` does."""

    engine_name = "postgres"

    def __init__(
        self, raw: psycopg.Connection[Any], release: Callable[[Any], None] | None = None
    ):
        self.raw = raw
        # A pooled reader goes back to its pool when closed (``postgres_readers``).
        self._release = release

    def execute(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] | None = ()
    ) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        try:
            cursor.execute(to_postgres(sql), _checked(parameters))
        except psycopg.OperationalError as error:
            if not self.raw.closed and not self.raw.broken:
                raise
            raise ServerUnreachableError(
                f"the server database cannot be reached ({_first_line(error)})"
            ) from error
        return cursor

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> psycopg.Cursor[Any]:
        cursor = self.raw.cursor()
        rows = [_checked(row) for row in rows]
        if rows:
            cursor.executemany(to_postgres(sql), rows)
        return cursor

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != TransactionStatus.IDLE

    def close(self) -> None:
        if self._release is not None:
            self._release(self.raw)
        else:
            self.raw.close()


def _configure(raw: psycopg.Connection[Any]) -> None:
    _adapt(raw)
    raw.execute(f"SET lock_timeout = {LOCK_TIMEOUT_MS}")


def connect(address: ServerAddress) -> PostgresConnection:
    """A connection in autocommit (transactions are begun explicitly, as on the file)."""
    try:
        raw = psycopg.connect(address.conninfo, autocommit=True)
    except psycopg.Error as error:
        raise ServerUnreachableError(
            f"cannot reach the server database {address.display}: {_first_line(error)}"
        ) from error
    _configure(raw)
    return PostgresConnection(raw)


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


class PostgresEngine:
    """What the server database does its own way (see ``engines.sqlite`` for the file)."""

    name = "postgres"
    errors: tuple[type[Exception], ...] = (psycopg.Error,)
    binding_errors: tuple[type[Exception], ...] = (psycopg.ProgrammingError,)

    def __init__(self, address: ServerAddress, readers: ReaderPool | None = None):
        self.address = address
        self._listener: psycopg.Connection[Any] | None = None
        self._announced = 0
        # The main store's engine owns the pool its readers' engines share.
        self._owns_readers = readers is None
        self._readers = readers or ReaderPool(address.conninfo, address.display, _configure)

    @property
    def migrations_table(self) -> str:
        from tracker.storage.engines.postgres_schema import MIGRATIONS_TABLE

        return MIGRATIONS_TABLE

    def version(self, store: Store) -> str:
        return "PostgreSQL " + str(store.execute("SHOW server_version").fetchone()[0])

    def begin(self, store: Store) -> None:
        try:
            # Before any read: the snapshot this transaction reads is taken after the lock.
            # One round trip for both (no parameters: the simple protocol takes two).
            store.connection.raw.execute(
                "BEGIN ISOLATION LEVEL SERIALIZABLE; "
                f"LOCK TABLE {AUDIT_TABLE} IN SHARE ROW EXCLUSIVE MODE"
            )
        except psycopg.Error as error:
            self.rollback(store)
            raise self.write_failure(error, store) or StorageError(str(error)) from error

    @contextmanager
    def nested(self, store: Store) -> Iterator[None]:
        """A part of the transaction that can fail alone (a savepoint); the outermost needs
        none, the transaction's own rollback undoes it."""
        if store._depth == 1:
            yield
            return
        name = f"tracker_{store._depth}"
        store.connection.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if not store.connection.raw.closed:
                store.connection.execute(f"ROLLBACK TO SAVEPOINT {name}")
            raise
        store.connection.execute(f"RELEASE SAVEPOINT {name}")

    def commit(self, store: Store) -> None:
        # The notice goes out with the commit, and only if it succeeds.
        store.connection.raw.execute(f"NOTIFY {CHANGES_CHANNEL}; COMMIT")

    def rollback(self, store: Store) -> None:
        connection = store.connection
        if connection.raw.closed:
            return
        if connection.in_transaction:
            connection.execute("ROLLBACK")

    def write_failure(self, error: BaseException, store: Store) -> StorageError | None:
        """The refusal a user is shown for an error the server gave a write; None for one that
        stays what it is (a broken rule of a trigger, a bug)."""
        if isinstance(error, pg_errors.UniqueViolation):
            return clash_refusal(error.diag.constraint_name or "")
        if isinstance(error, pg_errors.SerializationFailure | pg_errors.DeadlockDetected):
            return ConflictError(
                "another workstation changed these records at the same moment; nothing was "
                "saved here. The view is read again: look, then try again"
            )
        if isinstance(error, pg_errors.LockNotAvailable | pg_errors.QueryCanceled):
            return DatabaseBusyError(
                f"the server database {self.address.display} is busy with another "
                "workstation's change; try again in a moment"
            )
        if isinstance(error, psycopg.OperationalError):
            return ServerUnreachableError(
                f"the server database {self.address.display} cannot be reached "
                f"({_first_line(error)}); the change was not saved"
            )
        return None

    def insert_returning_id(self, store: Store, table: str, row: Mapping[str, Any]) -> int:
        columns = ", ".join(f"[{column}]" for column in row)
        holes = ", ".join("?" for _ in row)
        cursor = store.execute(
            f"INSERT INTO [{table}] ({columns}) VALUES ({holes}) RETURNING id", list(row.values())
        )
        return int(cursor.fetchone()[0])

    def upsert(self, store: Store, table: str, row: Mapping[str, Any], key: str) -> None:
        upsert_row(store, table, row, key)

    def insert_many(self, store: Store, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
        """Add rows as they are (ids included) by COPY, the server's bulk path; an id column
        then continues from the highest id. Returns how many were added."""
        if not rows:
            return 0
        columns = list(rows[0])
        names = ", ".join(f'"{column}"' for column in columns)
        with store.connection.raw.cursor() as cursor:
            with cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row([_copied(row.get(column)) for column in columns])
            if "id" in columns:
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                    f'GREATEST((SELECT MAX(id) FROM "{table}"), 1))'
                )
        return len(rows)

    def table_names(self, store: Store) -> list[str]:
        from tracker.storage.engines.postgres_schema import MIGRATIONS_TABLE, table_names

        present = {
            row[0]
            for row in store.execute(
                "SELECT table_name FROM information_schema.tables "
                "WHERE table_schema = current_schema()"
            )
        }
        return [name for name in [MIGRATIONS_TABLE, *table_names()] if name in present]

    def data_version(self, store: Store) -> int | None:
        """How many changes other workstations have announced (``CHANGES_CHANNEL``) since the
        database was opened; listening starts with the first call."""
        if self._listener is None:
            try:
                self._listener = connect(self.address).raw
                self._listener.execute(f"LISTEN {CHANGES_CHANNEL}")
            except (StorageError, psycopg.Error):
                self._listener = None
                return None
            return self._announced
        own = store.connection.raw.info.backend_pid
        try:
            notices = list(self._listener.notifies(timeout=0, stop_after=1000))
        except psycopg.Error:
            self.close()
            return None
        self._announced += sum(1 for notice in notices if notice.pid != own)
        return self._announced

    def handle(self, store: Store) -> Any:
        """What ``Store.db`` gives on a server (sqlite-utils' Database on a file)."""
        from tracker.storage.engines.postgres_handle import ServerHandle

        return ServerHandle(store)

    def reader(self) -> PostgresEngine:
        """An engine for a second store on another thread, sharing the reading connections."""
        return PostgresEngine(self.address, self._readers)

    def reader_connection(self) -> PostgresConnection:
        raw, release = self._readers.take(CONNECT_TIMEOUT_S)
        return PostgresConnection(raw, release)

    def close(self) -> None:
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        if self._owns_readers:
            self._readers.close()
