"""Writing to a tracker database as any other client can: the way tampering (or a well-meant
fix from the sqlite3 shell or psql) reaches the file or the server database."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import psycopg

from tracker.storage.database import Store
from tracker.storage.engines import is_server_address
from tracker.storage.engines.postgres_sql import to_postgres
from tracker.storage.value_rules import CLINICAL_TABLES

_DROP_TRIGGER = re.compile(r"DROP TRIGGER IF EXISTS (\w+)$")


def raw(path: Path | str, *statements: str) -> None:
    """Run ``statements`` in one transaction on a connection of their own."""
    if is_server_address(path):
        with psycopg.connect(str(path)) as connection:
            for statement in statements:
                connection.execute(to_postgres(_on_server(statement)), ())
        return
    connection = sqlite3.connect(path)
    try:
        with connection:
            for statement in statements:
                connection.execute(statement)
    finally:
        connection.close()


def _on_server(statement: str) -> str:
    """A trigger is dropped from its table on the server."""
    drop = _DROP_TRIGGER.match(statement)
    if drop is None:
        return statement
    name = drop.group(1)
    table = next(
        table for table in (*CLINICAL_TABLES, "audit_log") if name.startswith(f"{table}_")
    )
    return f'DROP TRIGGER IF EXISTS {name} ON "{table}"'


def refused(path: Path | str, statement: str) -> str:
    """The message the database gives for a refused ``statement`` ('' if not refused)."""
    try:
        raw(path, statement)
    except (sqlite3.DatabaseError, psycopg.DatabaseError) as error:
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
