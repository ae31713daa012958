"""The cohort report on 10,000 patients against the same counts in one raw SQL query.

The report is ``cohort_report``, what the Cohort screen and ``tracker report`` call: storage
counts the courses of the period (``count_cohort``), and the domain adds the rates, exact
intervals and binomial tests against MM-010. The baseline is one SQL statement written here,
apart from the application's, that counts the same patients, cycles, patients counted in each
rate (from events or counts) and their events, by the same rules for which course an event or
a count belongs to;
the benchmark checks that both give the same numbers before comparing their times. Both are
timed warm (the statistics library imported, the file in the page cache), alternating,
median of several runs.
"""

from __future__ import annotations

import statistics
import time

from tests.benchmarks.conftest import TODAY, Figure
from tracker.domain.grading import grade_bounds
from tracker.domain.statistics import COHORT_EVENT_TYPES, rate_definitions
from tracker.reports.cohort_report import cohort_report
from tracker.storage.database import open_database

RUNS = 9
GOAL_RATIO = 2.0

# An event belongs to a course when it is linked to it, or, unlinked, when its onset falls
# within the course (open-ended while the course is active); so does a count taken within it.
# A patient counts once per event type, when the worst grade from events or counts lies in the
# rate's grades (grade 5 is beside the rate); every logged event in those grades counts towards
# the events, and a patient counted from counts alone counts as one.
_ANC_G3 = grade_bounds("neutropenia")[3]
_PLT_G3 = grade_bounds("thrombocytopenia")[3]
_FROM = rate_definitions().counted_from
_PER_TYPE = ",\n".join(
    f"(SELECT COUNT(*) FROM per WHERE kind = '{kind}' AND in_rate) AS {kind}_patients,\n"
    f"(SELECT TOTAL(events + counts_only) FROM per WHERE kind = '{kind}' AND in_rate)"
    f" AS {kind}_events"
    for kind in COHORT_EVENT_TYPES
)
COUNTS_IN_ONE_QUERY = f"""
WITH course AS (
    SELECT c.id, c.patient_id, c.start_date, c.end_date
    FROM courses c JOIN patients p ON p.id = c.patient_id
    WHERE c.archived = 0 AND p.archived = 0
),
logged AS (
    SELECT course.patient_id, e.event_type AS kind, MAX(e.grade) AS worst,
        SUM(e.grade >= CASE e.event_type WHEN 'vte' THEN {_FROM["vte"]} ELSE {_FROM["neutropenia"]} END
            AND e.grade <= 4) AS events
    FROM course
    JOIN adverse_events e ON e.patient_id = course.patient_id AND e.archived = 0
    WHERE e.course_id = course.id
       OR (e.course_id IS NULL AND e.onset_date >= course.start_date
           AND (course.end_date IS NULL OR e.onset_date <= course.end_date))
    GROUP BY course.patient_id, e.event_type
),
low AS (
    SELECT course.patient_id,
        MAX((CASE l.anc_unit WHEN '/mm3' THEN l.anc / 1000.0 ELSE l.anc END) < {_ANC_G3})
            AS neutropenia,
        MAX((CASE l.platelets_unit WHEN '/mm3' THEN l.platelets / 1000.0 ELSE l.platelets END)
            < {_PLT_G3}) AS thrombocytopenia
    FROM course JOIN labs l ON l.patient_id = course.patient_id AND l.archived = 0
    WHERE l.date >= course.start_date AND (course.end_date IS NULL OR l.date <= course.end_date)
    GROUP BY course.patient_id
),
kinds(kind, from_grade) AS (VALUES ('neutropenia', {_FROM["neutropenia"]}),
    ('thrombocytopenia', {_FROM["thrombocytopenia"]}), ('vte', {_FROM["vte"]})),
per AS (
    SELECT kinds.kind, COALESCE(logged.events, 0) AS events,
        COALESCE(logged.worst, 0) < 5 AND (
            COALESCE(logged.worst, 0) BETWEEN kinds.from_grade AND 4
            OR COALESCE(CASE kinds.kind WHEN 'neutropenia' THEN low.neutropenia
                                        WHEN 'thrombocytopenia' THEN low.thrombocytopenia END, 0)
        ) AS in_rate,
        COALESCE(logged.worst, 0) < kinds.from_grade AS counts_only
    FROM (SELECT DISTINCT patient_id FROM course) patient CROSS JOIN kinds
    LEFT JOIN logged ON logged.patient_id = patient.patient_id AND logged.kind = kinds.kind
    LEFT JOIN low ON low.patient_id = patient.patient_id
)
SELECT
    (SELECT COUNT(DISTINCT patient_id) FROM course) AS patients,
    (SELECT COUNT(*) FROM cycles y JOIN course ON course.id = y.course_id
     WHERE y.archived = 0) AS cycles,
{_PER_TYPE}
"""


def test_cohort_report_against_one_sql_query(demo_database, record_figure):
    with open_database(demo_database.path, clock=lambda: TODAY) as store:
        connection = store.connection

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
