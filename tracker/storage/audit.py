"""Audited writes: each change and its audit_log row are committed together or not at all.

Every operation goes through these helpers, so the audit log is a full history: who (the
signed-in account, with the signer and meaning of an electronic signature; the
operating-system account), when (UTC), which row, the row as JSON before and after, and why,
for a change to a record already saved. Each audit row is a link of a hash chain
(``audit_chain``), and each clinical row carries a version that every update raises by one,
so a save made from an outdated copy of a row is refused.
"""

from __future__ import annotations

import getpass
import json
import os
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from tracker.storage.audit_chain import AUDIT_TABLE, append_chained
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError, StaleRecordError
from tracker.storage.roles import check_signed_in, check_writer

PATIENTS_TABLE = "patients"
INSERT, UPDATE, ARCHIVE = "insert", "update", "archive"
RECORD_NAMES = {
    "patients": "the patient's record",
    "courses": "the treatment course",
    "cycles": "the cycle",
    "level_changes": "the dose level change",
    "interruptions": "the interruption",
    "dose_records": "the dose record",
    "labs": "the lab result",
    "adverse_events": "the adverse event",
    "responses": "the response assessment",
}


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def os_user() -> str:
    """The account the program runs as, by its user id.

    ``getpass.getuser`` believes LOGNAME and USER, which anyone can set to another name; the
    password database is asked by the process's real user id instead. Windows has neither,
    and its login name is the best there is.
    """
    try:
        import pwd
    except ImportError:
        try:
            return getpass.getuser()
        except (KeyError, OSError):
            return "unknown"
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        # An id with no account (some containers): the number is still who it was.
        return f"uid {uid}"


def audit_json(row: Mapping[str, Any] | None) -> str | None:
    return None if row is None else json.dumps(row, sort_keys=True, ensure_ascii=False)


def append_audit_rows(store: Store, rows: Iterable[Mapping[str, Any]]) -> int:
    """Add audit rows after the newest, each with its id and chained hash; call inside the
    transaction of the change they describe. Returns how many were added. On a database with
    accounts none is added without a signed-in account allowed to change data."""
    check_writer(store)
    return append_chained(store.connection, rows)


def audit_row(
    store: Store,
    *,
    table: str,
    row_id: int | None,
    patient_id: int | None,
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    reason: str | None = None,
    at: str | None = None,
) -> dict[str, Any]:
    """The columns of one audit row (all but id and hash)."""
    return {
        "at": at or utc_now(),
        "os_user": os_user(),
        "staff": store.staff,
        "table_name": table,
        "row_id": row_id,
        "patient_id": patient_id,
        "action": action,
        "before_json": audit_json(before),
        "after_json": audit_json(after),
        "reason": reason,
        # Who: the signed-in account, and the electronic signature the change carries.
        "account": store.account.name if store.account else None,
        "signer": store.signature.signer if store.signature else None,
        "meaning": store.signature.meaning if store.signature else None,
    }


def write_audit(
    store: Store,
    *,
    table: str,
    row_id: int | None,
    patient_id: int | None,
    action: str,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
    reason: str | None = None,
) -> None:
    """Add one audit_log row; call inside the transaction of the change it describes."""
    append_audit_rows(
        store,
        [
            audit_row(
                store,
                table=table,
                row_id=row_id,
                patient_id=patient_id,
                action=action,
                before=before,
                after=after,
                reason=reason,
            )
        ],
    )


def fetch_row(store: Store, table: str, row_id: int) -> dict[str, Any] | None:
    rows = list(store.query(f"SELECT * FROM [{table}] WHERE id = ?", [row_id]))
    return rows[0] if rows else None


def insert_row(store: Store, table: str, values: dict[str, Any], *, patient_id: int | None) -> int:
    """Insert a clinical row with its bookkeeping columns and audit it; returns the new id."""
    stamp = utc_now()
    row = {**values, "archived": 0, "created_at": stamp, "updated_at": stamp, "version": 1}
    with store.transaction():
        row_id = store.engine.insert_returning_id(store, table, row)
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
    reason: str | None = None,
    expected_version: int | None = None,
) -> bool:
    """Apply ``changes`` and audit them (with ``reason``); returns False (writing nothing) if
    nothing differs. With ``expected_version``, the version the caller read, a row changed
    since then is refused with StaleRecordError, saying who changed it and when."""
    with store.transaction():
        before = fetch_row(store, table, row_id)
        if before is None:
            raise NotFoundError(f"there is no {table} row {row_id}")
        if expected_version is not None and before["version"] != expected_version:
            raise StaleRecordError(stale_message(store, table, row_id))
        differing = {key: value for key, value in changes.items() if before.get(key) != value}
        if not differing:
            return False
        values = {**differing, "updated_at": utc_now(), "version": before["version"] + 1}
        assignments = ", ".join(f"[{column}] = ?" for column in values)
        store.execute(
            f"UPDATE [{table}] SET {assignments} WHERE id = ?", [*values.values(), row_id]
        )
        write_audit(
            store,
            table=table,
            row_id=row_id,
            patient_id=patient_id,
            action=action,
            before=before,
            after=fetch_row(store, table, row_id),
            reason=reason,
        )
    return True


def archive_row(
    store: Store,
    table: str,
    row_id: int,
    *,
    patient_id: int | None,
    reason: str | None = None,
    expected_version: int | None = None,
) -> None:
    """Soft-delete: the row stays for history with archived = 1."""
    update_row(
        store,
        table,
        row_id,
        {"archived": 1},
        patient_id=patient_id,
        action=ARCHIVE,
        reason=reason,
        expected_version=expected_version,
    )


def stale_message(store: Store, table: str, row_id: int) -> str:
    """Who last changed the row and when, from the audit log, as a refusal."""
    what = RECORD_NAMES.get(table, f"{table} row {row_id}")
    rows = list(
        store.query(
            f"SELECT * FROM {AUDIT_TABLE} WHERE table_name = ? AND row_id = ? "
            "ORDER BY id DESC LIMIT 1",
            [table, row_id],
        )
    )
    if not rows:
        return f"{what} was changed since it was read; nothing was saved"
    last = rows[0]
    who = last.get("account") or (
        last["os_user"] + (f" (staff {last['staff']})" if last["staff"] else "")
    )
    return (
        f"{what} was changed by {who} on {local_time(last['at'])} since it was read; "
        "nothing was saved"
    )


def local_time(stamp: str) -> str:
    """A UTC audit time as this computer's local date and time, to the minute."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    return moment.astimezone().strftime("%Y-%m-%d at %H:%M")


ACTIONS_TABLE = "actions"


def record_action(store: Store, action: str, detail: dict[str, Any]) -> None:
    """Record that the data left or replaced the file (an export, a backup, a restore, a
    printed sheet): one audit_log row of its own, in its own transaction.

    ``detail`` (what was written where) is kept as the row's "after" JSON.
    """
    # A viewer may print: what is recorded here changes no record, so signing in is enough.
    check_signed_in(store)
    with store.transaction():
        append_chained(
            store.connection,
            [
                audit_row(
                    store,
                    table=ACTIONS_TABLE,
                    row_id=None,
                    patient_id=None,
                    action=action,
                    before=None,
                    after=detail,
                )
            ],
        )
