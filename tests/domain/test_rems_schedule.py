"""The Lenalidomide REMS pregnancy-test schedule and start rules, at every boundary.

Treatment starts on START (cycle 1 day 1). The schedule: two negative tests before the first
prescription (10-14 days before, and within 24 hours before), weekly during the first 4
weeks of use (longer by the days of an interruption in that time), then every 4 weeks, or
every 2 weeks with irregular menstrual cycles, counted from the latest negative test.
"""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from tracker.domain.regimen import LENALIDOMIDE, load_regimen
from tracker.domain.rems_rules import (
    FEMALE_NOT_REPRODUCTIVE,
    FEMALE_REPRODUCTIVE,
    MALE_ADULT,
    rems_rules,
)
from tracker.domain.treatment.engine import day_state
from tracker.domain.treatment.history import CourseHistory, Interruption
from tracker.domain.treatment.label import CONTINUE, STOP
from tracker.domain.treatment.rems import next_test, rems_state, scheduled_tests
from tracker.domain.treatment.rems_facts import (
    ABNORMAL_BLEEDING,
    MISSED_PERIOD,
    NEGATIVE,
    POSITIVE,
    SERUM,
    URINE,
    Contraception,
    MenstrualFlag,
    PregnancyTest,
    RemsFacts,
    Supply,
)
from tracker.domain.treatment.rems_start import (
    course_start_problems,
    cycle_capsules,
    cycle_start_problems,
    refusal,
)

START = date(2027, 1, 4)
REGIMEN = load_regimen()


def d(offset: int) -> date:
    """The day ``offset`` days after the treatment start (0: cycle 1 day 1)."""
    return START + timedelta(days=offset)


def negative(offset: int, sensitivity: float = 25.0, at: time | None = None) -> PregnancyTest:
    return PregnancyTest(d(offset), URINE, sensitivity, NEGATIVE, at)


def facts(*tests: PregnancyTest, irregular: bool = False, **more) -> RemsFacts:
    counselled = (Contraception(d(-40), ("IUD", "condom")),)
    return RemsFacts(
        FEMALE_REPRODUCTIVE,
        "F",
        irregular_cycles=irregular,
        tests=tests,
        contraception=more.pop("contraception", counselled),
        **more,
    )


def history(rems: RemsFacts | None, *starts: int, interruptions=()) -> CourseHistory:
    return CourseHistory(
        regimen=REGIMEN,
        start=START,
        cycle_starts=tuple(d(offset) for offset in (0, *starts)),
        interruptions=tuple(interruptions),
        rems=rems,
    )


def held(first: int, until: int | None) -> Interruption:
    return Interruption(LENALIDOMIDE, d(first), None if until is None else d(until))


# -- when the next test falls --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tests", "irregular", "interruptions", "due"),
    [
        # The pre-treatment tests do not count: the first weekly test is a week after the start.
        ((-12, 0), False, (), 7),
        ((-12, -1), False, (), 7),
        # Weekly during the first 4 weeks of use (days 0 to 27 after the start) ...
        ((-12, 0, 7), False, (), 14),
        ((-12, 0, 7, 14, 21), False, (), 28),
        ((-12, 0, 7, 14, 21, 27), False, (), 34),  # the last day of week 4: still weekly
        # ... then every 4 weeks from week 5 on (regular cycles) ...
        ((-12, 0, 7, 14, 21, 28), False, (), 56),
        ((-12, 0, 7, 14, 21, 28, 56), False, (), 84),
        # ... or every 2 weeks with irregular ones.
        ((-12, 0, 7, 14, 21, 27), True, (), 34),
        ((-12, 0, 7, 14, 21, 28), True, (), 42),
        ((-12, 0, 7, 14, 21, 28, 42), True, (), 56),
        # An interruption in the first 4 weeks: its 10 days are not use, the weekly tests go on
        # through them and the weekly phase ends 10 days later.
        ((-12, 0, 7, 14, 21, 28), False, ((10, 20),), 35),
        ((-12, 0, 7, 14, 21, 28, 35), False, ((10, 20),), 42),
        ((-12, 0, 7, 14, 21, 28, 35, 38), False, ((10, 20),), 66),
        # Still interrupted (open): weekly whatever the weeks, as long as it lasts.
        ((-12, 0, 7, 14, 21, 28, 35), False, ((20, None),), 42),
        # An interruption after the first 4 weeks does not bring weekly tests back.
        ((-12, 0, 7, 14, 21, 28), False, ((30, 40),), 56),
    ],
)
def test_the_next_test_by_the_schedule(tests, irregular, interruptions, due) -> None:
    recorded = facts(*(negative(offset) for offset in tests), irregular=irregular)
    on = d(max(tests))
    found, _ = next_test(recorded, START, [held(*span) for span in interruptions], on)
    assert found == d(due)


