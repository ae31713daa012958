"""Recording, through the storage operations, what the Lenalidomide REMS asks of a female
patient of reproductive potential, for tests of the surfaces that show it."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from tracker.storage.database import Store
from tracker.storage.operations import courses, rems
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient

METHODS = ("Intrauterine device (IUD)", "Male latex or synthetic condom")
NOT_THE_SUBJECT = "counts are not the subject of this test"


def add_woman(store: Store, mrn: str, name: str = "Okonkwo, Adaeze", **extra: Any) -> int:
    values: dict[str, Any] = {
        "date_of_birth": date(1990, 4, 2),
        "sex": "F",
        "weight_kg": 64.0,
        "creatinine": 0.8,
        "rems_category": "female_reproductive",
    }
    values.update(extra)
    return add_patient(store, mrn=mrn, name=name, **values)


def negative_test(store: Store, patient_id: int, on: date, kind: str = "urine") -> int:
    sensitivity = 5.0 if kind == "serum" else 25.0
    return rems.record_pregnancy_test(
        store, patient_id, on, kind=kind, sensitivity_miu_ml=sensitivity, result="negative"
    )


def prescription(on: date, number: str, days: int = 28) -> rems.Prescription:
    return rems.Prescription(number, on, capsules=21, days_supply=days)


def start_tested_course(
    store: Store, patient_id: int, start: date, number: str = "48213377", **options: Any
) -> int:
    """Counselling 5 weeks before, the two tests before the first prescription (12 days
    before and on the day), fit counts, then the course with its authorization."""
    rems.record_contraception(store, patient_id, start - timedelta(days=35), methods=METHODS)
    negative_test(store, patient_id, start - timedelta(days=12))
    negative_test(store, patient_id, start, kind="serum")
    record_labs(store, patient_id, start, anc=2.4, platelets=210)
    options.setdefault("override_reason", NOT_THE_SUBJECT)
    return courses.start_course(
        store, patient_id, start, prescription=prescription(start, number), **options
    )


def weekly_tests(store: Store, patient_id: int, start: date, until: date) -> None:
    """The weekly tests of the first 4 weeks that fall on or before ``until``."""
    for offset in (7, 14, 21, 28):
        on = start + timedelta(days=offset)
        if on <= until:
            negative_test(store, patient_id, on)
