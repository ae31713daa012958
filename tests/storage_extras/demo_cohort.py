"""Demo databases for the demo tests, and plain reads of their rows."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tests.storage_extras.helpers import FIXED_TODAY
from tracker.domain.treatment.history import CourseHistory
from tracker.storage.course_history import course_history
from tracker.storage.database import open_database
from tracker.storage.demo import fill_demo_database
from tracker.storage.queries import dose_records_of, get_course, interruptions_of
from tracker.storage.records import Course, DoseRecord, InterruptionRecord

PATIENTS = 200
SEED = 7


def make_demo(path: Path, *, seed: int = SEED, patients: int = PATIENTS, rates=None) -> Path:
    """A demo database; without ``rates``, at the MM-010 lenalidomide arm's rates."""
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        fill_demo_database(store, patients, seed=seed, rates=rates)
    return path


def rows(path: Path, sql: str, params: tuple = ()) -> list[dict]:
    connection = sqlite3.connect(path)
    connection.row_factory = sqlite3.Row
    try:
        return [dict(row) for row in connection.execute(sql, params)]
    finally:
        connection.close()


def day(text: str) -> date:
    return date.fromisoformat(text)


def anc_per_litre(lab: dict) -> float:
    return lab["anc"] / 1000 if lab["anc_unit"] == "/mm3" else lab["anc"]


def platelets_per_litre(lab: dict) -> float:
    return lab["platelets"] / 1000 if lab["platelets_unit"] == "/mm3" else lab["platelets"]


@dataclass(frozen=True)
class StoredCourse:
    """One demo course as the application reads it back."""

    course: Course
    history: CourseHistory
    interruptions: list[InterruptionRecord]
    doses: list[DoseRecord]

    @property
    def last_day(self) -> date:
        """The last day the course was followed: its end, or today."""
        end = self.course.end_date
        return FIXED_TODAY if end is None else min(end, FIXED_TODAY)


def stored_courses(path: Path) -> list[StoredCourse]:
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        ids = [row[0] for row in store.db.execute("SELECT id FROM courses ORDER BY id")]
        result = []
        for course_id in ids:
            course = get_course(store, course_id)
            result.append(
                StoredCourse(
                    course,
                    course_history(store, course),
                    interruptions_of(store, course_id),
                    dose_records_of(store, course_id),
                )
            )
        return result
