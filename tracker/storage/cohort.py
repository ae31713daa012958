"""The clinic's cohort as the statistics need it: one record per course, or what the courses
started in a period come to, counted by SQLite in one query."""

from __future__ import annotations

from datetime import date

from tracker.domain.statistics import (
    COHORT_EVENT_TYPES,
    NO_EVENTS,
    SEVERE_GRADE,
    CohortCounts,
    CohortPatient,
)
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
ORDER BY c.start_date, c.id
"""


def cohort_records(store: Store) -> list[CohortPatient]:
    """Every course of every patient still on record, in order of start, with its worst grade
    per event type."""
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


# The same counts as ``tracker.domain.statistics.cohort_counts`` makes of ``cohort_records``,
# without handing ten thousand courses to Python: the courses started in the period (of
# patients still on record), their cycles, and per patient and event type the grade 3-4
# events of those courses, an event counting once for each course it belongs to. The first
# row holds the patients and cycles, one row per event type follows.
_TYPES = ", ".join(f"'{event_type}'" for event_type in COHORT_EVENT_TYPES)
_COUNTS = f"""
WITH course AS (
    SELECT c.id, c.patient_id, c.start_date, c.end_date
    FROM courses c JOIN patients p ON p.id = c.patient_id
    WHERE c.archived = 0 AND p.archived = 0
      AND (:period_from IS NULL OR c.start_date >= :period_from)
      AND (:period_to IS NULL OR c.start_date <= :period_to)
),
severe AS (
    SELECT course.patient_id, e.event_type, COUNT(*) AS events
    FROM course
    JOIN adverse_events e ON e.patient_id = course.patient_id AND e.archived = 0
    WHERE e.grade >= {SEVERE_GRADE} AND e.event_type IN ({_TYPES})
      AND (e.course_id = course.id
           OR (e.course_id IS NULL AND e.onset_date >= course.start_date
               AND (course.end_date IS NULL OR e.onset_date <= course.end_date)))
    GROUP BY course.patient_id, e.event_type
)
SELECT NULL, COUNT(DISTINCT patient_id),
       (SELECT COUNT(*) FROM cycles y JOIN course ON course.id = y.course_id
        WHERE y.archived = 0)
FROM course
UNION ALL
SELECT event_type, COUNT(*), SUM(events) FROM severe GROUP BY event_type
"""


def count_cohort(
    store: Store, *, period_from: date | None = None, period_to: date | None = None
) -> CohortCounts:
    """What the courses started from ``period_from`` to ``period_to`` (both inclusive, either
    open) come to: patients, cycles, and per event type the patients with a grade 3-4 event
    and such events."""
    rows = store.db.conn.execute(
        _COUNTS,
        {
            "period_from": period_from.isoformat() if period_from else None,
            "period_to": period_to.isoformat() if period_to else None,
        },
    ).fetchall()
    (_, patients, cycles), *per_type = rows
    with_event = dict.fromkeys(COHORT_EVENT_TYPES, 0)
    events = dict.fromkeys(COHORT_EVENT_TYPES, 0)
    for event_type, patients_with_event, count in per_type:
        with_event[event_type] = patients_with_event
        events[event_type] = count
    return CohortCounts(patients, cycles, with_event, events)
