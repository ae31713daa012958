"""A whole database copied between the embedded file and a server, either way: every row of
every table, ids kept, and the audit chain with its hashes as they were.

The target must hold no records (a new file, or a server database with none). The source is
read as of one moment, so other workstations may go on writing; the copy is one transaction on
the target; at the end the target is read back and checked: the same number of
rows in every table, the same content (a digest of each table's rows), and an audit chain that
walks unbroken to the source's newest hash. A copy that does not check out is rolled back and
refused, so the target is either a faithful copy or as it was.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.storage.audit_chain import AUDIT_TABLE, canonical_json, walk_chain
from tracker.storage.database import Store, open_read_only
from tracker.storage.engines import is_server_address
from tracker.storage.errors import StorageError

_BATCH = 5_000
# Tables without an id, and the column they are read in order of.
_KEYLESS = {"settings": "key"}
Progress = Callable[[str, int], None]


@dataclass
class CopySummary:
    source: str
    target: str
    rows: dict[str, int] = field(default_factory=dict)
    head: str = ""
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_database(
    source: str | Path, target: str | Path, *, progress: Progress | None = None
) -> CopySummary:
    """Copy the database at ``source`` into ``target`` (file path or server address).

    Raises StorageError (the target left as it was) for a source that cannot be read, a
    target that holds records, or a copy that does not check out.
    """
    if str(source) == str(target):
        raise StorageError("the source and the target are the same database")
    new_file = None if is_server_address(target) else Path(target)
    if new_file is not None and (new_file.exists() or new_file.is_symlink()):
        raise StorageError(
            f"{target} exists; a copy is written to a new file only (nothing was changed)"
        )
    try:
        return _copy(source, target, progress)
    except BaseException:
        # A new file that did not receive a whole, checked copy is not left looking like one.
        if new_file is not None:
            for side in ("", "-wal", "-shm", "-journal"):
                Path(f"{new_file}{side}").unlink(missing_ok=True)
        raise


def _copy(source: str | Path, target: str | Path, progress: Progress | None) -> CopySummary:
    started = time.perf_counter()
    with _open_source(source) as reader, _open_target(target) as writer:
        # The source is read as of one moment (a snapshot), whatever other workstations
        # write meanwhile: a downtime copy is made while the clinic works.
        reader.connection.execute("BEGIN")
        _refuse_filled(writer)
        summary = CopySummary(str(reader.path), str(writer.path))
        tables = [table for table in _tables(reader) if table in set(_tables(writer))]
        with writer.transaction():
            for table in tables:
                summary.rows[table] = 0
                for batch in _batches(reader, table):
                    try:
                        writer.engine.insert_many(writer, table, batch)
                    except writer.engine.errors as error:
                        # A row the target's rules refuse (a value an older file kept).
                        raise StorageError(
                            f"{writer.path} refused a row of {table} ({_first_line(error)}); "
                            "nothing was copied"
                        ) from error
                    summary.rows[table] += len(batch)
                    if progress is not None:
                        progress(table, summary.rows[table])
            _check_copy(reader, writer, tables, summary)
        reader.connection.execute("ROLLBACK")
        summary.seconds = time.perf_counter() - started
    return summary


def _first_line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _open_source(source: str | Path) -> Store:
    if is_server_address(source):
        from tracker.storage.server import open_server

        return open_server(str(source), read_only=True)
    return open_read_only(source)


def _open_target(target: str | Path) -> Store:
    from tracker.storage.server import open_store

    return open_store(target)


def _refuse_filled(store: Store) -> None:
    for table in ("patients", AUDIT_TABLE, "settings"):
        if store.execute(f"SELECT 1 FROM [{table}] LIMIT 1").fetchone() is not None:
            raise StorageError(
                f"{store.path} already holds records ({table}); a copy goes only into an "
                "empty database (nothing was changed)"
            )


def _tables(store: Store) -> list[str]:
    from tracker.storage.engines.postgres_schema import table_names

    present = set(store.engine.table_names(store))
    return [table for table in table_names() if table in present]


def _key(table: str) -> str:
    return _KEYLESS.get(table, "id")


def _batches(store: Store, table: str) -> Iterator[list[dict[str, Any]]]:
    """The rows of ``table`` in key order, a batch at a time (the id is the key)."""
    if table in _KEYLESS:
        rows = list(store.query(f"SELECT * FROM [{table}] ORDER BY [{_key(table)}]"))
        if rows:
            yield rows
        return
    last = None
    while True:
        after = "" if last is None else "WHERE id > ? "
        rows = list(
            store.query(
                f"SELECT * FROM [{table}] {after}ORDER BY id LIMIT {_BATCH}",
                [] if last is None else [last],
            )
        )
        if not rows:
            return
        yield rows
        last = rows[-1]["id"]


def table_digest(store: Store, table: str) -> tuple[int, str]:
    """(rows, SHA-256 of the rows in key order), the same for the same content on either
    engine (a float that is whole is hashed as the number it is)."""
    digest = hashlib.sha256()
    count = 0
    for batch in _batches(store, table):
        for row in batch:
            digest.update(canonical_json({name: _plain(value) for name, value in row.items()}).encode())
            count += 1
    return count, digest.hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value


def _check_copy(reader: Store, writer: Store, tables: list[str], summary: CopySummary) -> None:
    """Read the target back inside the copy's transaction; refuse (rolling back) a mismatch."""
    for table in tables:
        source_rows, source_digest = table_digest(reader, table)
        target_rows, target_digest = table_digest(writer, table)
        if source_rows != target_rows:
            raise StorageError(
                f"the copy of {table} holds {target_rows:,} rows, not {source_rows:,}; "
                "nothing was copied"
            )
        if source_digest != target_digest:
            raise StorageError(f"the copy of {table} differs from its source; nothing was copied")
    source_walk = walk_chain(reader.connection)
    walk = walk_chain(writer.connection)
    if (walk.rows, walk.head, walk.broken_count) != (
        source_walk.rows,
        source_walk.head,
        source_walk.broken_count,
    ):
        raise StorageError(
            "the copied audit trail does not chain to the source's newest hash; nothing was "
            "copied"
        )
    summary.head = walk.head
