"""The outcomes report on 10,000 patients against the SQL that reads its inputs.

The report is ``outcomes_report``, what the Outcomes tab and ``tracker outcomes`` call:
storage reads each course's start, best response, first progression, last assessment, end,
death and last date known alive in one query, and the domain applies the censoring rules,
the exact intervals and binomial tests against MM-010 and the two Kaplan-Meier estimates
(scipy). The baseline is one SQL statement written here, apart from the application's, that
reads the same inputs per course with index lookups; the benchmark checks that the report's
counts are those its rows give before comparing the times. Both are timed warm (the
statistics library imported, the file in the page cache), alternating, median of several
runs.
"""

from __future__ import annotations

import statistics
import time

from tests.benchmarks.conftest import TODAY, Figure
from tracker.reports.outcomes_report import outcomes_report
from tracker.storage.database import open_database

RUNS = 9
GOAL_RATIO = 2.0

# Per course: its start, end and end reason, the patient's date of death, the best response
# (0 = sCR ... 6 = PD), the first progression (a progression date, or a PD assessment's
# date), the last assessment, and the last date the patient is known alive (counts, course
# starts and ends, last cycle starts, assessments).
_RESPONSES = "FROM responses r WHERE r.course_id = c.id AND r.archived = 0"
INPUTS_IN_ONE_QUERY = f"""
SELECT c.id, c.start_date, c.end_date, c.end_reason, p.date_of_death,
    (SELECT MIN(CASE r.response WHEN 'sCR' THEN 0 WHEN 'CR' THEN 1 WHEN 'VGPR' THEN 2
                WHEN 'PR' THEN 3 WHEN 'MR' THEN 4 WHEN 'SD' THEN 5 WHEN 'PD' THEN 6 END)
     {_RESPONSES}) AS best,
    (SELECT MIN(COALESCE(r.progression_date,
                         CASE WHEN r.response = 'PD' THEN r.assessed_on END)) {_RESPONSES})
        AS progressed,
    (SELECT MAX(r.assessed_on) {_RESPONSES}) AS last_assessed,
    MAX(COALESCE((SELECT l.date FROM labs l WHERE l.patient_id = c.patient_id
                  AND l.archived = 0 ORDER BY l.date DESC LIMIT 1), ''),
        (SELECT MAX(MAX(k.start_date, COALESCE(k.end_date, ''),
                        COALESCE((SELECT y.actual_start FROM cycles y WHERE y.course_id = k.id
                                  AND y.archived = 0 ORDER BY y.number DESC LIMIT 1), ''),
                        COALESCE((SELECT MAX(r.assessed_on) FROM responses r
                                  WHERE r.course_id = k.id AND r.archived = 0), '')))
         FROM courses k WHERE k.patient_id = c.patient_id AND k.archived = 0)) AS alive
FROM courses c JOIN patients p ON p.id = c.patient_id
WHERE c.archived = 0 AND p.archived = 0
"""


def counts_of(rows: list[tuple]) -> dict[str, int]:
    """What the report must count, from the baseline's rows by the rules of
    ``tracker.domain.outcomes``."""
    counts = dict.fromkeys(
        ("courses", "responders", "complete", "progressed", "censored", "deaths"), 0
    )
    for _, _, end_date, end_reason, died, best, progressed, last_assessed, _ in rows:
        counts["courses"] += 1
        counts["responders"] += best is not None and best <= 3
        counts["complete"] += best is not None and best <= 1
        ended_progressing = end_reason == "progression" and end_date is not None
        if progressed is not None or ended_progressing:
            counts["progressed"] += 1
        elif last_assessed is not None:
            counts["censored"] += 1
        counts["deaths"] += died is not None
    return counts


def test_outcomes_report_against_the_sql_of_its_inputs(demo_database, record_figure):
    with open_database(demo_database.path, clock=lambda: TODAY) as store:
        connection = store.connection

        def inputs_by_sql() -> list[tuple]:
            return connection.execute(INPUTS_IN_ONE_QUERY).fetchall()

        report = outcomes_report(store)  # imports the statistics library
        rows = inputs_by_sql()
        report_seconds, sql_seconds = [], []
        for _ in range(RUNS):
            started = time.perf_counter()
            report = outcomes_report(store)
            report_seconds.append(time.perf_counter() - started)
            started = time.perf_counter()
            rows = inputs_by_sql()
            sql_seconds.append(time.perf_counter() - started)

    figures = report.statistics
    counts = counts_of(rows)
    assert counts["courses"] == figures.courses > 0
    assert counts["responders"] == figures.response.responders
    assert counts["complete"] == figures.complete_response.responders
    assert counts["progressed"] == figures.ttp.curve.event_count > 0
    assert counts["censored"] == figures.ttp.curve.censored_count
    assert counts["deaths"] == figures.os.curve.event_count

    report_ms = 1000 * statistics.median(report_seconds)
    sql_ms = 1000 * statistics.median(sql_seconds)
    ratio = report_ms / sql_ms
    median = figures.ttp.median_months
    print(
        f"\noutcomes report, median of {RUNS}: {report_ms:.1f} ms "
        f"(runs {_runs(report_seconds)}); the SQL of its inputs {sql_ms:.1f} ms "
        f"(runs {_runs(sql_seconds)}); {figures.courses:,} courses, response "
        f"{100 * (figures.response.rate or 0):.1f}%, complete response "
        f"{100 * (figures.complete_response.rate or 0):.1f}%, median time to progression "
        f"{'not reached' if median is None else f'{median:.1f} months'}"
    )
    record_figure(
        Figure(
            name="outcomes report",
            measured=f"{report_ms:.0f} ms for {figures.courses:,} courses",
            baseline=f"{sql_ms:.0f} ms the SQL that reads its inputs",
            ratio=f"{ratio:.2f}x",
            goal=f"at most {GOAL_RATIO:g}x",
            met=ratio <= GOAL_RATIO,
        )
    )


def _runs(seconds: list[float]) -> str:
    return " ".join(f"{1000 * value:.0f}" for value in sorted(seconds))
