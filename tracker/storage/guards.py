"""The triggers that guard the file against writes that bypass the program's rules.

- The audit log takes new rows only, each with a hash: UPDATE and DELETE are refused.
- Every UPDATE of a clinical row raises its version by exactly one, as ``audit.update_row``
  does, so a version read earlier tells whether the row has changed since.
- No write may put a value into a clinical column that breaks its rule (``value_rules``);
  an update is checked only in the columns it changes, so an older row with a bad value can
  still be corrected or withdrawn.

``tracker verify`` checks that each is still there as written here.
"""

from __future__ import annotations

import sqlite3
from functools import cache
from typing import TYPE_CHECKING

from tracker.storage.audit_chain import AUDIT_TABLE
from tracker.storage.value_rules import CLINICAL_TABLES, rules_of

if TYPE_CHECKING:
    from sqlite_utils import Database


def _quoted(message: str) -> str:
    return "'" + message.replace("'", "''") + "'"


def _refusal(message: str, condition: str | None = None) -> str:
    where = f" WHERE {condition}" if condition else ""
    return f"SELECT RAISE(ABORT, {_quoted(message)}){where};"


def audit_triggers() -> dict[str, str]:
    refuse = "the audit log keeps every row as written: rows cannot be changed or deleted"
    return {
        f"{AUDIT_TABLE}_refuses_update": (
            f"CREATE TRIGGER {AUDIT_TABLE}_refuses_update BEFORE UPDATE ON {AUDIT_TABLE} "
            f"BEGIN {_refusal(refuse)} END"
        ),
        f"{AUDIT_TABLE}_refuses_delete": (
            f"CREATE TRIGGER {AUDIT_TABLE}_refuses_delete BEFORE DELETE ON {AUDIT_TABLE} "
            f"BEGIN {_refusal(refuse)} END"
        ),
        f"{AUDIT_TABLE}_needs_hash": (
            f"CREATE TRIGGER {AUDIT_TABLE}_needs_hash BEFORE INSERT ON {AUDIT_TABLE} "
            "WHEN NEW.hash IS NULL OR length(NEW.hash) != 64 "
            f"BEGIN {_refusal('an audit row needs the hash that chains it to the one before')} END"
        ),
    }


def version_triggers() -> dict[str, str]:
    return {
        f"{table}_version_steps": (
            f"CREATE TRIGGER {table}_version_steps BEFORE UPDATE ON [{table}] "
            "WHEN NEW.version IS NOT OLD.version + 1 "
            f"BEGIN {_refusal(f'a change to {table} must raise the row version by one')} END"
        )
        for table in CLINICAL_TABLES
    }


def value_triggers() -> dict[str, str]:
    """Per table, one trigger for inserts and one for updates. Each tests every rule in its
    WHEN clause, which is all a good row costs; only a bad one runs the body, which names
    the first column at fault."""
    triggers = {}
    for table in CLINICAL_TABLES:
        for event in ("insert", "update"):
            name = f"{table}_values_on_{event}"
            allowed, refusals = [], []
            for rule in rules_of(table):
                new, old = f"NEW.[{rule.column}]", f"OLD.[{rule.column}]"
                test = rule.sql(new)
                if event == "update":
                    test = f"({new} IS {old} OR {test})"
                allowed.append(test)
                message = _quoted(f"{rule.table}.{rule.column} must be {rule.wanted()}")
                refusals.append(f"WHEN NOT {test} THEN RAISE(ABORT, {message})")
            triggers[name] = (
                f"CREATE TRIGGER {name} BEFORE {event.upper()} ON [{table}] "
                f"WHEN NOT ({' AND '.join(allowed)}) "
                f"BEGIN SELECT CASE {' '.join(refusals)} END; END"
            )
    return triggers


@cache
def expected_triggers() -> dict[str, str]:
    return {**audit_triggers(), **version_triggers(), **value_triggers()}


def install(db: Database, triggers: dict[str, str]) -> None:
    for sql in triggers.values():
        db.execute(sql)


def _normal(sql: str | None) -> str:
    return " ".join((sql or "").split())


def missing_guards(connection: sqlite3.Connection) -> list[str]:
    """A sentence for each guard trigger that is missing or differs from the one installed."""
    if getattr(connection, "engine_name", "sqlite") != "sqlite":
        from tracker.storage.engines.postgres_schema import missing_server_guards

        return missing_server_guards(connection)
    present = dict(
        connection.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    )
    problems = []
    for name, sql in expected_triggers().items():
        if name not in present:
            problems.append(f"the trigger {name} is missing: it was dropped outside the program")
        elif _normal(present[name]) != _normal(sql):
            problems.append(f"the trigger {name} was replaced outside the program")
    return problems
