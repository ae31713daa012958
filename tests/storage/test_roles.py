"""Roles are enforced by the storage operations themselves, whoever calls them: no screen."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.accounts import act_as, encrypted_clinic, signed_as
from tracker.storage import queries
from tracker.storage.access_errors import (
    PermissionDeniedError,
    SignatureRequiredError,
    SignInRequiredError,
)
from tracker.storage.account_admin import add_account, list_accounts, set_role
from tracker.storage.audit import insert_row
from tracker.storage.database import open_database
from tracker.storage.operations import courses, doses, events, labs, patients, settings
from tracker.storage.roles import (
    ADMIN,
    CLINICIAN,
    NURSE,
    PERMISSIONS,
    PRINT,
    VIEWER,
    allows,
    check,
)
from tracker.storage.signatures import END_COURSE, OVERRIDE_START, RECORD_DEATH

TODAY = date(2027, 6, 1)
START = TODAY - timedelta(days=10)


@pytest.fixture
def clinic(tmp_path):
    store = encrypted_clinic(tmp_path / "clinic.sqlite", clock=lambda: TODAY)
    yield store
    store.close()


@pytest.fixture
def patient_id(clinic):
    return patients.add_patient(clinic, mrn="R-1", name="Role, Test", date_of_birth=date(1950, 1, 1))


def audit_count(store) -> int:
    return store.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]


def test_roles_build_on_each_other():
    assert PERMISSIONS[VIEWER] < PERMISSIONS[NURSE] < PERMISSIONS[CLINICIAN] < PERMISSIONS[ADMIN]


def test_a_viewer_reads_but_writes_nothing(clinic, patient_id):
    act_as(clinic, "vic")
    assert queries.count_patients(clinic) == 1
    before = audit_count(clinic)
    for attempt in (
        lambda: patients.add_patient(clinic, mrn="R-2", name="Nope"),
        lambda: labs.record_labs(clinic, patient_id, TODAY, anc=2.0, platelets=150),
        lambda: settings.save_settings(clinic, "Clinic", "A4", "7"),
        # Under the operations, the audit helpers refuse too.
        lambda: insert_row(clinic, "patients", {"mrn": "R-3", "name": "Raw"}, patient_id=None),
    ):
        with pytest.raises(PermissionDeniedError, match="vic signed in as viewer"):
            attempt()
    assert audit_count(clinic) == before and queries.count_patients(clinic) == 1


def test_a_nurse_records_doses_labs_and_events_but_not_decisions(clinic, patient_id):
    act_as(clinic, "doc")
    labs.record_labs(clinic, patient_id, START - timedelta(days=1), anc=2.0, platelets=150)
    course_id = courses.start_course(clinic, patient_id, START)
    act_as(clinic, "nina")
    doses.record_dose(clinic, course_id, START, "lenalidomide", "taken")
    labs.record_labs(clinic, patient_id, TODAY, anc=1.9, platelets=140)
    events.log_event(clinic, patient_id, "vte", 2, TODAY, course_id=course_id)
    before = audit_count(clinic)
    for attempt in (
        lambda: courses.change_dose_level(clinic, course_id, "lenalidomide", 1, TODAY),
        lambda: courses.end_course(clinic, course_id, TODAY, "progression"),
        lambda: patients.archive_patient(clinic, patient_id),
        lambda: add_account(clinic, "newbie", "viewer", "some-password"),
    ):
        with pytest.raises(PermissionDeniedError, match="nina signed in as nurse"):
            attempt()
    assert audit_count(clinic) == before


def test_only_an_administrator_manages_accounts_and_settings(clinic):
    act_as(clinic, "doc")
    with pytest.raises(PermissionDeniedError, match="manage staff accounts"):
        list_accounts(clinic)
    with pytest.raises(PermissionDeniedError, match="settings"):
        settings.save_settings(clinic, "Elsewhere", "A4", "7")
    act_as(clinic, "boss")
    assert [account.name for account in list_accounts(clinic)] == ["boss", "doc", "nina", "vic"]
    assert settings.save_settings(clinic, "Elsewhere", "A4", "7")


def test_a_nurse_remembers_the_paper_size_but_renames_nothing(clinic):
    act_as(clinic, "nina")
    settings.set_setting(clinic, "sheet_page_size", "Letter")
    with pytest.raises(PermissionDeniedError):
        settings.set_setting(clinic, "clinic_name", "Renamed")
    act_as(clinic, "vic")
    with pytest.raises(PermissionDeniedError):
        settings.set_setting(clinic, "sheet_page_size", "A4")


def test_without_a_signed_in_account_nothing_is_written(clinic, patient_id):
    clinic.account = None
    assert queries.count_patients(clinic) == 1  # the key is unlocked: reading works
    with pytest.raises(SignInRequiredError, match="sign in"):
        patients.add_patient(clinic, mrn="R-9", name="Nobody")
    assert not allows(clinic, PRINT)


def test_the_last_administrator_keeps_the_role(clinic):
    with pytest.raises(Exception, match="last administrator"):
        set_role(clinic, "boss", "nurse")


def test_a_database_without_accounts_works_as_before(tmp_path):
    with open_database(tmp_path / "plain.sqlite") as store:
        assert store.account is None
        for permission in PERMISSIONS[ADMIN]:
            check(store, permission)
        patient = patients.add_patient(store, mrn="P-1", name="Plain, Old")
        courses.start_course(store, patient, date.today(), override_reason="no counts")
        course = queries.current_course(store, patient)
        courses.end_course(store, course.id, date.today(), "death")
        audit = list(store.query("SELECT account, signer, meaning FROM audit_log"))
        assert {(row["account"], row["signer"], row["meaning"]) for row in audit} == {
            (None, None, None)
        }


# --- electronic signatures -------------------------------------------------------------------


def test_a_start_override_needs_the_clinicians_signature(clinic, patient_id):
    act_as(clinic, "doc")
    before = audit_count(clinic)
    with pytest.raises(SignatureRequiredError, match=OVERRIDE_START):
        courses.start_course(clinic, patient_id, START, override_reason="counts pending")
    assert audit_count(clinic) == before
    with signed_as(clinic, OVERRIDE_START):
        course_id = courses.start_course(clinic, patient_id, START, override_reason="pending")
    rows = list(
        clinic.query(
            "SELECT table_name, account, signer, meaning FROM audit_log WHERE id > ?", [before]
        )
    )
    assert {row["table_name"] for row in rows} == {"courses", "cycles"}
    assert {(row["account"], row["signer"], row["meaning"]) for row in rows} == {
        ("doc", "doc", OVERRIDE_START)
    }
    row = clinic.execute("SELECT start_override FROM courses WHERE id = ?", [course_id])
    assert row.fetchone() == ("pending",)


def test_ending_a_course_and_recording_a_death_are_signed(clinic, patient_id):
    act_as(clinic, "doc")
    with signed_as(clinic, OVERRIDE_START):
        course_id = courses.start_course(clinic, patient_id, START, override_reason="pending")
    with pytest.raises(SignatureRequiredError, match=END_COURSE):
        courses.end_course(clinic, course_id, TODAY, "progression")
    # A signature means one thing: the override's does not end a course.
    with signed_as(clinic, OVERRIDE_START), pytest.raises(SignatureRequiredError):
        courses.end_course(clinic, course_id, TODAY, "progression")
    with pytest.raises(SignatureRequiredError, match=RECORD_DEATH):
        events.log_event(clinic, patient_id, "other", 5, TODAY, term="sepsis", course_id=course_id)
    with signed_as(clinic, RECORD_DEATH):
        events.log_event(clinic, patient_id, "other", 5, TODAY, term="sepsis", course_id=course_id)
    signed_rows = list(
        clinic.query("SELECT table_name, signer, meaning FROM audit_log WHERE signer IS NOT NULL")
    )
    death_rows = {row["table_name"] for row in signed_rows if row["meaning"] == RECORD_DEATH}
    assert death_rows == {"adverse_events", "courses", "cycles", "patients"}
    assert queries.get_patient(clinic, patient_id).date_of_death == TODAY


def test_a_signature_is_checked_against_the_password(clinic):
    from tracker.storage.access_errors import SignInError
    from tracker.storage.signatures import sign

    act_as(clinic, "doc")
    with pytest.raises(SignInError, match="wrong"):
        sign(clinic, "doc", "not the password", END_COURSE)
    with pytest.raises(SignInError, match="sign as doc"):
        sign(clinic, "nina", "nurse-password-1", END_COURSE)
