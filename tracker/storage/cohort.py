"""The clinic's cohort as the statistics need it: one record per course."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from tracker.domain.statistics import COHORT_EVENT_TYPES, SEVERE_GRADE, CohortPatient
from tracker.storage.database import Store

# An event counts for a course when it is linked to it, or, unlinked, when its onset falls
# between the course start and its end (open-ended for an active course).
_EVENTS_PER_COURSE = """
SELECT c.id AS course_id, e.event_type, MAX(e.grade) AS worst,
       SUM(CASE WHEN e.grade >= :severe THEN 1 ELSE 0 END) AS severe
FROM courses c
JOIN adverse_events e ON e.patient_id = c.patient_id AND e.archived = 0
WHERE c.archived = 0
  AND (e.course_id = c.id
       OR (e.course_id IS NULL AND e.onset_date >= c.start_date
           AND (c.end_date IS NULL OR e.onset_date <= c.end_date)))
GROUP BY c.id, e.event_type
"""

_COURSES = """
SELECT c.id AS course_id, c.patient_id, c.start_date,
       (SELECT COUNT(*) FROM cycles y WHERE y.course_id = c.id AND y.archived = 0) AS cycles
FROM courses c JOIN patients p ON p.id = c.patient_id
WHERE c.archived = 0 AND p.archived = 0
ORDER BY c.start_date, c.id
"""


def cohort_records(store: Store) -> list[CohortPatient]:
    """Every course of every patient still on record, with its worst grade per event type."""
    worst: dict[int, dict[str, int]] = defaultdict(dict)
    severe: dict[int, dict[str, int]] = defaultdict(dict)
    for row in store.db.query(_EVENTS_PER_COURSE, {"severe": SEVERE_GRADE}):
        if row["event_type"] not in COHORT_EVENT_TYPES:
            continue
        worst[row["course_id"]][row["event_type"]] = row["worst"]
        severe[row["course_id"]][row["event_type"]] = row["severe"]
    return [
        CohortPatient(
            patient_id=row["patient_id"],
            course_start=date.fromisoformat(row["start_date"]),
            cycles_started=row["cycles"],
            worst_grade=worst.get(row["course_id"], {}),
            events_grade34=severe.get(row["course_id"], {}),
        )
        for row in store.db.query(_COURSES)
    ]
