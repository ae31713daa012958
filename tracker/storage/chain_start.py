"""Where the audit chain of an older file begins: what its tables hold then.

Rows written before the chain may have been changed without an audit row (a schema change
that filled a new column, say), and nothing can now tell. So when the chain starts, one audit
row per clinical table attests the rows as they are (``attestation``), and one records the
settings; from then on every difference is a finding.
"""

from __future__ import annotations

import sqlite3

from tracker.storage.attestation import ATTESTED_SETTINGS, attest
from tracker.storage.audit import audit_json, os_user, utc_now
from tracker.storage.audit_chain import append_chained
from tracker.storage.value_rules import CLINICAL_TABLES

UPGRADE_STAFF = "schema upgrade"
CHAIN_START_REASON = "what the file held when its audit chain began"


def attest_existing_rows(connection: sqlite3.Connection) -> int:
    """Append the attestation rows; returns how many (none for an empty file)."""
    stamp = utc_now()
    user = os_user()
    rows = []
    for table in CLINICAL_TABLES:
        after = attest(connection, table)
        if after is not None:
            rows.append(_row(stamp, user, table, after))
    settings = dict(connection.execute("SELECT key, value FROM settings").fetchall())
    if settings:
        rows.append(_row(stamp, user, "settings", {ATTESTED_SETTINGS: settings}))
    return append_chained(connection, rows)


def _row(stamp: str, user: str, table: str, after: dict) -> dict:
    return {
        "at": stamp,
        "os_user": user,
        "staff": UPGRADE_STAFF,
        "table_name": table,
        "row_id": None,
        "patient_id": None,
        "action": "attest",
        "before_json": None,
        "after_json": audit_json(after),
        "reason": CHAIN_START_REASON,
    }
