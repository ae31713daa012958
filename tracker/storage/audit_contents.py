"""Do the clinical tables hold what the audit trail says they hold?

How a write made without its audit row is caught: by comparison, not by counting. Each row
must equal the ``after`` of its latest audit row, or, for rows vouched for in bulk (a demo
cohort, the rows an older file held when the chain began), belong to a chunk whose digest
still matches (``attestation``). Counting triggers were the other way: they would say that
some write went unaudited, not which row; they vanish with a ``DROP TRIGGER``, and writes made
while they were gone would then pass. Comparing catches an UPDATE, INSERT or DELETE made from
any SQLite client, with or without the triggers, names the row and the columns that differ,
and needs nothing in the file but the audit log itself. Its cost is reading every row, which
is why the application compares only the rows of the newest audit rows at start
(``check_recent``) and everything on demand.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from itertools import groupby
from typing import Any

from tracker.storage.attestation import (
    ATTESTED_SETTINGS,
    Attestation,
    chunk_digest,
    table_columns,
)
from tracker.storage.audit_chain import AUDIT_TABLE

SETTINGS_TABLE = "settings"
_SHOWN_DIFFERENCES = 3
_FETCH = 5000


@dataclass(frozen=True)
class RecordFinding:
    """A clinical row (or chunk of rows) that differs from what the audit trail says."""

    table: str
    row_id: int | str | None
    text: str

    def __str__(self) -> str:
        return self.text


@dataclass
class ContentCheck:
    rows: int = 0
    findings: list[RecordFinding] = field(default_factory=list)
    count: int = 0
    limit: int = 20

    def add(self, table: str, row_id: int | str | None, text: str) -> None:
        self.count += 1
        if len(self.findings) < self.limit:
            self.findings.append(RecordFinding(table, row_id, text))


def column_defaults(connection: sqlite3.Connection, table: str) -> dict[str, Any]:
    """Each column's declared default as a value (None where there is none)."""
    return {row[1]: _literal(row[4]) for row in connection.execute(f"PRAGMA table_info([{table}])")}


def _literal(text: str | None) -> Any:
    if text is None or text.upper() == "NULL":
        return None
    if len(text) >= 2 and text[0] == text[-1] == "'":
        return text[1:-1].replace("''", "'")
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def differences(
    current: dict[str, Any], recorded: dict[str, Any], defaults: dict[str, Any]
) -> list[str]:
    """``column: stored X, audited Y`` for each column that differs; a column the audit row
    does not name (one added by a later schema change) must hold its default."""
    found = []
    for column, value in current.items():
        expected = recorded[column] if column in recorded else defaults.get(column)
        if value != expected:
            found.append(f"{column}: stored {value!r}, audited {expected!r}")
    return found


def _attestations(connection: sqlite3.Connection, table: str) -> list[tuple[Attestation, str]]:
    """The attestations that govern ``table``: a later one overlapping an earlier one (the
    rows an older file held, attested again when its chain began) supersedes it."""
    found: list[tuple[Attestation, str]] = []
    for audit_id, at, after_json in connection.execute(
        f"SELECT id, at, after_json FROM {AUDIT_TABLE} WHERE table_name = ? AND row_id IS NULL "
        "AND after_json LIKE '%\"attested\"%' ORDER BY id",
        [table],
    ):
        attestation = _parse_attestation(audit_id, after_json)
        if attestation is not None:
            found = [(old, when) for old, when in found if not old.overlaps(attestation)]
            found.append((attestation, at))
    return sorted(found, key=lambda pair: pair[0].first_id)


def _parse_attestation(audit_id: int, after_json: str | None) -> Attestation | None:
    try:
        return Attestation.from_after(audit_id, json.loads(after_json or "null") or {})
    except (ValueError, KeyError, TypeError):
        return None