@pytest.mark.parametrize(
    ("sensitivity", "counts"), [(25.0, True), (50.0, True), (50.1, False), (100.0, False)]
)
def test_a_test_counts_only_when_it_detects_50_miu_per_ml_or_lower(sensitivity, counts) -> None:
    recorded = facts(negative(-12), negative(0), negative(7, sensitivity=sensitivity))
    found, _ = next_test(recorded, START, (), d(7))
    assert found == (d(14) if counts else d(7))


def test_a_missed_period_makes_a_test_due_from_the_day_it_was_reported() -> None:
    flag = MenstrualFlag(d(40), MISSED_PERIOD)
    recorded = facts(
        negative(0), negative(7), negative(14), negative(21), negative(28), flags=(flag,)
    )
    assert next_test(recorded, START, (), d(45))[0] == d(40)
    tested = facts(*recorded.tests, negative(41), flags=(flag,))
    assert next_test(tested, START, (), d(45))[0] == d(41 + 28)


# -- due, overdue and the day's answer -------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "due", "overdue"),
    [(6, False, False), (7, True, False), (8, True, True), (20, True, True)],
)
def test_due_on_the_day_and_overdue_after_it(offset, due, overdue) -> None:
    state = day_state(history(facts(negative(-12), negative(0))), d(offset)).rems
    assert state is not None
    assert state.next_test == d(7)
    assert (state.test_due, state.overdue) == (due, overdue)
    assert state.as_json() == {
        "category": FEMALE_REPRODUCTIVE,
        "pregnancy_test_due": due,
        "next_pregnancy_test": d(7).isoformat(),
        "authorization": None,
    }


def test_the_cycle_running_gives_the_authorization_and_says_when_it_is_missing() -> None:
    supplies = (Supply(1, "RA-1", d(0), 28, 21),)
    course = history(facts(negative(0), supplies=supplies), 28)
    first, second = day_state(course, d(3)).rems, day_state(course, d(30)).rems
    assert (first.authorization, first.authorization_missing) == ("RA-1", False)
    assert (second.authorization, second.authorization_missing) == (None, True)


@pytest.mark.parametrize("category", [FEMALE_NOT_REPRODUCTIVE, MALE_ADULT])
def test_no_test_is_scheduled_for_a_category_that_is_not_tested(category) -> None:
    rems = RemsFacts(category, "F" if category != MALE_ADULT else "M")
    state = day_state(history(rems), d(40)).rems
    assert (state.testing, state.next_test, state.test_due) == (False, None, False)
    assert not state.authorization_missing


def test_a_history_without_rems_facts_answers_as_before() -> None:
    state = day_state(history(None), d(3))
    assert state.rems is None
    assert state.as_json()["rems"] is None


# -- what stops lenalidomide ---------------------------------------------------------------


def test_a_positive_test_stops_lenalidomide_until_a_clinician_clears_it() -> None:
    positive = PregnancyTest(d(14), URINE, 25.0, POSITIVE)
    course = history(facts(negative(0), negative(7), positive))
    assert day_state(course, d(13)).advice.action == CONTINUE
    stopped = day_state(course, d(14))
    assert stopped.advice.action == STOP and stopped.withholds_lenalidomide
    assert stopped.advice.reason.startswith(f"Positive pregnancy test on {d(14).isoformat()}")
    assert stopped.advice.rules == (rems_rules().wording["positive"],)
    assert stopped.advice.basis == (f"positive urine pregnancy test {d(14).isoformat()}",)
    # A later negative test alone does not lift it: a clinician records otherwise.
    later = history(facts(negative(0), negative(7), positive, negative(15)))
    assert day_state(later, d(16)).advice.action == STOP
    cleared = PregnancyTest(d(14), URINE, 25.0, POSITIVE, cleared_on=d(16), clearance="false")
    lifted = history(facts(negative(0), negative(7), cleared, negative(15)))
    assert day_state(lifted, d(15)).advice.action == STOP
    assert day_state(lifted, d(16)).advice.action == CONTINUE


