"""The outcomes chart and the patient chart's response lane, read off the real artists."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from matplotlib.collections import FillBetweenPolyCollection, PolyCollection
from matplotlib.container import BarContainer, ErrorbarContainer
from matplotlib.dates import date2num
from matplotlib.figure import Figure
from scipy.stats import beta

from tests.stand_ins import Lab
from tracker.domain.outcome_statistics import outcome_statistics
from tracker.domain.outcomes import Assessment, course_outcome
from tracker.domain.references import load_reference
from tracker.reports import charts
from tracker.reports.outcome_charts import (
    AT_RISK_GID,
    BAND_LABEL,
    CENSORED_LABEL,
    CLINIC_CURVE,
    outcomes_chart,
)
from tracker.reports.response_marks import PROGRESSION_COLOUR, PROGRESSION_LABEL

START = date(2026, 1, 5)
MONTH = 30.4375
MM010 = load_reference("mm010")


def on(days: int) -> date:
    return START + timedelta(days=days)


def statistics(outcomes=None):
    """Six courses, all started on START: progressions on days 61, 122 and 244, censored at
    their last assessment on days 61, 183 and 305; responses PR, VGPR, CR, SD, MR, PR."""
    if outcomes is None:
        plans = [
            ("PR", 61, True),
            ("VGPR", 122, True),
            ("CR", 244, True),
            ("SD", 61, False),
            ("MR", 183, False),
            ("PR", 305, False),
        ]
        outcomes = []
        for number, (best, days, progressed) in enumerate(plans, start=1):
            assessments = [Assessment(on(56), best)] if days > 56 else []
            assessments.append(Assessment(on(days), "PD" if progressed else best))
            outcomes.append(course_outcome(number, START, assessments))
    return outcome_statistics(
        outcomes, trial_arm=MM010.arm("lenalidomide"), placebo_arm=MM010.arm("placebo")
    )


def chart(stats) -> Figure:
    figure = Figure(figsize=(12, 6.5), layout="constrained")
    outcomes_chart(figure, stats)
    figure.canvas.draw()
    return figure


def axes_titled(figure: Figure, start: str):
    [axes] = [axes for axes in figure.axes if axes.get_title().startswith(start)]
    return axes


def line(axes, label: str):
    [found] = [line for line in axes.get_lines() if line.get_label() == label]
    return found


def test_response_bars_with_exact_intervals_beside_both_arms():
    figure = chart(statistics())
    axes = axes_titled(figure, "Response")
    bars = {
        container.get_label(): [patch.get_height() for patch in container.patches]
        for container in axes.containers
        if isinstance(container, BarContainer)
    }
    # Responders: PR, VGPR, CR, PR = 4/6; complete: CR = 1/6.
    assert bars["Clinic (95% exact CI)"] == pytest.approx([400 / 6, 100 / 6])
    assert bars["MM-010 Len+Dex (n=176)"] == [60.2, 15.9]
    assert bars["MM-010 Placebo+Dex (n=175)"] == [24.0, 3.4]
    [errors] = [c for c in axes.containers if isinstance(c, ErrorbarContainer)]
    _, _, [vertical] = errors.lines
    ranges = sorted((segment[0][1], segment[1][1]) for segment in vertical.get_segments())
    for (low, high), responders in zip(sorted(ranges, reverse=True), (4, 1), strict=True):
        assert low == pytest.approx(100 * beta.ppf(0.025, responders, 6 - responders + 1))
        assert high == pytest.approx(100 * beta.ppf(0.975, responders + 1, 6 - responders))
    labels = [label.get_text() for label in axes.get_xticklabels()]
    assert labels[0].startswith("Overall response\n(PR or better)\np = ")
    assert "vs MM-010 Len+Dex" in labels[1]


def test_the_curve_steps_band_censorings_and_medians():
    stats = statistics()
    figure = chart(stats)
    axes = axes_titled(figure, "Time to progression")
    assert axes.get_title() == "Time to progression: 3 progressions in 6 assessed courses"
    curve = line(axes, CLINIC_CURVE)
    assert curve.get_drawstyle() == "steps-post"
    # From 1 at month 0; 5/6 after day 61, 5/6 * 3/4 after day 122, then x 1/2 after day 244.
    assert list(curve.get_xdata()) == pytest.approx([0, 61 / MONTH, 122 / MONTH, 183 / MONTH,
                                                     244 / MONTH, 305 / MONTH])  # fmt: skip
    assert list(curve.get_ydata()) == pytest.approx([1, 5 / 6, 5 / 8, 5 / 8, 5 / 16, 5 / 16])
    ticks = line(axes, CENSORED_LABEL)
    assert ticks.get_marker() == "|" and ticks.get_linestyle() == "None"
    assert list(ticks.get_xdata()) == pytest.approx([61 / MONTH, 183 / MONTH, 305 / MONTH])
    assert list(ticks.get_ydata()) == pytest.approx([5 / 6, 5 / 8, 5 / 16])
    [band] = [c for c in axes.collections if c.get_label() == BAND_LABEL]
    assert isinstance(band, (FillBetweenPolyCollection, PolyCollection))
    # The clinic's median (day 244) and its interval, in the legend and as a dashed guide.
    median = stats.ttp.median_months
    assert median == pytest.approx(244 / MONTH)
    [guide] = [line for line in axes.get_lines() if line.get_label().startswith("Clinic median")]
    assert list(guide.get_xdata()) == pytest.approx([0, median, median])
    assert list(guide.get_ydata()) == [0.5, 0.5, 0]
    # The trial's medians: a dotted line down the axes and a diamond on the 50% line.
    for label, months in (("MM-010 Len+Dex median 11.3 mo", 11.3),
                          ("MM-010 Placebo+Dex median 4.7 mo", 4.7)):  # fmt: skip
        marker = line(axes, label)
        assert (list(marker.get_xdata()), list(marker.get_ydata())) == ([months], [0.5])
        assert any(
            list(each.get_xdata()) == [months, months] and each.get_linestyle() == ":"
            for each in axes.get_lines()
        )
    legend_texts = [text.get_text() for text in figure.legends[0].get_texts()]
    assert CLINIC_CURVE in legend_texts and "MM-010 Len+Dex median 11.3 mo" in legend_texts


def test_the_numbers_at_risk_under_the_axis_at_each_tick():
    figure = chart(statistics())
    curve_axes = axes_titled(figure, "Time to progression")
    [row] = [axes for axes in figure.axes if axes.get_gid() == AT_RISK_GID]
    assert row.get_title(loc="left") == "No. at risk"
    ticks = list(curve_axes.get_xticks())
    assert ticks == [0, 3, 6, 9, 12]
    numbers = {round(text.get_position()[0]): text.get_text() for text in row.texts}
    # Followed (and free of progression) at least that long: of the courses observed for
    # 61, 61, 122, 183, 244 and 305 days, those at 0, 91.3, 182.6, 273.9 and 365.25 days.
    assert numbers == {0: "6", 3: "4", 6: "3", 9: "1", 12: "0"}
    # The row sits under the curve's axis, on the same months.
    assert row.get_xlim() == curve_axes.get_xlim()
    assert row.get_position().y1 <= curve_axes.get_position().y0


def test_no_assessment_yet_says_so():
    stats = statistics([course_outcome(1, START)])
    figure = chart(stats)
    axes = axes_titled(figure, "Time to progression")
    assert "No course has a response assessment yet" in [text.get_text() for text in axes.texts]
    assert not [line for line in axes.get_lines() if line.get_label() == CLINIC_CURVE]
    [row] = [axes for axes in figure.axes if axes.get_gid() == AT_RISK_GID]
    assert {text.get_text() for text in row.texts} == {"0"}


def test_the_patient_chart_lane_shows_each_assessment_and_the_progression():
    labs = [Lab(on(0), 2.5, 210), Lab(on(56), 2.0, 180)]
    responses = [Assessment(on(56), "PR"), Assessment(on(112), "VGPR"),
                 Assessment(on(150), "PD", on(140))]  # fmt: skip
    figure = Figure()
    charts.patient_chart(figure, labs, [on(0), on(28)], [], responses=responses)
    anc_axes, platelet_axes, lane = figure.axes
    assert lane.get_ylabel() == "Response"
    markers = [each for each in lane.get_lines() if each.get_marker() == "o"]
    assert [date2num(each.get_xdata()[0]) for each in markers] == list(
        date2num([on(56), on(112), on(150)])
    )
    assert [text.get_text() for text in lane.texts][:3] == ["PR", "VGPR", "PD"]
    # The progression (its recorded date, not the visit's) across all three axes.
    for axes in (anc_axes, platelet_axes, lane):
        [progression] = [
            each
            for each in axes.get_lines()
            if each.get_color() == PROGRESSION_COLOUR and each.get_linestyle() == "-."
        ]
        assert date2num(progression.get_xdata()[0]) == date2num(on(140))
    assert PROGRESSION_LABEL in [each.get_label() for each in anc_axes.get_lines()]
    assert f"{PROGRESSION_LABEL} {on(140).isoformat()}" in [text.get_text() for text in lane.texts]
    # Cycle lines run down the lane too.
    assert sum(
        1 for each in lane.get_lines() if list(each.get_ydata()) == [0, 1] and each.get_linestyle() == ":"
    ) == 2


def test_the_patient_chart_lane_without_assessments():
    figure = Figure()
    charts.patient_chart(figure, [Lab(on(0), 2.5, 210)], [on(0)], [], responses=[])
    lane = figure.axes[2]
    assert [text.get_text() for text in lane.texts] == ["No response assessed yet"]
