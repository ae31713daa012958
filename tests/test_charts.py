from datetime import date, timedelta

import pytest
from matplotlib.container import BarContainer
from matplotlib.dates import date2num
from matplotlib.figure import Figure

from tests.helpers import python_output
from tests.stand_ins import Event, Lab
from tracker.domain.references import load_reference
from tracker.domain.statistics import CohortPatient, cohort_statistics
from tracker.reports import charts
from tracker.reports.errors import ReportError

MM010 = load_reference("mm010")
LEN_ARM, PLACEBO_ARM = MM010.arm("lenalidomide"), MM010.arm("placebo")


def cohort():
    records = [
        CohortPatient(1, date(2025, 1, 10), 6, {"neutropenia": 3}),
        CohortPatient(2, date(2025, 2, 1), 4, {"neutropenia": 4, "vte": 3}),
        CohortPatient(3, date(2025, 3, 15), 2, {"thrombocytopenia": 3}),
        CohortPatient(4, date(2025, 4, 30), 8, {"neutropenia": 1}),
        CohortPatient(5, date(2025, 5, 1), 3),
    ]
    return cohort_statistics(
        records, reference=LEN_ARM, period_from=date(2025, 1, 1), period_to=date(2025, 6, 30)
    )


def bar_containers(axes) -> dict[str, BarContainer]:
    return {c.get_label(): c for c in axes.containers if isinstance(c, BarContainer)}


def all_text(figure: Figure) -> str:
    texts = [text.get_text() for axes in figure.axes for text in axes.texts]
    texts += [axes.get_title() for axes in figure.axes]
    texts += [label.get_text() for axes in figure.axes for label in axes.get_xticklabels()]
    texts += [text.get_text() for legend in figure.legends for text in legend.get_texts()]
    texts += [text.get_text() for text in figure.texts]
    texts.append(figure.get_supxlabel())
    return "\n".join(texts)


def test_cohort_chart_bars_error_bars_and_references():
    stats = cohort()
    figure = Figure()
    charts.cohort_chart(figure, stats, [LEN_ARM, PLACEBO_ARM])
    [axes] = figure.axes
    bars = bar_containers(axes)
    assert set(bars) == {
        "Clinic (95% exact CI)",
        "MM-010 Len+Dex (n=176)",
        "MM-010 Placebo+Dex (n=175)",
    }
    clinic = bars["Clinic (95% exact CI)"]
    assert [patch.get_height() for patch in clinic.patches] == pytest.approx([40, 20, 20])
    assert [patch.get_height() for patch in bars["MM-010 Len+Dex (n=176)"]] == pytest.approx(
        [29.5, 11.4, 11.4]
    )
    assert [patch.get_height() for patch in bars["MM-010 Placebo+Dex (n=175)"]] == (
        pytest.approx([2.3, 5.7, 4.6])
    )
    # The error bars span the exact interval of each clinic rate: the published 95%
    # Clopper-Pearson bounds for 2/5 and 1/5, in percent.
    segments = clinic.errorbar.lines[2][0].get_segments()
    spans = [value for segment in segments for value in (segment[0][1], segment[1][1])]
    assert spans == pytest.approx([5.27, 85.34, 0.51, 71.64, 0.51, 71.64], abs=0.01)
    # Clinic bars come first in each group, the references beside them.
    clinic_x = [patch.get_x() for patch in clinic.patches]
    reference_x = [patch.get_x() for patch in bars["MM-010 Len+Dex (n=176)"].patches]
    assert all(left < right < left + 1 for left, right in zip(clinic_x, reference_x, strict=True))
    text = all_text(figure)
    assert "40.0%\n2/5" in text and "20.0%\n1/5" in text
    assert "courses started 2025-01-01 to 2025-06-30, 5 patients" in text
    p_neutro = stats.rate("neutropenia").p_value
    assert f"Neutropenia\np = {p_neutro:.2f} vs MM-010 Len+Dex" in text
    assert "NCI CTC v2.0" in text
    assert axes.get_ylim()[1] > 100 * stats.rate("neutropenia").ci_high


def test_cohort_chart_with_no_patient_draws_no_clinic_numbers():
    stats = cohort_statistics([], period_from=date(2030, 1, 1))
    figure = Figure()
    charts.cohort_chart(figure, stats, [LEN_ARM, load_reference("mm009").arm("lenalidomide")])
    [axes] = figure.axes
    bars = bar_containers(axes)
    assert [patch.get_height() for patch in bars["Clinic (95% exact CI)"]] == [0, 0, 0]
    assert "MM-009 Len+Dex (n=177, unconfirmed)" in bars
    text = all_text(figure)
    assert "No patient started a course in this period" in text
    assert "0 patients" in text and "/0" not in text and "p =" not in text


def test_cohort_chart_without_references():
    figure = Figure()
    charts.cohort_chart(figure, cohort())
    [axes] = figure.axes
    assert list(bar_containers(axes)) == ["Clinic (95% exact CI)"]


def horizontal_levels(axes) -> set[float]:
    return {
        line.get_ydata()[0]
        for line in axes.lines
        if len(set(line.get_ydata())) == 1 and tuple(line.get_xdata()) == (0, 1)
    }


def vertical_dates(axes) -> list[float]:
    return sorted(
        line.get_xdata()[0]
        for line in axes.lines
        if tuple(line.get_ydata()) == (0, 1) and len(set(line.get_xdata())) == 1
    )


