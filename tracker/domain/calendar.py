"""The day-by-day calendar of a treatment course.

Cycle 1 starts on the course start. Every later cycle is planned one cycle length after the
previous one's actual start, so a delayed cycle shifts every planned date after it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.domain.errors import ScheduleError
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, Regimen


@dataclass(frozen=True)
class LevelChange:
    """From ``effective`` on, ``drug`` is given at dose level ``level`` (0 is the top rung)."""

    effective: date
    drug: str
    level: int


@dataclass(frozen=True)
class Hold:
    """``drug`` is not given on ``day``."""

    day: date
    drug: str = LENALIDOMIDE


@dataclass(frozen=True)
class PlannedDay:
    date: date
    cycle: int
    day: int
    lenalidomide_mg: float
    dexamethasone_mg: float
    held: frozenset[str] = field(default_factory=frozenset)

    def as_json(self) -> dict:
        return {
            "date": self.date.isoformat(),
            "cycle": self.cycle,
            "day": self.day,
            "lenalidomide_mg": _number(self.lenalidomide_mg),
            "dexamethasone_mg": _number(self.dexamethasone_mg),
        }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _days_after(day: date, days: int) -> date:
    try:
        return day + timedelta(days=days)
    except OverflowError:
        raise ScheduleError(
            f"the calendar would run past {date.max.isoformat()}, the last date this program "
            "handles"
        ) from None


def cycle_starts(
    regimen: Regimen,
    course_start: date,
    cycles: int,
    actual_starts: Mapping[int, date] | None = None,
) -> list[date]:
    """Start date of cycles 1..``cycles``, honouring the actual starts recorded so far."""
    if cycles < 1:
        raise ScheduleError("a course has at least one cycle")
    actual_starts = actual_starts or {}
    unknown = sorted(number for number in actual_starts if not 1 <= number <= cycles)
    if unknown:
        raise ScheduleError(f"cycle {unknown[0]} is outside a course of {cycles} cycles")
    first = actual_starts.get(1, course_start)
    if first < course_start:
        raise ScheduleError(
            f"cycle 1 cannot start on {first.isoformat()}, before the course start "
            f"{course_start.isoformat()}"
        )
    starts = [first]
    for number in range(2, cycles + 1):
        earliest = _days_after(starts[-1], regimen.cycle_length_days)
        actual = actual_starts.get(number)
        if actual is not None and actual < earliest:
            raise ScheduleError(
                f"cycle {number} cannot start on {actual.isoformat()}: cycle {number - 1} "
                f"runs until {(earliest - timedelta(days=1)).isoformat()}"
            )
        starts.append(actual or earliest)
    # The last cycle's days must be dates too.
    _days_after(starts[-1], regimen.cycle_length_days - 1)
    return starts


def _levels_by_drug(
    start_levels: Mapping[str, int], changes: Iterable[LevelChange]
) -> dict[str, list[tuple[date, int]]]:
    timeline: dict[str, list[tuple[date, int]]] = {
        drug: [(date.min, level)] for drug, level in start_levels.items()
    }
    for change in sorted(changes, key=lambda change: change.effective):
        timeline.setdefault(change.drug, [(date.min, 0)]).append((change.effective, change.level))
    return timeline


def _level_on(timeline: list[tuple[date, int]], day: date) -> int:
    level = timeline[0][1]
    for effective, changed_level in timeline:
        if effective > day:
            break
        level = changed_level
    return level


def plan_course(
    regimen: Regimen,
    course_start: date,
    cycles: int,
    *,
    lenalidomide_level: int = 0,
    dexamethasone_level: int = 0,
    actual_starts: Mapping[int, date] | None = None,
    level_changes: Iterable[LevelChange] = (),
    holds: Iterable[Hold] = (),
    lenalidomide_every_days: int = 1,
) -> list[PlannedDay]:
    """Every day of ``cycles`` cycles with each drug's dose in mg (0 when not given).

    ``lenalidomide_every_days`` is 2 for the every-48-hours renal schedule: doses fall on
    cycle days 1, 3, 5 ... of the lenalidomide days.
    """
    if lenalidomide_every_days < 1:
        raise ScheduleError("lenalidomide interval must be at least one day")
    starts = cycle_starts(regimen, course_start, cycles, actual_starts)
    timelines = _levels_by_drug(
        {LENALIDOMIDE: lenalidomide_level, DEXAMETHASONE: dexamethasone_level}, level_changes
    )
    held: dict[date, set[str]] = {}
    for hold in holds:
        held.setdefault(hold.day, set()).add(hold.drug)
    len_schedule, dex_schedule = regimen.lenalidomide, regimen.dexamethasone
    calendar: list[PlannedDay] = []
    for number, start in enumerate(starts, start=1):
        for offset in range(regimen.cycle_length_days):
            today = start + timedelta(days=offset)
            day = offset + 1
            held_today = frozenset(held.get(today, ()))
            len_mg = 0.0
            if (
                len_schedule.is_dosing_day(number, day)
                and (day - 1) % lenalidomide_every_days == 0
                and LENALIDOMIDE not in held_today
            ):
                len_mg = len_schedule.dose_for_level(_level_on(timelines[LENALIDOMIDE], today))
            dex_mg = 0.0
            if dex_schedule.is_dosing_day(number, day) and DEXAMETHASONE not in held_today:
                dex_mg = dex_schedule.dose_for_level(_level_on(timelines[DEXAMETHASONE], today))
            calendar.append(PlannedDay(today, number, day, len_mg, dex_mg, held_today))
    return calendar
