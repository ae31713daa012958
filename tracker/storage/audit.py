"""Audited writes: each change and its audit_log row are committed together or not at all.

Every operation goes through these helpers, so the audit log is a full history: who (the
signed-in account, with the signer and meaning of an electronic signature; the OS user and
staff initials), when (UTC), which row, and the row as JSON before and after.
"""

from __future__ import annotations

import getpass
import json
from datetime import UTC, datetime
from typing import Any

from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.roles import check_writer

AUDIT_TABLE = "audit_log"
PATIENTS_TABLE = "patients"
INSERT, UPDATE, ARCHIVE = "insert", "update", "archive"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # No login name (some containers and services); the audit row still needs a value.
        return "unknown"


def audit_json(row: dict[str, Any] | None) -> str | None:
    return None if row is None else json.dumps(row, sort_keys=True, ensure_ascii=False)


def write_audit(
    store: Store,
    *,
    table: str,
    row_id: int | None,
    patient_id: int | None,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Add one audit_log row; call inside the transaction of the change it describes."""
    check_writer(store)
    store.db[AUDIT_TABLE].insert(
        {
            "at": utc_now(),
            "os_user": os_user(),
            "staff": store.staff,
            # Who: the signed-in account, and the electronic signature the change carries.
            "account": store.account.name if store.account else None,
            "signer": store.signature.signer if store.signature else None,
            "meaning": store.signature.meaning if store.signature else None,
            "table_name": table,
            "row_id": row_id,
            "patient_id": patient_id,
            "action": action,
            "before_json": audit_json(before),
            "after_json": audit_json(after),
        }
    )


def fetch_row(store: Store, table: str, row_id: int) -> dict[str, Any] | None:
    rows = list(store.query(f"SELECT * FROM [{table}] WHERE id = ?", [row_id]))
    return rows[0] if rows else None


def insert_row(store: Store, table: str, values: dict[str, Any], *, patient_id: int | None) -> int:
    """Insert a clinical row with its bookkeeping columns and audit it; returns the new id."""
    stamp = utc_now()
    row = {**values, "archived": 0, "created_at": stamp, "updated_at": stamp}
    with store.transaction() as db:
        row_id = db[table].insert(row).last_pk
        after = fetch_row(store, table, row_id)
        write_audit(
            store,
            table=table,
            row_id=row_id,
            # A new patient's own audit row belongs to that patient.
            patient_id=row_id if table == PATIENTS_TABLE else patient_id,
            action=INSERT,
            before=None,
            after=after,
        )
    return row_id


def update_row(
    store: Store,
    table: str,
    row_id: int,
    changes: dict[str, Any],
    *,
    patient_id: int | None,
    action: str = UPDATE,
) -> bool:
    """Apply ``changes`` and audit them; returns False (writing nothing) if nothing differs."""
    with store.transaction() as db:
        before = fetch_row(store, table, row_id)
        if before is None:
            raise NotFoundError(f"there is no {table} row {row_id}")
        differing = {key: value for key, value in changes.items() if before.get(key) != value}
        if not differing:
            return False
        db[table].update(row_id, {**differing, "updated_at": utc_now()})
        write_audit(
            store,
            table=table,
            row_id=row_id,
            patient_id=patient_id,
            action=action,
            before=before,
            after=fetch_row(store, table, row_id),
        )
    return True


def archive_row(store: Store, table: str, row_id: int, *, patient_id: int | None) -> None:
    """Soft-delete: the row stays for history with archived = 1."""
    update_row(store, table, row_id, {"archived": 1}, patient_id=patient_id, action=ARCHIVE)
