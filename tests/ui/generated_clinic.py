"""A clinic of generated patients recorded through the storage operations, as the forms
would record them, for tests that compare what each screen says with the engine."""

from __future__ import annotations

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
