"""Plain records with the fields the domain reads from labs, events and dose records, for tests
that need no database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Lab:
    date: date
    anc: float | None = None
    platelets: float | None = None
    anc_unit: str | None = "10^9/L"
    platelets_unit: str | None = "10^9/L"


@dataclass(frozen=True)
class Event:
    event_type: str
    grade: int
    onset_date: date
    resolution_date: date | None = None


@dataclass(frozen=True)
class Dose:
    date: date
    status: str
    drug: str = "lenalidomide"
