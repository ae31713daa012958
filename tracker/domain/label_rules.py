"""The US label's lenalidomide hold thresholds and rule wording, read from
``resources/advice/lenalidomide-label.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA
from tracker.resources import load_toml


@dataclass(frozen=True)
class LabelRules:
    source: str
    anc_below: float
    platelets_below: float
    other_hold_from_grade: int
    other_restart_at_or_below_grade: int
    wording: dict[str, str]

    def hold_below(self, event_type: str) -> float:
        """The count (x10^9/L) below which ``event_type`` interrupts lenalidomide."""
        return {NEUTROPENIA: self.anc_below, THROMBOCYTOPENIA: self.platelets_below}[event_type]

    def is_low(self, event_type: str, count: float | None) -> bool:
        return count is not None and count < self.hold_below(event_type)


def label_rules_from_data(data: dict) -> LabelRules:
    return LabelRules(
        source=data["source"],
        anc_below=float(data["thresholds"]["anc_below"]),
        platelets_below=float(data["thresholds"]["platelets_below"]),
        other_hold_from_grade=int(data["other_toxicity"]["hold_from_grade"]),
        other_restart_at_or_below_grade=int(data["other_toxicity"]["restart_at_or_below_grade"]),
        wording=dict(data["rules"]),
    )


@cache
def load_label_rules() -> LabelRules:
    return label_rules_from_data(load_toml("advice", "lenalidomide-label.toml"))


def hold_thresholds() -> dict[str, float]:
    """Event type -> the count (x10^9/L) below which the label interrupts lenalidomide."""
    rules = load_label_rules()
    return {NEUTROPENIA: rules.anc_below, THROMBOCYTOPENIA: rules.platelets_below}
