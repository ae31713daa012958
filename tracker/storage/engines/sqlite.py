"""The embedded file's engine: SQLite through the standard library, sqlite-utils for schema
work and nested transactions. Statements are written in SQLite's dialect, so nothing is
translated here."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from tracker.storage.connections import (
    all_errors,
    integrity_errors,
    operational_errors,
    programming_errors,
)
from tracker.storage.engines import clash_refusal, upsert_row
from tracker.storage.errors import DatabaseBusyError, StorageError
from tracker.storage.failures import sqlite_write_failure

if TYPE_CHECKING:
    from tracker.storage.database import Store

MIGRATIONS_TABLE = "_sqlite_migrations"


class SqliteEngine:
    """What the embedded file does its own way (see ``engines.postgres`` for the server)."""

    name = "sqlite"
    migrations_table = MIGRATIONS_TABLE

    @property
    def errors(self) -> tuple[type[Exception], ...]:
        """SQLite's errors, and SQLCipher's once an encrypted file has been opened."""
        return all_errors()

    @property
    def binding_errors(self) -> tuple[type[Exception], ...]:
        return programming_errors()

    def version(self, store: Store) -> str:
        return "SQLite " + sqlite3.sqlite_version

    def begin(self, store: Store) -> None:
        # IMMEDIATE takes the write lock up front, so a second writer waits out the busy
        # timeout instead of failing when its read turns into a write.
        try:
            store.connection.execute("BEGIN IMMEDIATE")
        except operational_errors() as error:
            failure = sqlite_write_failure(error, store.path)
            if failure is not None:
                raise failure from error
            raise DatabaseBusyError(
                f"the database {store.path} is busy in another program ({error}); "
                "try again in a moment"
            ) from error

    @contextmanager
    def nested(self, store: Store) -> Iterator[None]:
        """A part of the transaction that can fail alone (a savepoint)."""
        with store.db.atomic():
            yield

    def commit(self, store: Store) -> None:
        store.connection.execute("COMMIT")

    def rollback(self, store: Store) -> None:
        if store.connection.in_transaction:
            store.connection.execute("ROLLBACK")

    def write_failure(self, error: BaseException, store: Store) -> StorageError | None:
        """A full disk or a read-only file, said as such rather than as a raw SQLite error;
        a unique index that refused a row another program saved first, as a clash."""
        if isinstance(error, integrity_errors()) and "UNIQUE constraint" in str(error):
            return clash_refusal(str(error))
        if isinstance(error, operational_errors()):
            return sqlite_write_failure(error, store.path)
        return None

    def insert_returning_id(self, store: Store, table: str, row: Mapping[str, Any]) -> int:
        columns = ", ".join(f"[{column}]" for column in row)
        holes = ", ".join("?" for _ in row)
        cursor = store.execute(f"INSERT INTO [{table}] ({columns}) VALUES ({holes})", list(row.values()))
        return int(cursor.lastrowid or 0)

    def upsert(self, store: Store, table: str, row: Mapping[str, Any], key: str) -> None:
        upsert_row(store, table, row, key)

    def insert_many(self, store: Store, table: str, rows: Sequence[Mapping[str, Any]]) -> int:
        """Add rows as they are (ids included); returns how many were added."""
        if not rows:
            return 0
        columns = list(rows[0])
        names = ", ".join(f"[{column}]" for column in columns)
        holes = ", ".join("?" for _ in columns)
        store.connection.executemany(
            f"INSERT INTO [{table}] ({names}) VALUES ({holes})",
            [[row.get(column) for column in columns] for row in rows],
        )
        return len(rows)

    def table_names(self, store: Store) -> list[str]:
        return [
            row[0]
            for row in store.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY rowid"
            )
        ]

    def data_version(self, store: Store) -> int | None:
        """SQLite's own count, which moves only when another connection commits."""
        try:
            return store.connection.execute("PRAGMA data_version").fetchone()[0]
        except all_errors():
            # A damaged or vanished file: the reads report it; there is nothing to watch.
            return None

    def reader(self) -> SqliteEngine:
        return self
