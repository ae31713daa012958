"""The audit trail as a hash chain: refused edits, and ``verify`` naming the first broken link
when someone edits the file from outside the program anyway."""

from __future__ import annotations

import hashlib
import json
import os
import pwd
import subprocess
import sys
import textwrap
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tests.storage.tampering import last_audit_id, raw, refused, without_guards
from tracker.storage.audit import os_user
from tracker.storage.audit_chain import GENESIS, HASHED_COLUMNS, audit_hash, canonical_json
from tracker.storage.database import Store, open_database
from tracker.storage.demo import fill_demo_database
from tracker.storage.operations.doses import clear_dose, record_dose
from tracker.storage.operations.events import archive_event, log_event, update_event
from tracker.storage.operations.labs import archive_labs, record_labs
from tracker.storage.operations.patients import add_patient, archive_patient, update_patient
from tracker.storage.operations.settings import set_setting
from tracker.storage.queries import audit_of_patient
from tracker.storage.verify import verify_connection, verify_recent, verify_store

from .conftest import COURSE_START


def _verify(path: Path, **options) -> object:
    with open_database(path) as store:
        return verify_store(store, **options)


@pytest.fixture
def clinic(store: Store, patient_id: int, course_id: int) -> Store:
    """A patient with a course, two doses, labs and an event: every kind of audit row."""
    record_dose(store, course_id, COURSE_START, "lenalidomide", "taken")
    record_dose(store, course_id, COURSE_START, "dexamethasone", "missed")
    lab = record_labs(store, patient_id, date(2027, 3, 9), anc=0.8, platelets=120)
    log_event(store, patient_id, "neutropenia", 3, date(2027, 3, 9), lab_id=lab)
    set_setting(store, "clinic_name", "Day Unit")
    return store


def test_each_audit_row_hashes_its_content_and_the_previous_hash(clinic: Store) -> None:
    rows = list(clinic.query(f"SELECT {', '.join(HASHED_COLUMNS)}, hash FROM audit_log ORDER BY id"))
    assert len(rows) > 5
    previous = GENESIS
    for row in rows:
        content = {column: row[column] for column in HASHED_COLUMNS} | {"previous": previous}
        text = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert row["hash"] == hashlib.sha256(text.encode()).hexdigest()
        assert row["hash"] == audit_hash(previous, row)
        previous = row["hash"]
    assert [row["id"] for row in rows] == list(range(1, len(rows) + 1))
    assert canonical_json({"b": 1, "a": "é"}) == '{"a":"é","b":1}'