class _ChunkCheck:
    """Feeds one attestation's rows, in id order, and compares each chunk's digest."""

    def __init__(self, attestation: Attestation, at: str, table: str, columns: Sequence[str]):
        self.attestation = attestation
        self.at = at
        self.table = table
        self.index = 0
        self.rows: list[Sequence[Any]] = []
        order = [columns.index(name) if name in columns else None for name in attestation.columns]
        self._same = list(columns) == list(attestation.columns)
        self._order = order

    def arrange(self, row: Sequence[Any]) -> Sequence[Any]:
        """A current row's values in the attested column order."""
        if self._same:
            return row
        return [None if at is None else row[at] for at in self._order]

    def feed(self, row_id: int, attested: Sequence[Any] | None, check: ContentCheck) -> None:
        chunk = self.attestation.chunk_of(row_id)
        while chunk > self.index:
            self.close_chunk(check)
        if attested is not None:
            self.rows.append(attested)

    def close_chunk(self, check: ContentCheck) -> None:
        attestation = self.attestation
        digests = attestation.digests
        stored = digests[self.index] if self.index < len(digests) else None
        if chunk_digest(self.rows) != stored:
            low, high = attestation.chunk_range(self.index)
            check.add(
                self.table,
                low,
                f"{self.table} rows {low}-{high} differ from what audit row "
                f"{attestation.audit_id} recorded of them on {self.at[:10]}: a row among them "
                "was changed, added or removed outside the program",
            )
        self.rows, self.index = [], self.index + 1

    def finish(self, check: ContentCheck) -> None:
        last = self.attestation.chunk_of(self.attestation.last_id)
        while self.index <= last:
            self.close_chunk(check)


def check_table(connection: sqlite3.Connection, table: str, check: ContentCheck) -> None:
    """Compare every row of the clinical ``table`` with the audit trail."""
    columns = table_columns(connection, table)
    defaults = column_defaults(connection, table)
    governing = [
        _ChunkCheck(attestation, at, table, columns)
        for attestation, at in _attestations(connection, table)
    ]
    position = 0
    for row_id, row, audits in _merged(connection, table, columns):
        while position < len(governing) and governing[position].attestation.last_id < row_id:
            governing[position].finish(check)
            position += 1
        chunks = governing[position] if position < len(governing) else None
        if chunks is not None and chunks.attestation.first_id > row_id:
            chunks = None
        if row is not None:
            check.rows += 1
        since = chunks.attestation.audit_id if chunks is not None else 0
        later = [audit for audit in audits if audit[0] > since]
        if chunks is not None:
            if later:
                before = json.loads(later[0][1]) if later[0][1] else None
                attested = None if before is None else [before.get(c) for c in chunks.attestation.columns]
            else:
                attested = None if row is None else chunks.arrange(row)
            chunks.feed(row_id, attested, check)
        if later:
            _compare_latest(table, row_id, row, later[-1], columns, defaults, check)
        elif chunks is None and row is not None:
            check.add(table, row_id, f"{table} row {row_id} has no audit row: it was added outside the program")
    for chunks in governing[position:]:
        chunks.finish(check)


def _compare_latest(
    table: str,
    row_id: int,
    row: Sequence[Any] | None,
    latest: tuple[int, str | None, str | None],
    columns: Sequence[str],
    defaults: dict[str, Any],
    check: ContentCheck,
) -> None:
    audit_id, _, after_json = latest
    if row is None:
        check.add(
            table,
            row_id,
            f"{table} row {row_id} is gone: audit row {audit_id} records it, and it was "
            "deleted outside the program",
        )
        return
    recorded = json.loads(after_json) if after_json else {}
    found = differences(dict(zip(columns, row, strict=True)), recorded, defaults)
    if found:
        shown = "; ".join(found[:_SHOWN_DIFFERENCES]) + ("; …" if len(found) > _SHOWN_DIFFERENCES else "")
        check.add(
            table,
            row_id,
            f"{table} row {row_id} differs from its latest audit row {audit_id} ({shown}): "
            "it was changed outside the program",
        )


Audit = tuple[int, str | None, str | None]