@pytest.mark.parametrize("kind", [MISSED_PERIOD, ABNORMAL_BLEEDING])
def test_a_missed_period_or_bleeding_stops_it_until_cleared(kind) -> None:
    flag = MenstrualFlag(d(10), kind, cleared_on=d(13), clearance="serum hCG negative")
    course = history(facts(negative(0), negative(7), flags=(flag,)))
    stopped = day_state(course, d(11))
    assert stopped.advice.action == STOP
    assert stopped.rems.stop_what == kind
    assert stopped.advice.reason.startswith(f"{kind.capitalize()} reported on {d(10)}")
    assert day_state(course, d(13)).advice.action == CONTINUE


def test_a_stop_comes_after_the_end_of_the_course() -> None:
    positive = PregnancyTest(d(14), URINE, 25.0, POSITIVE)
    course = CourseHistory(
        regimen=REGIMEN, start=START, cycle_starts=(START,), ended_on=d(10),
        rems=facts(negative(0), positive),
    )  # fmt: skip
    assert day_state(course, d(15)).advice.reason.startswith("Nothing is due: course ended")


# -- the first prescription --------------------------------------------------------------


def first_supply(at: time | None = None) -> Supply:
    return Supply(1, "RA-1", START, 28, 21, at)


@pytest.mark.parametrize(
    ("first_test", "allowed"),
    [(-15, False), (-14, True), (-12, True), (-10, True), (-9, False)],
)
def test_the_first_test_falls_10_to_14_days_before_the_prescription(first_test, allowed) -> None:
    problems = course_start_problems(
        facts(negative(first_test), negative(0)), START, first_supply()
    )
    assert (problems == ()) is allowed, problems
    if not allowed:
        assert problems == (
            f"a negative pregnancy test 10-14 days before the prescription of {START} "
            f"(from {d(-14)} to {d(-10)})",
        )


@pytest.mark.parametrize(
    ("second", "prescribed_at", "allowed"),
    [
        (negative(0), None, True),  # the same day, no times
        (negative(-1), None, False),  # the day before without times: cannot tell
        (negative(-1, at=time(10, 0)), time(10, 0), True),  # exactly 24 hours
        (negative(-1, at=time(10, 0)), time(10, 1), False),  # 24 hours and a minute
        (negative(-1, at=time(16, 0)), time(9, 0), True),  # 17 hours
        (negative(0, at=time(11, 0)), time(10, 0), False),  # after the prescription
        (negative(-2, at=time(23, 0)), time(8, 0), False),  # 33 hours
    ],
)
def test_the_second_test_within_24_hours_before(second, prescribed_at, allowed) -> None:
    problems = course_start_problems(
        facts(negative(-12), second), START, first_supply(prescribed_at)
    )
    assert (problems == ()) is allowed, problems
    if not allowed:
        assert problems[0].startswith("a negative pregnancy test within 24 hours before")


def test_everything_missing_is_named_at_once() -> None:
    bare = RemsFacts(FEMALE_REPRODUCTIVE, "F")
    problems = course_start_problems(bare, START, None)
    assert problems[0] == "a REMS authorization number"
    assert problems[1].startswith("a negative pregnancy test 10-14 days before")
    assert problems[2].startswith("a negative pregnancy test within 24 hours before")
    assert problems[3].startswith("contraception counselling recorded")
    message = refusal("starting a course", START, problems)
    assert message.startswith(
        f"starting a course on {START} is refused under the Lenalidomide REMS (no override"
    )
    assert message.endswith("A test counts when negative and detecting hCG at 50 mIU/mL or lower.")


def test_a_female_without_a_category_cannot_start_and_a_male_needs_no_test() -> None:
    assert course_start_problems(RemsFacts(None, "F"), START, None)[0].startswith(
        "a REMS category for this female patient"
    )
    assert course_start_problems(RemsFacts(MALE_ADULT, "M"), START, None) == ()
    assert course_start_problems(RemsFacts(None, "M"), START, None) == ()


