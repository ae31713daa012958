"""The outcomes chart, drawn into a caller's matplotlib ``Figure``: response beside the
trial's two arms, and the Kaplan-Meier curve of time to progression as the NEJM figures draw
one (step curve, confidence band, censoring ticks, numbers at risk under the axis), with the
clinic's and the trial's medians marked.

Only ``matplotlib.figure.Figure`` is used, never pyplot; colours and hatches are those of
the other charts (``tracker.reports.charts``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tracker.domain.outcome_statistics import OutcomeStatistics, ResponseRate, TimeToEvent
from tracker.domain.references import ReferenceArm
from tracker.domain.survival import DAYS_PER_MONTH
from tracker.reports.bars import (
    CLINIC_COLOUR,
    REFERENCE_COLOURS,
    clinic_bars,
    reference_bars,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

RESPONSE_TITLE = "Response (best recorded, by intention to treat)"
AT_RISK_GID = "at-risk"
CLINIC_CURVE = "Clinic"
BAND_LABEL = "95% confidence band"
CENSORED_LABEL = "Censored"
GROUPS = (
    ("Overall response\n(PR or better)", "response"),
    ("Complete response\n(sCR or CR)", "complete_response"),
)
MEDIAN_LEVEL = 0.5
OUTCOMES_FIGURE_SIZE = (12, 6.5)  # inches: two panels side by side


def outcomes_chart(figure: Figure, statistics: OutcomeStatistics) -> None:
    """Response bars on the left; time to progression on the right, with the numbers at
    risk in a row under its axis."""
    grid = figure.add_gridspec(2, 2, width_ratios=(1, 1.5), height_ratios=(6, 1))
    response_axes = figure.add_subplot(grid[:, 0])
    curve_axes = figure.add_subplot(grid[0, 1])
    at_risk_axes = figure.add_subplot(grid[1, 1], sharex=curve_axes)
    arms = [arm for arm in (statistics.trial_arm, statistics.placebo_arm) if arm is not None]
    response_chart(response_axes, statistics, arms)
    progression_curve(curve_axes, at_risk_axes, statistics.ttp, arms)
    # One legend above both panels: inside the curve's axes it would cover the curve on a
    # short screen.
    handles, labels = response_axes.get_legend_handles_labels()
    curve_handles, curve_labels = curve_axes.get_legend_handles_labels()
    figure.legend(
        [*handles, *curve_handles],
        [*labels, *curve_labels],
        loc="outside upper center",
        ncols=5,
        fontsize=8,
        frameon=False,
    )
    figure.supxlabel(
        f"{statistics.period_text.capitalize()}: {statistics.courses:,} courses. Response: every "
        "course started counts, one with no assessment as a non-responder; the clinic records "
        "IMWG categories, MM-010 used the EBMT criteria.\nTime to progression is censored at "
        "the last response assessment, also after an end for toxicity or a death without "
        "progression. Band: pointwise log-log; median interval: Brookmeyer-Crowley.",
        fontsize=7,
        color="#555555",
    )


# -- response -------------------------------------------------------------------------------


def _arm_label(arm: ReferenceArm) -> str:
    flag = "" if arm.confirmed else ", unconfirmed"
    return f"{arm.short_label} (n={arm.patients}{flag})"


def _published_percent(arm: ReferenceArm, measure: str) -> float:
    efficacy = arm.efficacy
    value = (
        efficacy.response_percent if measure == "response" else efficacy.complete_response_percent
    )
    return value or 0.0


def _group_label(title: str, rate: ResponseRate, trial_arm: ReferenceArm | None) -> str:
    if rate.p_value is None or trial_arm is None:
        return title
    p_value = "p < 0.001" if rate.p_value < 0.001 else f"p = {rate.p_value:.2f}"
    return f"{title}\n{p_value} vs {trial_arm.short_label}"


def response_chart(axes: Axes, statistics: OutcomeStatistics, arms: list[ReferenceArm]) -> None:
    """The clinic's overall and complete response with exact intervals, beside each arm."""
    rates = [getattr(statistics, measure) for _, measure in GROUPS]
    width = 0.8 / (len(arms) + 1)
    positions = list(range(len(GROUPS)))
    clinic_bars(
        axes,
        rates,
        [bool(rate.courses) for rate in rates],
        width,
        round(100 * statistics.confidence),
    )
    for index, arm in enumerate(arms):
        heights = [_published_percent(arm, measure) for _, measure in GROUPS]
        reference_bars(axes, heights, width, index, _arm_label(arm))
    trial_arm = arms[0] if arms else None
    axes.set_xticks(
        positions,
        [
            _group_label(title, rate, trial_arm)
            for (title, _), rate in zip(GROUPS, rates, strict=True)
        ],
        fontsize=8,
    )
    axes.set_ylabel("Courses (%)")
    axes.set_ylim(0, 112)
    # Headroom above 100% is for the labels only: no tick promises more than 100%.
    axes.set_yticks(range(0, 101, 20))
    axes.grid(axis="y", alpha=0.3)
    axes.set_title(RESPONSE_TITLE, fontsize=10)


