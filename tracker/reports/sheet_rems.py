"""The pregnancy-prevention part of a cycle sheet (Lenalidomide REMS): the patient's category,
the cycle's authorization number and supply, the contraception reminder, and the pregnancy
tests of the cycle (recorded ones with their result, the ones the engine's schedule still
asks for with boxes to tick). Free of Qt and of the database, like ``sheet_model``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from tracker.domain.calendar import PlannedDay
from tracker.domain.rems_rules import FEMALE_REPRODUCTIVE, category_text, rems_rules
from tracker.domain.treatment.history import CourseHistory
from tracker.domain.treatment.rems import scheduled_tests

MAX_TEST_ROWS = 5


@dataclass(frozen=True)
class PregnancyTestRow:
    """A test of the cycle: recorded (``result`` set) or due, with empty result boxes."""

    date: date
    cycle_day: int
    why: str = ""
    result: str | None = None
    kind: str | None = None

    @property
    def recorded(self) -> bool:
        return self.result is not None


@dataclass(frozen=True)
class RemsPart:
    category: str
    testing: bool
    authorization: str | None
    authorized_on: date | None
    supply_text: str
    reminder: str
    tests: tuple[PregnancyTestRow, ...] = ()

    @property
    def authorization_text(self) -> str:
        if self.authorization is None:
            return "______________ (record it with the cycle start)"
        when = f" of {self.authorized_on.isoformat()}" if self.authorized_on else ""
        return f"{self.authorization}{when}"

    @property
    def due_dates(self) -> frozenset[date]:
        return frozenset(row.date for row in self.tests if not row.recorded)


def rems_part(
    history: CourseHistory, cycle_number: int, cycle_days: Sequence[PlannedDay]
) -> RemsPart | None:
    """The sheet's REMS part for the cycle (None for a history that carries no REMS facts)."""
    facts = history.rems
    if facts is None or not cycle_days:
        return None
    rules = rems_rules()
    first, last = cycle_days[0].date, cycle_days[-1].date
    day_of = {planned.date: planned.day for planned in cycle_days}
    testing = rules.testing(facts.category)
    rows: list[PregnancyTestRow] = []
    if testing:
        rows = [
            PregnancyTestRow(test.on, day_of[test.on], result=test.result, kind=test.kind)
            for test in facts.tests
            if test.on in day_of
        ]
        rows += [
            PregnancyTestRow(on, day_of[on], why)
            for on, why in scheduled_tests(history, first, last)
        ]
        rows.sort(key=lambda row: row.date)
        while len(rows) > MAX_TEST_ROWS:
            rows.remove(next((row for row in rows if row.recorded), rows[0]))
    supply = facts.supply_of(cycle_number)
    no_refills = f"at most {rules.max_supply_days} days' supply, no refills"
    supply_text = (
        f"{supply.capsules} capsules, {supply.days_supply}-day supply; no refills"
        if supply is not None
        else no_refills
    )
    category = category_text(facts.category, facts.reason)
    if facts.category_missing:
        category += " (set it before the cycle starts)"
    return RemsPart(
        category=category,
        testing=testing,
        authorization=supply.authorization if supply else None,
        authorized_on=supply.authorized_on if supply else None,
        supply_text=supply_text,
        # A female without a category is reminded as if she could become pregnant.
        reminder=rules.reminder(
            facts.category or (FEMALE_REPRODUCTIVE if facts.category_missing else None)
        ),
        tests=tuple(rows),
    )
