"""The clinic's cohort as the statistics need it: one record per course."""

from __future__ import annotations

from datetime import date

from tracker.domain.statistics import COHORT_EVENT_TYPES, NO_EVENTS, SEVERE_GRADE, CohortPatient
from tracker.storage.database import Store

# An event counts for a course when it is linked to it, or, unlinked, when its onset falls
# between the course start and its end (open-ended for an active course).
_EVENTS_PER_COURSE = f"""
SELECT c.id, e.event_type, MAX(e.grade), SUM(CASE WHEN e.grade >= {SEVERE_GRADE} THEN 1 ELSE 0 END)
FROM courses c
JOIN adverse_events e ON e.patient_id = c.patient_id AND e.archived = 0
WHERE c.archived = 0
  AND (e.course_id = c.id
       OR (e.course_id IS NULL AND e.onset_date >= c.start_date
           AND (c.end_date IS NULL OR e.onset_date <= c.end_date)))
GROUP BY c.id, e.event_type
"""

_COURSES = """
SELECT c.id, c.patient_id, c.start_date,
       (SELECT COUNT(*) FROM cycles y WHERE y.course_id = c.id AND y.archived = 0)
FROM courses c JOIN patients p ON p.id = c.patient_id
WHERE c.archived = 0 AND p.archived = 0
"""


def cohort_records(store: Store) -> list[CohortPatient]:
    """Every course of every patient still on record, with its worst grade per event type."""
    # Plain tuples from the connection: ten thousand courses are read as rows, not dicts.
    connection = store.db.conn
    worst: dict[int, dict[str, int]] = {}
    severe: dict[int, dict[str, int]] = {}
    for course_id, event_type, grade, count in connection.execute(_EVENTS_PER_COURSE):
        if event_type not in COHORT_EVENT_TYPES:
            continue
        worst.setdefault(course_id, {})[event_type] = grade
        severe.setdefault(course_id, {})[event_type] = count
    parse = date.fromisoformat
    return [
        CohortPatient(
            patient_id,
            parse(start),
            cycles,
            worst.get(course_id, NO_EVENTS),
            severe.get(course_id, NO_EVENTS),
        )
        for course_id, patient_id, start, cycles in connection.execute(_COURSES)
    ]
