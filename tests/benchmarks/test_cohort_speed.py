"""The cohort report on 10,000 patients against the same counts in one raw SQL query.

The report is ``cohort_report``, what the Cohort screen and ``tracker report`` call: storage
counts the courses of the period (``count_cohort``), and the domain adds the rates, exact
intervals and binomial tests against MM-010. The baseline is one SQL statement written here,
apart from the application's, that counts the same patients, cycles, patients with a grade
3-4 event and such events per type, by the same rule for which course an event belongs to;
the benchmark checks that both give the same numbers before comparing their times. Both are
timed warm (the statistics library imported, the file in the page cache), alternating,
median of several runs.
"""

from __future__ import annotations

import statistics
import time

from tests.benchmarks.conftest import TODAY, Figure
from tracker.domain.statistics import COHORT_EVENT_TYPES, SEVERE_GRADE
from tracker.reports.cohort_report import cohort_report
from tracker.storage.database import open_database

RUNS = 9
GOAL_RATIO = 2.0

# An event belongs to a course when it is linked to it, or, unlinked, when its onset falls
# within the course (open-ended while the course is active). A patient counts once per event
# type; every grade 3-4 event of a course counts towards the events.
_TYPES = ", ".join(f"'{event_type}'" for event_type in COHORT_EVENT_TYPES)
_PER_TYPE = ",\n".join(
    f"(SELECT COUNT(*) FROM severe WHERE event_type = '{event_type}') AS {event_type}_patients,\n"
    f"(SELECT TOTAL(events) FROM severe WHERE event_type = '{event_type}') AS {event_type}_events"
    for event_type in COHORT_EVENT_TYPES
)
COUNTS_IN_ONE_QUERY = f"""
WITH course AS (
    SELECT c.id, c.patient_id, c.start_date, c.end_date
    FROM courses c JOIN patients p ON p.id = c.patient_id
    WHERE c.archived = 0 AND p.archived = 0
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
SELECT
    (SELECT COUNT(DISTINCT patient_id) FROM course) AS patients,
    (SELECT COUNT(*) FROM cycles y JOIN course ON course.id = y.course_id
     WHERE y.archived = 0) AS cycles,
{_PER_TYPE}
"""


def test_cohort_report_against_one_sql_query(demo_database, record_figure):
    with open_database(demo_database.path, clock=lambda: TODAY) as store:
        connection = store.db.conn

        def counts_by_sql() -> dict:
            cursor = connection.execute(COUNTS_IN_ONE_QUERY)
            names = [column[0] for column in cursor.description]
            return dict(zip(names, cursor.fetchone(), strict=True))

        report = cohort_report(store)  # imports the statistics library
        counts = counts_by_sql()
        report_seconds, sql_seconds = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            report = cohort_report(store)
            report_seconds.append(time.perf_counter() - started)
            started = time.perf_counter()
            counts = counts_by_sql()
            sql_seconds.append(time.perf_counter() - started)

    figures = report.statistics
    assert counts["patients"] == figures.patients > 0
    assert counts["cycles"] == figures.cycles
    for event_type in COHORT_EVENT_TYPES:
        rate = figures.rate(event_type)
        assert counts[f"{event_type}_patients"] == rate.patients_with_event
        assert counts[f"{event_type}_events"] == rate.events

    report_ms = 1000 * statistics.median(report_seconds)
    sql_ms = 1000 * statistics.median(sql_seconds)
    ratio = report_ms / sql_ms
    print(
        f"\ncohort report, median of {RUNS}: {report_ms:.1f} ms "
        f"(runs {_runs(report_seconds)}); one SQL query {sql_ms:.1f} ms "
        f"(runs {_runs(sql_seconds)}); {figures.patients:,} patients, {figures.cycles:,} cycles"
    )
    record_figure(
        Figure(
            name="cohort report",
            measured=f"{report_ms:.0f} ms for {figures.patients:,} patients",
            baseline=f"{sql_ms:.0f} ms the same counts in one SQL query",
            ratio=f"{ratio:.2f}x",
            goal=f"at most {GOAL_RATIO:g}x",
            met=ratio <= GOAL_RATIO,
        )
    )


def _runs(seconds: list[float]) -> str:
    return " ".join(f"{1000 * value:.0f}" for value in sorted(seconds))
