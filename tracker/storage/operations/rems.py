"""Pregnancy prevention writes (Lenalidomide REMS): pregnancy tests, contraception
counselling, missed-period reports and their clearing by a clinician, and each cycle's
lenalidomide prescription with its authorization number. Each is one transaction with its
audit row.

The course and cycle starts ask ``refuse_course_start`` and ``refuse_cycle_start``: what the
REMS still needs is refused outright, with no override reason.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from typing import Any

from tracker.domain.rems_rules import FEMALE_CATEGORIES, rems_rules
from tracker.domain.treatment.history import CourseHistory
from tracker.domain.treatment.rems_facts import FLAG_KINDS, POSITIVE, RESULTS, TEST_KINDS, Supply
from tracker.domain.treatment.rems_start import (
    course_start_problems,
    history_cycle_start_problems,
    refusal,
)
from tracker.storage.audit import insert_row, update_row
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations._common import current_row, iso, open_course, patient_row
from tracker.storage.records import Patient
from tracker.storage.rems_reads import clock_time, prescriptions_of, rems_facts
from tracker.storage.validation import (
    choice,
    not_before,
    note_text,
    optional_amount,
    optional_text,
    past_or_today,
    required_text,
    whole_number,
)

MAX_CAPSULES = 28


@dataclass(frozen=True)
class Prescription:
    """A cycle's lenalidomide prescription as a form or a command gives it: the REMS
    authorization number, the day (and, if known, time: 'HH:MM') it was given, the capsules
    and the days of supply. Refills do not exist under the REMS."""

    authorization_number: str
    authorized_on: date
    capsules: int
    days_supply: int
    authorized_at: str | time | None = None
    note: str = ""


def _clock(value: Any, label: str) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    try:
        parsed = time.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError(f"{label} {value!r} is not a time in the form HH:MM") from None
    return parsed.strftime("%H:%M")


@dataclass(frozen=True)
class CheckedPrescription:
    """A prescription's columns, checked, and the supply the engine reads from them."""

    row: dict[str, Any]
    supply: Supply


def checked_prescription(
    store: Store, prescription: Prescription, cycle: int
) -> CheckedPrescription:
    """The prescription of cycle ``cycle``, checked (the REMS's 28-day limit included)."""
    max_days = rems_rules().max_supply_days
    number = required_text(
        prescription.authorization_number, "REMS authorization number", max_length=40
    )
    days = whole_number(prescription.days_supply, "days of supply", 1, 10_000)
    if days > max_days:
        raise ValidationError(
            f"a lenalidomide supply of {days} days is refused: the REMS allows at most "
            f"{max_days} days per prescription, with no refills"
        )
    capsules = whole_number(prescription.capsules, "capsules", 1, 10_000)
    if capsules > days:
        raise ValidationError(
            f"{capsules} capsules for {days} days: this regimen gives at most one capsule a day"
        )
    given_on = past_or_today(store, prescription.authorized_on, "authorization date")
    given_at = _clock(prescription.authorized_at, "authorization time")
    row = {
        "authorization_number": number,
        "authorized_on": iso(given_on),
        "authorized_at": given_at,
        "capsules": capsules,
        "days_supply": days,
        "note": note_text(prescription.note),
    }
    return CheckedPrescription(
        row, Supply(cycle, number, given_on, days, capsules, clock_time(given_at))
    )


def _checked(
    store: Store, prescription: Prescription | None, cycle: int
) -> CheckedPrescription | None:
    return None if prescription is None else checked_prescription(store, prescription, cycle)


def refuse_course_start(
    store: Store, patient: dict[str, Any], start: date, prescription: Prescription | None
) -> CheckedPrescription | None:
    """Refuse a course start the REMS does not allow; the checked prescription otherwise."""
    checked = _checked(store, prescription, 1)
    facts = rems_facts(store, Patient.from_row(patient))
    problems = course_start_problems(facts, start, checked.supply if checked else None)
    if problems:
        raise ValidationError(refusal("starting a course", start, problems))
    return checked


