"""Published trial results, read from ``resources/references/<id>.toml``: rates of grade 3-4
events, and efficacy (response, complete response, median time to progression and overall
survival) where the file gives them.

The figures are data with their citation and a status; a file marked "unconfirmed" holds
figures nobody has checked against the paper yet, and the reports say so. A file may give
toxicity, efficacy or both: the toxicity screen lists only those with grade 3-4 rates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

from tracker.domain.data_files import load_data_file
from tracker.domain.errors import DomainError
from tracker.resources import resources_dir

DEFAULT_REFERENCE_ID = "mm010"
LENALIDOMIDE_ARM = "lenalidomide"
PLACEBO_ARM = "placebo"
CONFIRMED = "confirmed"


@dataclass(frozen=True)
class ArmEfficacy:
    """An arm's efficacy as published: response (overall, and complete) in percent of the
    patients in the arm, the median time to progression and overall survival in months
    (None where the source does not give one), and the responders where it gives a count."""

    response_percent: float | None = None
    complete_response_percent: float | None = None
    median_ttp_months: float | None = None
    median_os_months: float | None = None
    responders: int | None = None

    @property
    def response_rate(self) -> float | None:
        return _fraction(self.response_percent)

    @property
    def complete_response_rate(self) -> float | None:
        return _fraction(self.complete_response_percent)


NO_EFFICACY = ArmEfficacy()


@dataclass(frozen=True)
class TrialEfficacy:
    """What a trial's efficacy figures mean: the source, the response criteria it used,
    what its overall and complete response counted, and the overall survival comparison."""

    source: str = ""
    response_criteria: str = ""
    overall_response: str = ""
    complete_response: str = ""
    overall_survival_hazard_ratio: float | None = None
    overall_survival_p_value: float | None = None


def _fraction(percent: float | None) -> float | None:
    # Rounded: 21.9 / 100 is 0.21899999999999997 in binary.
    return None if percent is None else round(percent / 100, 12)


@dataclass(frozen=True)
class ReferenceArm:
    """One arm of a trial: how many patients, the percent with a grade 3-4 event and, where
    published, its efficacy."""

    trial_id: str
    trial_name: str
    arm: str
    label: str
    short_label: str
    patients: int
    percent: Mapping[str, float]
    confirmed: bool
    grading: str = ""
    efficacy: ArmEfficacy = NO_EFFICACY

    def rate(self, event_type: str) -> float | None:
        """The proportion (0..1) with a grade 3-4 ``event_type`` event, None if not reported."""
        percent = self.percent.get(event_type)
        return None if percent is None else percent / 100

    @property
    def rates(self) -> dict[str, float]:
        return {event_type: percent / 100 for event_type, percent in self.percent.items()}


@dataclass(frozen=True)
class TrialReference:
    id: str
    name: str
    citation: str
    status: str
    grading: str
    measure: str
    arms: dict[str, ReferenceArm]
    efficacy: TrialEfficacy = TrialEfficacy()

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED

    @property
    def has_toxicity_rates(self) -> bool:
        return any(arm.percent for arm in self.arms.values())

    @property
    def has_efficacy(self) -> bool:
        return any(arm.efficacy != NO_EFFICACY for arm in self.arms.values())

    def arm(self, name: str) -> ReferenceArm:
        try:
            return self.arms[name]
        except KeyError:
            known = ", ".join(self.arms)
            raise DomainError(f"{self.name} has no arm {name!r} (arms: {known})") from None


_PERCENT_FIELDS = ("response_percent", "complete_response_percent")
_MONTH_FIELDS = ("median_ttp_months", "median_os_months")


def _efficacy_from_data(trial: dict, name: str, patients: int, data: dict) -> ArmEfficacy:
    percent = {key: float(data[key]) for key in _PERCENT_FIELDS if key in data}
    months = {key: float(data[key]) for key in _MONTH_FIELDS if key in data}
    responders = int(data["responders"]) if "responders" in data else None
    impossible = (
        any(not 0 <= value <= 100 for value in percent.values())
        or any(not value > 0 for value in months.values())
        or (responders is not None and not 0 <= responders <= patients)
    )
    if impossible:
        raise DomainError(f"reference {trial['id']}, arm {name}: impossible efficacy figures")
    return ArmEfficacy(**percent, **months, responders=responders)


def _arm_from_data(trial: dict, name: str, data: dict) -> ReferenceArm:
    patients = int(data["patients"])
    percent = {kind: float(value) for kind, value in data.get("grade3_4_percent", {}).items()}
    if patients < 1 or any(not 0 <= value <= 100 for value in percent.values()):
        raise DomainError(f"reference {trial['id']}, arm {name}: impossible patients or percent")
    efficacy = data.get("efficacy")
    return ReferenceArm(
        trial_id=trial["id"],
        trial_name=trial["name"],
        arm=name,
        label=data["label"],
        short_label=data.get("short_label", f"{trial['name']} {data['label']}"),
        patients=patients,
        percent=percent,
        confirmed=trial.get("status") == CONFIRMED,
        grading=trial.get("grading", ""),
        efficacy=NO_EFFICACY
        if efficacy is None
        else _efficacy_from_data(trial, name, patients, efficacy),
    )


def _trial_efficacy(data: dict) -> TrialEfficacy:
    efficacy = data.get("efficacy", {})
    text = {
        key: str(efficacy.get(key, ""))
        for key in ("source", "response_criteria", "overall_response", "complete_response")
    }
    figures = {
        key: float(efficacy[key])
        for key in ("overall_survival_hazard_ratio", "overall_survival_p_value")
        if key in efficacy
    }
    return TrialEfficacy(**text, **figures)


def reference_from_data(data: dict) -> TrialReference:
    return TrialReference(
        id=data["id"],
        name=data["name"],
        citation=data["citation"],
        status=data.get("status", "unconfirmed"),
        grading=data.get("grading", ""),
        measure=data.get("measure", ""),
        arms={name: _arm_from_data(data, name, arm) for name, arm in data["arms"].items()},
        efficacy=_trial_efficacy(data),
    )


@cache
def load_reference(reference_id: str = DEFAULT_REFERENCE_ID) -> TrialReference:
    return reference_from_data(load_data_file("references", reference_id, "reference"))


def reference_ids() -> list[str]:
    """The references shipped in ``resources/references``, by id."""
    return sorted(path.stem for path in (resources_dir() / "references").glob("*.toml"))


def toxicity_reference_ids() -> list[str]:
    """The references that give grade 3-4 rates, by id."""
    return [ref for ref in reference_ids() if load_reference(ref).has_toxicity_rates]


def efficacy_reference_ids() -> list[str]:
    """The references that give efficacy figures, by id."""
    return [ref for ref in reference_ids() if load_reference(ref).has_efficacy]
