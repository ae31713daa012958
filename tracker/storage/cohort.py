"""The clinic's cohort as the statistics need it: one record per course, or what the courses
started in a period come to, counted by SQLite in one query.

Both follow ``tracker.domain.statistics``: a patient's worst grade of a toxicity comes from
logged events and from the counts recorded during the course, graded with the CTCAE bounds
of ``resources/grading``; the grades a rate counts come from ``rate_definitions()``.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA, grade_bounds
from tracker.domain.statistics import (
    COHORT_EVENT_TYPES,
    HIGHEST_COUNTED_GRADE,
    NO_EVENTS,
    CohortCounts,
    CohortPatient,
    rate_definitions,
)
from tracker.storage.database import Store
from tracker.storage.records import refuse_bad_values

# An event counts for a course when it is linked to it, or, unlinked, when its onset falls
# between the course start and its end (open-ended for an active course). A count counts for
# a course when it was taken in the same span.
_EVENT_IN_COURSE = """(e.course_id = {course}.id
       OR (e.course_id IS NULL AND e.onset_date >= {course}.start_date
           AND ({course}.end_date IS NULL OR e.onset_date <= {course}.end_date)))"""
_LAB_IN_COURSE = """l.date >= {course}.start_date
       AND ({course}.end_date IS NULL OR l.date <= {course}.end_date)"""
_RATE_GRADES = """
rate(kind, from_grade) AS (VALUES ('neutropenia', :from_neutropenia),
    ('thrombocytopenia', :from_thrombocytopenia), ('vte', :from_vte))"""


def _count_grade(column: str, event_type: str) -> str:
    """SQL for the CTCAE grade of a lab column (converted from /mm3 where entered so)."""
    value = f"(CASE WHEN l.{column}_unit = '/mm3' THEN l.{column} / 1000.0 ELSE l.{column} END)"
    bounds = grade_bounds(event_type)
    cases = " ".join(
        f"WHEN {value} < {bounds[grade]!r} THEN {grade}" for grade in sorted(bounds, reverse=True)
    )
    return f"(CASE WHEN l.{column} IS NULL THEN 0 {cases} ELSE 0 END)"


def _parameters() -> dict[str, Any]:
    counted_from = rate_definitions().counted_from
    return {f"from_{kind}": counted_from[kind] for kind in COHORT_EVENT_TYPES} | {
        "highest": HIGHEST_COUNTED_GRADE
    }


_EVENTS_PER_COURSE = f"""
WITH {_RATE_GRADES}
SELECT c.id, e.event_type, MAX(e.grade),
       SUM(CASE WHEN e.grade BETWEEN rate.from_grade AND :highest THEN 1 ELSE 0 END)
FROM courses c
JOIN adverse_events e ON e.patient_id = c.patient_id AND e.archived = 0
JOIN rate ON rate.kind = e.event_type
WHERE c.archived = 0 AND {_EVENT_IN_COURSE.format(course="c")}
GROUP BY c.id, e.event_type
"""

_COUNTS_PER_COURSE = f"""
SELECT c.id, MAX({_count_grade("anc", NEUTROPENIA)}),
       MAX({_count_grade("platelets", THROMBOCYTOPENIA)})
FROM courses c
JOIN labs l ON l.patient_id = c.patient_id AND l.archived = 0
WHERE c.archived = 0 AND {_LAB_IN_COURSE.format(course="c")}
GROUP BY c.id
"""

_COURSES = """
SELECT c.id, c.patient_id, c.start_date,
       (SELECT COUNT(*) FROM cycles y WHERE y.course_id = c.id AND y.archived = 0)
