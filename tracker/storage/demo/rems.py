"""Pregnancy prevention in the demo: each patient's REMS category, and for the females of
reproductive potential a complete record the REMS would accept (contraception counselling
before the start, the two tests before the first prescription, every test the engine's
schedule asks for after it), with a few whose latest test is overdue, to see on Today.
Every cycle of every patient carries its prescription and authorization number.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.domain.rems_rules import (
    BILATERAL_OOPHORECTOMY,
    FEMALE_NOT_REPRODUCTIVE,
    FEMALE_REPRODUCTIVE,
    HYSTERECTOMY,
    MALE_ADULT,
    NATURAL_MENOPAUSE,
    rems_rules,
)
from tracker.domain.treatment.rems import next_test
from tracker.domain.treatment.rems_facts import NEGATIVE, SERUM, URINE, PregnancyTest, RemsFacts
from tracker.storage.demo.course_walk import CourseWalk

# About a tenth of the demo patients are females of reproductive potential ...
SHARE_REPRODUCTIVE = 0.1
REPRODUCTIVE_AGES = (24, 49)
# ... and of those still on treatment with a test due since their latest cycle began (mid-cycle
# with irregular menstrual cycles, weekly in the first weeks, waiting for a delayed cycle),
# this share has let it fall overdue.
SHARE_OVERDUE = 0.5
# ... when that test fell due within this many days of today.
OVERDUE_WITHIN_DAYS = 21
IRREGULAR_CYCLES = 0.15
ABSTINENCE = 0.08
URINE_SENSITIVITIES = (20.0, 25.0)
SERUM_SENSITIVITY = 5.0


@dataclass(frozen=True)
class Category:
    category: str
    reason: str | None = None
    irregular_cycles: bool = False


def draw_category(rng: random.Random, sex: str, age: int) -> Category:
    """The REMS category of a demo patient who is not of reproductive potential."""
    if sex == "M":
        return Category(MALE_ADULT)
    if age >= 52:
        reason = NATURAL_MENOPAUSE if rng.random() < 0.85 else HYSTERECTOMY
    else:
        reason = HYSTERECTOMY if rng.random() < 0.6 else BILATERAL_OOPHORECTOMY
    return Category(FEMALE_NOT_REPRODUCTIVE, reason)


@dataclass
class RemsRecord:
    """What the clinic recorded for one female patient of reproductive potential."""

    tests: list[PregnancyTest] = field(default_factory=list)
    counselled_on: date | None = None
    methods: tuple[str, ...] = ()
    overdue_since: date | None = None


def authorization_dates(rng: random.Random, walk: CourseWalk) -> list[date]:
    """The day each cycle's prescription was authorized: the day of the start or, now and
    then, the day before (the same day for the first one, where the 24-hour test is)."""
    return [
        cycle.actual - timedelta(days=1 if cycle.number > 1 and rng.random() < 0.3 else 0)
        for cycle in walk.cycles
    ]


def reproductive_record(
    rng: random.Random, walk: CourseWalk, irregular: bool, authorized: list[date]
) -> RemsRecord:
    """Counselling and tests that meet the REMS on every prescription of the course."""
    rules = rems_rules()
    near, far = rules.first_test_days_before
    first = authorized[0]
    record = RemsRecord(counselled_on=first - timedelta(days=rng.randint(30, 60)))
    if rng.random() < ABSTINENCE:
        record.methods = ()
    else:
        hormonal, barrier = rules.contraception_methods[:3], rules.contraception_methods[4:]
        record.methods = (rng.choice(hormonal), rng.choice(barrier))
    record.tests += [
        _test(rng, first - timedelta(days=rng.randint(near, far))),
        _test(rng, first, serum=rng.random() < 0.5),
    ]
    interruptions = walk.interruptions
    last_day = walk.last_day
    last_start = walk.cycles[-1].actual
    overdue_from = last_day - timedelta(days=OVERDUE_WITHIN_DAYS)
    facts = RemsFacts("female_reproductive", "F", irregular_cycles=irregular)
    while True:
        facts = RemsFacts(
            facts.category, "F", irregular_cycles=irregular, tests=tuple(record.tests)
        )
        due, _ = next_test(facts, walk.start, interruptions, record.tests[-1].on, rules)
        if due > last_day:
            return record
        recent = walk.end is None and due > last_start and due >= overdue_from
        if recent and rng.random() < SHARE_OVERDUE:
            record.overdue_since = due
            return record
        record.tests.append(_test(rng, due))


def _test(rng: random.Random, on: date, *, serum: bool = False) -> PregnancyTest:
    if serum:
        return PregnancyTest(on, SERUM, SERUM_SENSITIVITY, NEGATIVE)
    return PregnancyTest(on, URINE, rng.choice(URINE_SENSITIVITIES), NEGATIVE)


def reproductive_category(rng: random.Random) -> Category:
    return Category(FEMALE_REPRODUCTIVE, irregular_cycles=rng.random() < IRREGULAR_CYCLES)