def test_a_standing_positive_test_or_missed_period_blocks_the_start() -> None:
    positive = PregnancyTest(d(-3), SERUM, 5.0, POSITIVE)
    problems = course_start_problems(
        facts(negative(-12), positive, negative(0)), START, first_supply()
    )
    assert problems == (
        f"no positive serum pregnancy test {d(-3)} standing (a clinician must record it cleared)",
    )


# -- the supply and its authorization --------------------------------------------------------


@pytest.mark.parametrize(("days", "allowed"), [(21, True), (28, True), (29, False), (56, False)])
def test_a_supply_is_at_most_28_days(days, allowed) -> None:
    supply = Supply(1, "RA-1", START, days, 21)
    problems = course_start_problems(RemsFacts(MALE_ADULT, "M"), START, supply)
    assert (problems == ()) is allowed
    if not allowed:
        assert "a supply of at most 28 days" in problems[0] and "no refills" in problems[0]


@pytest.mark.parametrize(
    ("category", "days_after", "allowed"),
    [
        (FEMALE_REPRODUCTIVE, 7, True),
        (FEMALE_REPRODUCTIVE, 8, False),
        (MALE_ADULT, 30, True),
        (MALE_ADULT, 31, False),
        (MALE_ADULT, -1, False),  # authorized after the supply's first day
    ],
)
def test_an_authorization_is_valid_for_its_categorys_window(category, days_after, allowed) -> None:
    given = START - timedelta(days=days_after)
    supply = Supply(2, "RA-2", given, 28, 21)
    rems = (
        facts(*(negative(n) for n in (0, 7, 14, 21, 27)))
        if category == FEMALE_REPRODUCTIVE
        else (RemsFacts(MALE_ADULT, "M"))
    )
    problems = cycle_start_problems(rems, d(-28), (), START, supply)
    authorization = [p for p in problems if "authorization" in p]
    assert (authorization == []) is allowed, problems


# -- a later cycle ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tests", "allowed"),
    [
        ((0, 7, 14, 21), False),  # the week-4 test (day 28) is due on the prescription day
        ((0, 7, 14, 21, 28), True),
        ((0, 7, 14, 21, 27), True),  # a day early: the next falls on day 34
        ((0, 7, 21), False),  # day 14 was missed: overdue since then
    ],
)
def test_a_cycle_starts_only_with_no_test_due(tests, allowed) -> None:
    supply = Supply(2, "RA-2", d(28), 28, 21)
    rems = facts(negative(-12), *(negative(offset) for offset in tests))
    problems = cycle_start_problems(rems, START, (), d(28), supply)
    assert (problems == ()) is allowed, problems


def test_a_cycle_without_an_authorization_number_is_refused_for_a_tested_patient() -> None:
    rems = facts(*(negative(n) for n in (0, 7, 14, 21, 28)))
    assert cycle_start_problems(rems, START, (), d(28), None) == ("a REMS authorization number",)


# -- the tests a cycle sheet prints ---------------------------------------------------------


def test_the_sheet_projects_the_tests_still_due_in_a_cycle() -> None:
    course = history(facts(negative(-12), negative(0)))
    assert [day for day, _ in scheduled_tests(course, d(0), d(27))] == [d(7), d(14), d(21)]
    # Cycle 2 with the week-4 test done: the next is every 4 weeks from it.
    later = history(facts(*(negative(n) for n in (-12, 0, 7, 14, 21, 28))), 28)
    assert [day for day, _ in scheduled_tests(later, d(28), d(55))] == []
    # Overdue since day 14: due on the cycle's first day, then every 4 weeks (week 5 on).
    overdue = history(facts(negative(0), negative(7)), 28)
    assert [day for day, _ in scheduled_tests(overdue, d(28), d(55))] == [d(28)]


def test_capsules_follow_the_dosing_days() -> None:
    assert cycle_capsules(REGIMEN, 1) == 21
    assert cycle_capsules(REGIMEN, 1, every_days=2) == 11


def test_the_state_without_a_course_keeps_the_category_and_the_last_test() -> None:
    state = rems_state(facts(negative(-12)), d(0))
    assert state.last_test == negative(-12)
    assert (state.next_test, state.test_due) == (None, False)
