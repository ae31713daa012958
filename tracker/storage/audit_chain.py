"""The audit log as a hash chain: each row's ``hash`` is the SHA-256 of its own content and
the hash of the row before it (by id), so changing, removing or slipping in a row anywhere
breaks every link after it, and ``tracker verify`` names the first.

The content hashed is canonical JSON (sorted keys, no spaces, UTF-8) of the columns in
``HASHED_COLUMNS``, those of ``SIGNATURE_COLUMNS`` that hold a value (so rows written before
accounts existed keep their hashes), plus ``previous``; the first row chains from ``GENESIS``. The hash is not
keyed: it makes tampering evident, not impossible. Someone who can rewrite the file and knows
this scheme could rebuild the chain from the tampered row on; the chain's newest hash, which
``tracker verify`` prints, noted outside the file (in a logbook, say) shows that too.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

AUDIT_TABLE = "audit_log"
GENESIS = "0" * 64
HASHED_COLUMNS = (
    "id",
    "at",
    "os_user",
    "staff",
    "table_name",
    "row_id",
    "patient_id",
    "action",
    "before_json",
    "after_json",
    "reason",
)
# Who signed in, who signed and what the signature means: added with staff accounts.
SIGNATURE_COLUMNS = ("account", "signer", "meaning")
_SELECT_HASHED = ", ".join(HASHED_COLUMNS)

def _unwritable(value: Any) -> Any:
    # The program never writes a blob, NaN or infinity (the value rules refuse them), but a
    # damaged page can hold one: it is hashed all the same, so the check reports a mismatch
    # instead of stopping.
    if isinstance(value, bytes):
        return {"bytes": value.hex()}
    return repr(value)


_ENCODE = json.JSONEncoder(
    ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=True, default=_unwritable
).encode


def canonical_json(value: Any) -> str:
    """The one text a value is hashed as: sorted keys, no spaces, non-ASCII kept as is."""
    return _ENCODE(value)


def audit_hash(previous: str, row: Mapping[str, Any]) -> str:
    """The hash of the audit row ``row`` (its ``HASHED_COLUMNS``) following ``previous``."""
    content = {column: row.get(column) for column in HASHED_COLUMNS}
    for column in SIGNATURE_COLUMNS:
        if row.get(column) is not None:
            content[column] = row[column]
    content["previous"] = previous
    return hashlib.sha256(canonical_json(content).encode("utf-8")).hexdigest()


def chain_head(connection: sqlite3.Connection) -> tuple[int, str]:
    """(id, hash) of the newest audit row; (0, GENESIS) when there is none."""
    row = connection.execute(
        f"SELECT id, hash FROM {AUDIT_TABLE} ORDER BY id DESC LIMIT 1"
    ).fetchone()
    return (0, GENESIS) if row is None else (row[0], row[1] or "")


def _insert(columns: tuple[str, ...]) -> str:
    return (
        f"INSERT INTO {AUDIT_TABLE} ({', '.join(columns)}, hash) "
        f"VALUES ({', '.join('?' * (len(columns) + 1))})"
    )


def append_chained(connection: sqlite3.Connection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Add audit rows (their ``HASHED_COLUMNS`` but id) after the newest, each with its id
    and chained hash; call inside the transaction of the change they describe. Returns how
    many were added."""
    last_id, previous = chain_head(connection)
    by_columns: dict[tuple[str, ...], list[tuple[Any, ...]]] = {}
    added = 0
    for row in rows:
        last_id += 1
        full = {**row, "id": last_id}
        previous = audit_hash(previous, full)
        # A row written before the signature columns exist (a schema upgrade) names none.
        columns = HASHED_COLUMNS + tuple(c for c in SIGNATURE_COLUMNS if c in full)
        by_columns.setdefault(columns, []).append(
            (*(full.get(column) for column in columns), previous)
        )
        added += 1
    for columns, values in by_columns.items():
        connection.executemany(_insert(columns), values)
    return added


def chain_existing_rows(connection: sqlite3.Connection) -> int:
    """Give every audit row of an older file its hash, in id order; returns how many.

    Only for the schema change that starts the chain, before the triggers that refuse
    changes to the audit log exist.
    """
    previous = GENESIS
    hashes: list[tuple[str, int]] = []
    for row in _rows(connection, f"SELECT {_SELECT_HASHED} FROM {AUDIT_TABLE} ORDER BY id"):
        previous = audit_hash(previous, row)
        hashes.append((previous, row["id"]))
    connection.executemany(f"UPDATE {AUDIT_TABLE} SET hash = ? WHERE id = ?", hashes)
    return len(hashes)


@dataclass(frozen=True)
class BrokenLink:
    """The first audit row that does not follow from the one before it."""

    row_id: int
    previous_id: int | None
    stored: str | None

    def __str__(self) -> str:
        where = f"audit_log row {self.row_id}"
        if self.stored is None:
            return f"{where} has no hash: it was added outside the program"
        if self.previous_id is not None and self.row_id - self.previous_id > 1:
            first, last = self.previous_id + 1, self.row_id - 1
            missing = f"row {first} was" if first == last else f"rows {first}-{last} were"
            return f"{where} does not follow row {self.previous_id}: audit {missing} deleted"
        after = f" (after row {self.previous_id})" if self.previous_id is not None else ""
        return (
            f"{where}{after} does not match its hash: it, or the order of rows, was changed "
            "outside the program"
        )


@dataclass(frozen=True)
class ChainWalk:
    rows: int
    head: str
    broken: list[BrokenLink]  # the first ``limit_broken`` of them
    broken_count: int


def walk_chain(
    connection: sqlite3.Connection, *, after_id: int = 0, limit_broken: int = 20
) -> ChainWalk:
    """Recompute the chain from row ``after_id`` + 1 to the newest (from the first without
    ``after_id``), following the stored hash of row ``after_id``.

    Past a broken link the walk goes on from the stored hash, so one tampered row is one
    finding, not every row after it.
    """
    previous, previous_id = GENESIS, None
    if after_id:
        row = connection.execute(
            f"SELECT id, hash FROM {AUDIT_TABLE} WHERE id <= ? ORDER BY id DESC LIMIT 1",
            [after_id],
        ).fetchone()
        if row is not None:
            previous_id, previous = row[0], row[1] or ""
    broken: list[BrokenLink] = []
    count = broken_count = 0
    for row in _rows(
        connection,
        f"SELECT * FROM {AUDIT_TABLE} WHERE id > ? ORDER BY id",
        [after_id],
    ):
        count += 1
        stored = row["hash"]
        if stored != audit_hash(previous, row):
            broken_count += 1
            if len(broken) < limit_broken:
                broken.append(BrokenLink(row["id"], previous_id, stored))
        previous, previous_id = stored or "", row["id"]
    return ChainWalk(rows=count, head=previous, broken=broken, broken_count=broken_count)


def _rows(
    connection: sqlite3.Connection, sql: str, parameters: list[Any] | None = None
) -> Iterator[dict[str, Any]]:
    cursor = connection.execute(sql, parameters or [])
    names = [column[0] for column in cursor.description]
    for values in cursor:
        yield dict(zip(names, values, strict=True))