def _merged(
    connection: sqlite3.Connection, table: str, columns: Sequence[str]
) -> Iterator[tuple[int, Sequence[Any] | None, list[Audit]]]:
    """(row id, the row or None, its audit rows in order) for every id that has either."""
    at = columns.index("id")
    names = ", ".join(f"[{column}]" for column in columns)
    rows = _stream(connection.execute(f"SELECT {names} FROM [{table}] ORDER BY id"))
    audit_cursor = connection.execute(
        f"SELECT row_id, id, before_json, after_json FROM {AUDIT_TABLE} "
        "WHERE table_name = ? AND row_id IS NOT NULL ORDER BY row_id, id",
        [table],
    )
    groups = (
        (row_id, [audit[1:] for audit in group])
        for row_id, group in groupby(_stream(audit_cursor), key=lambda audit: audit[0])
    )
    row = next(rows, None)
    group = next(groups, None)
    while row is not None or group is not None:
        row_key = row[at] if row is not None else None
        group_key = group[0] if group is not None else None
        if group_key is None or (row_key is not None and row_key < group_key):
            yield row_key, row, []
            row = next(rows, None)
        elif row_key is None or group_key < row_key:
            yield group_key, None, group[1]
            group = next(groups, None)
        else:
            yield row_key, row, group[1]
            row, group = next(rows, None), next(groups, None)


def _stream(cursor: sqlite3.Cursor) -> Iterator[tuple[Any, ...]]:
    while batch := cursor.fetchmany(_FETCH):
        yield from batch


def check_settings(connection: sqlite3.Connection, check: ContentCheck) -> None:
    """The settings table against its audit rows (keyed by setting name, not by id)."""
    expected: dict[str, tuple[Any, int]] = {}
    for audit_id, before_json, after_json in connection.execute(
        f"SELECT id, before_json, after_json FROM {AUDIT_TABLE} WHERE table_name = ? "
        "ORDER BY id",
        [SETTINGS_TABLE],
    ):
        after = json.loads(after_json) if after_json else None
        if isinstance(after, dict) and ATTESTED_SETTINGS in after:
            expected = {key: (value, audit_id) for key, value in after[ATTESTED_SETTINGS].items()}
        elif isinstance(after, dict) and "key" in after:
            expected[after["key"]] = (after.get("value"), audit_id)
        elif before_json:
            expected.pop(json.loads(before_json).get("key"), None)
    current = dict(connection.execute(f"SELECT key, value FROM {SETTINGS_TABLE}").fetchall())
    check.rows += len(current)
    for key in sorted(set(current) | set(expected)):
        if key not in expected:
            check.add(SETTINGS_TABLE, key, f"setting {key!r} has no audit row: it was added outside the program")
        elif key not in current:
            check.add(SETTINGS_TABLE, key, f"setting {key!r} is gone: audit row {expected[key][1]} records it")
        elif current[key] != expected[key][0]:
            check.add(
                SETTINGS_TABLE,
                key,
                f"setting {key!r} is {current[key]!r}, its latest audit row {expected[key][1]} "
                f"says {expected[key][0]!r}: it was changed outside the program",
            )


def check_recent(
    connection: sqlite3.Connection, first_audit_id: int, tables: Sequence[str], check: ContentCheck
) -> None:
    """Compare the rows that audit rows ``first_audit_id`` on describe with their latest
    audit row: the start-up check, a few milliseconds whatever the file's size."""
    described = connection.execute(
        f"SELECT DISTINCT table_name, row_id FROM {AUDIT_TABLE} WHERE id >= ? "
        "AND row_id IS NOT NULL",
        [first_audit_id],
    ).fetchall()
    for table, row_id in described:
        if table not in tables:
            continue
        latest = connection.execute(
            f"SELECT id, before_json, after_json FROM {AUDIT_TABLE} WHERE table_name = ? "
            "AND row_id = ? ORDER BY id DESC LIMIT 1",
            [table, row_id],
        ).fetchone()
        cursor = connection.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
        columns = [column[0] for column in cursor.description]
        row = cursor.fetchone()
        if row is not None:
            check.rows += 1
        _compare_latest(
            table, row_id, row, latest, columns, column_defaults(connection, table), check
        )
