"""Recording blood counts and creatinine."""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.storage.audit import archive_row, insert_row
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations._common import current_row, iso, patient_row
from tracker.storage.operations.patients import creatinine_unit as checked_creatinine_unit
from tracker.storage.operations.patients import creatinine_value, plausible
from tracker.storage.roles import RECORD_CARE, requires
from tracker.storage.validation import (
    change_reason,
    not_before,
    note_text,
    optional_amount,
    past_or_today,
)

PER_LITRE = "10^9/L"
PER_MM3 = "/mm3"
COUNT_UNITS = (PER_LITRE, PER_MM3)
# 1 /mm3 = 1 /mcL = 1 /uL; the ways these units are commonly written.
_COUNT_UNIT_SPELLINGS = {
    "x10^9/L": PER_LITRE,
    "×10^9/L": PER_LITRE,
    "10*9/L": PER_LITRE,
    "10e9/L": PER_LITRE,
    "G/L": PER_LITRE,
    "/mcL": PER_MM3,
    "/uL": PER_MM3,
    "/µL": PER_MM3,
    "/μL": PER_MM3,
    "cells/mm3": PER_MM3,
}
def count_unit(value: Any, label: str) -> str:
    unit = _COUNT_UNIT_SPELLINGS.get(value, value) if isinstance(value, str) else value
    if unit not in COUNT_UNITS:
        raise ValidationError(f'{label} unit {value!r} is not "{PER_LITRE}" or "{PER_MM3}"')
    return unit


def _count(value: Any, unit: str, quantity: str, label: str) -> float | None:
    amount = optional_amount(value, label, zero_allowed=True)
    if amount is not None:
        plausible(quantity, amount, unit)
    return amount


@requires(RECORD_CARE)
def record_labs(
    store: Store,
    patient_id: int,
    on: date,
    *,
    anc: float | None = None,
    anc_unit: str = PER_LITRE,
    platelets: float | None = None,
    platelets_unit: str = PER_LITRE,
    creatinine: float | None = None,
    creatinine_unit: str | None = None,
    note: str = "",
) -> int:
    """Record a lab result (any date up to today; labs belong to the patient, not a course)."""
    day = past_or_today(store, on, "lab date")
    anc_unit = count_unit(anc_unit, "ANC")
    platelets_unit = count_unit(platelets_unit, "platelet")
    values = {
        "patient_id": patient_id,
        "date": iso(day),
        "anc": _count(anc, anc_unit, "anc", "ANC"),
        "anc_unit": anc_unit,
        "platelets": _count(platelets, platelets_unit, "platelets", "platelets"),
        "platelets_unit": platelets_unit,
        "creatinine": None,
        "creatinine_unit": None,
        "note": note_text(note),
    }
    if creatinine is not None or creatinine_unit is not None:
        unit = checked_creatinine_unit(creatinine_unit or "mg/dL")
        values["creatinine"] = creatinine_value(creatinine, unit)
        values["creatinine_unit"] = unit
    if values["anc"] is None and values["platelets"] is None and values["creatinine"] is None:
        raise ValidationError("enter at least one of ANC, platelets or creatinine")
    with store.transaction():
        patient = patient_row(store, patient_id)
        if patient["date_of_birth"]:
            not_before(
                day, date.fromisoformat(patient["date_of_birth"]), "lab date", "the date of birth"
            )
        return insert_row(store, "labs", values, patient_id=patient_id)


@requires(RECORD_CARE)
def archive_labs(store: Store, lab_id: int, *, reason: str | None = None) -> None:
    """Withdraw a lab result entered in error, saying why; it stays in the database for
    history."""
    reason = change_reason(reason)
    with store.transaction():
        row = current_row(store, "labs", lab_id, "lab result")
        archive_row(store, "labs", lab_id, patient_id=row["patient_id"], reason=reason)
