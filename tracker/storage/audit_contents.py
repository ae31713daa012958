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
from collections.abc import Callable, Iterator, Sequence
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


def _json(text: str | None) -> Any:
    """The JSON an audit row keeps; None for none, or for text a damaged page left unreadable
    (the audit chain reports that row as changed)."""
    if not text:
        return None
    try:
        return json.loads(text)
    except (ValueError, TypeError):
        return None


def _parse_attestation(audit_id: int, after_json: str | None) -> Attestation | None:
    try:
        return Attestation.from_after(audit_id, json.loads(after_json or "null") or {})
    except (ValueError, KeyError, TypeError):
        return None


Audit = tuple[int, str | None, str | None]


def check_table(connection: sqlite3.Connection, table: str, check: ContentCheck) -> None:
    """Compare every row of the clinical ``table`` with the audit trail: the attested ranges
    chunk by chunk, then the rows outside them one by one."""
    columns = table_columns(connection, table)
    defaults = column_defaults(connection, table)
    governing = _attestations(connection, table)
    for attestation, at in governing:
        for index in range(attestation.chunk_of(attestation.last_id) + 1):
            _check_chunk(connection, table, columns, defaults, attestation, at, index, check)
    outside = " AND ".join(
        f"NOT ({{column}} BETWEEN {attestation.first_id} AND {attestation.last_id})"
        for attestation, _ in governing
    )
    for row_id, row, audits in _merged(connection, table, columns, outside):
        if row is not None:
            check.rows += 1
        if audits:
            _compare_latest(table, row_id, row, audits[-1], columns, defaults, check)
        elif row is not None:
            check.add(
                table,
                row_id,
                f"{table} row {row_id} has no audit row: it was added outside the program",
            )


def _check_chunk(
    connection: sqlite3.Connection,
    table: str,
    columns: Sequence[str],
    defaults: dict[str, Any],
    attestation: Attestation,
    at: str,
    index: int,
    check: ContentCheck,
) -> None:
    """One chunk of attested rows: its digest recomputed from the rows as they are, each
    row changed since through the program taken as it was before its first audited change,
    and that row compared with its latest audit row."""
    low, high = attestation.chunk_range(index)
    same = list(columns) == list(attestation.columns)
    rows = connection.execute(
        f"SELECT * FROM [{table}] WHERE id BETWEEN ? AND ? ORDER BY id", [low, high]
    ).fetchall()
    check.rows += len(rows)
    audits = connection.execute(
        f"SELECT row_id, id, before_json, after_json FROM {AUDIT_TABLE} "
        "WHERE table_name = ? AND row_id BETWEEN ? AND ? AND id > ? ORDER BY row_id, id",
        [table, low, high, attestation.audit_id],
    ).fetchall()
    at_id = columns.index("id")
    arrange = _arranger(columns, attestation.columns)
    if not audits:
        attested: list[Sequence[Any]] = rows if same else [arrange(row) for row in rows]
    else:
        by_id = {row[at_id]: row for row in rows}
        later = {
            row_id: [audit[1:] for audit in group]
            for row_id, group in groupby(audits, key=lambda audit: audit[0])
        }
        attested = []
        for row_id in sorted(set(by_id) | set(later)):
            row = by_id.get(row_id)
            if row_id in later:
                before_json = later[row_id][0][1]
                before = _json(before_json)
                if isinstance(before, dict):
                    attested.append([before.get(column) for column in attestation.columns])
                _compare_latest(table, row_id, row, later[row_id][-1], columns, defaults, check)
            elif row is not None:
                attested.append(arrange(row))
    digests = attestation.digests
    if chunk_digest(attested) != (digests[index] if index < len(digests) else None):
        check.add(
            table,
            low,
            f"{table} rows {low}-{high} differ from what audit row {attestation.audit_id} "
            f"recorded of them on {at[:10]}: a row among them was changed, added or removed "
            "outside the program",
        )


def _arranger(
    columns: Sequence[str], attested: Sequence[str]
) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """A current row's values in the attested column order."""
    if list(columns) == list(attested):
        return lambda row: row
    order = [columns.index(name) if name in columns else None for name in attested]
    return lambda row: [None if at is None else row[at] for at in order]


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
    recorded = _json(after_json) if after_json else {}
    if not isinstance(recorded, dict):
        check.add(
            table,
            row_id,
            f"audit row {audit_id}, the latest of {table} row {row_id}, cannot be read: it was "
            "changed outside the program",
        )
        return
    found = differences(dict(zip(columns, row, strict=True)), recorded, defaults)
    if found:
        shown = "; ".join(found[:_SHOWN_DIFFERENCES]) + ("; …" if len(found) > _SHOWN_DIFFERENCES else "")
        check.add(
            table,
            row_id,
            f"{table} row {row_id} differs from its latest audit row {audit_id} ({shown}): "
            "it was changed outside the program",
        )


def _merged(
    connection: sqlite3.Connection, table: str, columns: Sequence[str], where: str = ""
) -> Iterator[tuple[int, Sequence[Any] | None, list[Audit]]]:
    """(row id, the row or None, its audit rows in order) for every id that has either;
    ``where`` (with ``{column}`` for the id) narrows both."""
    at = columns.index("id")
    names = ", ".join(f"[{column}]" for column in columns)
    rows_where = f"WHERE {where.format(column='id')}" if where else ""
    audits_where = f"AND {where.format(column='row_id')}" if where else ""
    rows = _stream(connection.execute(f"SELECT {names} FROM [{table}] {rows_where} ORDER BY id"))
    audit_cursor = connection.execute(
        f"SELECT row_id, id, before_json, after_json FROM {AUDIT_TABLE} "
        f"WHERE table_name = ? AND row_id IS NOT NULL {audits_where} ORDER BY row_id, id",
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
        after = _json(after_json)
        if isinstance(after, dict) and ATTESTED_SETTINGS in after:
            expected = {key: (value, audit_id) for key, value in after[ATTESTED_SETTINGS].items()}
        elif isinstance(after, dict) and "key" in after:
            expected[after["key"]] = (after.get("value"), audit_id)
        elif isinstance(before := _json(before_json), dict):
            expected.pop(before.get("key"), None)
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
    attested: dict[str, list[Attestation]] = {}
    defaults: dict[str, dict[str, Any]] = {}
    for table, row_id in described:
        if table not in tables:
            continue
        if table not in attested:
            attested[table] = [attestation for attestation, _ in _attestations(connection, table)]
            defaults[table] = column_defaults(connection, table)
        latest = connection.execute(
            f"SELECT id, before_json, after_json FROM {AUDIT_TABLE} WHERE table_name = ? "
            "AND row_id = ? ORDER BY id DESC LIMIT 1",
            [table, row_id],
        ).fetchone()
        if any(
            attestation.first_id <= row_id <= attestation.last_id
            and attestation.audit_id > latest[0]
            for attestation in attested[table]
        ):
            # Attested since (the rows an older file held when its chain began): the whole
            # check compares it, with its chunk.
            continue
        cursor = connection.execute(f"SELECT * FROM [{table}] WHERE id = ?", [row_id])
        columns = [column[0] for column in cursor.description]
        row = cursor.fetchone()
        if row is not None:
            check.rows += 1
        _compare_latest(table, row_id, row, latest, columns, defaults[table], check)
