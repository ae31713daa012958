"""Published trial rates of grade 3-4 events, read from ``resources/references/<id>.toml``.

The figures are data with their citation and a status; a file marked "unconfirmed" holds
figures nobody has checked against the paper yet, and the reports say so.
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
class ReferenceArm:
    """One arm of a trial: how many patients and the percent with a grade 3-4 event."""

    trial_id: str
    trial_name: str
    arm: str
    label: str
    short_label: str
    patients: int
    percent: Mapping[str, float]
    confirmed: bool
    grading: str = ""

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

    @property
    def confirmed(self) -> bool:
        return self.status == CONFIRMED

    def arm(self, name: str) -> ReferenceArm:
        try:
            return self.arms[name]
        except KeyError:
            known = ", ".join(self.arms)
            raise DomainError(f"{self.name} has no arm {name!r} (arms: {known})") from None


def _arm_from_data(trial: dict, name: str, data: dict) -> ReferenceArm:
    patients = int(data["patients"])
    percent = {kind: float(value) for kind, value in data["grade3_4_percent"].items()}
    if patients < 1 or any(not 0 <= value <= 100 for value in percent.values()):
        raise DomainError(f"reference {trial['id']}, arm {name}: impossible patients or percent")
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
    )


def reference_from_data(data: dict) -> TrialReference:
    return TrialReference(
        id=data["id"],
        name=data["name"],
        citation=data["citation"],
        status=data.get("status", "unconfirmed"),
        grading=data.get("grading", ""),
        measure=data.get("measure", ""),
        arms={name: _arm_from_data(data, name, arm) for name, arm in data["arms"].items()},
    )


@cache
def load_reference(reference_id: str = DEFAULT_REFERENCE_ID) -> TrialReference:
    return reference_from_data(load_data_file("references", reference_id, "reference"))


def reference_ids() -> list[str]:
    """The references shipped in ``resources/references``, by id."""
    return sorted(path.stem for path in (resources_dir() / "references").glob("*.toml"))
