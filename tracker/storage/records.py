"""Read-only records built from database rows; dates as ``datetime.date``, flags as bool."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Any, Self


def _date(value: str | None) -> date | None:
    return date.fromisoformat(value) if value else None


def _required_date(value: str) -> date:
    return date.fromisoformat(value)


@dataclass(frozen=True)
class Patient:
    id: int
    mrn: str
    name: str
    date_of_birth: date | None
    sex: str | None
    weight_kg: float | None
    creatinine: float | None
    creatinine_unit: str | None
    on_dialysis: bool
    reproductive_potential: bool
    notes: str
    archived: bool

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            mrn=row["mrn"],
            name=row["name"],
            date_of_birth=_date(row["date_of_birth"]),
            sex=row["sex"],
            weight_kg=row["weight_kg"],
            creatinine=row["creatinine"],
            creatinine_unit=row["creatinine_unit"],
            on_dialysis=bool(row["on_dialysis"]),
            reproductive_potential=bool(row["reproductive_potential"]),
            notes=row["notes"] or "",
            archived=bool(row["archived"]),
        )


@dataclass(frozen=True)
class Course:
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

    @property
    def is_active(self) -> bool:
        return self.status == "active"

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            patient_id=row["patient_id"],
            regimen_id=row["regimen_id"],
            start_date=_required_date(row["start_date"]),
            len_start_level=row["len_start_level"],
            dex_start_level=row["dex_start_level"],
            len_every_days=row["len_every_days"],
            renal_band=row["renal_band"],
            thromboprophylaxis=row["thromboprophylaxis"],
            status=row["status"],
            end_date=_date(row["end_date"]),
            end_reason=row["end_reason"],
            end_note=row["end_note"],
        )


@dataclass(frozen=True)
class Cycle:
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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            course_id=row["course_id"],
            number=row["number"],
            planned_start=_required_date(row["planned_start"]),
            actual_start=_required_date(row["actual_start"]),
            len_level=row["len_level"],
            dex_level=row["dex_level"],
            status=row["status"],
            delay_reason=row["delay_reason"],
        )


@dataclass(frozen=True)
class LevelChangeRecord:
    id: int
    course_id: int
    effective_date: date
    drug: str
    level: int
    reason: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            course_id=row["course_id"],
            effective_date=_required_date(row["effective_date"]),
            drug=row["drug"],
            level=row["level"],
            reason=row["reason"],
        )


@dataclass(frozen=True)
class DoseRecord:
    id: int
    course_id: int
    date: date
    drug: str
    status: str
    dose_mg: float | None
    note: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            course_id=row["course_id"],
            date=_required_date(row["date"]),
            drug=row["drug"],
            status=row["status"],
            dose_mg=row["dose_mg"],
            note=row["note"] or "",
        )


@dataclass(frozen=True)
class LabResult:
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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            patient_id=row["patient_id"],
            date=_required_date(row["date"]),
            anc=row["anc"],
            anc_unit=row["anc_unit"],
            platelets=row["platelets"],
            platelets_unit=row["platelets_unit"],
            creatinine=row["creatinine"],
            creatinine_unit=row["creatinine_unit"],
            note=row["note"] or "",
        )


@dataclass(frozen=True)
class AdverseEvent:
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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            patient_id=row["patient_id"],
            course_id=row["course_id"],
            lab_id=row["lab_id"],
            event_type=row["event_type"],
            term=row["term"],
            grade=row["grade"],
            ctcae_version=row["ctcae_version"],
            onset_date=_required_date(row["onset_date"]),
            resolution_date=_date(row["resolution_date"]),
            action=row["action"],
            note=row["note"] or "",
        )


@dataclass(frozen=True)
class ResponseRecord:
    id: int
    course_id: int
    assessed_on: date
    response: str
    progression_date: date | None
    note: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Self:
        return cls(
            id=row["id"],
            course_id=row["course_id"],
            assessed_on=_required_date(row["assessed_on"]),
            response=row["response"],
            progression_date=_date(row["progression_date"]),
            note=row["note"] or "",
        )


@dataclass(frozen=True)
class AuditEntry:
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
        return cls(
            id=row["id"],
            at=row["at"],
            os_user=row["os_user"],
            staff=row["staff"],
            table_name=row["table_name"],
            row_id=row["row_id"],
            patient_id=row["patient_id"],
            action=row["action"],
            before=json.loads(row["before_json"]) if row["before_json"] else None,
            after=json.loads(row["after_json"]) if row["after_json"] else None,
        )
