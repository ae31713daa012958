"""The demo's outcomes: assessments after every two cycles, progression where a course ends
for it, deaths on treatment, and a large cohort near MM-010's efficacy."""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path

import pytest

from tests.storage_extras.demo_cohort import day, make_demo, rows
from tests.storage_extras.helpers import FIXED_TODAY
from tracker.reports.outcomes_report import outcomes_report
from tracker.storage.database import open_database
from tracker.storage.demo.outcomes import BEST_RESPONSE_SHARES, OutcomePlan, assessments


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite")


def test_assessed_on_day_1_of_every_odd_cycle_from_3_and_pd_at_a_progression_end(demo):
    courses = {course["id"]: course for course in rows(demo, "SELECT * FROM courses")}
    cycle_starts = defaultdict(list)
    for cycle in rows(demo, "SELECT course_id, actual_start FROM cycles ORDER BY course_id, number"):
        cycle_starts[cycle["course_id"]].append(cycle["actual_start"])
    responses = defaultdict(list)
    for response in rows(demo, "SELECT * FROM responses ORDER BY course_id, assessed_on, id"):
        responses[response["course_id"]].append(response)
    assert sum(map(len, responses.values())) > 200
    for course_id, course in courses.items():
        starts = cycle_starts[course_id]
        own = responses[course_id]
        scheduled = [r for r in own if r["progression_date"] is None]
        assert [r["assessed_on"] for r in scheduled] == starts[2::2]
        # After the first, every scheduled assessment shows the course's best response.
        assert len({r["response"] for r in scheduled[1:]}) <= 1
        assert "PD" not in {r["response"] for r in scheduled}
        progressions = [r for r in own if r["progression_date"] is not None]
        if course["end_reason"] == "progression":
            [pd] = progressions
            assert pd["response"] == "PD"
            assert pd["assessed_on"] == pd["progression_date"] == course["end_date"]
        else:
            assert progressions == []
        assert all(day(r["assessed_on"]) <= FIXED_TODAY for r in own)


def test_a_death_on_treatment_ends_the_course_and_is_the_patients_date_of_death(demo):
    courses = rows(
        demo,
        "SELECT c.end_reason, c.end_date, p.date_of_death FROM courses c "
        "JOIN patients p ON p.id = c.patient_id",
    )
    died = [course for course in courses if course["date_of_death"] is not None]
    assert died
    assert all(c["end_reason"] == "death" and c["end_date"] == c["date_of_death"] for c in died)
    assert all(c["date_of_death"] is not None for c in courses if c["end_reason"] == "death")
    reasons = Counter(course["end_reason"] for course in courses)
    # Progression ends most courses; stops for toxicity and deaths on treatment both occur.
    assert reasons["progression"] > max(reasons["toxicity"], reasons["death"])
    assert reasons["toxicity"] > 0 and reasons["death"] > 0


def test_the_first_assessment_may_show_one_category_short_of_the_best():
    starts = [day(f"2026-0{month}-01") for month in range(1, 8)]
    short = OutcomePlan("CR", 400, "progression", True)
    assert assessments(short, starts, None, None) == [
        (starts[2], "VGPR", None),
        (starts[4], "CR", None),
        (starts[6], "CR", None),
    ]
    stable = OutcomePlan("SD", 400, "progression", True)
    assert [response for _, response, _ in assessments(stable, starts, None, None)] == ["SD"] * 3
    ended = assessments(short, starts[:4], starts[3], "progression")
    assert ended[-1] == (starts[3], "PD", starts[3])
    assert abs(sum(BEST_RESPONSE_SHARES.values()) - 1) < 1e-9


def test_a_large_demo_cohort_lands_near_mm010(tmp_path):
    """1,500 patients (seed 3): overall response near 60.2%, complete response near 15.9%
    and the median time to progression near 11.3 months, each within about three standard
    errors of a cohort that size."""
    path = make_demo(tmp_path / "large.sqlite", seed=3, patients=1500)
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        statistics = outcomes_report(store).statistics
    assert statistics.response.rate == pytest.approx(0.602, abs=0.04)
    assert statistics.complete_response.rate == pytest.approx(0.159, abs=0.03)
    median = statistics.ttp.median_months
    assert median is not None and 9.5 <= median <= 13.5
    low, high = statistics.ttp.median_ci_months
    assert low is not None and high is not None and low < median < high
    assert statistics.ttp.curve.event_count > 500 and statistics.os.curve.event_count > 0