# -- time to progression ----------------------------------------------------------------------


def _tick_step(longest_months: float) -> int:
    """Every 3 months up to three years, every 6 up to six, then yearly."""
    if longest_months <= 36:
        return 3
    return 6 if longest_months <= 72 else 12


def progression_curve(
    axes: Axes, at_risk_axes: Axes, estimate: TimeToEvent, arms: list[ReferenceArm]
) -> None:
    """The Kaplan-Meier curve of time to progression in months, its band, censoring ticks,
    the clinic's median with its interval, the trial arms' medians, and the numbers at risk
    at each tick in the row below."""
    curve = estimate.curve
    times = [0.0, *(time / DAYS_PER_MONTH for time in curve.times)]
    survival = [1.0, *curve.survival]
    low = [1.0, *curve.band_low]
    high = [1.0, *curve.band_high]
    if curve.subjects:
        axes.fill_between(
            times, low, high, step="post", color=CLINIC_COLOUR, alpha=0.18, linewidth=0,
            label=BAND_LABEL,
        )  # fmt: skip
        axes.step(times, survival, where="post", color=CLINIC_COLOUR, linewidth=1.6,
                  label=CLINIC_CURVE)  # fmt: skip
        censored_days, censored_survival = curve.censored_points()
        axes.plot(
            [day / DAYS_PER_MONTH for day in censored_days],
            censored_survival,
            linestyle="none",
            marker="|",
            markersize=6,
            markeredgewidth=0.8,
            color=CLINIC_COLOUR,
            label=CENSORED_LABEL,
        )
        _clinic_median(axes, estimate)
    else:
        axes.text(
            0.5,
            0.8,  # above the trial medians' markers on the 50% line
            "No course has a response assessment yet",
            transform=axes.transAxes,
            ha="center",
            bbox={"facecolor": "white", "edgecolor": "#999999"},
        )
    trial_medians = [
        (arm, arm.efficacy.median_ttp_months) for arm in arms if arm.efficacy.median_ttp_months
    ]
    for index, (arm, median) in enumerate(trial_medians):
        colour = REFERENCE_COLOURS[index % len(REFERENCE_COLOURS)]
        axes.axvline(median, color=colour, linestyle=":", linewidth=1.4)
        axes.plot(
            [median],
            [MEDIAN_LEVEL],
            marker="D",
            markersize=6,
            color=colour,
            markeredgecolor="#333333",
            linestyle="none",
            label=f"{arm.short_label} median {median:g} mo",
        )
    longest = max([times[-1], *(median for _, median in trial_medians), 1.0])
    step = _tick_step(longest)
    last_tick = step * (int(longest // step) + 1)
    ticks = list(range(0, last_tick + 1, step))
    axes.set_xlim(0, last_tick)
    axes.set_xticks(ticks)
    axes.set_ylim(0, 1.04)
    axes.set_ylabel("Without progression")
    axes.set_xlabel("Months since the course start", fontsize=9)
    axes.grid(alpha=0.3)
    progressions = "progression" if curve.event_count == 1 else "progressions"
    axes.set_title(
        f"Time to progression: {curve.event_count:,} {progressions} in {curve.subjects:,} "
        "assessed courses",
        fontsize=10,
    )
    _numbers_at_risk(at_risk_axes, estimate, ticks)


def _clinic_median(axes: Axes, estimate: TimeToEvent) -> None:
    median = estimate.median_months
    if median is None:
        label = "Clinic median not reached"
        axes.axhline(MEDIAN_LEVEL, color="#555555", linestyle="--", linewidth=0.8, label=label)
        return
    low, high = estimate.median_ci_months
    interval = f"{low:.1f}" if low is not None else "–"
    interval += f"–{high:.1f}" if high is not None else "–not reached"
    axes.plot(
        [0, median, median],
        [MEDIAN_LEVEL, MEDIAN_LEVEL, 0],
        color="#333333",
        linestyle="--",
        linewidth=0.9,
        label=f"Clinic median {median:.1f} mo (95% CI {interval})",
    )


def _numbers_at_risk(axes: Axes, estimate: TimeToEvent, ticks: list[int]) -> None:
    """The row under the curve: how many courses are still followed and free of progression
    at each tick, as the NEJM figures print it."""
    axes.set_gid(AT_RISK_GID)
    for side in ("top", "right", "bottom", "left"):
        axes.spines[side].set_visible(False)
    axes.tick_params(axis="x", which="both", bottom=False, labelbottom=False)
    axes.set_yticks([0.5], [CLINIC_CURVE], fontsize=8)
    # Clear of the number centred on month 0.
    axes.tick_params(axis="y", length=0, pad=24)
    axes.set_ylim(0, 1)
    axes.set_title("No. at risk", loc="left", fontsize=8)
    transform = axes.get_xaxis_transform()
    for tick in ticks:
        axes.text(
            tick,
            0.5,
            str(estimate.curve.at_risk_at(tick * DAYS_PER_MONTH)),
            transform=transform,
            ha="center",
            va="center",
            fontsize=8,
        )
