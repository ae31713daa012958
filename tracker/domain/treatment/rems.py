"""Pregnancy prevention on any day of a course: whether a pregnancy test is due or overdue and
when the next one falls, the cycle's REMS authorization, and whether lenalidomide stops (a
positive test, a missed period) until a clinician records otherwise.

The schedule is data (``rems_rules``). From the treatment start: the first test a week after
it, weekly during the first 28 days of use (days of a lenalidomide interruption in that time
are not use, and the weekly tests go on through them), then every 4 weeks, or every 2 with
irregular menstrual cycles, each counted from the latest qualifying negative test.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.domain.regimen import LENALIDOMIDE
from tracker.domain.rems_rules import RemsRules, category_text, rems_rules
from tracker.domain.treatment.history import CourseHistory, Interruption
from tracker.domain.treatment.rems_facts import (
    NEGATIVE,
    POSITIVE,
    Contraception,
    PregnancyTest,
    RemsFacts,
)


@dataclass(frozen=True)
class RemsState:
    """The engine's pregnancy-prevention answer for one patient on one day.

    ``next_test``: the day the next pregnancy test is due (None: none is scheduled, as for a
    category that is not tested or a course not running); ``test_due``: that day has come.
    ``stop``: why lenalidomide stops (a positive test or a missed period that stands).
    """

    on: date
    category: str | None
    testing: bool
    category_missing: bool
    last_test: PregnancyTest | None = None
    next_test: date | None = None
    test_due: bool = False
    why: str = ""
    authorization: str | None = None
    authorization_missing: bool = False
    stop: str | None = None
    stop_what: str = ""
    stop_rule: str = ""
    stop_basis: tuple[str, ...] = ()
    contraception: Contraception | None = None

    @property
    def overdue(self) -> bool:
        return self.test_due and self.next_test is not None and self.next_test < self.on

    @property
    def category_text(self) -> str:
        return category_text(self.category)

    def as_json(self) -> dict:
        return {
            "category": self.category,
            "pregnancy_test_due": self.test_due,
            "next_pregnancy_test": self.next_test.isoformat() if self.next_test else None,
            "authorization": self.authorization,
        }


# -- the schedule --------------------------------------------------------------------------


def weekly_phase_end(
    start: date, interruptions: Iterable[Interruption], on: date, rules: RemsRules
) -> date:
    """The first day after the first ``weekly_for_days_of_use`` days of use: each day of a
    lenalidomide interruption that began before then moves it a day (one still open on
    ``on`` moves it past ``on``)."""
    end = start + timedelta(days=rules.weekly_for_days_of_use)
    for interruption in sorted(interruptions, key=lambda i: i.start):
        if interruption.drug != LENALIDOMIDE or interruption.start > on:
            continue
        if interruption.start >= end:
            break
        begin = max(interruption.start, start)
        stop = interruption.end or on + timedelta(days=1)
        if stop > begin:
            end += stop - begin
    return end


def next_test(
    facts: RemsFacts,
    start: date,
    interruptions: Iterable[Interruption],
    on: date,
    rules: RemsRules | None = None,
) -> tuple[date, str]:
    """When the next pregnancy test of a course that started on ``start`` is due, seen on
    ``on``, and the rule it comes from."""
    rules = rules or rems_rules()
    negatives = [
        test
        for test in facts.tests_until(on)
        if test.negative and rules.qualifies(test.sensitivity_miu_ml)
    ]
    last = negatives[-1].on if negatives else None
    for flag in facts.flags:
        if flag.open_on(on) and (last is None or last < flag.reported_on):
            return flag.reported_on, f"{flag.kind} reported {flag.reported_on.isoformat()}"
    weekly = f"weekly during the first {rules.weekly_for_days_of_use // 7} weeks of use"
    if last is None or last < start:
        return start + timedelta(days=rules.weekly_every_days), weekly
    if last < weekly_phase_end(start, interruptions, on, rules):
        return last + timedelta(days=rules.weekly_every_days), weekly
    every = rules.every_days_after_weekly(facts.irregular_cycles)
    regularity = "irregular" if facts.irregular_cycles else "regular"
    return last + timedelta(
        days=every
    ), f"every {every // 7} weeks with {regularity} menstrual cycles"


# -- what stops lenalidomide ---------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """A positive test or a missed-period report that stops lenalidomide."""

    what: str  # "positive pregnancy test", "missed period", "abnormal bleeding"
    reason: str
    rule: str
    basis: str


def standing_findings(facts: RemsFacts, on: date) -> list[Finding]:
    """Each positive test and open missed-period report that stands on ``on``, oldest first."""
    if not facts.flags and all(test.result != POSITIVE for test in facts.tests):
        return []
    wording = rems_rules().wording
    found = []
    for test in facts.tests:
        if test.stands_on(on):
            found.append(
                Finding(
                    "positive pregnancy test",
                    f"Positive pregnancy test on {test.on.isoformat()} ({test.kind}): stop "
                    "lenalidomide at once; this stands until a clinician records otherwise.",
                    wording["positive"],
                    f"positive {test.kind} pregnancy test {test.on.isoformat()}",
                )
            )
    for flag in facts.flags:
        if flag.open_on(on):
            found.append(
                Finding(
                    flag.kind,
                    f"{flag.kind.capitalize()} reported on {flag.reported_on.isoformat()}: stop "
                    "lenalidomide, test for pregnancy and counsel the patient, until a "
                    "clinician records it cleared.",
                    wording["missed_period"],
                    f"{flag.kind} reported {flag.reported_on.isoformat()}",
                )
            )
    return found


# -- one day -------------------------------------------------------------------------------


def rems_state(
    facts: RemsFacts,
    on: date,
    history: CourseHistory | None = None,
    *,
    course_active: bool = False,
) -> RemsState:
    """The answer for ``on``: with ``history`` of a course running that day, the test
    schedule and the cycle's authorization; without one, the category, the last test and
    what stands."""
    rules = rems_rules()
    testing = rules.testing(facts.category)
    tests = facts.tests_until(on) if facts.tests else ()
    findings = standing_findings(facts, on)
    authorization = due_on = None
    why, missing = "", False
    # Built once: Today asks this of thousands of courses.
    if history is not None and course_active and history.cycle_starts:
        cycle = history.cycle_on(on)
        supply = facts.supply_of(cycle[0] if cycle else len(history.cycle_starts))
        authorization = supply.authorization if supply else None
        if testing:
            due_on, why = next_test(facts, history.start, history.interruptions, on, rules)
            missing = cycle is not None and supply is None
    return RemsState(
        on=on,
        category=facts.category,
        testing=testing,
        category_missing=facts.category_missing,
        last_test=tests[-1] if tests else None,
        next_test=due_on,
        test_due=due_on is not None and due_on <= on,
        why=why,
        authorization=authorization,
        authorization_missing=missing,
        stop=findings[0].reason if findings else None,
        stop_what=findings[0].what if findings else "",
        stop_rule=findings[0].rule if findings else "",
        stop_basis=tuple(finding.basis for finding in findings),
        contraception=facts.counselled_by(on) if facts.contraception else None,
    )


def scheduled_tests(
    history: CourseHistory, first: date, last: date
) -> tuple[tuple[date, str], ...]:
    """The pregnancy tests still to be done from ``first`` to ``last`` (a cycle's days), each
    with its rule: projected from the tests recorded by ``last``, as if each were done on the
    day it falls due (one due before ``first`` falls on ``first``)."""
    facts = history.rems
    rules = rems_rules()
    if facts is None or not rules.testing(facts.category):
        return ()
    assumed = list(facts.tests_until(last))
    days: list[tuple[date, str]] = []
    while True:
        projected = replace(facts, tests=tuple(assumed))
        due, why = next_test(projected, history.start, history.interruptions, last, rules)
        if due > last:
            return tuple(days)
        due = max(due, first)
        days.append((due, why))
        assumed.append(PregnancyTest(due, "", rules.min_sensitivity_miu_ml, NEGATIVE))
