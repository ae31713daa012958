"""Grouped bars for comparing the clinic with the published arms: the clinic's bar with its
exact interval first in each group, then one bar per reference arm (cohort and response
charts share them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from matplotlib.axes import Axes

# Colour-blind-safe (Okabe-Ito); the reference arms are hatched too, for grey-scale print.
CLINIC_COLOUR = "#0072B2"
REFERENCE_COLOURS = ("#E69F00", "#999999", "#009E73", "#CC79A7")
REFERENCE_HATCHES = ("//", "..", "\\\\", "xx")


def clinic_bars(
    axes: Axes, rates: Sequence[Any], with_interval: Sequence[bool], width: float, percent: int
) -> list[float]:
    """The clinic's bar in each group (the first of its ``width``) with its exact interval,
    and the rate and n/N above it; returns each bar's top, interval included."""
    positions = range(len(rates))
    heights = [100 * (rate.rate or 0.0) for rate in rates]
    below = [
        100 * (r.rate - r.ci_low) if ok else 0.0 for r, ok in zip(rates, with_interval, strict=True)
    ]
    above = [
        100 * (r.ci_high - r.rate) if ok else 0.0
        for r, ok in zip(rates, with_interval, strict=True)
    ]
    clinic_x = [x - 0.4 + width / 2 for x in positions]
    axes.bar(
        clinic_x,
        heights,
        width,
        yerr=[below, above],
        capsize=4,
        color=CLINIC_COLOUR,
        error_kw={"ecolor": "#333333", "elinewidth": 1},
        label=f"Clinic ({percent}% exact CI)",
    )
    tops = [height + up for height, up in zip(heights, above, strict=True)]
    for x, top, rate in zip(clinic_x, tops, rates, strict=True):
        if rate.rate is not None:
            axes.annotate(
                f"{100 * rate.rate:.1f}%\n{rate.fraction_text}",
                (x, top),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=8,
            )
    return tops


def reference_bars(
    axes: Axes, heights: Sequence[float], width: float, index: int, label: str
) -> None:
    """The ``index``-th reference arm's published figures, one bar per group beside the
    clinic's, labelled with their values."""
    bars = axes.bar(
        [x - 0.4 + width * (index + 1.5) for x in range(len(heights))],
        heights,
        width,
        color=REFERENCE_COLOURS[index % len(REFERENCE_COLOURS)],
        hatch=REFERENCE_HATCHES[index % len(REFERENCE_HATCHES)],
        edgecolor="#333333",
        linewidth=0.5,
        label=label,
    )
    axes.bar_label(bars, fmt="%.1f", fontsize=7, padding=2)
