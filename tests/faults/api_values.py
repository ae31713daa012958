"""Malformed values given to every storage operation and search, and what came of each.

Each public function of ``tracker.storage.operations`` (and the patient search) is called
once per parameter with each bad value in that place and plausible values elsewhere. A call
answers cleanly when it succeeds or raises StorageError or DomainError (the errors whose
messages are written for a user) and, when it raises, leaves the file byte for byte as it
was. Anything else (TypeError, OverflowError, sqlite3.OperationalError...) is a traceback
a screen would show as "Something went wrong".
"""

from __future__ import annotations

import hashlib
import inspect
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tests import starts
from tracker.domain.errors import DomainError
from tracker.storage import queries
from tracker.storage.database import Store, open_database
from tracker.storage.errors import StorageError
from tracker.storage.operations import (
    courses,
    doses,
    events,
    interruptions,
    labs,
    patients,
    responses,
    settings,
)
from tracker.storage.operations.patients import add_patient

TODAY = date(2026, 3, 2)
HUGE = 2**70
BAD_VALUES: tuple[Any, ...] = (
    None,
    "",
    "2026-02-31",
    "not a date",
    "x" * 100_000,
    "=HYPERLINK(\"http://x\")\x00\x1b",
    -1,
    0,
    HUGE,
    -HUGE,
    1.5,
    math.nan,
    math.inf,
    True,
    [],
    {"a": 1},
    b"bytes",
    date(1, 1, 1),
    date(9999, 12, 31),
)
MODULES = (courses, doses, events, interruptions, labs, patients, responses, settings)
# Helpers the operations share rather than entry points: one takes a Course the caller has
# already read, one is called inside another operation's transaction, the others only read.
_SKIPPED = {"start_check_for_cycle", "record_level_change", "start_counts_max_age", "get_setting"}


@dataclass
class Seeded:
    patient_id: int
    course_id: int
    other_ids: dict[str, int] = field(default_factory=dict)


def seed(store: Store) -> Seeded:
    patient_id = add_patient(
        store, mrn="FUZZ-1", name="Fuzz, Test", date_of_birth=date(1950, 1, 1), sex="F",
        weight_kg=70.0, creatinine=0.9, creatinine_unit="mg/dL",
        rems_category="female_not_reproductive", rems_category_reason="natural_menopause",
    )
    start = TODAY - timedelta(days=10)
    course_id = starts.start_course(store, patient_id, start, thromboprophylaxis="aspirin")
    lab_id = labs.record_labs(store, patient_id, TODAY - timedelta(days=2), anc=2.0, platelets=150.0)
    event_id = events.log_event(
        store, patient_id, event_type="other", grade=1, onset_date=TODAY - timedelta(days=1),
        description="rash",
    ) if "description" in inspect.signature(events.log_event).parameters else None
    return Seeded(patient_id, course_id, {"lab_id": lab_id, "event_id": event_id or 1})


def _plausible(name: str, seeded: Seeded) -> Any:
    """A value for the parameter ``name`` that could be right, so the bad one is the cause."""
    lowered = name.lower()
    if lowered == "patient_id":
        return seeded.patient_id
    if lowered == "course_id":
        return seeded.course_id
    if lowered.endswith("_id"):
        return seeded.other_ids.get(lowered, 1)
    if lowered in {"day", "on", "start", "start_date", "died_on", "assessed_on"} or lowered.endswith(
        ("_date", "_on")
    ):
        return TODAY - timedelta(days=1)
    if lowered == "drug":
        return "lenalidomide"
    if lowered == "drugs":
        return ["lenalidomide"]
    if lowered == "status":
        return "taken"
    if lowered in {"mrn"}:
        return "FUZZ-2"
    if lowered in {"name", "reason", "description", "note", "key", "value", "text"}:
        return "plausible text"
    if lowered in {"grade", "level", "cycle"}:
        return 1
    return None


@dataclass
class Call:
    function: str
    parameter: str
    value: Any
    outcome: str  # "clean" or the name of the exception that escaped
    changed: bool


def _calls(seeded: Seeded) -> Iterator[tuple[str, Callable[..., Any], dict[str, Any], str]]:
    for module in MODULES:
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or function.__module__ != module.__name__ or name in _SKIPPED:
                continue
            signature = list(inspect.signature(function).parameters)
            if not signature or signature[0] != "store":
                continue  # a check on plain values (a unit, a dose level), not an operation
            parameters = [
                parameter
                for parameter in list(inspect.signature(function).parameters.values())[1:]
                if parameter.kind not in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD)
            ]
            plausible = {
                parameter.name: _plausible(parameter.name, seeded)
                if parameter.default is inspect.Parameter.empty
                else parameter.default
                for parameter in parameters
            }
            for parameter in parameters:
                yield f"{module.__name__.rsplit('.', 1)[1]}.{name}", function, plausible, parameter.name
    for name, function in (("queries.list_patients", queries.list_patients),
                           ("queries.count_patients", queries.count_patients)):
        yield name, function, {"search": ""}, "search"
    for name in ("get_patient", "get_course"):
        yield f"queries.{name}", getattr(queries, name), {}, "__id__"


def digest(path: Path) -> str:
    store_files = [path, Path(f"{path}-wal")]
    hashed = hashlib.sha256()
    for file in store_files:
        if file.exists():
            hashed.update(file.read_bytes())
    return hashed.hexdigest()


def try_every_value(path: Path, values: tuple[Any, ...] = BAD_VALUES) -> list[Call]:
    """Seed a database at ``path`` and try each bad value in each place; one Call each."""
    results: list[Call] = []
    with open_database(path, clock=lambda: TODAY) as store:
        seeded = seed(store)
        for label, function, plausible, parameter in list(_calls(seeded)):
            for value in values:
                arguments = dict(plausible)
                before = _state(store)
                try:
                    if parameter == "__id__":
                        function(store, value)
                    else:
                        arguments[parameter] = value
                        function(store, **arguments)
                except (StorageError, DomainError):
                    outcome = "clean"
                    changed = _state(store) != before
                except Exception as error:  # the point: anything else is a traceback
                    outcome = type(error).__name__
                    changed = _state(store) != before
                else:
                    outcome, changed = "clean", False
                results.append(Call(label, parameter, value, outcome, changed))
    return results


def _state(store: Store) -> tuple:
    """What the file holds, as rows: a refused call must leave it exactly so."""
    tables = [
        row[0]
        for row in store.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return tuple(
        (table, tuple(store.execute(f'SELECT * FROM "{table}" ORDER BY rowid').fetchall()))
        for table in tables
    )
