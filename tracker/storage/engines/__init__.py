"""What differs between the two database engines, one module each: ``sqlite`` (the embedded
file, the default for one workstation) and ``postgres`` (one server database for several).

Operations, queries, the audit log and validation are written once, in SQLite's dialect; the
server's adapter translates each statement (``postgres_sql``) and supplies what has no common
form: connecting, inserting with a returned id, upserts, the migrations table, locking and the
change notifications other workstations listen for.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any, Protocol

from tracker.storage.errors import ConflictError, StorageError

if TYPE_CHECKING:
    from tracker.storage.database import Store

SERVER_SCHEMES = ("postgresql://", "postgres://")


class Engine(Protocol):
    """What a Store asks of its engine (``engines.sqlite.SqliteEngine``,
    ``engines.postgres.PostgresEngine``)."""

    name: str
    errors: tuple[type[Exception], ...]
    binding_errors: tuple[type[Exception], ...]

    def version(self, store: Store) -> str: ...
    def begin(self, store: Store) -> None: ...
    def nested(self, store: Store) -> AbstractContextManager[None]: ...
    def commit(self, store: Store) -> None: ...
    def rollback(self, store: Store) -> None: ...
    def write_failure(self, error: BaseException, store: Store) -> StorageError | None: ...
    def insert_returning_id(self, store: Store, table: str, row: Mapping[str, Any]) -> int: ...
    def insert_many(self, store: Store, table: str, rows: Sequence[Mapping[str, Any]]) -> int: ...
    def upsert(self, store: Store, table: str, row: Mapping[str, Any], key: str) -> None: ...
    def table_names(self, store: Store) -> list[str]: ...
    def data_version(self, store: Store) -> int | None: ...
    def reader(self) -> Engine: ...


def is_server_address(target: object) -> bool:
    """True for a ``postgresql://`` address (a server database), False for a file path."""
    return isinstance(target, str) and target.lower().startswith(SERVER_SCHEMES)


# What names a unique index in a refusal to the program that lost a race (the operations check
# first, so only a change saved elsewhere between the check and the write meets the index).
CLASHES = {
    "mrn": "a patient with this MRN was saved on another workstation at the same moment",
    "cycles": "this cycle was started on another workstation at the same moment",
}


def clash_refusal(constraint: str) -> ConflictError:
    lowered = constraint.lower()
    clash = next((text for key, text in CLASHES.items() if key in lowered), None)
    # Not made again by itself: the user asked for this record, and it now exists.
    return ConflictError(
        (clash or f"the same record was saved on another workstation ({constraint})")
        + "; nothing was saved here. The view is read again: look, then try again",
        retryable=False,
    )


def upsert_row(store: Store, table: str, row: Mapping[str, Any], key: str) -> None:
    """Insert ``row`` into ``table``, or update the row with the same ``key``: one statement,
    in the dialect both engines take (the server's adapter translates the quoting)."""
    columns = ", ".join(f"[{column}]" for column in row)
    holes = ", ".join("?" for _ in row)
    updates = ", ".join(f"[{column}] = excluded.[{column}]" for column in row if column != key)
    store.execute(
        f"INSERT INTO [{table}] ({columns}) VALUES ({holes}) "
        f"ON CONFLICT ([{key}]) DO UPDATE SET {updates}",
        list(row.values()),
    )
