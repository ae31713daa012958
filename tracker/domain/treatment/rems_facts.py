"""What the engine reads about pregnancy prevention: the patient's REMS category, pregnancy
tests, missed-period reports, contraception counselling and each cycle's lenalidomide supply.

Storage builds these from its rows; tests build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple

NEGATIVE, POSITIVE = "negative", "positive"
RESULTS = (NEGATIVE, POSITIVE)
SERUM, URINE = "serum", "urine"
TEST_KINDS = (SERUM, URINE)
MISSED_PERIOD, ABNORMAL_BLEEDING = "missed period", "abnormal bleeding"
FLAG_KINDS = (MISSED_PERIOD, ABNORMAL_BLEEDING)


class PregnancyTest(NamedTuple):
    """A pregnancy test: its day (and time when recorded), serum or urine, the hCG
    concentration it detects (mIU/mL) and its result. A positive result stands until a
    clinician records on ``cleared_on`` why it no longer does (``clearance``).

    A named tuple, like ``CountResult``: Today reads thousands of these."""

    on: date
    kind: str
    sensitivity_miu_ml: float | None
    result: str
    at: time | None = None
    cleared_on: date | None = None
    clearance: str = ""

    @property
    def negative(self) -> bool:
        return self.result == NEGATIVE

    def stands_on(self, day: date) -> bool:
        """A positive result recorded by ``day`` and not cleared by then."""
        return (
            self.result == POSITIVE
            and self.on <= day
            and (self.cleared_on is None or self.cleared_on > day)
        )

    @property
    def when(self) -> datetime | None:
        return None if self.at is None else datetime.combine(self.on, self.at)


@dataclass(frozen=True)
class MenstrualFlag:
    """A missed period or abnormal bleeding reported on ``reported_on``; open until a
    clinician records it cleared."""

    reported_on: date
    kind: str = MISSED_PERIOD
    cleared_on: date | None = None
    clearance: str = ""

    def open_on(self, day: date) -> bool:
        return self.reported_on <= day and (self.cleared_on is None or self.cleared_on > day)


@dataclass(frozen=True)
class Contraception:
    """Contraception the patient was counselled on: two methods, or continuous abstinence."""

    counselled_on: date
    methods: tuple[str, ...] = ()
    abstinence: bool = False

    @property
    def text(self) -> str:
        return "continuous abstinence" if self.abstinence else " and ".join(self.methods)


class Supply(NamedTuple):
    """A cycle's lenalidomide prescription: the REMS authorization number and when it was
    given (the prescription's date and, when recorded, time), capsules and days of supply.
    A named tuple: Today reads one for every cycle of every course on treatment."""

    cycle: int
    authorization: str
    authorized_on: date
    days_supply: int
    capsules: int
    authorized_at: time | None = None

    @property
    def when(self) -> datetime | None:
        return (
            None
            if self.authorized_at is None
            else datetime.combine(self.authorized_on, self.authorized_at)
        )


@dataclass(frozen=True)
class RemsFacts:
    """Everything recorded about one patient's pregnancy prevention (supplies: of one course,
    by cycle number)."""

    category: str | None
    sex: str | None = None
    reason: str | None = None
    irregular_cycles: bool = False
    tests: tuple[PregnancyTest, ...] = ()
    flags: tuple[MenstrualFlag, ...] = ()
    contraception: tuple[Contraception, ...] = ()
    supplies: tuple[Supply, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "tests", tuple(sorted(self.tests, key=lambda t: (t.on, t.at or time.min)))
        )
        object.__setattr__(
            self, "contraception", tuple(sorted(self.contraception, key=lambda c: c.counselled_on))
        )

    @property
    def category_missing(self) -> bool:
        """A female patient with no REMS category: no course or cycle may start."""
        return self.category is None and self.sex == "F"

    def supply_of(self, cycle: int) -> Supply | None:
        return next((supply for supply in self.supplies if supply.cycle == cycle), None)

    def tests_until(self, day: date) -> tuple[PregnancyTest, ...]:
        return tuple(test for test in self.tests if test.on <= day)

    def counselled_by(self, day: date) -> Contraception | None:
        counselled = [c for c in self.contraception if c.counselled_on <= day]
        return counselled[-1] if counselled else None
