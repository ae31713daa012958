"""What the Lenalidomide REMS requires before a course or a cycle starts. Unlike the count
check, nothing here can be overridden: each problem is a requirement of the law, named so
the clinic knows what to record.

- Every female patient has a REMS category.
- A supply is at most ``max_supply_days`` days, with no refills, and is dispensed while its
  authorization is valid (the window depends on the category).
- For a category that is tested: an authorization number; for the first prescription two
  qualifying negative tests (10-14 days before it, and within 24 hours before it); for a
  later cycle no test due or overdue on the prescription's day; no positive test or
  missed-period report standing; contraception counselling recorded.
"""

from __future__ import annotations

from datetime import date, timedelta

from tracker.domain.regimen import Regimen
from tracker.domain.rems_rules import RemsRules, rems_rules
from tracker.domain.treatment.history import CourseHistory, Interruption
from tracker.domain.treatment.rems import next_test, standing_findings
from tracker.domain.treatment.rems_facts import PregnancyTest, RemsFacts, Supply

CATEGORY_MISSING = (
    "a REMS category for this female patient (set it with Edit patient: adult female of "
    "reproductive potential, female child, or not of reproductive potential and why)"
)


def cycle_capsules(regimen: Regimen, cycle: int, every_days: int = 1) -> int:
    """The lenalidomide capsules cycle ``cycle`` takes: one on each dosing day (every
    ``every_days`` days on the renal schedule)."""
    days = regimen.lenalidomide.days_in_cycle(cycle)
    return len([day for day in days if (day - 1) % every_days == 0])


def supply_problems(
    facts: RemsFacts, start: date, supply: Supply | None, rules: RemsRules | None = None
) -> list[str]:
    """What is wrong with the supply of a cycle starting on ``start`` (any category)."""
    rules = rules or rems_rules()
    if supply is None or not supply.authorization.strip():
        return ["a REMS authorization number"] if rules.testing(facts.category) else []
    problems = []
    if supply.days_supply > rules.max_supply_days:
        problems.append(
            f"a supply of at most {rules.max_supply_days} days ({supply.days_supply} days "
            "given; the REMS allows no more, and no refills)"
        )
    given = supply.authorized_on.isoformat()
    if supply.authorized_on > start:
        problems.append(f"an authorization dated on or before the start (it is dated {given})")
    elif facts.category is not None:
        category = rules.category(facts.category)
        valid = category.authorization_valid_days
        if (start - supply.authorized_on).days > valid:
            problems.append(
                f"an authorization still valid on {start.isoformat()} (the one of {given} is "
                f"valid {valid} days for an {category.label.lower()})"
            )
    return problems


def _qualifying_negatives(facts: RemsFacts, rules: RemsRules) -> list[PregnancyTest]:
    return [t for t in facts.tests if t.negative and rules.qualifies(t.sensitivity_miu_ml)]


def within_hours_before(test: PregnancyTest, supply: Supply, hours: int) -> bool:
    """A test at most ``hours`` before the prescription: the same day (before it when both
    times are recorded), or an earlier day when both times show it close enough."""
    given, taken = supply.when, test.when
    if given is not None and taken is not None:
        return timedelta(0) <= given - taken <= timedelta(hours=hours)
    return test.on == supply.authorized_on


def first_prescription_problems(
    facts: RemsFacts, prescribed_on: date, supply: Supply | None, rules: RemsRules
) -> list[str]:
    """The two negative tests before the first prescription (on ``prescribed_on``)."""
    negatives = _qualifying_negatives(facts, rules)
    near, far = rules.first_test_days_before
    earliest, latest = prescribed_on - timedelta(days=far), prescribed_on - timedelta(days=near)
    problems = []
    if not any(earliest <= test.on <= latest for test in negatives):
        problems.append(
            f"a negative pregnancy test {near}-{far} days before the prescription of "
            f"{prescribed_on.isoformat()} (from {earliest.isoformat()} to {latest.isoformat()})"
        )
    hours = rules.second_test_within_hours
    given = supply or Supply(0, "", prescribed_on, 0, 0)
    if not any(within_hours_before(test, given, hours) for test in negatives):
        moment = given.when
        problems.append(
            f"a negative pregnancy test within {hours} hours before the prescription of "
            + (
                moment.isoformat(sep=" ", timespec="minutes")
                if moment is not None
                else f"{prescribed_on.isoformat()} (that day; the day before counts only with "
                "the times of the test and the prescription recorded)"
            )
        )
    return problems


def _standing_and_counselling(facts: RemsFacts, start: date) -> list[str]:
    problems = [
        f"no {finding.basis} standing (a clinician must record it cleared)"
        for finding in standing_findings(facts, start)
    ]
    if facts.counselled_by(start) is None:
        problems.append(
            "contraception counselling recorded (two reliable methods, or continuous abstinence)"
        )
    return problems


def course_start_problems(facts: RemsFacts, start: date, supply: Supply | None) -> tuple[str, ...]:
    """What the REMS still needs before a course (its first prescription) starts on ``start``."""
    if facts.category_missing:
        return (CATEGORY_MISSING,)
    rules = rems_rules()
    problems = supply_problems(facts, start, supply, rules)
    if not rules.testing(facts.category):
        return tuple(problems)
    prescribed_on = supply.authorized_on if supply else start
    tests = first_prescription_problems(facts, prescribed_on, supply, rules)
    return tuple(problems + tests + _standing_and_counselling(facts, start))


def cycle_start_problems(
    facts: RemsFacts,
    course_start: date,
    interruptions: tuple[Interruption, ...],
    start: date,
    supply: Supply | None,
) -> tuple[str, ...]:
    """What the REMS still needs before a later cycle starts on ``start``."""
    if facts.category_missing:
        return (CATEGORY_MISSING,)
    rules = rems_rules()
    problems = supply_problems(facts, start, supply, rules)
    if not rules.testing(facts.category):
        return tuple(problems)
    prescribed_on = supply.authorized_on if supply else start
    due_on, why = next_test(facts, course_start, interruptions, prescribed_on, rules)
    if due_on <= prescribed_on:
        problems.append(
            f"a negative pregnancy test on or after {due_on.isoformat()} ({why}), by the "
            f"prescription of {prescribed_on.isoformat()}"
        )
    return tuple(problems + _standing_and_counselling(facts, start))


def history_cycle_start_problems(
    history: CourseHistory, start: date, supply: Supply | None
) -> tuple[str, ...]:
    """``cycle_start_problems`` for the course ``history`` describes (none without facts)."""
    if history.rems is None:
        return ()
    return cycle_start_problems(history.rems, history.start, history.interruptions, start, supply)


def refusal(what: str, on: date, problems: tuple[str, ...]) -> str:
    """The one message a refused start gives: what it needs, under the REMS."""
    text = (
        f"{what} on {on.isoformat()} is refused under the Lenalidomide REMS (no override: "
        f"this is the law). It needs: {'; '.join(problems)}."
    )
    if any("pregnancy test" in problem for problem in problems):
        sensitivity = rems_rules().min_sensitivity_miu_ml
        text += f" A test counts when negative and detecting hCG at {sensitivity:g} mIU/mL or lower."
    return text
