"""The IMWG thromboprophylaxis suggestion for a patient starting lenalidomide, from
``resources/prophylaxis/imwg-2008.toml``. It suggests and says why; it never chooses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from tracker.domain.errors import DomainError
from tracker.domain.regimen import Regimen
from tracker.resources import load_toml

ASPIRIN = "aspirin"
LMWH = "LMWH"


@dataclass(frozen=True)
class ProphylaxisRules:
    source: str
    high_dose_dexamethasone_mg: float
    aspirin_up_to_factors: int
    agents: dict[str, str]
    risk_factors: dict[str, str]


@cache
def prophylaxis_rules() -> ProphylaxisRules:
    data = load_toml("prophylaxis", "imwg-2008.toml")
    return ProphylaxisRules(
        source=data["source"],
        high_dose_dexamethasone_mg=float(data["high_dose_dexamethasone_mg_per_cycle"]),
        aspirin_up_to_factors=int(data["aspirin_up_to_factors"]),
        agents={ASPIRIN: data["agents"]["aspirin"], LMWH: data["agents"]["lmwh"]},
        risk_factors=dict(data["risk_factors"]),
    )


@dataclass(frozen=True)
class ProphylaxisSuggestion:
    agent: str  # ASPIRIN or LMWH: a suggestion, never a default
    text: str  # the agent as the IMWG model words it
    why: str


def dexamethasone_mg_per_cycle(regimen: Regimen, cycle: int, level: int = 0) -> float:
    schedule = regimen.dexamethasone
    return schedule.dose_for_level(level) * len(schedule.days_in_cycle(cycle))


def check_risk_factors(factors: Iterable[str]) -> tuple[str, ...]:
    known = prophylaxis_rules().risk_factors
    chosen = tuple(dict.fromkeys(factors))
    unknown = [factor for factor in chosen if factor not in known]
    if unknown:
        raise DomainError(f"unknown VTE risk factor {unknown[0]!r} (known: {', '.join(known)})")
    return chosen


def suggest(
    factors: Iterable[str], regimen: Regimen, *, cycle: int = 1, dex_level: int = 0
) -> ProphylaxisSuggestion:
    """The IMWG suggestion for the risk factors ticked and the dexamethasone in ``cycle``."""
    rules = prophylaxis_rules()
    chosen = check_risk_factors(factors)
    dex_mg = dexamethasone_mg_per_cycle(regimen, cycle, dex_level)
    names = [rules.risk_factors[factor].lower() for factor in chosen]
    counted = f"{len(chosen)} risk factor{'s' if len(chosen) != 1 else ''}"
    if names:
        counted += f" ({', '.join(names)})"
    if dex_mg >= rules.high_dose_dexamethasone_mg:
        why = (
            f"high-dose dexamethasone ({dex_mg:g} mg in cycle {cycle}, at least "
            f"{rules.high_dose_dexamethasone_mg:g} mg a month) is a therapy-related risk; "
            f"{counted}"
        )
        return ProphylaxisSuggestion(LMWH, rules.agents[LMWH], why)
    if len(chosen) > rules.aspirin_up_to_factors:
        return ProphylaxisSuggestion(LMWH, rules.agents[LMWH], f"{counted}: two or more")
    return ProphylaxisSuggestion(ASPIRIN, rules.agents[ASPIRIN], f"{counted}: at most one")