def refuse_cycle_start(
    store: Store,
    history: CourseHistory,
    number: int,
    start: date,
    prescription: Prescription | None,
) -> CheckedPrescription | None:
    """Refuse cycle ``number`` on ``start`` when the REMS does not allow it."""
    checked = _checked(store, prescription, number)
    problems = history_cycle_start_problems(history, start, checked.supply if checked else None)
    if problems:
        raise ValidationError(refusal(f"starting cycle {number}", start, problems))
    return checked


def course_start_needs(
    store: Store, patient_id: int, start: date, prescription: Prescription | None
) -> tuple[str, ...]:
    """What the REMS still needs before the patient's course starts on ``start`` (empty:
    nothing), as a start form shows it while it is filled in; input the prescription cannot
    hold is one of them."""
    try:
        checked = _checked(store, prescription, 1)
    except ValidationError as error:
        return (str(error),)
    facts = rems_facts(store, Patient.from_row(patient_row(store, patient_id)))
    return course_start_problems(facts, start, checked.supply if checked else None)


def cycle_start_needs(
    store: Store,
    history: CourseHistory,
    number: int,
    start: date,
    prescription: Prescription | None,
) -> tuple[str, ...]:
    """``course_start_needs`` for cycle ``number`` of the course ``history`` describes."""
    try:
        checked = _checked(store, prescription, number)
    except ValidationError as error:
        return (str(error),)
    return history_cycle_start_problems(history, start, checked.supply if checked else None)


def insert_prescription(
    store: Store,
    course_id: int,
    cycle_id: int,
    checked: CheckedPrescription | None,
    patient_id: int,
) -> int | None:
    """Write a checked prescription for the cycle (inside the start's transaction)."""
    if checked is None:
        return None
    return insert_row(
        store,
        "prescriptions",
        {"course_id": course_id, "cycle_id": cycle_id, **checked.row},
        patient_id=patient_id,
    )


def record_prescription(
    store: Store, course_id: int, cycle_number: int, prescription: Prescription
) -> int:
    """The prescription of a cycle already started without one (an older record)."""
    from tracker.storage.queries import cycle_of

    course = open_course(store, course_id, "record a prescription")
    cycle = cycle_of(store, course_id, cycle_number)
    if any(p.cycle == cycle_number for p in prescriptions_of(store, course_id)):
        raise ValidationError(f"cycle {cycle_number} already has its REMS prescription recorded")
    checked = checked_prescription(store, prescription, cycle_number)
    with store.transaction():
        return insert_prescription(store, course_id, cycle.id, checked, course.patient_id) or 0


# -- the patient's record --------------------------------------------------------------------


def _tested_patient(store: Store, patient_id: Any, what: str) -> dict[str, Any]:
    """The patient, refused when the record says a pregnancy cannot be the question."""
    patient = patient_row(store, patient_id)
    if patient["sex"] == "M" or (
        patient["rems_category"] and patient["rems_category"] not in FEMALE_CATEGORIES
    ):
        raise ValidationError(f"{patient['name']} is recorded as male: no {what} is recorded")
    return patient


def record_pregnancy_test(
    store: Store,
    patient_id: int,
    on: date,
    *,
    kind: str,
    sensitivity_miu_ml: float,
    result: str,
    at: str | time | None = None,
    note: str = "",
) -> int:
    """A pregnancy test: its day (and time), serum or urine, the hCG concentration it
    detects (mIU/mL: 50 or lower counts for the REMS) and its result."""
    patient = _tested_patient(store, patient_id, "pregnancy test")
    values = {
        "patient_id": patient["id"],
        "date": iso(past_or_today(store, on, "test date")),
        "time": _clock(at, "test time"),
        "kind": choice(kind, TEST_KINDS, "test"),
        "sensitivity_miu_ml": optional_amount(
            sensitivity_miu_ml, "test sensitivity (mIU/mL)", zero_allowed=False, maximum=1000
        ),
        "result": choice(result, RESULTS, "result"),
        "note": note_text(note),
    }
    if values["sensitivity_miu_ml"] is None:
        raise ValidationError("the test's sensitivity (mIU/mL) is required")
    with store.transaction():
        return insert_row(store, "pregnancy_tests", values, patient_id=patient["id"])


