"""Read-only records built from database rows; dates as ``datetime.date``, flags as bool."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields
from datetime import date
from functools import cache
from typing import Any, Self, get_type_hints


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _json(value: str | None) -> dict | None:
    return json.loads(value) if value else None


def _text(value: str | None) -> str:
    return "" if value is None else value


# A column becomes its field's type: ISO text to dates, 0/1 to bools, and NULL to "" where the
# field is plain text. Any other type is stored as it is read.
_CONVERTERS: dict[object, Callable[[Any], Any]] = {
    date: date.fromisoformat,
    date | None: _date,
    bool: bool,
    str: _text,
}


@cache
def _field_converters(record_type: type) -> tuple[tuple[str, Callable[[Any], Any] | None], ...]:
    hints = get_type_hints(record_type)
    return tuple((field.name, _CONVERTERS.get(hints[field.name])) for field in fields(record_type))


class RowRecord:
    """A dataclass whose fields are columns of the same name, converted by their types."""

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            **{
                name: row[name] if convert is None else convert(row[name])
                for name, convert in _field_converters(cls)
            }
        )

    @classmethod
    def from_values(cls, values: Sequence[Any]) -> Self:
        """From a row's values in field order (a query that selects exactly the fields)."""
        return cls(
            *[
                value if convert is None else convert(value)
                for value, (_, convert) in zip(values, _field_converters(cls), strict=True)
            ]
        )


@dataclass(frozen=True)
class Patient(RowRecord):
    id: int
    mrn: str
    name: str
    date_of_birth: date | None
    sex: str | None
    weight_kg: float | None
    creatinine: float | None
    creatinine_unit: str | None
    on_dialysis: bool
    notes: str
    archived: bool
    date_of_death: date | None = None
    # The Lenalidomide REMS category (``domain.rems_rules``), the reason for a female not of
    # reproductive potential, and whether her menstrual cycles are irregular.
    rems_category: str | None = None
    rems_category_reason: str | None = None
    irregular_cycles: bool = False


@dataclass(frozen=True)
class Course(RowRecord):
    id: int
    patient_id: int
    regimen_id: str
    start_date: date
    len_start_level: int
    dex_start_level: int
    len_every_days: int
    renal_band: str | None
    thromboprophylaxis: str | None
    status: str
    end_date: date | None
    end_reason: str | None
    end_note: str | None
    vte_risk_factors: str | None = None

    @property
    def risk_factors(self) -> tuple[str, ...]:
        return tuple(self.vte_risk_factors.split(",")) if self.vte_risk_factors else ()

    @property
    def is_active(self) -> bool:
        return self.status == "active"


@dataclass(frozen=True)
class Cycle(RowRecord):
    id: int
    course_id: int
    number: int
    planned_start: date
    actual_start: date
    len_level: int | None
    dex_level: int | None
    status: str | None
    delay_reason: str | None

    @property
    def delay_days(self) -> int:
        return (self.actual_start - self.planned_start).days


@dataclass(frozen=True)
class LevelChangeRecord(RowRecord):
    id: int
    course_id: int
    effective_date: date
    drug: str
    level: int
    reason: str | None


@dataclass(frozen=True)
class InterruptionRecord(RowRecord):
    """``drug`` interrupted from ``start_date``; ``end_date`` is the first day it is given
    again (None: still interrupted)."""

    id: int
    course_id: int
    drug: str
    start_date: date
    end_date: date | None
    reason: str
    resume_level: int | None
    note: str

    @property
    def is_open(self) -> bool:
        return self.end_date is None


@dataclass(frozen=True)
class DoseRecord(RowRecord):
    id: int
    course_id: int
    date: date
    drug: str
    status: str
    dose_mg: float | None
    note: str


@dataclass(frozen=True)
class LabResult(RowRecord):
    id: int
    patient_id: int
    date: date
    anc: float | None
    anc_unit: str | None
    platelets: float | None
    platelets_unit: str | None
    creatinine: float | None
    creatinine_unit: str | None
    note: str


@dataclass(frozen=True)
class AdverseEvent(RowRecord):
    id: int
    patient_id: int
    course_id: int | None
    lab_id: int | None
    event_type: str
    term: str | None
    grade: int
    ctcae_version: str
    onset_date: date
    resolution_date: date | None
    action: str
    note: str

    @property
    def is_open(self) -> bool:
        return self.resolution_date is None


@dataclass(frozen=True)
class ResponseRecord(RowRecord):
    id: int
    course_id: int
    assessed_on: date
    response: str
    progression_date: date | None
    note: str


@dataclass(frozen=True)
class AuditEntry(RowRecord):
    id: int
    at: str
    os_user: str
    staff: str | None
    table_name: str
    row_id: int | None
    patient_id: int | None
    action: str
    before: dict | None
    after: dict | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return super().from_row(
            {**row, "before": _json(row["before_json"]), "after": _json(row["after_json"])}
        )
