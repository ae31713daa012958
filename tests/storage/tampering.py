"""Writing to a tracker database as any other SQLite client can: the way tampering (or a
well-meant fix from the sqlite3 shell) reaches the file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from tracker.storage.database import Store


def raw(path: Path, *statements: str) -> None:
    """Run ``statements`` in one transaction on a connection of their own."""
    connection = sqlite3.connect(path)
    try:
        with connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        connection.close()


def refused(path: Path, statement: str) -> str:
    """The message SQLite gives for a refused ``statement`` ('' if it was not refused)."""
    try:
        raw(path, statement)
    except sqlite3.DatabaseError as error:
        return str(error)
    return ""


def without_guards(*tables: str) -> list[str]:
    """Statements dropping every guard trigger of ``tables``."""
    kinds = ("version_steps", "values_on_insert", "values_on_update")
    drops = [f"DROP TRIGGER IF EXISTS {table}_{kind}" for table in tables for kind in kinds]
    if "audit_log" in tables:
        drops += [
            f"DROP TRIGGER IF EXISTS audit_log_{kind}"
            for kind in ("refuses_update", "refuses_delete", "needs_hash")
        ]
    return drops


def last_audit_id(store: Store) -> int:
    return store.connection.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
