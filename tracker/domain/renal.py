"""Cockcroft-Gault creatinine clearance and the label's renal starting dose of lenalidomide.

The formula's constants, the bands, the unit factor and the age limits are data:
``resources/renal/lenalidomide-renal.toml``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date
from functools import cache

from tracker.domain.errors import DomainError
from tracker.resources import load_toml

MG_PER_DL = "mg/dL"
UMOL_PER_L = "umol/L"
CREATININE_UNITS = (MG_PER_DL, UMOL_PER_L)
MALE = "M"
FEMALE = "F"
_SEX_ALIASES = {"m": MALE, "male": MALE, "f": FEMALE, "female": FEMALE}
_CREATININE_ALIASES = {"mg/dl": MG_PER_DL, "umol/l": UMOL_PER_L, "µmol/l": UMOL_PER_L}


@dataclass(frozen=True)
class RenalDose:
    """A starting dose: ``dose_mg`` every ``every_days`` days (2 is every 48 hours)."""

    band: str
    dose_mg: float
    every_days: int
    text: str
    condition: str = ""
    timing: str = ""


@dataclass(frozen=True)
class _Band:
    min_crcl: float
    dose: RenalDose


@dataclass(frozen=True)
class RenalRules:
    source: str
    age_offset: float
    creatinine_factor: float
    umol_per_mg_dl: float
    female_factor: float
    min_age: int
    max_age: int
    bands: tuple[_Band, ...]
    dialysis: RenalDose


def _dose(data: dict) -> RenalDose:
    return RenalDose(
        band=data["band"],
        dose_mg=float(data["dose_mg"]),
        every_days=int(data["every_days"]),
        text=data["text"],
        condition=data.get("condition", ""),
        timing=data.get("timing", ""),
    )


def rules_from_data(data: dict) -> RenalRules:
    bands = tuple(
        _Band(float(spec["min_crcl"]), _dose(spec))
        for spec in sorted(data["bands"], key=lambda spec: -float(spec["min_crcl"]))
    )
    return RenalRules(
        source=data["source"],
        age_offset=float(data["cockcroft_gault_age_offset"]),
        creatinine_factor=float(data["cockcroft_gault_creatinine_factor"]),
        umol_per_mg_dl=float(data["umol_per_l_in_one_mg_per_dl"]),
        female_factor=float(data["female_factor"]),
        min_age=int(data["min_age_years"]),
        max_age=int(data["max_age_years"]),
        bands=bands,
        dialysis=_dose(data["dialysis"]),
    )


@cache
def load_renal_rules() -> RenalRules:
    return rules_from_data(load_toml("renal", "lenalidomide-renal.toml"))


def age_on(date_of_birth: date, on_date: date) -> int:
    """Completed years of age on ``on_date``."""
    if on_date < date_of_birth:
        raise DomainError(
            f"the date of birth {date_of_birth.isoformat()} is after {on_date.isoformat()}"
        )
    birthday_passed = (on_date.month, on_date.day) >= (date_of_birth.month, date_of_birth.day)
    return on_date.year - date_of_birth.year - (0 if birthday_passed else 1)


def _positive(value: float, what: str, unit: str) -> float:
    if not math.isfinite(value) or value <= 0:
        raise DomainError(f"{what} must be more than 0 {unit}, not {value:g}")
    return float(value)


def creatinine_mg_dl(creatinine: float, unit: str) -> float:
    """Serum creatinine in mg/dL from mg/dL or umol/L."""
    canonical = _CREATININE_ALIASES.get(unit.strip().lower())
    if canonical is None:
        raise DomainError(f"unknown creatinine unit {unit!r}: use mg/dL or umol/L")
    value = _positive(creatinine, "creatinine", canonical)
    if canonical == UMOL_PER_L:
        return value / load_renal_rules().umol_per_mg_dl
    return value


def creatinine_clearance(
    age_years: int, weight_kg: float, creatinine: float, unit: str, sex: str
) -> float:
    """Cockcroft-Gault CrCl in mL/min, with actual body weight."""
    rules = load_renal_rules()
    if not rules.min_age <= age_years <= rules.max_age:
        raise DomainError(
            f"Cockcroft-Gault needs an age from {rules.min_age} to {rules.max_age} years, "
            f"not {age_years}"
        )
    weight = _positive(weight_kg, "weight", "kg")
    serum = creatinine_mg_dl(creatinine, unit)
    canonical_sex = _SEX_ALIASES.get(sex.strip().lower()) if sex else None
    if canonical_sex is None:
        raise DomainError(f"Cockcroft-Gault needs sex M or F, not {sex!r}")
    clearance = (rules.age_offset - age_years) * weight / (rules.creatinine_factor * serum)
    return clearance * rules.female_factor if canonical_sex == FEMALE else clearance


def renal_starting_dose(crcl: float, on_dialysis: bool) -> RenalDose:
    """The label's starting dose for a creatinine clearance in mL/min."""
    rules = load_renal_rules()
    if on_dialysis:
        return rules.dialysis
    if not math.isfinite(crcl) or crcl < 0:
        raise DomainError(f"creatinine clearance must be 0 mL/min or more, not {crcl:g}")
    for band in rules.bands:
        if crcl >= band.min_crcl:
            return band.dose
    raise DomainError(f"no renal dose band covers a creatinine clearance of {crcl:g} mL/min")