def test_patient_chart_counts_thresholds_cycles_and_events():
    start = date(2025, 3, 3)
    labs = [
        Lab(start, 2.5, 210),
        Lab(start + timedelta(days=14), 800, 25_000, "/mm3", "/mm3"),
        Lab(start + timedelta(days=21), 1.4, None),
        Lab(start + timedelta(days=7), None, 150),
    ]
    cycles = [start, start + timedelta(days=28)]
    events = [
        Event("neutropenia", 3, start + timedelta(days=14)),
        Event("thrombocytopenia", 4, start + timedelta(days=14)),
        Event("vte", 3, start + timedelta(days=20)),
    ]
    figure = Figure()
    charts.patient_chart(figure, labs, cycles, events, charts.DEFAULT_THRESHOLDS)
    anc_axes, platelet_axes = figure.axes

    anc_line = next(line for line in anc_axes.lines if line.get_label() == "ANC")
    assert list(anc_line.get_ydata()) == pytest.approx([2.5, 0.8, 1.4])
    assert list(date2num(anc_line.get_xdata())) == list(
        date2num([start, start + timedelta(days=14), start + timedelta(days=21)])
    )
    platelet_line = next(line for line in platelet_axes.lines if line.get_label() == "Platelets")
    assert list(platelet_line.get_ydata()) == pytest.approx([210, 150, 25])

    # Grade 4, and the hold line that is also the grade 3 bound, for ANC; grade 3, grade 4
    # and hold lines for platelets.
    assert horizontal_levels(anc_axes) == {0.5, 1.0}
    assert horizontal_levels(platelet_axes) == {25, 30, 50}
    labels = [line.get_label() for line in anc_axes.lines]
    assert "Hold < 1.0 (label); grade 3 < 1.0" in labels
    assert "Hold < 30 (label)" in [line.get_label() for line in platelet_axes.lines]

    for axes in (anc_axes, platelet_axes):
        assert vertical_dates(axes) == cycles
    assert [t.get_text() for t in anc_axes.texts if t.get_text().startswith("C")] == ["C1", "C2"]

    def markers(axes):
        return [line for line in axes.lines if line.get_marker() in ("v", "D", "s")]

    assert sorted(line.get_marker() for line in markers(anc_axes)) == ["D", "v"]
    [platelet_event] = markers(platelet_axes)
    assert platelet_event.get_markerfacecolor() == charts.EVENT_COLOURS[4]
    assert {"G3", "G4"} <= {text.get_text() for text in platelet_axes.texts + anc_axes.texts}


def test_patient_chart_without_counts_still_draws():
    figure = Figure()
    charts.patient_chart(figure, [], [], [], charts.DEFAULT_THRESHOLDS)
    assert len(figure.axes) == 2
    assert "No counts recorded yet" in all_text(figure)
    assert list(figure.axes[1].get_xticks()) == []


def test_default_thresholds_come_from_the_grading_and_label_data():
    thresholds = charts.ChartThresholds.from_rules()
    assert thresholds == charts.DEFAULT_THRESHOLDS
    assert (thresholds.anc.grade3_below, thresholds.anc.grade4_below) == (1.0, 0.5)
    assert (thresholds.anc.hold_below, thresholds.platelets.hold_below) == (1.0, 30)
    assert (thresholds.platelets.grade3_below, thresholds.platelets.grade4_below) == (50, 25)


@pytest.mark.parametrize(
    ("name", "magic"), [("c.png", b"\x89PNG"), ("c.PDF", b"%PDF"), ("c.svg", b"<?xml")]
)
def test_save_figure_in_each_format(tmp_path, name, magic):
    figure = Figure()
    charts.cohort_chart(figure, cohort(), [LEN_ARM])
    saved = charts.save_figure(figure, tmp_path / name)
    assert saved == tmp_path / name
    assert saved.read_bytes().startswith(magic)


def test_save_figure_refuses_other_formats_and_missing_folders(tmp_path):
    figure = Figure()
    with pytest.raises(ReportError, match=r"\.png, \.svg, \.pdf, not '\.jpg'"):
        charts.save_figure(figure, tmp_path / "chart.jpg")
    with pytest.raises(ReportError, match="not 'no extension'"):
        charts.save_figure(figure, tmp_path / "chart")
    with pytest.raises(ReportError, match="does not exist"):
        charts.save_figure(figure, tmp_path / "missing" / "chart.png")
    assert issubclass(ReportError, ValueError)
    assert list(tmp_path.iterdir()) == []


def test_charts_never_load_pyplot():
    code = (
        "import sys\n"
        "from matplotlib.figure import Figure\n"
        "from tracker.reports import charts\n"
        "charts.patient_chart(Figure(), [], [], [])\n"
        "print('matplotlib.pyplot' in sys.modules)"
    )
    assert python_output(code).strip() == "False"


def test_cohort_chart_never_ticks_above_100_percent():
    stats = cohort_statistics([CohortPatient(1, date(2025, 5, 1), 2, {"vte": 3})])
    figure = Figure()
    charts.cohort_chart(figure, stats, [LEN_ARM])
    [axes] = figure.axes
    assert axes.get_ylim()[1] > 100
    assert max(axes.get_yticks()) == 100
