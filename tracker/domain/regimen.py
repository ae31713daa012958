"""A treatment regimen read from its TOML data file."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tracker.domain.data_files import load_data_file
from tracker.domain.errors import DomainError
from tracker.resources import read_toml

LENALIDOMIDE = "lenalidomide"
DEXAMETHASONE = "dexamethasone"
DEFAULT_REGIMEN_ID = "mm010-rd"


@dataclass(frozen=True)
class Phase:
    """The days of a cycle a drug is given, for a run of cycles (``to_cycle`` None: onwards)."""

    from_cycle: int
    to_cycle: int | None
    days: frozenset[int]

    def covers(self, cycle: int) -> bool:
        return cycle >= self.from_cycle and (self.to_cycle is None or cycle <= self.to_cycle)


@dataclass(frozen=True)
class DrugSchedule:
    name: str
    label: str
    dose_ladder_mg: tuple[float, ...]
    phases: tuple[Phase, ...]

    @property
    def standard_dose_mg(self) -> float:
        return self.dose_ladder_mg[0]

    @property
    def lowest_level(self) -> int:
        return len(self.dose_ladder_mg) - 1

    def days_in_cycle(self, cycle: int) -> frozenset[int]:
        for phase in self.phases:
            if phase.covers(cycle):
                return phase.days
        return frozenset()

    def is_dosing_day(self, cycle: int, day: int) -> bool:
        return day in self.days_in_cycle(cycle)

    def dose_for_level(self, level: int) -> float:
        if not 0 <= level <= self.lowest_level:
            raise DomainError(
                f"{self.label} has dose levels 0 to {self.lowest_level}; level {level} does not exist"
            )
        return self.dose_ladder_mg[level]

    def next_lower_level(self, level: int) -> int:
        """One rung down the ladder, never below the last rung."""
        self.dose_for_level(level)
        return min(level + 1, self.lowest_level)

    def level_for_dose(self, dose_mg: float) -> int:
        for level, rung in enumerate(self.dose_ladder_mg):
            if abs(rung - dose_mg) < 1e-9:
                return level
        rungs = ", ".join(format_mg(rung) for rung in self.dose_ladder_mg)
        raise DomainError(f"{format_mg(dose_mg)} mg is not a {self.label} dose level ({rungs} mg)")


@dataclass(frozen=True)
class Regimen:
    id: str
    name: str
    cycle_length_days: int
    source: str
    drugs: dict[str, DrugSchedule]

    def drug(self, name: str) -> DrugSchedule:
        try:
            return self.drugs[name]
        except KeyError:
            raise DomainError(f"regimen {self.id} has no drug {name!r}") from None

    @property
    def lenalidomide(self) -> DrugSchedule:
        return self.drug(LENALIDOMIDE)

    @property
    def dexamethasone(self) -> DrugSchedule:
        return self.drug(DEXAMETHASONE)


def format_mg(dose_mg: float) -> str:
    """25.0 -> '25', 2.5 -> '2.5'."""
    return f"{dose_mg:g}"


def _phase_from_data(data: dict) -> Phase:
    days: set[int] = set()
    for first, last in data["day_ranges"]:
        days.update(range(int(first), int(last) + 1))
    to_cycle = data.get("to_cycle")
    return Phase(int(data["from_cycle"]), int(to_cycle) if to_cycle else None, frozenset(days))


def regimen_from_data(data: dict) -> Regimen:
    drugs = {
        name: DrugSchedule(
            name=name,
            label=spec.get("label", name.capitalize()),
            dose_ladder_mg=tuple(float(mg) for mg in spec["dose_ladder_mg"]),
            phases=tuple(_phase_from_data(phase) for phase in spec["phases"]),
        )
        for name, spec in data["drugs"].items()
    }
    return Regimen(
        id=data["id"],
        name=data["name"],
        cycle_length_days=int(data["cycle_length_days"]),
        source=data["source"],
        drugs=drugs,
    )


def load_regimen_file(path: Path) -> Regimen:
    return regimen_from_data(read_toml(path))


@cache
def load_regimen(regimen_id: str = DEFAULT_REGIMEN_ID) -> Regimen:
    """The regimen stored as ``resources/regimens/<id>.toml``."""
    return regimen_from_data(load_data_file("regimens", regimen_id, "regimen"))
