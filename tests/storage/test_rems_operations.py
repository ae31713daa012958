"""Pregnancy prevention in storage: each record with its audit row, and the starts the
Lenalidomide REMS refuses with no override reason accepted."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations import courses, rems
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, update_patient
from tracker.storage.queries import course_state, get_course, get_patient
from tracker.storage.rems_reads import (
    contraception_of,
    menstrual_reports_of,
    pregnancy_tests_of,
    prescriptions_of,
)

from .conftest import TODAY

START = TODAY - timedelta(days=40)
METHODS = ("Intrauterine device (IUD)", "Male latex or synthetic condom")


def audit_rows(store: Store, table: str) -> list[dict]:
    rows = store.db.query("SELECT * FROM audit_log WHERE table_name = ? ORDER BY id", [table])
    return [{**row, "after": json.loads(row["after_json"] or "null")} for row in rows]


@pytest.fixture
def woman(store: Store) -> int:
    """A woman of reproductive potential with fit counts on START."""
    patient_id = add_patient(
        store,
        mrn="FRP-1",
        name="Okonkwo, Adaeze",
        date_of_birth=date(1990, 4, 2),
        sex="F",
        rems_category="female_reproductive",
    )
    record_labs(store, patient_id, START, anc=2.4, platelets=210)
    return patient_id


def ready(store: Store, patient_id: int) -> None:
    """What the REMS asks before the first prescription on START."""
    rems.record_contraception(store, patient_id, START - timedelta(days=35), methods=METHODS)
    for days_before in (12, 0):
        rems.record_pregnancy_test(
            store, patient_id, START - timedelta(days=days_before),
            kind="urine", sensitivity_miu_ml=25, result="negative",
        )  # fmt: skip


def prescription(on: date = START, days: int = 28, number: str = "48213377") -> rems.Prescription:
    return rems.Prescription(number, on, capsules=21, days_supply=days)


# -- the course start ----------------------------------------------------------------------


def test_a_course_start_needs_every_rems_item_and_says_which(store, woman, assert_refused):
    error = assert_refused(
        lambda: courses.start_course(store, woman, START), "refused under the Lenalidomide REMS"
    )
    message = str(error)
    for needed in (
        "a REMS authorization number",
        "a negative pregnancy test 10-14 days before the prescription",
        "a negative pregnancy test within 24 hours before the prescription",
        "contraception counselling recorded",
    ):
        assert needed in message
    # An override reason changes nothing: this is the law, not advice.
    assert_refused(
        lambda: courses.start_course(store, woman, START, override_reason="clinician decides"),
        "no override",
    )


def test_a_course_starts_with_its_prescription_and_audit_rows(store, woman):
    ready(store, woman)
    course_id = courses.start_course(store, woman, START, prescription=prescription())
    (recorded,) = prescriptions_of(store, course_id)
    assert (recorded.cycle, recorded.authorization_number, recorded.authorized_on) == (
        1, "48213377", START,
    )  # fmt: skip
    assert (recorded.capsules, recorded.days_supply) == (21, 28)
    (audit,) = audit_rows(store, "prescriptions")
    assert (audit["action"], audit["patient_id"], audit["staff"]) == ("insert", woman, "JD")
    assert audit["after"]["authorization_number"] == "48213377"
    state = course_state(store, get_course(store, course_id), START + timedelta(days=3))
    assert (state.rems.authorization, state.rems.next_test) == ("48213377", START + timedelta(7))


def test_only_the_missing_test_is_named_once_the_rest_is_there(store, woman, assert_refused):
    rems.record_contraception(store, woman, START - timedelta(days=35), methods=METHODS)
    rems.record_pregnancy_test(
        store, woman, START, kind="serum", sensitivity_miu_ml=5, result="negative"
    )
    error = assert_refused(
        lambda: courses.start_course(store, woman, START, prescription=prescription()),
        "REMS",
    )
    assert "It needs: a negative pregnancy test 10-14 days before the prescription" in str(error)
    assert "within 24 hours" not in str(error) and "authorization" not in str(error)


def test_a_female_patient_without_a_category_cannot_start(store, assert_refused):
    patient_id = add_patient(store, mrn="F-0", name="No Category", sex="F")
    assert_refused(
        lambda: courses.start_course(store, patient_id, START, override_reason="x"),
        "a REMS category for this female patient",
    )
    male = add_patient(store, mrn="M-0", name="No Category Either", sex="M")
    courses.start_course(store, male, START, override_reason="counts not the subject")


@pytest.mark.parametrize(("days", "allowed"), [(28, True), (29, False)])
def test_a_supply_above_28_days_is_refused_for_anyone(store, assert_refused, days, allowed):
    male = add_patient(store, mrn="M-1", name="Osei, Kwame", sex="M", rems_category="male_adult")
    start = lambda: courses.start_course(  # noqa: E731
        store, male, START, override_reason="x", prescription=prescription(days=days)
    )
    if allowed:
        start()
    else:
        assert_refused(start, "a lenalidomide supply of 29 days is refused: the REMS allows "
                              "at most 28 days per prescription, with no refills")  # fmt: skip


def test_more_capsules_than_days_and_a_bad_time_are_refused(store, assert_refused):
    male = add_patient(store, mrn="M-2", name="Male", sex="M", rems_category="male_adult")
    too_many = rems.Prescription("1", START, capsules=30, days_supply=28)
    assert_refused(
        lambda: courses.start_course(
            store, male, START, override_reason="x", prescription=too_many
        ),
        "30 capsules for 28 days",
    )
    bad_time = rems.Prescription("1", START, capsules=21, days_supply=28, authorized_at="25:00")
    assert_refused(
        lambda: courses.start_course(
            store, male, START, override_reason="x", prescription=bad_time
        ),
        "authorization time '25:00' is not a time",
    )


# -- the next cycle ------------------------------------------------------------------------


@pytest.fixture
def treated(store, woman) -> int:
    ready(store, woman)
    return courses.start_course(store, woman, START, prescription=prescription())


def test_a_cycle_start_needs_the_test_due_and_an_authorization(
    store, woman, treated, assert_refused
):
    cycle_2 = START + timedelta(days=28)
    for offset in (7, 14, 21):
        rems.record_pregnancy_test(
            store, woman, START + timedelta(days=offset),
            kind="urine", sensitivity_miu_ml=25, result="negative",
        )  # fmt: skip
    error = assert_refused(
        lambda: courses.start_next_cycle(store, treated, cycle_2, override_reason="counts"),
        "starting cycle 2",
    )
    assert "a REMS authorization number" in str(error)
    assert f"a negative pregnancy test on or after {cycle_2}" in str(error)
    rems.record_pregnancy_test(
        store, woman, cycle_2, kind="urine", sensitivity_miu_ml=25, result="negative"
    )
    courses.start_next_cycle(
        store,
        treated,
        cycle_2,
        override_reason="counts",
        prescription=prescription(cycle_2, number="2"),
    )
    assert [p.cycle for p in prescriptions_of(store, treated)] == [1, 2]


def test_an_expired_authorization_is_refused(store, woman, treated, assert_refused):
    cycle_2 = START + timedelta(days=28)
    for offset in (7, 14, 21, 28):
        rems.record_pregnancy_test(
            store, woman, START + timedelta(days=offset),
            kind="urine", sensitivity_miu_ml=25, result="negative",
        )  # fmt: skip
    old = prescription(cycle_2 - timedelta(days=8), number="2")
    assert_refused(
        lambda: courses.start_next_cycle(
            store, treated, cycle_2, override_reason="c", prescription=old
        ),
        "is valid 7 days for an adult female of reproductive potential",
    )


# -- the records ---------------------------------------------------------------------------


def test_a_positive_test_stops_lenalidomide_until_a_clinician_clears_it(store, woman, treated):
    on = START + timedelta(days=10)
    test_id = rems.record_pregnancy_test(
        store, woman, on, kind="urine", sensitivity_miu_ml=25, result="positive", at="09:15"
    )
    (test,) = [t for t in pregnancy_tests_of(store, woman) if t.id == test_id]
    assert (test.time, test.result) == ("09:15", "positive")
    course = get_course(store, treated)
    assert course_state(store, course, on).advice.action == "stop"
    cleared_on = on + timedelta(days=2)
    rems.clear_positive_test(store, test_id, cleared_on, "serum hCG negative twice")
    assert course_state(store, course, cleared_on).advice.action != "stop"
    updates = [row for row in audit_rows(store, "pregnancy_tests") if row["action"] == "update"]
    assert updates[-1]["after"]["clearance"] == "serum hCG negative twice"
    with pytest.raises(ValidationError, match="not a positive result still standing"):
        rems.clear_positive_test(store, test_id, cleared_on, "again")


def test_a_missed_period_is_reported_and_cleared_with_audit_rows(store, woman, treated):
    on = START + timedelta(days=20)
    report = rems.report_menstrual_change(store, woman, on, "missed period")
    course = get_course(store, treated)
    assert course_state(store, course, on).advice.action == "stop"
    assert course_state(store, course, on).rems.test_due
    with pytest.raises(ValidationError, match="reason for clearing it must not be empty"):
        rems.clear_menstrual_change(store, report, on, "  ")
    rems.clear_menstrual_change(store, report, on + timedelta(days=1), "negative serum test")
    (recorded,) = menstrual_reports_of(store, woman)
    assert recorded.cleared_on == on + timedelta(days=1)
    assert [row["action"] for row in audit_rows(store, "menstrual_reports")] == ["insert", "update"]


def test_contraception_is_two_different_methods_or_abstinence(store, woman, assert_refused):
    when = START - timedelta(days=30)
    assert_refused(
        lambda: rems.record_contraception(store, woman, when, methods=METHODS[:1]),
        "two different reliable methods",
    )
    assert_refused(
        lambda: rems.record_contraception(store, woman, when, methods=(METHODS[0], METHODS[0])),
        "two different reliable methods",
    )
    assert_refused(
        lambda: rems.record_contraception(store, woman, when, methods=METHODS, abstinence=True),
        "not both",
    )
    rems.record_contraception(store, woman, when, abstinence=True)
    (recorded,) = contraception_of(store, woman)
    assert recorded.fact().text == "continuous abstinence"
    assert audit_rows(store, "contraception")[0]["patient_id"] == woman


def test_tests_are_not_recorded_for_a_male_or_in_the_future(store, woman, assert_refused):
    male = add_patient(store, mrn="M-3", name="Male", sex="M", rems_category="male_adult")
    assert_refused(
        lambda: rems.record_pregnancy_test(
            store, male, START, kind="urine", sensitivity_miu_ml=25, result="negative"
        ),
        "recorded as male",
    )
    assert_refused(
        lambda: rems.record_pregnancy_test(
            store,
            woman,
            TODAY + timedelta(days=1),
            kind="urine",
            sensitivity_miu_ml=25,
            result="negative",
        ),
        "in the future",
    )
    assert_refused(
        lambda: rems.record_pregnancy_test(
            store, woman, START, kind="urine", sensitivity_miu_ml=25, result="unclear"
        ),
        "result 'unclear' is not one of",
    )


def test_a_missing_authorization_is_recorded_for_a_started_cycle_once(store, assert_refused):
    male = add_patient(store, mrn="M-4", name="Male", sex="M", rems_category="male_adult")
    course_id = courses.start_course(store, male, START, override_reason="x")
    rems.record_prescription(store, course_id, 1, prescription(number="777"))
    assert [p.authorization_number for p in prescriptions_of(store, course_id)] == ["777"]
    assert_refused(
        lambda: rems.record_prescription(store, course_id, 1, prescription(number="778")),
        "already has its REMS prescription",
    )


# -- the category --------------------------------------------------------------------------


def test_the_category_fits_the_sex_and_carries_its_reason(store, woman, assert_refused):
    assert_refused(
        lambda: update_patient(store, woman, rems_category="male_adult", reason="category"),
        "does not fit the sex recorded",
    )
    assert_refused(
        lambda: update_patient(
            store, woman, rems_category="female_not_reproductive", reason="category"
        ),
        "needs the reason: natural menopause",
    )
    update_patient(
        store,
        woman,
        rems_category="female_not_reproductive",
        rems_category_reason="hysterectomy",
        reason="hysterectomy on record",
    )
    patient = get_patient(store, woman)
    assert (patient.rems_category, patient.rems_category_reason) == (
        "female_not_reproductive", "hysterectomy",
    )  # fmt: skip
    # A reason is kept only where the category has one.
    update_patient(
        store, woman, rems_category="female_reproductive", irregular_cycles=True, reason="seen"
    )
    patient = get_patient(store, woman)
    assert (patient.rems_category_reason, patient.irregular_cycles) == (None, True)
