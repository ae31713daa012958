"""A clinic of generated patients recorded through the storage operations, as the forms
would record them, for tests that compare what each screen says with the engine."""

from __future__ import annotations

from contextlib import suppress
from datetime import timedelta

from tests.starts import start_course, start_next_cycle
from tests.ui.conftest import FIXED_TODAY
from tracker.storage.operations.events import log_event
from tracker.storage.operations.interruptions import interrupt, resume
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient


def days_ago(days: int):
    return FIXED_TODAY - timedelta(days=days)


ANC_VALUES = (0.3, 0.6, 0.9, 1.2, 2.4, 3.8)
PLATELET_VALUES = (12, 24, 28, 45, 120, 260)


def generated_clinic(store, rng, patients: int) -> dict[str, int]:
    """Patients with random courses: counts high and low, interruptions resumed or not at a
    random level, grade 3-4 events open or resolved, second cycles on time or late.

    Returns course id by MRN. Every date is up to the store's today, as the forms allow.
    """
    courses = {}
    for number in range(patients):
        mrn = f"G-{number:02d}"
        patient_id = add_patient(store, mrn=mrn, name=f"Generated, Patient {number:02d}")
        started = rng.randint(3, 70)
        start = days_ago(started)
        course_id = start_course(store, patient_id, start, len_level=rng.choice((0, 0, 1)))
        courses[mrn] = course_id
        for day in sorted(rng.sample(range(started + 1), k=min(started + 1, rng.randint(0, 6)))):
            record_labs(
                store,
                patient_id,
                start + timedelta(days=day),
                anc=rng.choice(ANC_VALUES),
                platelets=rng.choice(PLATELET_VALUES),
            )
        if rng.random() < 0.3:
            onset = start + timedelta(days=rng.randint(0, started))
            resolved = onset + timedelta(days=rng.randint(1, 10))
            log_event(
                store,
                patient_id,
                rng.choice(("vte", "neutropenia", "thrombocytopenia")),
                rng.choice((3, 4)),
                onset,
                course_id=course_id,
                resolution_date=resolved if resolved <= FIXED_TODAY and rng.random() < 0.5 else None,
            )
        if started >= 28 + 2 and rng.random() < 0.6:
            start_next_cycle(store, course_id, start + timedelta(days=28 + rng.randint(0, 2)))
        if rng.random() < 0.5:
            held_from = start + timedelta(days=rng.randint(1, started))
            interrupt(store, course_id, held_from, "counts")
            if held_from < FIXED_TODAY and rng.random() < 0.5:
                back_on = held_from + timedelta(days=rng.randint(1, (FIXED_TODAY - held_from).days))
                resume(store, course_id, back_on, level=rng.choice((None, 0, 1, 2)))
    return courses


def generated_rems_clinic(store, rng, patients: int) -> dict[str, int]:
    """Women of reproductive potential whose courses the REMS allowed, with random pregnancy
    tests after the start (some weekly tests missed, so overdue), regular or irregular
    cycles, now and then a positive test, a missed period or an interruption, and a second
    cycle with its authorization when the tests allowed it. Returns course id by MRN."""
    from tests.rems_seed import add_woman, negative_test, prescription, start_tested_course
    from tracker.storage.errors import ValidationError
    from tracker.storage.operations import rems

    courses = {}
    for number in range(patients):
        mrn = f"GR-{number:02d}"
        patient_id = add_woman(
            store, mrn, name=f"Generated, Woman {number:02d}", irregular_cycles=rng.random() < 0.4
        )
        started = rng.randint(1, 60)
        start = days_ago(started)
        course_id = start_tested_course(store, patient_id, start, number=f"{900000 + number}")
        courses[mrn] = course_id
        for offset in range(7, started + 1, 7):
            if rng.random() < 0.8:
                negative_test(store, patient_id, start + timedelta(days=offset))
        if rng.random() < 0.3:
            interrupt(store, course_id, start + timedelta(days=rng.randint(1, started)), "counts")
        if started >= 28 and rng.random() < 0.7:
            second = start + timedelta(days=28)
            # With a weekly test missed the REMS refuses cycle 2, as it should.
            with suppress(ValidationError):
                start_next_cycle(
                    store, course_id, second, prescription=prescription(second, f"8{number:05d}")
                )
        roll = rng.random()
        if roll < 0.2:
            rems.record_pregnancy_test(
                store, patient_id, days_ago(rng.randint(0, started)),
                kind="urine", sensitivity_miu_ml=25, result="positive",
            )  # fmt: skip
        elif roll < 0.4:
            rems.report_menstrual_change(
                store, patient_id, days_ago(rng.randint(0, started)), "missed period"
            )
    return courses