def test_an_intact_file_verifies_with_the_newest_hash(clinic: Store, db_path: Path) -> None:
    report = verify_store(clinic)
    assert report.intact, report.lines()
    assert report.audit_rows == last_audit_id(clinic)
    assert report.head == clinic.connection.execute(
        "SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert report.records_checked >= 8
    assert report.summary().startswith("All intact")


def test_the_audit_log_refuses_updates_deletes_and_rows_without_a_hash(
    clinic: Store, db_path: Path
) -> None:
    before = list(clinic.query("SELECT * FROM audit_log ORDER BY id"))
    assert "cannot be changed or deleted" in refused(db_path, "DELETE FROM audit_log")
    assert "cannot be changed or deleted" in refused(
        db_path, "UPDATE audit_log SET os_user = 'dr_house' WHERE id = 2"
    )
    assert "needs the hash" in refused(
        db_path,
        "INSERT INTO audit_log (at, os_user, table_name, action) "
        "VALUES ('2027-01-01', 'x', 'patients', 'update')",
    )
    assert list(clinic.query("SELECT * FROM audit_log ORDER BY id")) == before


def test_a_deleted_audit_row_is_the_first_broken_link(clinic: Store, db_path: Path) -> None:
    raw(db_path, *without_guards("audit_log"), "DELETE FROM audit_log WHERE id = 3")
    report = _verify(db_path)
    assert not report.intact
    assert report.first_problem() == "audit_log row 4 does not follow row 2: audit row 3 was deleted"
    assert "the trigger audit_log_refuses_delete is missing" in " ".join(report.guards)


def test_an_edited_audit_row_is_named(clinic: Store, db_path: Path) -> None:
    raw(
        db_path,
        *without_guards("audit_log"),
        "UPDATE audit_log SET os_user = 'dr_house' WHERE id = 5",
    )
    report = _verify(db_path)
    assert [str(link) for link in report.chain] == [
        "audit_log row 5 (after row 4) does not match its hash: it, or the order of rows, "
        "was changed outside the program"
    ]
    # One edited row is one finding, not every row after it.
    assert report.chain_count == 1


def test_an_audit_row_whose_record_is_no_longer_json_is_reported_not_a_crash(
    clinic: Store, db_path: Path
) -> None:
    # As one flipped bit in a page can leave it: every kind of audit row garbled at once.
    raw(
        db_path,
        *without_guards("audit_log"),
        "UPDATE audit_log SET after_json = substr(after_json, 1, 5) || '#' || "
        "substr(after_json, 7), before_json = substr(before_json, 1, 5) || '#' || "
        "substr(before_json, 7)",
    )
    report = _verify(db_path)
    assert report.chain_count > 0
    contents = [str(problem) for problem in report.records]
    assert any("cannot be read: it was changed outside the program" in text for text in contents)


def test_an_update_of_a_clinical_row_without_its_audit_row_is_caught(
    clinic: Store, db_path: Path, patient_id: int
) -> None:
    # The version trigger refuses an update that does not raise the version ...
    assert "must raise the row version" in refused(
        db_path, f"UPDATE patients SET weight_kg = 65 WHERE id = {patient_id}"
    )
    # ... and one that does is still caught: the row no longer matches its audit row.
    raw(
        db_path,
        f"UPDATE patients SET weight_kg = 65, version = version + 1 WHERE id = {patient_id}",
    )
    report = _verify(db_path)
    assert report.chain_count == 0
    assert report.first_problem().startswith(
        f"patients row {patient_id} differs from its latest audit row 1 (weight_kg: stored 65.0, "
        "audited 61.5; version: stored 2, audited 1)"
    )


def test_rows_added_or_deleted_outside_the_program_are_named(
    clinic: Store, db_path: Path, patient_id: int
) -> None:
    lab_id = clinic.connection.execute("SELECT MAX(id) FROM labs").fetchone()[0]
    raw(
        db_path,
        "INSERT INTO labs (patient_id, date, anc, anc_unit, archived, created_at, updated_at) "
        f"VALUES ({patient_id}, '2027-03-10', 2.0, '10^9/L', 0, 'x', 'x')",
        "DELETE FROM responses",  # nothing there: not a finding
    )
    raw(db_path, "PRAGMA foreign_keys = OFF", "DELETE FROM adverse_events")
    report = _verify(db_path)
    texts = [str(finding) for finding in report.records]
    assert f"labs row {lab_id + 1} has no audit row: it was added outside the program" in texts
    assert any(text.startswith("adverse_events row 1 is gone") for text in texts)
    assert report.records_count == 2


def test_a_setting_changed_outside_the_program_is_named(clinic: Store, db_path: Path) -> None:
    raw(db_path, "UPDATE settings SET value = 'Elsewhere' WHERE key = 'clinic_name'")
    report = _verify(db_path)
    assert report.first_problem() == (
        "setting 'clinic_name' is 'Elsewhere', its latest audit row "
        f"{last_audit_id(clinic)} says 'Day Unit': it was changed outside the program"
    )


def test_demo_rows_are_attested_in_chunks_and_a_changed_chunk_is_named(tmp_path: Path) -> None:
    path = tmp_path / "demo.sqlite"
    with open_database(path, clock=lambda: date(2027, 6, 1)) as store:
        fill_demo_database(store, 30, seed=3)
        assert verify_store(store).intact
        dose_id = store.connection.execute("SELECT MIN(id) + 1500 FROM dose_records").fetchone()[0]
    raw(
        path,
        *without_guards("dose_records"),
        f"UPDATE dose_records SET status = 'missed' WHERE id = {dose_id}",
    )
    report = _verify(path)
    (finding,) = report.records
    assert str(finding).startswith("dose_records rows 1001-2000 differ from what audit row")
    assert "changed, added or removed outside the program" in str(finding)


def test_the_start_up_check_reads_only_the_newest_rows(clinic: Store, db_path: Path) -> None:
    report = verify_recent(clinic)
    assert report.intact and report.tail is not None
    assert report.audit_rows == last_audit_id(clinic) <= report.tail
    event_id = clinic.connection.execute("SELECT MAX(id) FROM adverse_events").fetchone()[0]
    raw(
        db_path,
        f"UPDATE adverse_events SET grade = 4, version = version + 1 WHERE id = {event_id}",
    )
    with open_database(db_path) as store:
        found = verify_recent(store)
    assert found.first_problem().startswith(f"adverse_events row {event_id} differs")


def test_the_start_up_check_is_bounded(store: Store) -> None:
    patient = add_patient(store, mrn="M-1", name="Many Changes")
    for number in range(1, 60):
        update_patient(store, patient, reason="weighed again", weight_kg=50.0 + number)
    report = verify_connection(store.connection, store.path, tail=25)
    assert report.intact and report.audit_rows == 25
    assert verify_store(store).audit_rows == 60


def test_corrections_and_withdrawals_need_a_reason_kept_in_the_audit_row(
    clinic: Store, patient_id: int, course_id: int, assert_refused: Callable
) -> None:
    assert_refused(lambda: update_patient(clinic, patient_id, weight_kg=60.0), "give a reason")
    assert_refused(
        lambda: update_patient(clinic, patient_id, reason="  ", weight_kg=60.0), "give a reason"
    )
    assert_refused(lambda: archive_patient(clinic, patient_id), "give a reason")
    event_id = clinic.connection.execute("SELECT MAX(id) FROM adverse_events").fetchone()[0]
    lab_id = clinic.connection.execute("SELECT MAX(id) FROM labs").fetchone()[0]
    assert_refused(lambda: update_event(clinic, event_id, grade=2), "give a reason")
    assert_refused(lambda: archive_event(clinic, event_id), "give a reason")
    assert_refused(lambda: archive_labs(clinic, lab_id), "give a reason")
    assert_refused(
        lambda: clear_dose(clinic, course_id, COURSE_START, "lenalidomide"), "give a reason"
    )
    update_patient(clinic, patient_id, reason="Weighed on the ward scale", weight_kg=60.0)
    clear_dose(clinic, course_id, COURSE_START, "lenalidomide", reason="Recorded twice")
    reasons = [(entry.action, entry.reason) for entry in audit_of_patient(clinic, patient_id)]
    assert reasons[:2] == [("archive", "Recorded twice"), ("update", "Weighed on the ward scale")]
    # New facts need none.
    assert {reason for action, reason in reasons if action == "insert"} == {None}
    assert verify_store(clinic).intact


def test_the_author_is_the_account_of_the_user_id_not_the_login_variables(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "dr_house")
    real = pwd.getpwuid(os.getuid()).pw_name
    assert os_user() == real != "dr_house"
    add_patient(store, mrn="A-1", name="Author Check")
    assert {row["os_user"] for row in store.query("SELECT os_user FROM audit_log")} == {real}


def test_verify_changes_nothing_in_the_file(clinic: Store, db_path: Path) -> None:
    clinic.close()
    with open_database(db_path):
        pass  # closed cleanly: the write-ahead log folded back into the file
    before = db_path.read_bytes()
    siblings = sorted(p.name for p in db_path.parent.iterdir())
    from tracker.storage.database import open_read_only

    with open_read_only(db_path) as store:
        assert verify_store(store).intact
    assert db_path.read_bytes() == before
    assert sorted(p.name for p in db_path.parent.iterdir()) == siblings


def test_writers_in_several_processes_extend_one_chain(db_path: Path, store: Store) -> None:
    """Each write takes the write lock before it reads the chain's head, so concurrent
    programs append link after link, never two links to one."""
    code = textwrap.dedent(
        """
        import sys
        from tracker.storage.database import open_database
        from tracker.storage.operations.patients import add_patient, update_patient

        with open_database(sys.argv[1], staff=sys.argv[2]) as store:
            for number in range(20):
                patient = add_patient(store, mrn=f"{sys.argv[2]}-{number}", name="Written, Together")
                update_patient(store, patient, reason="weighed", weight_kg=60.0 + number)
        """
    )
    writers = [
        subprocess.Popen([sys.executable, "-c", code, str(db_path), name])
        for name in ("AA", "BB", "CC")
    ]
    for writer in writers:
        assert writer.wait(timeout=120) == 0
    report = verify_store(store)
    assert report.intact, report.lines()
    assert report.audit_rows == 3 * 20 * 2
    assert report.records_checked == 60
