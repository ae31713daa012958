"""Adding, correcting and archiving patients."""

from __future__ import annotations

from typing import Any

from tracker.domain.errors import DomainError
from tracker.domain.identifiers import mrn_key, refuse_control_characters
from tracker.domain.plausibility import check_plausible
from tracker.domain.rems_rules import CATEGORIES, rems_rules
from tracker.storage.audit import archive_row, insert_row, update_row
from tracker.storage.database import Store
from tracker.storage.errors import ValidationError
from tracker.storage.operations._common import iso, patient_row
from tracker.storage.roles import DECIDE_TREATMENT, RECORD_CARE, requires
from tracker.storage.validation import (
    change_reason,
    choice,
    flag,
    note_text,
    optional_amount,
    optional_choice,
    optional_date,
    optional_text,
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
    "rems_category",
    "rems_category_reason",
    "irregular_cycles",
    "notes",
)


def creatinine_unit(value: Any, label: str = "creatinine unit") -> str:
    unit = _CREATININE_UNIT_SPELLINGS.get(value, value) if isinstance(value, str) else value
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
        **rems_category(values),
        "notes": note_text(values["notes"], "notes"),
    }


def rems_category(values: dict[str, Any]) -> dict[str, Any]:
    """The REMS category, checked against the sex and with its reason where one is needed
    (a female not of reproductive potential: menopause, hysterectomy or oophorectomy)."""
    rules = rems_rules()
    key = optional_choice(values["rems_category"], CATEGORIES, "REMS category")
    reason = optional_text(values["rems_category_reason"], "reason", max_length=40)
    if key is not None:
        category = rules.category(key)
        sex = "F" if category.female else "M"
        if values["sex"] != sex:
            recorded = {"F": "female", "M": "male"}.get(values["sex"], "not recorded")
            raise ValidationError(
                f"the REMS category {category.label.lower()!r} does not fit the sex recorded "
                f"({recorded})"
            )
        if category.reasons:
            if reason is None:
                raise ValidationError(
                    f"an {category.label.lower()} needs the reason: "
                    + ", ".join(text.lower() for text in category.reasons.values())
                )
            choice(reason, tuple(category.reasons), "reason")
        else:
            reason = None
    else:
        reason = None
    return {
        "rems_category": key,
        "rems_category_reason": reason,
        "irregular_cycles": flag(values["irregular_cycles"], "irregular menstrual cycles"),
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
    rems_category: str | None = None,
    rems_category_reason: str | None = None,
    irregular_cycles: bool = False,
    notes: str = "",
) -> int:
    values = _clean(store, {key: value for key, value in locals().items() if key != "store"})
    with store.transaction():
        key = _refuse_duplicate_mrn(store, values["mrn"], None)
        return insert_row(store, "patients", {**values, "mrn_key": key}, patient_id=None)


@requires(RECORD_CARE)
def update_patient(
    store: Store,
    patient_id: int,
    *,
    reason: str | None = None,
    version: int | None = None,
    **changes: Any,
) -> None:
    """Correct any of the patient's details (``EDITABLE_FIELDS``), saying why. With
    ``version``, the one the details were read at, a record changed since is refused."""
    unknown = sorted(set(changes) - set(EDITABLE_FIELDS))
    if unknown:
        raise ValidationError(f"a patient has no field {unknown[0]!r} that can be changed")
    reason = change_reason(reason)
    with store.transaction():
        current = patient_row(store, patient_id)
        values = _clean(store, {**{key: current[key] for key in EDITABLE_FIELDS}, **changes})
        key = _refuse_duplicate_mrn(store, values["mrn"], patient_id)
        update_row(
            store,
            "patients",
            patient_id,
            {**values, "mrn_key": key},
            patient_id=patient_id,
            reason=reason,
            expected_version=version,
        )


@requires(DECIDE_TREATMENT)
def archive_patient(
    store: Store, patient_id: int, *, reason: str | None = None, version: int | None = None
) -> None:
    """Hide the patient from lists, saying why; the record and its history stay in the
    database."""
    reason = change_reason(reason)
    with store.transaction():
        patient_row(store, patient_id)
        archive_row(
            store,
            "patients",
            patient_id,
            patient_id=patient_id,
            reason=reason,
            expected_version=version,
        )
