"""Audit rows that vouch for many clinical rows at once: the digests of their contents.

A demo cohort writes millions of rows and an older file arrives with rows written before the
audit chain began; one audit row per row would double the file. Instead one audit row per
table ``attests`` a range of row ids: the SHA-256 of each chunk of ``CHUNK_ROWS`` ids (the
canonical JSON of the rows' values in ``columns`` order). ``tracker verify`` recomputes each
digest from what the rows hold now, taking a row changed since through the program as it was
before its first audited change; a chunk whose digest differs held a row changed, added or
removed outside the program.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tracker.storage.audit_chain import canonical_json

CHUNK_ROWS = 1000
ATTESTED = "attested"
ATTESTED_SETTINGS = "attested_settings"
_FETCH = 5000


def table_columns(connection: sqlite3.Connection, table: str) -> tuple[str, ...]:
    return tuple(row[1] for row in connection.execute(f"PRAGMA table_info([{table}])"))


def chunk_digest(rows: Sequence[Sequence[Any]]) -> str:
    """SHA-256 of the rows' canonical JSON: a list of lists (tuples are written as lists)."""
    return hashlib.sha256(canonical_json(list(rows)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Attestation:
    """What one audit row vouches for: rows ``first_id``..``last_id`` of a table."""

    audit_id: int
    columns: tuple[str, ...]
    first_id: int
    last_id: int
    chunk_rows: int
    digests: tuple[str, ...]

    @classmethod
    def from_after(cls, audit_id: int, after: Mapping[str, Any]) -> Attestation | None:
        """The attestation an audit row's ``after`` carries, if it carries one."""
        body = after.get(ATTESTED)
        if not isinstance(body, dict):
            return None
        return cls(
            audit_id=audit_id,
            columns=tuple(body["columns"]),
            first_id=int(body["first_id"]),
            last_id=int(body["last_id"]),
            chunk_rows=int(body["chunk_rows"]),
            digests=tuple(body["digests"]),
        )

    def chunk_of(self, row_id: int) -> int:
        return (row_id - self.first_id) // self.chunk_rows

    def chunk_range(self, index: int) -> tuple[int, int]:
        low = self.first_id + index * self.chunk_rows
        return low, min(low + self.chunk_rows - 1, self.last_id)

    def overlaps(self, other: Attestation) -> bool:
        return self.first_id <= other.last_id and other.first_id <= self.last_id


def attest(
    connection: sqlite3.Connection,
    table: str,
    first_id: int | None = None,
    last_id: int | None = None,
) -> dict[str, Any] | None:
    """The attestation of ``table``'s rows ``first_id``..``last_id`` (default: all of them)
    as they are now, for an audit row's ``after``; None when there are no rows."""
    low, high = connection.execute(f"SELECT MIN(id), MAX(id) FROM [{table}]").fetchone()
    first_id = low if first_id is None else first_id
    last_id = high if last_id is None else last_id
    if first_id is None or last_id is None or first_id > last_id:
        return None
    columns = table_columns(connection, table)
    digests = [
        chunk_digest(rows) for _, rows in _chunks(connection, table, columns, first_id, last_id)
    ]
    return {
        ATTESTED: {
            "columns": list(columns),
            "first_id": first_id,
            "last_id": last_id,
            "chunk_rows": CHUNK_ROWS,
            "digests": digests,
        }
    }


def _chunks(
    connection: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    first_id: int,
    last_id: int,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[tuple[int, list[tuple[Any, ...]]]]:
    """(chunk index, its rows in id order) for every chunk of the range, empty ones too."""
    at = columns.index("id")
    names = ", ".join(f"[{column}]" for column in columns)
    cursor = connection.execute(
        f"SELECT {names} FROM [{table}] WHERE id BETWEEN ? AND ? ORDER BY id", [first_id, last_id]
    )
    current: list[tuple[Any, ...]] = []
    index = 0
    while batch := cursor.fetchmany(_FETCH):
        for row in batch:
            chunk = (row[at] - first_id) // chunk_rows
            while chunk > index:
                yield index, current
                current, index = [], index + 1
            current.append(row)
    last = (last_id - first_id) // chunk_rows
    while index <= last:
        yield index, current
        current, index = [], index + 1