def _clearing(store: Store, row: dict[str, Any], day_column: str, cleared_on: Any, why: Any):
    cleared = past_or_today(store, cleared_on, "cleared on")
    not_before(cleared, date.fromisoformat(row[day_column]), "cleared on", "the report")
    clearance = required_text(why, "the clinician's reason for clearing it", max_length=500)
    return {"cleared_on": iso(cleared), "clearance": clearance}


def clear_positive_test(store: Store, test_id: int, cleared_on: date, clearance: str) -> None:
    """A clinician records that a positive test no longer stands (for example, not
    confirmed by a serum test); lenalidomide may be given again from ``cleared_on``."""
    row = current_row(store, "pregnancy_tests", test_id, "pregnancy test")
    if row["result"] != POSITIVE or row["cleared_on"]:
        raise ValidationError(f"the test of {row['date']} is not a positive result still standing")
    changes = _clearing(store, row, "date", cleared_on, clearance)
    with store.transaction():
        update_row(
            store,
            "pregnancy_tests",
            test_id,
            changes,
            patient_id=row["patient_id"],
            reason=changes["clearance"],
        )


def record_contraception(
    store: Store,
    patient_id: int,
    counselled_on: date,
    *,
    methods: tuple[str, ...] = (),
    abstinence: bool = False,
    note: str = "",
) -> int:
    """Contraception counselling: two reliable methods at the same time, or continuous
    abstinence."""
    patient = _tested_patient(store, patient_id, "contraception counselling")
    chosen = [
        text for method in methods if (text := optional_text(method, "method", max_length=120))
    ]
    if abstinence and chosen:
        raise ValidationError("record either continuous abstinence or two methods, not both")
    if not abstinence and (len(chosen) != 2 or chosen[0].casefold() == chosen[1].casefold()):
        raise ValidationError(
            "two different reliable methods of contraception are needed at the same time "
            "(or continuous abstinence)"
        )
    values = {
        "patient_id": patient["id"],
        "counselled_on": iso(past_or_today(store, counselled_on, "counselling date")),
        "method_1": chosen[0] if chosen else None,
        "method_2": chosen[1] if chosen else None,
        "abstinence": int(abstinence),
        "note": note_text(note),
    }
    with store.transaction():
        return insert_row(store, "contraception", values, patient_id=patient["id"])


def report_menstrual_change(
    store: Store, patient_id: int, reported_on: date, kind: str, note: str = ""
) -> int:
    """A missed period or abnormal bleeding: lenalidomide stops until a clinician clears it."""
    patient = _tested_patient(store, patient_id, "missed period")
    values = {
        "patient_id": patient["id"],
        "reported_on": iso(past_or_today(store, reported_on, "report date")),
        "kind": choice(kind, FLAG_KINDS, "report"),
        "note": note_text(note),
    }
    with store.transaction():
        return insert_row(store, "menstrual_reports", values, patient_id=patient["id"])


def clear_menstrual_change(store: Store, report_id: int, cleared_on: date, clearance: str) -> None:
    """A clinician records the missed period or bleeding checked and cleared."""
    row = current_row(store, "menstrual_reports", report_id, "missed-period report")
    if row["cleared_on"]:
        raise ValidationError(f"the {row['kind']} of {row['reported_on']} is already cleared")
    changes = _clearing(store, row, "reported_on", cleared_on, clearance)
    with store.transaction():
        update_row(
            store,
            "menstrual_reports",
            report_id,
            changes,
            patient_id=row["patient_id"],
            reason=changes["clearance"],
        )
