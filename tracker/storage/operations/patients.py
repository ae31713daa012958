"""Adding, correcting and archiving patients."""

from __future__ import annotations

from typing import Any

from tracker.domain.errors import DomainError
from tracker.domain.identifiers import mrn_key, refuse_control_characters
from tracker.domain.plausibility import check_plausible
from tracker.storage.audit import archive_row, insert_row, update_row
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations._common import iso, patient_row
from tracker.storage.roles import DECIDE_TREATMENT, RECORD_CARE, requires
from tracker.storage.validation import (
    flag,
    note_text,
    optional_amount,
    optional_choice,
    optional_date,
    past_or_today,
    required_text,
)

SEXES = ("F", "M")
CREATININE_UNITS = ("mg/dL", "umol/L")
_CREATININE_UNIT_SPELLINGS = {"µmol/L": "umol/L", "μmol/L": "umol/L", "mg/dl": "mg/dL"}
MAX_WEIGHT_KG = 400.0
EDITABLE_FIELDS = (
    "mrn",
    "name",
    "date_of_birth",
    "sex",
    "weight_kg",
    "creatinine",
    "creatinine_unit",
    "on_dialysis",
    "reproductive_potential",
    "notes",
)


def creatinine_unit(value: Any, label: str = "creatinine unit") -> str:
    unit = _CREATININE_UNIT_SPELLINGS.get(value, value)
    if unit not in CREATININE_UNITS:
        raise ValidationError(f'{label} {value!r} is not "mg/dL" or "umol/L"')
    return unit


def plausible(quantity: str, value: float, unit: str) -> None:
    """Refuse a lab value that is not plausible in its unit (``domain.plausibility``)."""
    try:
        check_plausible(quantity, value, unit)
    except DomainError as error:
        raise ValidationError(str(error)) from None


def creatinine_value(value: Any, unit: str) -> float | None:
    amount = optional_amount(value, "creatinine", zero_allowed=False)
    if amount is not None:
        plausible("creatinine", amount, unit)
    return amount


def _identifier(value: Any, label: str, max_length: int) -> str:
    if isinstance(value, str):
        try:
            refuse_control_characters(value, label)
        except DomainError as error:
            raise ValidationError(str(error)) from None
    text = required_text(value, label, max_length=max_length)
    if not mrn_key(text):
        raise ValidationError(f"{label} must not be empty")
    return text


def _clean(store: Store, values: dict[str, Any]) -> dict[str, Any]:
    birth = optional_date(values["date_of_birth"], "date of birth")
    if birth is not None:
        past_or_today(store, birth, "date of birth")
    unit = creatinine_unit(values["creatinine_unit"] or "mg/dL")
    return {
        "mrn": _identifier(values["mrn"], "MRN", 40),
        "name": _identifier(values["name"], "patient name", 200),
        "date_of_birth": iso(birth),
        "sex": optional_choice(values["sex"], SEXES, "sex"),
        "weight_kg": optional_amount(
            values["weight_kg"], "weight (kg)", zero_allowed=False, maximum=MAX_WEIGHT_KG
        ),
        "creatinine": creatinine_value(values["creatinine"], unit),
        "creatinine_unit": unit,
        "on_dialysis": flag(values["on_dialysis"], "on dialysis"),
        "reproductive_potential": flag(values["reproductive_potential"], "reproductive potential"),
        "notes": note_text(values["notes"], "notes"),
    }


def _refuse_duplicate_mrn(store: Store, mrn: str, patient_id: int | None) -> str:
    """The MRN's comparison key; refused when another patient's MRN has the same key."""
    key = mrn_key(mrn)
    for row in store.query(
        "SELECT id, mrn, name, archived FROM patients WHERE mrn_key = ?", [key]
    ):
        if row["id"] != patient_id:
            archived = " (archived)" if row["archived"] else ""
            same = "" if row["mrn"] == mrn else f" (the same as {row['mrn']!r} once case, spaces and look-alike characters are ignored)"
            raise ValidationError(
                f"MRN {mrn!r} already belongs to another patient{archived}{same}"
            )
    return key


@requires(RECORD_CARE)
def add_patient(
    store: Store,
    *,
    mrn: str,
    name: str,
    date_of_birth: Any = None,
    sex: str | None = None,
    weight_kg: float | None = None,
    creatinine: float | None = None,
    creatinine_unit: str = "mg/dL",
    on_dialysis: bool = False,
    reproductive_potential: bool = False,
    notes: str = "",
) -> int:
    values = _clean(store, {key: value for key, value in locals().items() if key != "store"})
    with store.transaction():
        key = _refuse_duplicate_mrn(store, values["mrn"], None)
        return insert_row(store, "patients", {**values, "mrn_key": key}, patient_id=None)


@requires(RECORD_CARE)
def update_patient(store: Store, patient_id: int, **changes: Any) -> None:
    """Correct any of the patient's details (``EDITABLE_FIELDS``)."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(f"a patient has no field {unknown[0]!r} that can be changed")
    with store.transaction():
        current = patient_row(store, patient_id)
        values = _clean(store, {**{key: current[key] for key in EDITABLE_FIELDS}, **changes})
        key = _refuse_duplicate_mrn(store, values["mrn"], patient_id)
        update_row(
            store, "patients", patient_id, {**values, "mrn_key": key}, patient_id=patient_id
        )


@requires(DECIDE_TREATMENT)
def archive_patient(store: Store, patient_id: int) -> None:
    """Hide the patient from lists; the record and its history stay in the database."""
    with store.transaction():
        patient_row(store, patient_id)
        archive_row(store, "patients", patient_id, patient_id=patient_id)