@dataclass(frozen=True)
class RenalAssessment:
    """The label's renal starting dose for a patient, and how it was worked out.

    ``dose`` None: it could not be worked out; ``basis`` says why (missing details, a value
    out of range). ``crcl`` is None on dialysis and when it could not be worked out.
    """

    dose: RenalDose | None
    crcl: float | None
    basis: str

    @property
    def band(self) -> str | None:
        return None if self.dose is None else self.dose.band


def clearance_text(crcl: float) -> str:
    """A creatinine clearance to one decimal, never rounded up onto a whole number it is
    below: renal dose bands start at whole numbers (30, 60), and "30.0" beside a dose for
    "under 30 mL/min" would contradict it."""
    shown = round(crcl, 1)
    if shown > crcl and shown.is_integer():
        shown = math.floor(crcl * 10) / 10
    return f"{shown:.1f}"


def assess_renal_function(
    *,
    date_of_birth: date | None,
    sex: str | None,
    weight_kg: float | None,
    creatinine: float | None,
    creatinine_unit: str | None,
    on_dialysis: bool,
    on: date,
) -> RenalAssessment:
    """The renal starting dose on ``on`` from a patient's details (Cockcroft-Gault)."""
    if on_dialysis:
        return RenalAssessment(renal_starting_dose(0.0, True), None, "On dialysis")
    missing = [
        label
        for label, value in (
            ("date of birth", date_of_birth),
            ("sex", sex),
            ("weight", weight_kg),
            ("creatinine", creatinine),
        )
        if not value
    ]
    if missing:
        return RenalAssessment(None, None, "the patient record has no " + ", ".join(missing))
    assert date_of_birth and sex and weight_kg and creatinine
    try:
        crcl = creatinine_clearance(
            age_on(date_of_birth, on), weight_kg, creatinine, creatinine_unit or MG_PER_DL, sex
        )
        dose = renal_starting_dose(crcl, False)
    except DomainError as error:
        return RenalAssessment(None, None, str(error))
    return RenalAssessment(dose, crcl, f"Cockcroft-Gault CrCl {clearance_text(crcl)} mL/min")


def band_change_text(course_band: str | None, now: RenalAssessment) -> str | None:
    """'Renal function has moved from CrCl >=60 to 30-60: ...' when the band the course was
    started in is not the band of the latest creatinine, else None."""
    if course_band is None or now.dose is None or now.band == course_band:
        return None
    return (
        f"Renal function has changed band since the course started ({course_band} -> "
        f"{now.band}; {now.basis}): the label's starting dose for it is {now.dose.text}. "
        "The clinician decides whether to change the dose."
    )


def dose_for_band(band: str | None) -> RenalDose | None:
    """The renal starting dose a course was started in (its stored band), or None."""
    if not band:
        return None
    rules = load_renal_rules()
    for dose in (*(b.dose for b in rules.bands), rules.dialysis):
        if dose.band == band:
            return dose
    return None
