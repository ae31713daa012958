"""``tracker verify`` and Tools > Verify records: is the file's history intact?

Four questions, each answered from the file alone:

1. Does every audit row follow from the one before (``audit_chain``)?
2. Does every clinical row hold what its latest audit row says (``audit_contents``)?
3. Does every stored value keep its column's rule (``value_rules``)?
4. Are the triggers that refuse edits of the audit log and bad values still in place
   (``guards``)?

The whole check reads every row; the check at start (``tail``) recomputes only the newest
audit rows' links and compares the rows they describe, which takes milliseconds on any file.
Everything is read in one read transaction, so writes committed meanwhile by the program (or
anyone) are not mistaken for tampering.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tracker.storage.audit_chain import AUDIT_TABLE, BrokenLink, chain_head, walk_chain
from tracker.storage.audit_contents import (
    SETTINGS_TABLE,
    ContentCheck,
    RecordFinding,
    check_recent,
    check_settings,
    check_table,
)
from tracker.storage.database import Store
from tracker.storage.guards import missing_guards
from tracker.storage.value_rules import CLINICAL_TABLES, BrokenValue, breaking_values

START_UP_TAIL = 1000
SHOWN_FINDINGS = 20

Progress = Callable[[str], None]


@dataclass
class VerifyReport:
    """What a check found; ``intact`` when nothing."""

    path: Path
    tail: int | None
    audit_rows: int = 0
    head: str = ""
    records_checked: int = 0
    chain: list[BrokenLink] = field(default_factory=list)
    chain_count: int = 0
    records: list[RecordFinding] = field(default_factory=list)
    records_count: int = 0
    values: list[BrokenValue] = field(default_factory=list)
    values_count: int = 0
    guards: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def intact(self) -> bool:
        return not (self.chain_count or self.records_count or self.values_count or self.guards)

    @property
    def problem_count(self) -> int:
        return self.chain_count + self.records_count + self.values_count + len(self.guards)

    def first_problem(self) -> str | None:
        """The first broken link: in the chain, else in the rows, else a value, else a guard."""
        for found in (self.chain, self.records, self.values, self.guards):
            if found:
                return str(found[0])
        return None

    def scope(self) -> str:
        if self.tail is None:
            return "the whole audit trail and every record"
        return f"the newest {self.audit_rows:,} audit rows and the records they describe"

    def summary(self) -> str:
        """One sentence: intact, or the first problem and how many there are."""
        if self.intact:
            return f"All intact: {self.scope()} check out."
        more = self.problem_count - 1
        also = f" ({more:,} more problem{'s' if more != 1 else ''} below)" if more else ""
        return f"Not intact. First broken link: {self.first_problem()}{also}."

    def lines(self) -> list[str]:
        """The report, line by line, as the command prints it and the dialog shows it."""
        chain = (
            f"audit trail: {_count(self.audit_rows, 'row')} "
            + ("checked" if self.tail is None else "at the end checked")
            + (", every link intact" if not self.chain_count else f", {self.chain_count:,} broken")
        )
        lines = [f"database: {self.path}", chain]
        if self.head:
            lines.append(f"newest hash: {self.head}")
        lines += [f"  {link}" for link in self.chain]
        lines.append(
            f"records: {_count(self.records_checked, 'row')} compared with the audit trail, "
            + (
                "all match"
                if not self.records_count
                else f"{self.records_count:,} differ{'s' if self.records_count == 1 else ''}"
            )
        )
        lines += [f"  {finding}" for finding in self.records]
        if self.tail is None:
            lines.append(
                "values: "
                + (
                    "every stored value keeps its rule"
                    if not self.values_count
                    else f"{_count(self.values_count, 'value')} break their rules "
                    "(kept, not deleted)"
                )
            )
            lines += [f"  {value}" for value in self.values]
        lines.append(
            "protections: "
            + ("every trigger in place" if not self.guards else f"{len(self.guards)} missing")
        )
        lines += [f"  {guard}" for guard in self.guards]
        lines.append(f"time: {self.seconds:.2f} s")
        lines.append(self.summary())
        return lines


def _count(number: int, thing: str) -> str:
    return f"{number:,} {thing}{'' if number == 1 else 's'}"


def verify_connection(
    connection: sqlite3.Connection,
    path: Path,
    *,
    tail: int | None = None,
    progress: Progress | None = None,
) -> VerifyReport:
    """Check the database on ``connection`` (only read; best a connection of its own)."""
    started = time.perf_counter()
    say = progress or (lambda _step: None)
    report = VerifyReport(path=path, tail=tail)
    own_transaction = not connection.in_transaction
    if own_transaction:
        # One snapshot for every query of the check.
        connection.execute("BEGIN")
    try:
        say("the audit trail's links")
        after_id = 0
        if tail is not None:
            last_id, _ = chain_head(connection)
            first = connection.execute(
                f"SELECT id FROM {AUDIT_TABLE} WHERE id <= ? ORDER BY id DESC LIMIT 1 OFFSET ?",
                [last_id, tail],
            ).fetchone()
            after_id = first[0] if first is not None else 0
        walk = walk_chain(connection, after_id=after_id, limit_broken=SHOWN_FINDINGS)
        report.audit_rows, report.head = walk.rows, walk.head
        report.chain, report.chain_count = walk.broken, walk.broken_count
        contents = ContentCheck(limit=SHOWN_FINDINGS)
        if tail is None:
            for table in CLINICAL_TABLES:
                say(f"the {table.replace('_', ' ')}")
                check_table(connection, table, contents)
            check_settings(connection, contents)
            say("the stored values")
            _check_values(connection, report)
        else:
            check_recent(connection, after_id + 1, (*CLINICAL_TABLES, SETTINGS_TABLE), contents)
        report.records_checked = contents.rows
        report.records, report.records_count = contents.findings, contents.count
        report.guards = missing_guards(connection)
    finally:
        if own_transaction:
            connection.execute("ROLLBACK")
    report.seconds = time.perf_counter() - started
    return report


def _check_values(connection: sqlite3.Connection, report: VerifyReport) -> None:
    for table in CLINICAL_TABLES:
        for broken in breaking_values(connection, table):
            report.values_count += 1
            if len(report.values) < SHOWN_FINDINGS:
                report.values.append(broken)


def verify_store(
    store: Store, *, tail: int | None = None, progress: Progress | None = None
) -> VerifyReport:
    """``verify_connection`` on a Store's connection (a background read's own store)."""
    return verify_connection(store.connection, Path(store.path), tail=tail, progress=progress)


def verify_recent(store: Store) -> VerifyReport:
    """The check at start: the newest ``START_UP_TAIL`` audit rows and their records."""
    return verify_store(store, tail=START_UP_TAIL)
