"""An older file (before versions, the hash chain and the value rules) opened by this version:
every row kept, bad values included, its audit rows chained, its contents attested."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.helpers import assert_cli_refusal, run_tracker
from tests.older_files import write_older_file
from tracker.storage.audit_chain import walk_chain
from tracker.storage.database import open_database
from tracker.storage.guards import expected_triggers
from tracker.storage.verify import verify_recent, verify_store

TABLES = ("patients", "courses", "cycles", "dose_records", "adverse_events", "audit_log")


def _counts(path: Path) -> dict[str, int]:
    connection = sqlite3.connect(path)
    try:
        return {
            table: connection.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in TABLES
        }
    finally:
        connection.close()


def test_the_upgrade_keeps_every_row_and_chains_the_audit_log(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite"
    write_older_file(path)
    before = _counts(path)
    with open_database(path) as store:
        after = _counts(path)
        # Each table's rows, and the setting, are attested by one new audit row each (after
        # the REMS upgrade's row for each patient).
        added = list(
            store.query("SELECT table_name, staff, action, reason FROM audit_log WHERE id > 2")
        )
        attested = [row for row in added if row["action"] == "attest"]
        rems = [row for row in added if row["action"] != "attest"]
        assert {(row["table_name"], row["action"]) for row in rems} == {("patients", "update")}
        assert {row["table_name"] for row in attested} == {
            "patients",
            "courses",
            "cycles",
            "dose_records",
            "adverse_events",
            "settings",
        }
        assert {(row["staff"], row["reason"]) for row in attested} == {
            ("schema upgrade", "what the file held when its audit chain began")
        }
        assert after == {**before, "audit_log": before["audit_log"] + len(added)}
        assert len(rems) == before["patients"]
        walk = walk_chain(store.connection)
        assert walk.rows == after["audit_log"] and walk.broken == []
        assert [row["hash"] is not None for row in store.query("SELECT hash FROM audit_log")]
        assert {row["version"] for row in store.query("SELECT version FROM dose_records")} == {1}
        present = {row["name"] for row in store.query("SELECT name FROM sqlite_master")}
        assert set(expected_triggers()) <= present
        # The bad values are still there, reported and not deleted.
        report = verify_store(store)
        assert report.chain_count == report.records_count == 0 and report.guards == []
        assert [str(value) for value in report.values] == [
            "patients row 1: date_of_birth '1950-02-31' is not a real date written YYYY-MM-DD",
            "dose_records row 2: status 'eaten' is not one of 'taken', 'missed', 'held'",
            "adverse_events row 1: grade 9 is not a whole number from 1 to 5",
        ]
        assert not report.intact
        # The check on opening finds the newest changes (the attestations) intact.
        assert verify_recent(store).intact


def test_after_the_upgrade_a_change_outside_the_program_is_caught(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite"
    write_older_file(path)
    open_database(path).close()
    connection = sqlite3.connect(path)
    with connection:
        connection.execute("UPDATE courses SET status = 'ended', version = version + 1")
    connection.close()
    with open_database(path) as store:
        report = verify_store(store)
    assert report.first_problem().startswith("courses rows 1-1 differ from what audit row")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("status", "--mrn", "OLD-1"), "patients row 1 holds a value the program cannot use"),
        (("status", "--mrn", "OLD-2"), "adverse_events row 1 holds a value"),
        (("sheet", "--mrn", "OLD-1", "--cycle", "1"), "patients row 1 holds a value"),
        (("sheets", "--week-of", "2027-03-01"), "row 1 holds a value the program cannot use"),
        (("report",), "adverse_events row 1 holds a value"),
    ],
)
def test_each_command_meeting_a_bad_value_says_so_in_one_line(
    tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    path = tmp_path / "older.sqlite"
    write_older_file(path)
    open_database(path).close()
    output = ["-o", str(tmp_path / "out.pdf")] if arguments[0].startswith("sheet") else []
    result = run_tracker(*arguments, "--db", path, *output)
    assert_cli_refusal(result, message)
    assert "Traceback" not in result.stderr


def test_verify_exits_1_naming_the_bad_values_and_0_when_intact(tmp_path: Path) -> None:
    path = tmp_path / "older.sqlite"
    write_older_file(path)
    open_database(path).close()
    result = run_tracker("verify", "--db", path)
    assert result.returncode == 1, result.stderr
    assert "values: 3 values break their rules (kept, not deleted)" in result.stdout
    assert (
        result.stdout.strip()
        .splitlines()[-1]
        .startswith("Not intact. First broken link: patients row 1: date_of_birth '1950-02-31'")
    )
    fresh = tmp_path / "fresh.sqlite"
    open_database(fresh).close()
    result = run_tracker("verify", "--db", fresh)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().splitlines()[-1] == (
        "All intact: the whole audit trail and every record check out."
    )
    assert_cli_refusal(run_tracker("verify", "--db", tmp_path / "none.sqlite"), "no database")
    write_older_file(older := tmp_path / "not-upgraded.sqlite")
    assert_cli_refusal(run_tracker("verify", "--db", older), "older version")
