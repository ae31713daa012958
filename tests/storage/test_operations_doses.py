"""Recording doses taken and missed; a hold is an interruption, not a dose record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest

from tests.starts import start_course
from tracker.storage.database import Store
from tracker.storage.operations.courses import change_dose_level, end_course
from tracker.storage.operations.doses import clear_dose, record_dose
from tracker.storage.operations.interruptions import interrupt
from tracker.storage.queries import course_calendar, dose_records_of
from tracker.storage.records import DoseRecord

from .conftest import COURSE_START, TODAY


def test_a_dose_round_trips_with_the_planned_dose(store: Store, course_id: int) -> None:
    record_id = record_dose(
        store, course_id, date(2027, 3, 2), "lenalidomide", "taken", "with food"
    )
    assert dose_records_of(store, course_id) == [
        DoseRecord(
            id=record_id,
            course_id=course_id,
            date=date(2027, 3, 2),
            drug="lenalidomide",
            status="taken",
            dose_mg=25.0,
            note="with food",
        )
    ]


def test_the_default_dose_follows_level_changes_and_drug(store: Store, course_id: int) -> None:
    change_dose_level(store, course_id, "lenalidomide", 2, date(2027, 3, 10))
    record_dose(store, course_id, date(2027, 3, 11), "lenalidomide", "taken")
    record_dose(store, course_id, date(2027, 3, 11), "dexamethasone", "taken")
    doses = {record.drug: record.dose_mg for record in dose_records_of(store, course_id)}
    assert doses == {"lenalidomide": 15.0, "dexamethasone": 40.0}


def test_the_every_other_day_schedule_plans_no_dose_on_off_days(
    store: Store, patient_id: int, assert_refused: Callable
) -> None:
    course_id = start_course(store, patient_id, COURSE_START, len_level=1, len_every_days=2)
    record_dose(store, course_id, date(2027, 3, 3), "lenalidomide", "taken")
    assert dose_records_of(store, course_id)[0].dose_mg == 20.0
    assert_refused(
        lambda: record_dose(store, course_id, date(2027, 3, 2), "lenalidomide", "taken"),
        "no lenalidomide is planned",
    )


def test_re_recording_a_day_replaces_the_record(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    first = record_dose(store, course_id, date(2027, 3, 5), "lenalidomide", "missed", "vomited")
    # Missed made taken corrects what was recorded: it says why.
    assert_refused(
        lambda: record_dose(store, course_id, date(2027, 3, 5), "lenalidomide", "taken"),
        "give a reason",
    )
    second = record_dose(
        store, course_id, date(2027, 3, 5), "lenalidomide", "taken", reason="found the pill"
    )
    (record,) = dose_records_of(store, course_id)
    assert first == second == record.id
    assert (record.status, record.note) == ("taken", "")
    assert record.dose_mg == 25.0
    # The same status again restates it and needs no reason.
    assert record_dose(store, course_id, date(2027, 3, 5), "lenalidomide", "taken") == first


def test_a_dose_taken_inside_an_interruption_records_the_planned_dose(
    store: Store, course_id: int
) -> None:
    interrupt(store, course_id, date(2027, 3, 4), "ANC 0.8")
    record_dose(store, course_id, date(2027, 3, 5), "lenalidomide", "taken", "took it anyway")
    (record,) = dose_records_of(store, course_id)
    # What was taken is recorded as it happened: the planned dose, not the zero due.
    assert (record.status, record.dose_mg) == ("taken", 25.0)
    calendar = {day.date: day for day in course_calendar(store, course_id)}
    assert calendar[date(2027, 3, 5)].held == frozenset({"lenalidomide"})


def test_a_hold_is_not_a_dose_record(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    assert_refused(
        lambda: record_dose(store, course_id, date(2027, 3, 5), "lenalidomide", "held"),
        "interrupt the drug",
    )


def test_missed_doses_do_not_change_the_plan(store: Store, course_id: int) -> None:
    record_dose(store, course_id, date(2027, 3, 6), "lenalidomide", "missed")
    calendar = {day.date: day for day in course_calendar(store, course_id)}
    assert calendar[date(2027, 3, 6)].lenalidomide_mg == 25.0


def test_a_dose_off_plan_needs_an_explicit_amount(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    rest_day = COURSE_START + timedelta(days=23)
    assert_refused(
        lambda: record_dose(store, course_id, rest_day, "lenalidomide", "taken"),
        "cycle 1 day 24",
    )
    record_dose(store, course_id, rest_day, "dexamethasone", "taken", "extra", dose_mg=20)
    assert dose_records_of(store, course_id)[0].dose_mg == 20.0


@pytest.mark.parametrize(
    ("day", "drug", "status", "extra", "message"),
    [
        (date(2027, 3, 2), "lenalidomide", "skipped", {}, "dose status"),
        (date(2027, 3, 2), "aspirin", "taken", {}, "drug"),
        (date(2027, 2, 28), "lenalidomide", "taken", {}, "before the course start"),
        (TODAY + timedelta(days=1), "lenalidomide", "taken", {}, "in the future"),
        (date(2027, 3, 29), "lenalidomide", "taken", {}, "not in any started cycle"),
        (TODAY, "lenalidomide", "taken", {}, "not in any started cycle"),
        (date(2027, 3, 2), "lenalidomide", "taken", {"dose_mg": -5}, "not possible"),
        (date(2027, 3, 2), "lenalidomide", "taken", {"dose_mg": 250}, "implausibly high"),
        ("2027-3-2x", "lenalidomide", "taken", {}, "YYYY-MM-DD"),
    ],
)
def test_bad_dose_records_are_refused(
    store: Store,
    course_id: int,
    assert_refused: Callable,
    day: date,
    drug: str,
    status: str,
    extra: dict,
    message: str,
) -> None:
    assert_refused(lambda: record_dose(store, course_id, day, drug, status, **extra), message)


def test_doses_on_an_ended_course_are_refused(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    end_course(store, course_id, date(2027, 3, 20), "toxicity")
    assert_refused(
        lambda: record_dose(store, course_id, date(2027, 3, 10), "lenalidomide", "taken"),
        "has ended on 2027-03-20; cannot record doses",
    )


def test_doses_on_an_unknown_course_are_refused(store: Store, assert_refused: Callable) -> None:
    assert_refused(
        lambda: record_dose(store, 55, date(2027, 3, 2), "lenalidomide", "taken"),
        "no treatment course",
    )


def test_clearing_a_mistaken_record_archives_it(store: Store, course_id: int) -> None:
    record_id = record_dose(store, course_id, date(2027, 3, 2), "lenalidomide", "missed")
    record_dose(store, course_id, date(2027, 3, 2), "dexamethasone", "taken")
    assert clear_dose(store, course_id, date(2027, 3, 2), "lenalidomide", reason="entered in error") is True
    assert [record.drug for record in dose_records_of(store, course_id)] == ["dexamethasone"]
    last = next(store.db.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1"))
    assert (last["table_name"], last["row_id"], last["action"]) == (
        "dose_records",
        record_id,
        "archive",
    )


def test_a_cleared_day_can_be_recorded_again(store: Store, course_id: int) -> None:
    record_dose(store, course_id, date(2027, 3, 6), "lenalidomide", "missed")
    clear_dose(store, course_id, date(2027, 3, 6), "lenalidomide", reason="entered in error")
    record_dose(store, course_id, date(2027, 3, 6), "lenalidomide", "taken")
    assert [record.status for record in dose_records_of(store, course_id)] == ["taken"]


def test_clearing_a_day_with_no_record_writes_nothing(store: Store, course_id: int) -> None:
    audit_rows = store.db["audit_log"].count
    assert clear_dose(store, course_id, date(2027, 3, 7), "lenalidomide", reason="entered in error") is False
    assert store.db["audit_log"].count == audit_rows


def test_clearing_is_refused_for_an_unknown_drug_or_an_ended_course(
    store: Store, course_id: int, assert_refused: Callable
) -> None:
    record_dose(store, course_id, date(2027, 3, 8), "lenalidomide", "taken")
    assert_refused(lambda: clear_dose(store, course_id, date(2027, 3, 8), "aspirin", reason="entered in error"), "drug")
    end_course(store, course_id, date(2027, 5, 1), "progression")
    assert_refused(
        lambda: clear_dose(store, course_id, date(2027, 3, 8), "lenalidomide", reason="entered in error"), "has ended"
    )
