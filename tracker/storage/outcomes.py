"""The courses as the outcome statistics need them, read in one query: per course its start,
what its response assessments come to (best response, first progression, last assessment),
how it ended, the patient's date of death and the last date the record shows them alive.

SQLite does per course what ``tracker.domain.outcomes.summarise_assessments`` does with the
assessments (the same rules, so ten thousand courses' assessments need not come to Python);
the domain applies the censoring rules and the statistics.
"""

from __future__ import annotations

from datetime import date

from tracker.domain.outcomes import IMWG_RESPONSES, PROGRESSIVE_DISEASE, CourseOutcome
from tracker.storage.database import Store

_RANK = " ".join(
    f"WHEN '{response}' THEN {rank}" for rank, response in enumerate(IMWG_RESPONSES)
)

# The last date a patient is known alive: the latest of their counts, and of their courses'
# starts, ends, last cycle starts and response assessments. Each is looked up through an
# index (a course's last cycle is its highest number); SQLite's MAX of several values is NULL
# when one is, so '' stands in for a missing date, below every date.
OUTCOMES_QUERY = f"""
WITH course AS (
    SELECT c.id, c.patient_id, c.start_date, c.end_date, c.end_reason, p.date_of_death
    FROM courses c JOIN patients p ON p.id = c.patient_id
    WHERE c.archived = 0 AND p.archived = 0
      AND (:period_from IS NULL OR c.start_date >= :period_from)
      AND (:period_to IS NULL OR c.start_date <= :period_to)
),
assessed AS (
    SELECT r.course_id,
           MIN(CASE r.response {_RANK} END) AS best,
           MIN(COALESCE(r.progression_date,
                        CASE WHEN r.response = '{PROGRESSIVE_DISEASE}' THEN r.assessed_on END))
               AS progressed,
           MAX(r.assessed_on) AS last_assessed
    FROM responses r
    WHERE r.archived = 0
    GROUP BY r.course_id
)
SELECT course.id, course.start_date, assessed.best, assessed.progressed,
       assessed.last_assessed, course.end_date, course.end_reason, course.date_of_death,
       MAX(
         COALESCE((SELECT l.date FROM labs l
                   WHERE l.patient_id = course.patient_id AND l.archived = 0
                   ORDER BY l.date DESC LIMIT 1), ''),
         (SELECT MAX(MAX(c.start_date, COALESCE(c.end_date, ''),
                         COALESCE((SELECT y.actual_start FROM cycles y
                                   WHERE y.course_id = c.id AND y.archived = 0
                                   ORDER BY y.number DESC LIMIT 1), ''),
                         COALESCE((SELECT MAX(r.assessed_on) FROM responses r
                                   WHERE r.course_id = c.id AND r.archived = 0), '')))
          FROM courses c WHERE c.patient_id = course.patient_id AND c.archived = 0))
FROM course
LEFT JOIN assessed ON assessed.course_id = course.id
ORDER BY course.start_date, course.id
"""


class _ParsedDates(dict):
    """ISO text to date (None to None), each text parsed the first time it is looked up."""

    def __missing__(self, text: str | None) -> date | None:
        value = self[text] = None if text is None else date.fromisoformat(text)
        return value


def period_parameters(period_from: date | None, period_to: date | None) -> dict[str, str | None]:
    return {
        "period_from": period_from.isoformat() if period_from else None,
        "period_to": period_to.isoformat() if period_to else None,
    }


def course_outcomes(
    store: Store, *, period_from: date | None = None, period_to: date | None = None
) -> list[CourseOutcome]:
    """One record per course started from ``period_from`` to ``period_to`` (both inclusive,
    either open) of a patient still on record, in order of start."""
    rows = store.connection.execute(
        OUTCOMES_QUERY, period_parameters(period_from, period_to)
    ).fetchall()
    # Dates repeat across ten thousand courses: each text is parsed once.
    day = _ParsedDates()
    responses = IMWG_RESPONSES
    return [
        CourseOutcome(
            course_id,
            day[start],
            None if best is None else responses[best],
            day[progressed],
            day[last_assessed],
            day[end_date],
            end_reason,
            day[died],
            day[alive],
        )
        for (
            course_id,
            start,
            best,
            progressed,
            last_assessed,
            end_date,
            end_reason,
            died,
            alive,
        ) in rows
    ]
