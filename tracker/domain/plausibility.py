"""Whether a lab value is plausible in the unit it was entered in, from
``resources/plausibility.toml``; a value that only fits the other unit names that unit."""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from tracker.domain.errors import DomainError
from tracker.domain.renal import load_renal_rules
from tracker.resources import load_toml

PER_LITRE_E9 = "10^9/L"
PER_MM3 = "/mm3"
MG_PER_DL = "mg/dL"
UMOL_PER_L = "umol/L"
# 1 x10^9/L is 1,000 per mm3 (= per mcL).
PER_MM3_IN_ONE_PER_LITRE_E9 = 1000.0
UNIT_NAMES = {"10^9/L": "x10^9/L", "/mm3": "/mm3", "mg/dL": "mg/dL", "umol/L": "umol/L"}


@dataclass(frozen=True)
class Quantity:
    label: str
    ranges: dict[str, tuple[float, float]]

    def fits(self, value: float, unit: str) -> bool:
        low, high = self.ranges[unit]
        whole = unit != PER_MM3 or float(value).is_integer()
        return low <= value <= high and whole


@cache
def _quantities() -> dict[str, Quantity]:
    data = load_toml("plausibility.toml")
    return {
        name: Quantity(
            spec["label"],
            {unit: (float(r[0]), float(r[1])) for unit, r in spec.items() if unit != "label"},
        )
        for name, spec in data.items()
        if isinstance(spec, dict)
    }


def _number(value: float) -> str:
    return f"{value:,.6g}"


def plausibility_problem(quantity: str, value: float, unit: str) -> str | None:
    """Why ``value`` in ``unit`` is not a plausible ``quantity`` ('anc', 'platelets',
    'creatinine'), in words; None when it is."""
    spec = _quantities()[quantity]
    if unit not in spec.ranges:
        raise DomainError(f"{spec.label} has no unit {unit!r}")
    if not math.isfinite(value) or spec.fits(value, unit):
        return None
    shown = f"{spec.label} {_number(value)} {UNIT_NAMES[unit]}"
    others = [other for other in spec.ranges if other != unit and spec.fits(value, other)]
    if others:
        return f"{shown} is not plausible; it fits {UNIT_NAMES[others[0]]}: check the unit"
    low, high = spec.ranges[unit]
    whole = " (a whole number)" if unit == PER_MM3 else ""
    return (
        f"{shown} is outside the plausible range {_number(low)}-{_number(high)} "
        f"{UNIT_NAMES[unit]}{whole}: check the value"
    )


def check_plausible(quantity: str, value: float, unit: str) -> None:
    problem = plausibility_problem(quantity, value, unit)
    if problem:
        raise DomainError(problem)


def _factor(quantity: str, unit: str) -> float:
    """How many of ``unit`` make one of the quantity's first unit (x10^9/L, mg/dL)."""
    if unit == PER_MM3:
        return PER_MM3_IN_ONE_PER_LITRE_E9
    if unit == UMOL_PER_L:
        return load_renal_rules().umol_per_mg_dl
    return 1.0


def convert(quantity: str, value: float, from_unit: str, to_unit: str) -> float:
    """``value`` of ``quantity`` in ``from_unit`` expressed in ``to_unit``, unrounded:
    counts x1,000 between x10^9/L and /mm3, creatinine by the renal rules' umol/L per mg/dL."""
    units = _quantities()[quantity].ranges
    for unit in (from_unit, to_unit):
        if unit not in units:
            raise DomainError(f"{_quantities()[quantity].label} has no unit {unit!r}")
    if from_unit == to_unit:
        return float(value)
    return value / _factor(quantity, from_unit) * _factor(quantity, to_unit)
