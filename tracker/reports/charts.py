"""Charts drawn into a caller's matplotlib ``Figure``: a patient's counts over time, and the
clinic's grade 3-4 rates beside the trials' rates.

Only ``matplotlib.figure.Figure`` is used, never pyplot, so the same code draws into a Qt
canvas or a figure made just to be saved. Colours are the Okabe-Ito palette, which stays
readable for colour-blind users, and reference bars are hatched so they differ in grey too.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.domain.grading import (
    CTCAE_VERSION,
    NEUTROPENIA,
    THROMBOCYTOPENIA,
    VTE,
    grade_bounds,
    to_per_litre_e9,
)
from tracker.domain.label_rules import hold_thresholds
from tracker.domain.record_shapes import EventLike, LabLike, ResponseLike
from tracker.domain.references import ReferenceArm
from tracker.domain.statistics import COHORT_EVENT_TYPES, CohortStatistics
from tracker.reports.bars import CLINIC_COLOUR, clinic_bars, reference_bars
from tracker.reports.errors import ReportError

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SAVE_SUFFIXES = (".png", ".svg", ".pdf")
PNG_DPI = 150
EVENT_LABELS = {
    NEUTROPENIA: "Neutropenia",
    THROMBOCYTOPENIA: "Thrombocytopenia",
    VTE: "VTE",
    "other": "Other event",
}
GRADE_COLOURS = {3: "#E69F00", 4: "#D55E00"}
HOLD_COLOUR = "#000000"
EVENT_MARKERS = {NEUTROPENIA: "v", THROMBOCYTOPENIA: "v", VTE: "D", "other": "s"}
# Height (axes fraction) of the row of event markers, above the data.
EVENT_ROW = 0.86
EVENT_COLOURS = {1: "#56B4E9", 2: "#56B4E9", 3: "#E69F00", 4: "#D55E00", 5: "#000000"}


@dataclass(frozen=True)
class CountLines:
    """Horizontal reference lines of one count, in x10^9/L."""

    grade3_below: float
    grade4_below: float
    hold_below: float


@dataclass(frozen=True)
class ChartThresholds:
    anc: CountLines
    platelets: CountLines

    @classmethod
    def from_rules(cls) -> ChartThresholds:
        """The CTCAE grade 3 and 4 bounds and the label's hold thresholds, from the data."""
        holds = hold_thresholds()

        def lines(event_type: str) -> CountLines:
            bounds = grade_bounds(event_type)
            return CountLines(bounds[3], bounds[4], holds[event_type])

        return cls(anc=lines(NEUTROPENIA), platelets=lines(THROMBOCYTOPENIA))


DEFAULT_THRESHOLDS = ChartThresholds.from_rules()


