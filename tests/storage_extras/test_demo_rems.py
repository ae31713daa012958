"""Pregnancy prevention in the demo cohort: about a tenth of the patients are women of
reproductive potential whose records the Lenalidomide REMS would accept at every start,
every cycle carries its prescription, and a few women's latest test is overdue on Today."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from tests.storage_extras.demo_cohort import make_demo, rows
from tests.storage_extras.helpers import FIXED_TODAY
from tracker.domain.treatment.rems_start import course_start_problems, cycle_start_problems
from tracker.storage import queries
from tracker.storage.course_history import course_history
from tracker.storage.database import open_database

# Enough patients that a few women of reproductive potential are on treatment today.
DEMO_PATIENTS = 600


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return make_demo(
        tmp_path_factory.mktemp("demo-rems") / "demo.sqlite", patients=DEMO_PATIENTS
    )


def test_every_patient_has_a_category_and_about_a_tenth_are_tested(demo):
    categories = [row["rems_category"] for row in rows(demo, "SELECT * FROM patients")]
    assert None not in categories
    share = categories.count("female_reproductive") / DEMO_PATIENTS
    assert 0.06 <= share <= 0.15, share
    women = rows(demo, "SELECT sex, rems_category_reason FROM patients "
                       "WHERE rems_category = 'female_not_reproductive'")  # fmt: skip
    assert {row["sex"] for row in women} == {"F"}
    assert None not in {row["rems_category_reason"] for row in women}


def test_every_cycle_has_a_prescription_of_at_most_28_days(demo):
    cycles = rows(demo, "SELECT COUNT(*) AS n FROM cycles")[0]["n"]
    prescriptions = rows(demo, "SELECT * FROM prescriptions")
    assert len(prescriptions) == cycles
    assert max(row["days_supply"] for row in prescriptions) <= 28
    assert all(row["authorization_number"] for row in prescriptions)


def test_the_rems_allowed_every_start_of_every_tested_woman(demo):
    """Each start checked with the tests recorded by its prescription's day."""
    with open_database(demo, clock=lambda: FIXED_TODAY) as store:
        tested = rows(
            demo,
            "SELECT c.id FROM courses c JOIN patients p ON p.id = c.patient_id "
            "WHERE p.rems_category = 'female_reproductive'",
        )
        courses = [queries.get_course(store, row["id"]) for row in tested]
        checked = 0
        for course in courses:
            history = course_history(store, course)
            facts = history.rems
            assert facts is not None and facts.contraception
            for number, start in enumerate(history.cycle_starts, start=1):
                supply = facts.supply_of(number)
                assert supply is not None
                known = replace(
                    facts, tests=tuple(t for t in facts.tests if t.on <= supply.authorized_on)
                )
                if number == 1:
                    problems = course_start_problems(known, start, supply)
                else:
                    before = tuple(i for i in history.interruptions if i.start <= start)
                    problems = cycle_start_problems(known, history.start, before, start, supply)
                assert problems == (), (course.id, number, problems)
                checked += 1
    assert checked >= len(courses) > 0


def test_a_few_tested_women_are_overdue_on_today(demo):
    with open_database(demo, clock=lambda: FIXED_TODAY) as store:
        tested = [row for row in queries.today_rows(store, FIXED_TODAY) if row.state.rems.testing]
    assert tested
    overdue = [row for row in tested if row.state.rems.overdue]
    assert 1 <= len(overdue) < len(tested)
    assert not any(row.state.rems.authorization_missing for row in tested)
