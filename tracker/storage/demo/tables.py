"""The rows a demo cohort is made of: one list of tuples per table, with ids handed out
before insertion so that rows can point at each other."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

# Column order of the rows the simulation produces; bookkeeping columns are added on insert.
COLUMNS: dict[str, tuple[str, ...]] = {
    "patients": (
        "id", "mrn", "name", "date_of_birth", "sex", "weight_kg", "creatinine",
        "creatinine_unit", "on_dialysis", "rems_category", "rems_category_reason",
        "irregular_cycles", "notes", "mrn_key", "date_of_death",
    ),
    "courses": (
        "id", "patient_id", "regimen_id", "start_date", "len_start_level", "dex_start_level",
        "len_every_days", "renal_band", "thromboprophylaxis", "status", "end_date",
        "end_reason", "end_note", "start_override", "start_problems", "vte_risk_factors",
    ),
    "cycles": (
        "id", "course_id", "number", "planned_start", "actual_start", "len_level", "dex_level",
        "status", "delay_reason", "start_override", "start_problems",
    ),
    "level_changes": ("id", "course_id", "effective_date", "drug", "level", "reason"),
    "interruptions": (
        "id", "course_id", "drug", "start_date", "end_date", "reason", "resume_level", "note",
    ),
    "dose_records": ("id", "course_id", "date", "drug", "status", "dose_mg", "note"),
    "labs": (
        "id", "patient_id", "date", "anc", "anc_unit", "platelets", "platelets_unit",
        "creatinine", "creatinine_unit", "note",
    ),
    "adverse_events": (
        "id", "patient_id", "course_id", "lab_id", "event_type", "term", "grade",
        "ctcae_version", "onset_date", "resolution_date", "action", "note",
    ),
    "responses": ("id", "course_id", "assessed_on", "response", "progression_date", "note"),
    "pregnancy_tests": (
        "id", "patient_id", "date", "kind", "sensitivity_miu_ml", "result", "note",
    ),
    "contraception": (
        "id", "patient_id", "counselled_on", "method_1", "method_2", "abstinence", "note",
    ),
    "prescriptions": (
        "id", "course_id", "cycle_id", "authorization_number", "authorized_on", "capsules",
        "days_supply", "note",
    ),
}  # fmt: skip


@dataclass
class DemoRows:
    """Rows ready to insert, one list of tuples per table in ``COLUMNS`` order."""

    tables: dict[str, list[tuple]] = field(default_factory=lambda: {table: [] for table in COLUMNS})

    def count(self, table: str) -> int:
        return len(self.tables[table])


@dataclass
class Ids:
    """Next free id per table, so rows can point at each other before they are inserted."""

    next: dict[str, int]

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


class IsoDates:
    """ISO strings of dates, cached: the cohort spans only a few thousand days."""

    def __init__(self) -> None:
        self.table: dict[date, str] = {}

    def __call__(self, day: date) -> str:
        text = self.table.get(day)
        if text is None:
            text = self.table[day] = day.isoformat()
        return text

    def optional(self, day: date | None) -> str | None:
        return None if day is None else self(day)
