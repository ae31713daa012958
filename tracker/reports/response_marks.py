"""A patient's response assessments on the cycle timeline of the patient chart: one lane
under the counts with each assessment at its date (IMWG category written above it), and the
course's first progression as a line across the whole chart."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING

from tracker.domain.outcomes import (
    COMPLETE_RESPONSES,
    OVERALL_RESPONSES,
    PROGRESSIVE_DISEASE,
    Assessment,
    summarise_assessments,
)
from tracker.domain.record_shapes import ResponseLike

if TYPE_CHECKING:
    from matplotlib.axes import Axes

LANE_LABEL = "Response"
PROGRESSION_LABEL = "Progression"
# Okabe-Ito reddish purple, dash-dot: unlike the orange dashed grade 4 line it crosses.
PROGRESSION_COLOUR = "#CC79A7"
PROGRESSION_STYLE = "-."
COMPLETE_COLOUR = "#009E73"
RESPONSE_COLOUR = "#56B4E9"
OTHER_COLOUR = "#BBBBBB"


def response_colour(response: str) -> str:
    if response in COMPLETE_RESPONSES:
        return COMPLETE_COLOUR
    if response in OVERALL_RESPONSES:
        return RESPONSE_COLOUR
    return PROGRESSION_COLOUR if response == PROGRESSIVE_DISEASE else OTHER_COLOUR


def response_lane(
    axes: Axes, responses: Iterable[ResponseLike], across: Sequence[Axes]
) -> list[date]:
    """Draw the assessments into ``axes`` and the first progression across ``across`` and
    ``axes``; the dates drawn (for the caller's date range)."""
    assessments = [
        Assessment(item.assessed_on, item.response, item.progression_date) for item in responses
    ]
    assessments.sort(key=lambda assessment: assessment.assessed_on)
    axes.set_ylim(0, 1)
    axes.set_yticks([])
    axes.set_ylabel(LANE_LABEL, rotation=0, ha="right", va="center", fontsize=8)
    shown = [assessment.assessed_on for assessment in assessments]
    for assessment in assessments:
        colour = response_colour(assessment.response)
        axes.plot(
            [assessment.assessed_on],
            [0.35],
            marker="o",
            markersize=7,
            linestyle="none",
            color=colour,
            markeredgecolor="#333333",
        )
        axes.annotate(
            assessment.response,
            xy=(assessment.assessed_on, 0.35),
            xytext=(0, 6),
            textcoords="offset points",
            ha="center",
            fontsize=7,
        )
    progression = summarise_assessments(assessments).first_progression
    if progression is not None:
        shown.append(progression)
        for each in (*across, axes):
            each.axvline(
                progression,
                color=PROGRESSION_COLOUR,
                linestyle=PROGRESSION_STYLE,
                linewidth=1.6,
                label=PROGRESSION_LABEL if each is across[0] else None,
            )
        # Left of the line: the progression is often the last date on the chart.
        axes.annotate(
            f"{PROGRESSION_LABEL} {progression.isoformat()}",
            xy=(progression, 0.85),
            xytext=(-3, 0),
            textcoords="offset points",
            ha="right",
            va="center",
            fontsize=7,
            color=PROGRESSION_COLOUR,
        )
    if not assessments:
        axes.text(
            0.5, 0.5, "No response assessed yet", transform=axes.transAxes, ha="center",
            va="center", fontsize=7, color="#555555",
        )  # fmt: skip
    return shown