FROM courses c JOIN patients p ON p.id = c.patient_id
WHERE c.archived = 0 AND p.archived = 0
ORDER BY c.start_date, c.id
"""


# The columns the counts are made of: a grade 9 must be refused, not counted as a death.
_COUNTED_COLUMNS = {
    "courses": ("start_date", "end_date", "archived"),
    "adverse_events": ("event_type", "grade", "onset_date", "archived"),
    "labs": ("date", "anc", "anc_unit", "platelets", "platelets_unit", "archived"),
}


def refuse_counted_bad_values(connection: Any) -> None:
    for table, columns in _COUNTED_COLUMNS.items():
        refuse_bad_values(connection, table, columns)


def cohort_records(store: Store) -> list[CohortPatient]:
    """Every course of every patient still on record, in order of start, with its worst
    logged grade, counted events and worst count grade per event type."""
    # Plain tuples from the connection: ten thousand courses are read as rows, not dicts.
    connection = store.connection
    refuse_counted_bad_values(connection)
    parameters = _parameters()
    worst: dict[int, dict[str, int]] = {}
    counted: dict[int, dict[str, int]] = {}
    for course_id, event_type, grade, count in connection.execute(
        _EVENTS_PER_COURSE, parameters
    ):
        worst.setdefault(course_id, {})[event_type] = grade
        counted.setdefault(course_id, {})[event_type] = count
    from_counts = {
        course_id: {NEUTROPENIA: anc, THROMBOCYTOPENIA: platelets}
        for course_id, anc, platelets in connection.execute(_COUNTS_PER_COURSE)
    }
    parse = date.fromisoformat
    return [
        CohortPatient(
            patient_id,
            parse(start),
            cycles,
            worst.get(course_id, NO_EVENTS),
            counted.get(course_id, NO_EVENTS),
            from_counts.get(course_id, NO_EVENTS),
        )
        for course_id, patient_id, start, cycles in connection.execute(_COURSES)
    ]


# The same counts as ``tracker.domain.statistics.cohort_counts`` makes of ``cohort_records``,
# without handing ten thousand courses to Python. The first row holds the patients and
# cycles, one row per event type follows: patients counted, events, grade 5 patients, and
# patients counted from counts alone. Flags are 0 or 1 (PostgreSQL sums no booleans).
_TYPES = ", ".join(f"'{event_type}'" for event_type in COHORT_EVENT_TYPES)
_COUNTS = f"""
WITH {_RATE_GRADES},
course AS (
    SELECT c.id, c.patient_id, c.start_date, c.end_date
    FROM courses c JOIN patients p ON p.id = c.patient_id
    WHERE c.archived = 0 AND p.archived = 0
      AND (:period_from IS NULL OR c.start_date >= :period_from)
      AND (:period_to IS NULL OR c.start_date <= :period_to)
),
logged AS (
    SELECT course.patient_id, e.event_type AS kind, MAX(e.grade) AS worst,
           SUM(CASE WHEN e.grade BETWEEN rate.from_grade AND :highest THEN 1 ELSE 0 END)
               AS events
    FROM course
    JOIN adverse_events e ON e.patient_id = course.patient_id AND e.archived = 0
    JOIN rate ON rate.kind = e.event_type
    WHERE {_EVENT_IN_COURSE.format(course="course")}
    GROUP BY course.patient_id, e.event_type
),
lab AS (
    SELECT course.patient_id,
           MAX({_count_grade("anc", NEUTROPENIA)}) AS anc,
           MAX({_count_grade("platelets", THROMBOCYTOPENIA)}) AS platelets
    FROM course
    JOIN labs l ON l.patient_id = course.patient_id AND l.archived = 0
    WHERE {_LAB_IN_COURSE.format(course="course")}
    GROUP BY course.patient_id
),
per_patient AS (
    SELECT patient.patient_id, rate.kind, rate.from_grade,
           COALESCE(logged.worst, 0) AS logged, COALESCE(logged.events, 0) AS events,
           COALESCE(CASE rate.kind WHEN 'neutropenia' THEN lab.anc
                                   WHEN 'thrombocytopenia' THEN lab.platelets END, 0) AS counted
    FROM (SELECT DISTINCT patient_id FROM course) patient
    CROSS JOIN rate
    LEFT JOIN logged ON logged.patient_id = patient.patient_id AND logged.kind = rate.kind
    LEFT JOIN lab ON lab.patient_id = patient.patient_id
),
classified AS (
    SELECT kind, events,
           CASE WHEN logged > :highest THEN 1 ELSE 0 END AS died,
           CASE WHEN logged <= :highest AND MAX(logged, counted) BETWEEN from_grade AND :highest
                THEN 1 ELSE 0 END AS in_rate,
           CASE WHEN logged < from_grade THEN 1 ELSE 0 END AS not_logged
    FROM per_patient
)
SELECT NULL, COUNT(DISTINCT patient_id),
       (SELECT COUNT(*) FROM cycles y JOIN course ON course.id = y.course_id
        WHERE y.archived = 0), NULL, NULL
FROM course
UNION ALL
SELECT kind, SUM(in_rate), SUM(CASE WHEN in_rate = 1 THEN events + not_logged ELSE 0 END),
       SUM(died), SUM(in_rate * not_logged)
FROM classified WHERE kind IN ({_TYPES}) GROUP BY kind
"""


def count_cohort(
    store: Store, *, period_from: date | None = None, period_to: date | None = None
) -> CohortCounts:
    """What the courses started from ``period_from`` to ``period_to`` (both inclusive, either
    open) come to: patients, cycles, and per event type the patients counted in the rate, the
    events, the grade 5 patients and the patients counted from counts alone."""
    refuse_counted_bad_values(store.connection)
    rows = store.connection.execute(
        _COUNTS,
        {
            **_parameters(),
            "period_from": period_from.isoformat() if period_from else None,
            "period_to": period_to.isoformat() if period_to else None,
        },
    ).fetchall()
    (_, patients, cycles, _, _), *per_type = rows
    zero = dict.fromkeys(COHORT_EVENT_TYPES, 0)
    with_event, events, grade5, counts_only = dict(zero), dict(zero), dict(zero), dict(zero)
    for event_type, counted, event_count, died, only in per_type:
        with_event[event_type] = counted
        events[event_type] = event_count
        grade5[event_type] = died
        counts_only[event_type] = only
    return CohortCounts(patients, cycles, with_event, events, grade5, counts_only)