def save_figure(
    figure: Figure,
    path: Path | str,
    *,
    overwrite: bool = False,
    guarded: Iterable[Path] = (),
) -> Path:
    """Write the figure as PNG, SVG or PDF, chosen by the file's suffix.

    Written beside ``path``, read back and then renamed into place; an existing file is
    replaced only with ``overwrite`` (never a database, the ``guarded`` files or anything but
    a regular file).
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in SAVE_SUFFIXES:
        allowed = ", ".join(SAVE_SUFFIXES)
        raise ReportError(f"a chart can be saved as {allowed}, not {suffix or 'no extension'!r}")
    if not target.parent.is_dir():
        raise ReportError(f"the folder {target.parent} does not exist")
    from tracker.reports.output_checks import BrokenOutputError, check_image
    from tracker.storage.failures import os_error_within
    from tracker.storage.output_files import written_atomically

    with written_atomically(
        target, overwrite=overwrite, guarded=guarded, what="chart"
    ) as temporary:
        try:
            # Written through a file this function closes: matplotlib's PDF writer, failing
            # on a full disk, would leave its own file open.
            with temporary.open("wb") as handle:
                figure.savefig(handle, format=suffix[1:], dpi=PNG_DPI)
        except Exception as error:
            # matplotlib's PDF writer, failing on a full disk, fails again tidying up.
            cause = os_error_within(error)
            if cause is None:
                raise
            raise cause from None
        try:
            check_image(temporary, suffix[1:])
        except BrokenOutputError as error:
            raise BrokenOutputError(
                f"could not write {target}: {error}; nothing was written"
            ) from None
    return target


# -- patient chart -------------------------------------------------------------------------


def _series(labs: Iterable[LabLike], field: str) -> tuple[list[date], list[float]]:
    days: list[date] = []
    values: list[float] = []
    for lab in sorted(labs, key=lambda lab: lab.date):
        value = getattr(lab, field)
        if value is None:
            continue
        days.append(lab.date)
        values.append(to_per_litre_e9(value, getattr(lab, f"{field}_unit") or "10^9/L"))
    return days, values


def _number(value: float) -> str:
    """1.0 stays '1.0' (as the label writes the ANC threshold), 30.0 becomes '30'."""
    return f"{value:.1f}" if value < 10 and float(value).is_integer() else f"{value:g}"


def _threshold_lines(axes: Axes, lines: CountLines) -> None:
    hold = f"Hold < {_number(lines.hold_below)} (label)"
    # Where the hold line and a grade bound coincide (ANC 1.0 is both), one line carries
    # both names: a dashed line under a solid one would vanish.
    grade3_is_hold = abs(lines.grade3_below - lines.hold_below) < 1e-9
    if grade3_is_hold:
        hold += f"; grade 3 < {_number(lines.grade3_below)}"
    else:
        axes.axhline(
            lines.grade3_below,
            color=GRADE_COLOURS[3],
            linestyle="--",
            linewidth=1,
            label=f"Grade 3 < {_number(lines.grade3_below)}",
        )
    axes.axhline(
        lines.grade4_below,
        color=GRADE_COLOURS[4],
        linestyle="--",
        linewidth=1,
        label=f"Grade 4 < {_number(lines.grade4_below)}",
    )
    axes.axhline(lines.hold_below, color=HOLD_COLOUR, linestyle="-", linewidth=1.2, label=hold)


def _cycle_lines(axes_list: Sequence[Axes], cycle_starts: Sequence[date]) -> None:
    starts = sorted(set(cycle_starts))
    # Label every cycle while the labels fit; past a dozen, every few.
    step = max(1, len(starts) // 12 + (1 if len(starts) % 12 else 0))
    for number, start in enumerate(starts, start=1):
        for axes in axes_list:
            axes.axvline(start, color="#BBBBBB", linestyle=":", linewidth=1, zorder=0)
        if (number - 1) % step == 0:
            axes_list[0].annotate(
                f"C{number}",
                xy=(start, 1),
                xycoords=("data", "axes fraction"),
                xytext=(2, -2),
                textcoords="offset points",
                va="top",
                fontsize=8,
                color="#555555",
            )


def _event_marks(
    axes: Axes, events: Sequence[EventLike], event_types: tuple[str, ...], labelled: set[str]
) -> None:
    for event in events:
        if event.event_type not in event_types:
            continue
        kind = event.event_type
        label = f"{EVENT_LABELS.get(kind, kind)} event" if kind in COHORT_EVENT_TYPES else None
        label = label or EVENT_LABELS["other"]
        axes.plot(
            [event.onset_date],
            [EVENT_ROW],
            transform=axes.get_xaxis_transform(),
            marker=EVENT_MARKERS.get(kind, "s"),
            markersize=8,
            linestyle="none",
            color=EVENT_COLOURS.get(event.grade, "#000000"),
            markeredgecolor="#000000",
            label=None if label in labelled else label,
            zorder=5,
        )
        labelled.add(label)
        axes.annotate(
            f"G{event.grade}",
            xy=(event.onset_date, EVENT_ROW),
            xycoords=("data", "axes fraction"),
            xytext=(6, -3),
            textcoords="offset points",
            fontsize=7,
        )


def _count_axes(
    axes: Axes, days: list[date], values: list[float], lines: CountLines, *, title: str
) -> None:
    axes.plot(days, values, marker="o", color=CLINIC_COLOUR, linewidth=1.5, label=title)
    _threshold_lines(axes, lines)
    top = max([*values, lines.grade3_below * 2])
    # The top quarter stays clear of data for the cycle labels and event markers.
    axes.set_ylim(0, top / (EVENT_ROW - 0.1))
    axes.set_ylabel(f"{title} (x10⁹/L)")
    axes.grid(axis="y", alpha=0.3)


def patient_chart(
    figure: Figure,
    labs: Iterable[LabLike],
    cycle_starts: Sequence[date],
    events: Iterable[EventLike],
    thresholds: ChartThresholds = DEFAULT_THRESHOLDS,
    responses: Iterable[ResponseLike] | None = None,
) -> None:
    """ANC above, platelets below, over time: grade 3-4 bounds, the label's hold lines,
    cycle starts (C1, C2 ...) and adverse events at their onset; given ``responses``, a lane
    of response assessments under them and the first progression across the chart."""
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter

    labs = list(labs)
    events = list(events)
    if responses is None:
        anc_axes, platelet_axes = figure.subplots(2, 1, sharex=True)
        bottom_axes = platelet_axes
    else:
        anc_axes, platelet_axes, bottom_axes = figure.subplots(
            3, 1, sharex=True, height_ratios=(5, 5, 1.2)
        )
    anc_days, anc_values = _series(labs, "anc")
    platelet_days, platelet_values = _series(labs, "platelets")
    _count_axes(anc_axes, anc_days, anc_values, thresholds.anc, title="ANC")
    _count_axes(
        platelet_axes, platelet_days, platelet_values, thresholds.platelets, title="Platelets"
    )
    _cycle_lines(list(dict.fromkeys((anc_axes, platelet_axes, bottom_axes))), cycle_starts)
    labelled: set[str] = set()
    _event_marks(anc_axes, events, (NEUTROPENIA, VTE, "other"), labelled)
    _event_marks(platelet_axes, events, (THROMBOCYTOPENIA,), labelled)
    if not labs:
        anc_axes.text(0.5, 0.5, "No counts recorded yet", transform=anc_axes.transAxes, ha="center")
    shown = [*anc_days, *platelet_days, *cycle_starts, *(event.onset_date for event in events)]
    if responses is not None:
        from tracker.reports.response_marks import response_lane

        shown += response_lane(bottom_axes, responses, (anc_axes, platelet_axes))
    if shown:
        # Cycle lines and event markers do not widen the axis by themselves.
        margin = timedelta(days=max(3, (max(shown) - min(shown)).days // 30))
        bottom_axes.set_xlim(min(shown) - margin, max(shown) + margin)
        locator = AutoDateLocator()
        bottom_axes.xaxis.set_major_locator(locator)
        bottom_axes.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    else:
        bottom_axes.set_xticks([])
    for axes in (anc_axes, platelet_axes):
        axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    figure.suptitle("Blood counts with CTCAE grade bounds and lenalidomide hold lines")


# -- cohort chart --------------------------------------------------------------------------


def _reference_label(arm: ReferenceArm) -> str:
    flag = "" if arm.confirmed else ", unconfirmed"
    return f"{arm.short_label} (n={arm.patients}{flag})"


def _tick_label(stats: CohortStatistics, event_type: str) -> str:
    rate = stats.rate(event_type)
    label = EVENT_LABELS[event_type]
    if rate.p_value is None:
        return label
    p_value = "p < 0.001" if rate.p_value < 0.001 else f"p = {rate.p_value:.2f}"
    return f"{label}\n{p_value} vs {stats.reference_label or 'reference'}"


def cohort_chart(
    figure: Figure, stats: CohortStatistics, references: Sequence[ReferenceArm] = ()
) -> None:
    """Grouped bars per event type: the clinic's rate with its exact interval and n/N,
    beside each reference arm's published rate."""
    axes = figure.subplots()
    groups = len(references) + 1
    width = 0.8 / groups
    positions = list(range(len(COHORT_EVENT_TYPES)))
    rates = [stats.rate(event_type) for event_type in COHORT_EVENT_TYPES]
    tops = clinic_bars(
        axes, rates, [bool(rate.ci) for rate in rates], width, round(100 * stats.confidence)
    )
    for index, arm in enumerate(references, start=1):
        arm_heights = [arm.percent.get(event_type, 0.0) for event_type in COHORT_EVENT_TYPES]
        reference_bars(axes, arm_heights, width, index - 1, _reference_label(arm))
        tops.extend(arm_heights)
    axes.set_xticks(positions, [_tick_label(stats, kind) for kind in COHORT_EVENT_TYPES])
    axes.set_ylabel("Patients with a grade 3-4 event (%)")
    axes.set_ylim(0, max([*tops, 10.0]) * 1.2)
    # Headroom above 100% is for the labels only: no tick promises a rate above 100%.
    axes.set_yticks([tick for tick in axes.get_yticks() if 0 <= tick <= 100])
    axes.grid(axis="y", alpha=0.3)
    # A figure legend above the axes can never cover a bar, however tall.
    figure.legend(
        loc="outside upper center", ncols=groups if groups <= 3 else 2, fontsize=8, frameon=False
    )
    patients = "1 patient" if stats.patients == 1 else f"{stats.patients} patients"
    axes.set_title(f"Grade 3-4 events: {stats.period_text}, {patients}")
    if stats.patients == 0:
        axes.text(
            0.5,
            0.55,
            "No patient started a course in this period",
            transform=axes.transAxes,
            ha="center",
            bbox={"facecolor": "white", "edgecolor": "#999999"},
        )
    gradings = sorted({arm.grading for arm in references if arm.grading} - {CTCAE_VERSION})
    # Constrained layout makes room for a supxlabel, not for free-floating figure text.
    figure.supxlabel("\n".join(_definition_lines(stats, gradings)), fontsize=7, color="#555555")


def _definition_lines(stats: CohortStatistics, gradings: list[str]) -> list[str]:
    """What the bars count, in words, under the chart."""
    from tracker.domain.statistics import rate_definitions

    short = rate_definitions().short_texts
    grade5 = sum(stats.rate(kind).grade5_patients for kind in COHORT_EVENT_TYPES)
    lines = [
        short["neutropenia"],
        short["vte"],
        f"{short['grade5']} Grade 5 in this period: {grade5}.",
    ]
    if gradings:
        lines.append(
            f"The clinic grades with {CTCAE_VERSION}, the trials with {' / '.join(gradings)}: "
            "compare with care."
        )
    return lines
