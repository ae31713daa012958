"""CTCAE v5.0 grades of neutrophil and platelet counts, and the wording of each term.

Thresholds, lower limits of normal and definitions live in ``resources/grading/ctcae-v5.toml``
so a clinic can match its laboratory's reference range without touching code.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

from tracker.domain.errors import DomainError
from tracker.resources import load_toml

NEUTROPENIA = "neutropenia"
THROMBOCYTOPENIA = "thrombocytopenia"
VTE = "vte"
OTHER = "other"
EVENT_TYPES = (NEUTROPENIA, THROMBOCYTOPENIA, VTE, OTHER)
COUNT_EVENT_TYPES = (NEUTROPENIA, THROMBOCYTOPENIA)


class Unit:
    """How a count was entered. 1.0 x10^9/L is 1,000 per mm3 (= per mcL)."""

    PER_LITRE_E9 = "10^9/L"
    PER_MM3 = "/mm3"
    ALL = (PER_LITRE_E9, PER_MM3)


# Per microlitre is the same volume as per cubic millimetre.
_UNIT_ALIASES = {"/mcl": Unit.PER_MM3, "/ul": Unit.PER_MM3, "/µl": Unit.PER_MM3}
_PER_MM3_IN_ONE_E9_PER_LITRE = 1000


@dataclass(frozen=True)
class Term:
    """One CTCAE term. ``grade_below[g]`` is the bound a count must fall below for grade g."""

    event_type: str
    name: str
    definition: str
    grade_texts: dict[int, str]
    grade_below: dict[int, float]
    allowed_grades: tuple[int, ...] = (1, 2, 3, 4, 5)

    @property
    def lower_limit_of_normal(self) -> float | None:
        return self.grade_below.get(1)


@dataclass(frozen=True)
class Grading:
    version: str
    source: str
    terms: dict[str, Term]

    def term(self, event_type: str) -> Term:
        try:
            return self.terms[event_type]
        except KeyError:
            known = ", ".join(self.terms)
            raise DomainError(
                f"unknown adverse event type {event_type!r} (known: {known})"
            ) from None


def _term_from_data(event_type: str, data: dict) -> Term:
    bounds: dict[int, float] = {}
    if "lower_limit_of_normal" in data:
        bounds[1] = float(data["lower_limit_of_normal"])
        for grade in (2, 3, 4):
            bounds[grade] = float(data[f"grade_{grade}_below"])
        ordered = [bounds[grade] for grade in (1, 2, 3, 4)]
        if ordered != sorted(ordered, reverse=True):
            raise DomainError(f"grading data for {event_type}: bounds must fall with each grade")
    return Term(
        event_type=event_type,
        name=data["term"],
        definition=data["definition"],
        grade_texts={int(grade): text for grade, text in data.get("grades", {}).items()},
        grade_below=bounds,
        allowed_grades=tuple(int(grade) for grade in data["allowed_grades"]),
    )


def grading_from_data(data: dict) -> Grading:
    return Grading(
        version=data["version"],
        source=data["source"],
        terms={name: _term_from_data(name, spec) for name, spec in data["terms"].items()},
    )


@cache
def load_grading() -> Grading:
    return grading_from_data(load_toml("grading", "ctcae-v5.toml"))


CTCAE_VERSION: str = load_grading().version


def normalise_unit(unit: str) -> str:
    cleaned = unit.strip()
    if cleaned in Unit.ALL:
        return cleaned
    alias = _UNIT_ALIASES.get(cleaned.lower())
    if alias is None:
        raise DomainError(f"unknown count unit {unit!r}: use x10^9/L or /mm3")
    return alias


def to_per_litre_e9(value: float, unit: str) -> float:
    """A count in x10^9/L, refusing negative or non-numeric counts."""
    if not math.isfinite(value):
        raise DomainError(f"a count must be a number, not {value!r}")
    if value < 0:
        raise DomainError(f"a count cannot be negative ({value:g})")
    if normalise_unit(unit) == Unit.PER_LITRE_E9:
        return float(value)
    # 1/mm3 is 0.001 x10^9/L, so six decimals lose nothing and keep 1000/mm3 exactly equal to
    # the 1.0 bound instead of a hair either side of it.
    return round(value / _PER_MM3_IN_ONE_E9_PER_LITRE, 6)


def grade_count(event_type: str, value: float, unit: str) -> int:
    """The CTCAE grade (0 within normal limits, 1..4) of a count of ``event_type``."""
    term = load_grading().term(event_type)
    if not term.grade_below:
        raise DomainError(f"{term.name} is graded by the clinician, not from a count")
    count = to_per_litre_e9(value, unit)
    for grade in sorted(term.grade_below, reverse=True):
        if count < term.grade_below[grade]:
            return grade
    return 0


def grade_anc(value: float, unit: str) -> int:
    return grade_count(NEUTROPENIA, value, unit)


def grade_platelets(value: float, unit: str) -> int:
    return grade_count(THROMBOCYTOPENIA, value, unit)


def grade_bounds(event_type: str) -> dict[int, float]:
    """Grade -> the x10^9/L bound a count falls below for that grade (1 is the LLN)."""
    return dict(load_grading().term(event_type).grade_below)


def term_name(event_type: str) -> str:
    return load_grading().term(event_type).name


def term_definition(event_type: str) -> str:
    return load_grading().term(event_type).definition


def grade_text(event_type: str, grade: int) -> str:
    """The CTCAE description of one grade of the term, or '' where the file has none."""
    return load_grading().term(event_type).grade_texts.get(grade, "")


def definition_text(event_type: str, grade: int | None = None) -> str:
    """The term's definition, followed by the CTCAE description of ``grade`` when known."""
    definition = term_definition(event_type)
    description = grade_text(event_type, grade) if grade is not None else ""
    if not description:
        return definition
    return f"{definition}\nGrade {grade}: {description}"


def allowed_grades(event_type: str) -> tuple[int, ...]:
    """The grades CTCAE defines for the term (count terms have no grade 5)."""
    return load_grading().term(event_type).allowed_grades

