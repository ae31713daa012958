"""The grade 3-4 event rates a demo cohort is drawn at: a trial arm's, from the reference
data files."""

from __future__ import annotations

from dataclasses import dataclass

from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA, VTE
from tracker.domain.references import DEFAULT_REFERENCE_ID, LENALIDOMIDE_ARM, load_reference
from tracker.storage.errors import ValidationError


@dataclass(frozen=True)
class EventRates:
    """Share of patients with a worst grade 3 or 4 event of each kind (as the trial graded)."""

    neutropenia: float
    thrombocytopenia: float
    vte: float
    source: str = ""

    def by_type(self) -> dict[str, float]:
        return {
            NEUTROPENIA: self.neutropenia,
            THROMBOCYTOPENIA: self.thrombocytopenia,
            VTE: self.vte,
        }


def reference_event_rates(
    reference_id: str = DEFAULT_REFERENCE_ID, arm: str = LENALIDOMIDE_ARM
) -> EventRates:
    """Grade 3-4 event rates of one trial arm, from ``resources/references/<id>.toml``.

    The rates are reference data, never constants in code: the demo follows the file.
    """
    reference_arm = load_reference(reference_id).arm(arm)
    missing = [
        kind for kind in (NEUTROPENIA, THROMBOCYTOPENIA, VTE) if reference_arm.rate(kind) is None
    ]
    if missing:
        raise ValidationError(
            f"{reference_arm.short_label} reports no grade 3-4 rate for {', '.join(missing)}"
        )
    rates = reference_arm.rates
    return EventRates(
        neutropenia=rates[NEUTROPENIA],
        thrombocytopenia=rates[THROMBOCYTOPENIA],
        vte=rates[VTE],
        source=reference_arm.short_label,
    )
