"""Starting and ending a course, starting cycles, and changing dose levels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from tracker.domain.calendar import cycle_starts
from tracker.domain.errors import DomainError, ScheduleError
from tracker.domain.prophylaxis import check_risk_factors
from tracker.domain.regimen import DEFAULT_REGIMEN_ID, LENALIDOMIDE, Regimen
from tracker.storage.audit import insert_row, update_row
from tracker.storage.course_history import course_history
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations import rems
from tracker.storage.operations._common import iso, open_course, patient_row, regimen_named
from tracker.storage.operations.start_checks import (
    start_check_for_course,
    start_check_for_cycle,
    start_override,
)
from tracker.storage.queries import courses_of, cycles_of, dose_records_of
from tracker.storage.records import Course
from tracker.storage.roles import DECIDE_TREATMENT, requires
from tracker.storage.signatures import END_COURSE, RECORD_DEATH, require_signature
from tracker.storage.validation import (
    as_date,
    change_reason,
    choice,
    not_before,
    note_text,
    optional_choice,
    optional_text,
    past_or_today,
    text_items,
)

THROMBOPROPHYLAXIS = ("aspirin", "LMWH", "warfarin", "DOAC", "none")
END_REASONS = ("progression", "toxicity", "death", "other")
LENALIDOMIDE_INTERVALS = (1, 2)


def checked_level(regimen: Regimen, drug: str, level: Any) -> int:
    schedule = regimen.drug(drug)
    ladder = ", ".join(f"{index} = {mg:g} mg" for index, mg in enumerate(schedule.dose_ladder_mg))
    if isinstance(level, bool) or not isinstance(level, int):
        raise ValidationError(f"{schedule.label} dose level must be a whole number ({ladder})")
    if not 0 <= level <= schedule.lowest_level:
        raise ValidationError(
            f"{schedule.label} dose level {level} is not on the regimen's ladder ({ladder})"
        )
    return level


def _risk_factors(factors: Sequence[str]) -> str | None:
    try:
        chosen = check_risk_factors(text_items(factors, "VTE risk factors"))
    except DomainError as error:
        raise ValidationError(str(error)) from None
    return ",".join(chosen) or None


@requires(DECIDE_TREATMENT)
def start_course(
    store: Store,
    patient_id: int,
    start_date: date,
    *,
    len_level: int = 0,
    dex_level: int = 0,
    len_every_days: int = 1,
    renal_band: str | None = None,
    thromboprophylaxis: str | None = None,
    regimen_id: str = DEFAULT_REGIMEN_ID,
    override_reason: str | None = None,
    vte_risk_factors: Sequence[str] = (),
    prescription: rems.Prescription | None = None,
) -> int:
    """Start a course and its cycle 1 on ``start_date``; returns the course id.

    ``vte_risk_factors``: the IMWG risk factors ticked; ``prescription``: cycle 1's
    lenalidomide and its REMS authorization. Counts missing, too old or below the hold
    thresholds need ``override_reason``; what the REMS still needs is refused outright.
    """
    regimen = regimen_named(regimen_id)
    start = past_or_today(store, start_date, "course start")
    values = {
        "regimen_id": regimen.id,
        "start_date": iso(start),
        "len_start_level": checked_level(regimen, regimen.lenalidomide.name, len_level),
        "dex_start_level": checked_level(regimen, regimen.dexamethasone.name, dex_level),
        "len_every_days": _interval(len_every_days),
        "renal_band": optional_text(renal_band, "renal band", max_length=40),
        "thromboprophylaxis": optional_choice(
            thromboprophylaxis, THROMBOPROPHYLAXIS, "thromboprophylaxis"
        ),
        "status": "active",
        "vte_risk_factors": _risk_factors(vte_risk_factors),
    }
    with store.transaction():
        patient = patient_row(store, patient_id)
        if patient["date_of_death"]:
            raise ValidationError(
                f"{patient['name']} died on {patient['date_of_death']}: no course can start"
            )
        if patient["date_of_birth"]:
            not_before(
                start,
                date.fromisoformat(patient["date_of_birth"]),
                "course start",
                "the date of birth",
            )
        for course in courses_of(store, patient_id):
            if course.is_active:
                raise ValidationError(
                    f"{patient['name']} already has a course in progress (started "
                    f"{course.start_date.isoformat()}); end it before starting another"
                )
            if course.end_date and start < course.end_date:
                raise ValidationError(
                    f"course start {start.isoformat()} is before the end of the previous "
                    f"course on {course.end_date.isoformat()}"
                )
        checked = rems.refuse_course_start(store, patient, start, prescription)
        override = start_override(
            store,
            start_check_for_course(store, patient_id, start),
            override_reason,
            "starting a course",
        )
        course_id = insert_row(
            store,
            "courses",
            {"patient_id": patient_id, **values, **override},
            patient_id=patient_id,
        )
        cycle_id = insert_row(
            store,
            "cycles",
            {
                "course_id": course_id,
                "number": 1,
                "planned_start": iso(start),
                "actual_start": iso(start),
                "len_level": values["len_start_level"],
                "dex_level": values["dex_start_level"],
                "status": "active",
                "delay_reason": None,
            },
            patient_id=patient_id,
        )
        rems.insert_prescription(store, course_id, cycle_id, checked, patient_id)
    return course_id


def _interval(value: Any) -> int:
    if value not in LENALIDOMIDE_INTERVALS or isinstance(value, bool):
        raise ValidationError(
            f"lenalidomide is given every 1 day or every 2 days (the renal schedule), not {value!r}"
        )
    return int(value)


@requires(DECIDE_TREATMENT)
def start_next_cycle(
    store: Store,
    course_id: int,
    actual_start: date,
    *,
    delay_reason: str | None = None,
    len_level: int | None = None,
    dex_level: int | None = None,
    resume_level: int | None = None,
    override_reason: str | None = None,
    prescription: rems.Prescription | None = None,
) -> int:
    """Start the next cycle on ``actual_start`` (on or after its planned date: later is a
    delay); levels default to those in effect that day. Returns the cycle id.

    With lenalidomide interrupted, ``resume_level`` records the resume at that level with the
    start. Counts missing, too old or low, or an interruption left open, need
    ``override_reason``; what the REMS needs (``prescription``) is refused outright.
    """
    from tracker.storage.operations.interruptions import resume

    course = open_course(store, course_id, "start another cycle")
    regimen = regimen_named(course.regimen_id)
    start = past_or_today(store, actual_start, "cycle start")
    cycles = cycles_of(store, course_id)
    previous = cycles[-1]
    number = previous.number + 1
    planned = previous.actual_start + timedelta(days=regimen.cycle_length_days)
    try:
        cycle_starts(
            regimen,
            course.start_date,
            number,
            {**{cycle.number: cycle.actual_start for cycle in cycles}, number: start},
        )
    except ScheduleError as error:
        raise ValidationError(f"{error} (planned start {planned.isoformat()})") from None
    history = course_history(store, course)
    resuming = resume_level is not None and history.interruption_on(start) is not None
    if resume_level is not None and not resuming:
        raise ValidationError("lenalidomide is not interrupted: there is nothing to resume")
    checked = rems.refuse_cycle_start(store, history, number, start, prescription)
    override = start_override(
        store,
        start_check_for_cycle(store, course, start, resuming=resuming),
        override_reason,
        f"starting cycle {number}",
    )
    requested = {regimen.lenalidomide.name: len_level, regimen.dexamethasone.name: dex_level}
    with store.transaction():
        if resuming:
            resume(store, course_id, start, level=resume_level)
            requested[LENALIDOMIDE] = resume_level if len_level is None else len_level
            history = course_history(store, course)
        levels = {}
        for drug, level in requested.items():
            in_effect = history.level_on(drug, start)
            levels[drug] = in_effect if level is None else checked_level(regimen, drug, level)
            if levels[drug] != in_effect:
                record_level_change(
                    store, course, drug, levels[drug], start, f"cycle {number} start", sync=False
                )
        update_row(
            store, "cycles", previous.id, {"status": "completed"}, patient_id=course.patient_id
        )
        cycle_id = insert_row(
            store,
            "cycles",
            {
                "course_id": course_id,
                "number": number,
                "planned_start": iso(planned),
                "actual_start": iso(start),
                "len_level": levels[regimen.lenalidomide.name],
                "dex_level": levels[regimen.dexamethasone.name],
                "status": "active",
                "delay_reason": optional_text(delay_reason, "delay reason", max_length=200),
                **override,
            },
            patient_id=course.patient_id,
        )
        rems.insert_prescription(store, course_id, cycle_id, checked, course.patient_id)
        return cycle_id


@requires(DECIDE_TREATMENT)
def change_dose_level(
    store: Store,
    course_id: int,
    drug: str,
    level: int,
    effective_date: date,
    reason: str = "",
) -> int:
    """From ``effective_date`` on, give ``drug`` at ``level``; returns the level change id."""
    course = open_course(store, course_id, "change a dose level")
    regimen = regimen_named(course.regimen_id)
    drug = choice(drug, tuple(regimen.drugs), "drug")
    level = checked_level(regimen, drug, level)
    effective = past_or_today(store, effective_date, "effective date")
    not_before(effective, course.start_date, "effective date", "the course start")
    return record_level_change(store, course, drug, level, effective, reason)


def record_level_change(
    store: Store,
    course: Course,
    drug: str,
    level: int,
    effective: date,
    reason: str,
    *,
    sync: bool = True,
) -> int:
    """Insert a checked level change (and keep each cycle's recorded levels in step)."""
    with store.transaction():
        change_id = insert_row(
            store,
            "level_changes",
            {
                "course_id": course.id,
                "effective_date": iso(effective),
                "drug": drug,
                "level": level,
                "reason": note_text(reason, "reason"),
            },
            patient_id=course.patient_id,
        )
        if sync:
            _sync_cycle_levels(store, course)
    return change_id


def _sync_cycle_levels(store: Store, course: Course) -> None:
    """Keep each cycle's recorded levels equal to those in effect on its first day."""
    history = course_history(store, course)
    for cycle in cycles_of(store, course.id):
        levels = {
            "len_level": history.level_on("lenalidomide", cycle.actual_start),
            "dex_level": history.level_on("dexamethasone", cycle.actual_start),
        }
        update_row(store, "cycles", cycle.id, levels, patient_id=course.patient_id)


@requires(DECIDE_TREATMENT)
def end_course(store: Store, course_id: int, end_date: date, reason: str, note: str = "") -> None:
    """Stop the course: ``reason`` is "progression", "toxicity", "death" or "other". A death
    also records the patient's date of death, in the same transaction."""
    course = open_course(store, course_id, "end it again")
    end = past_or_today(store, end_date, "course end")
    reason = choice(reason, END_REASONS, "reason for ending")
    require_signature(store, *((RECORD_DEATH,) if reason == "death" else (END_COURSE,)))
    with store.transaction():
        _end(store, course, end, reason, note)
        if reason == "death":
            record_death(store, course.patient_id, end)


def _end(store: Store, course: Course, end: date, reason: str, note: str) -> None:
    not_before(end, course.start_date, "course end", "the course start")
    cycles = cycles_of(store, course.id)
    last = cycles[-1]
    not_before(end, last.actual_start, "course end", f"the start of cycle {last.number}")
    later_doses = [record for record in dose_records_of(store, course.id) if record.date > end]
    if later_doses:
        raise ValidationError(
            f"doses are recorded after {end.isoformat()} (on "
            f"{later_doses[-1].date.isoformat()}); the course cannot end before them"
        )
    update_row(
        store,
        "courses",
        course.id,
        {
            "status": "ended",
            "end_date": iso(end),
            "end_reason": reason,
            "end_note": note_text(note),
        },
        patient_id=course.patient_id,
    )
    update_row(store, "cycles", last.id, {"status": "completed"}, patient_id=course.patient_id)


@requires(DECIDE_TREATMENT)
def record_death(store: Store, patient_id: int, died_on: date, note: str = "") -> None:
    """The patient died on ``died_on``: the date of death on the patient, and the active
    course (if any) ended for reason 'death' that day. Call inside the caller's transaction."""
    died_on = as_date(died_on, "date of death")
    require_signature(store, RECORD_DEATH)
    with store.transaction():
        patient = patient_row(store, patient_id)
        recorded = patient["date_of_death"]
        if recorded and recorded != iso(died_on):
            raise ValidationError(
                f"{patient['name']} is already recorded as having died on {recorded}"
            )
        for course in courses_of(store, patient_id):
            if course.is_active:
                _end(store, course, died_on, "death", note)
        update_row(
            store, "patients", patient_id, {"date_of_death": iso(died_on)}, patient_id=patient_id
        )


@requires(DECIDE_TREATMENT)
def update_course(
    store: Store,
    course_id: int,
    *,
    reason: str | None = None,
    thromboprophylaxis: str | None = None,
    renal_band: str | None = None,
) -> None:
    """Change the thromboprophylaxis or renal band noted on an active course, saying why."""
    reason = change_reason(reason)
    course = open_course(store, course_id, "change it")
    changes: dict[str, Any] = {}
    if thromboprophylaxis is not None:
        changes["thromboprophylaxis"] = choice(
            thromboprophylaxis, THROMBOPROPHYLAXIS, "thromboprophylaxis"
        )
    if renal_band is not None:
        changes["renal_band"] = optional_text(renal_band, "renal band", max_length=40)
    update_row(store, "courses", course_id, changes, patient_id=course.patient_id, reason=reason)
