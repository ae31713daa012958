"""The Chart tab: drawn lazily with the real chart code, lines checked on the real artists."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from matplotlib.container import BarContainer
from PySide6.QtCore import QDate

from tests.ui.patient_fixtures import add_test_patient, make_view, seed_course
from tracker.domain.references import load_reference
from tracker.reports.charts import DEFAULT_THRESHOLDS
from tracker.storage.operations.events import log_event
from tracker.storage.operations.labs import record_labs
from tracker.ui.chart_view import CohortChartView


def horizontal_levels(axes) -> set[float]:
    """The y of every horizontal line drawn across the axes (threshold lines)."""
    levels = set()
    for line in axes.get_lines():
        ys = list(line.get_ydata())
        if len(ys) == 2 and ys[0] == ys[1] and list(line.get_xdata()) == [0, 1]:
            levels.add(float(ys[0]))
    return levels


def data_line(axes, label: str):
    [line] = [line for line in axes.get_lines() if line.get_label() == label]
    return line


def test_importing_the_patient_screen_does_not_load_matplotlib():
    code = (
        "import sys\nimport tracker.ui.patient_view\n"
        "print(any(name.startswith('matplotlib') for name in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_chart_tab_draws_counts_and_threshold_lines(qtbot, store, context, messages, tmp_path):
    seeded = seed_course(store, days_ago=20)
    today = store.today()
    record_labs(store, seeded.patient_id, today - timedelta(days=14), anc=2.1, platelets=180)
    record_labs(
        store,
        seeded.patient_id,
        today - timedelta(days=7),
        anc=400,
        anc_unit="/mm3",
        platelets=45,
    )
    log_event(
        store,
        seeded.patient_id,
        "neutropenia",
        4,
        today - timedelta(days=7),
        course_id=seeded.course_id,
    )
    view = make_view(qtbot, context, seeded.patient_id)
    chart = view.chart_view
    assert chart.canvas is None  # nothing drawn until the tab is shown

    view.tabs.setCurrentWidget(chart)
    qtbot.waitUntil(lambda: chart.canvas is not None and chart.canvas.isVisible())
    anc_axes, platelet_axes = chart.figure.axes[:2]
    anc = data_line(anc_axes, "ANC")
    assert list(anc.get_ydata()) == [2.1, 0.4]  # /mm3 converted to x10^9/L
    platelets = data_line(platelet_axes, "Platelets")
    assert list(platelets.get_ydata()) == [180, 45]
    lines = DEFAULT_THRESHOLDS
    assert {lines.anc.grade3_below, lines.anc.grade4_below, lines.anc.hold_below} <= (
        horizontal_levels(anc_axes)
    )
    assert horizontal_levels(platelet_axes) >= {50.0, 25.0, 30.0}
    assert chart.save_button.isEnabled() and chart.status_label.text() == ""

    # A new result recorded while the tab is shown is drawn at once.
    record_labs_dialog = view.record_labs()
    record_labs_dialog.anc.edit.setText("1.6")
    record_labs_dialog.accept()
    assert messages == []
    assert list(data_line(chart.figure.axes[0], "ANC").get_ydata()) == [2.1, 0.4, 1.6]

    for suffix, magic in ((".png", b"\x89PNG"), (".svg", b"<?xml"), (".pdf", b"%PDF")):
        target = tmp_path / f"chart{suffix}"
        chart.save_to(target)
        assert target.read_bytes().startswith(magic)


def test_chart_without_counts_says_so_and_offers_no_save(qtbot, store, context):
    seeded = seed_course(store, days_ago=3)
    view = make_view(qtbot, context, seeded.patient_id)
    view.tabs.setCurrentWidget(view.chart_view)
    qtbot.waitUntil(lambda: view.chart_view.canvas is not None)
    assert view.chart_view.status_label.text() == "No counts recorded yet"
    assert not view.chart_view.save_button.isEnabled()


def bars_by_label(figure) -> dict[str, list[float]]:
    axes = figure.axes[0]
    return {
        container.get_label(): [patch.get_height() for patch in container.patches]
        for container in axes.containers
        if isinstance(container, BarContainer)
    }


def test_cohort_chart_compares_the_clinic_with_the_trial(qtbot, store, context, messages):
    today = store.today()
    seeded = []
    for number, days_ago in enumerate((200, 150, 90, 30), start=1):
        patient_id = add_test_patient(store, mrn=f"C-{number}")
        seeded.append(seed_course(store, days_ago=days_ago, patient_id=patient_id))
    onset = today - timedelta(days=10)
    log_event(store, seeded[0].patient_id, "neutropenia", 4, onset, course_id=seeded[0].course_id)
    log_event(store, seeded[1].patient_id, "neutropenia", 3, onset, course_id=seeded[1].course_id)
    log_event(store, seeded[1].patient_id, "vte", 3, onset, course_id=seeded[1].course_id)
    log_event(
        store, seeded[2].patient_id, "thrombocytopenia", 2, onset, course_id=seeded[2].course_id
    )

    view = CohortChartView(context)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitUntil(lambda: view.canvas is not None and view.statistics is not None)
    bars = bars_by_label(view.figure)
    assert bars["Clinic (95% exact CI)"] == [50.0, 0.0, 25.0]  # neutropenia, platelets, VTE
    trial = load_reference("mm010")
    assert bars["MM-010 Len+Dex (n=176)"] == [
        trial.arm("lenalidomide").percent[kind]
        for kind in ("neutropenia", "thrombocytopenia", "vte")
    ]
    assert "MM-010 Placebo+Dex (n=175)" in bars
    summary = view.summary_label.text()
    assert "Neutropenia: 2/4 = 50.0%" in summary and "MM-010 Len+Dex 29.5%" in summary
    assert view.save_button.isEnabled()

    # Only the two most recent courses: patient 3 (thrombocytopenia grade 2) and patient 4.
    view.from_check.setChecked(True)
    view.from_edit.setDate(QDate(*(today - timedelta(days=100)).timetuple()[:3]))
    assert view.statistics.patients == 2
    assert bars_by_label(view.figure)["Clinic (95% exact CI)"] == [0.0, 0.0, 0.0]

    view.reference_combo.setCurrentIndex(view.reference_combo.findData("mm009"))
    assert "MM-009 Len+Dex (n=177, unconfirmed)" in bars_by_label(view.figure)
    assert messages == []


def test_cohort_chart_with_an_empty_period(qtbot, store, context):
    seed_course(store, days_ago=40)
    view = CohortChartView(context)
    qtbot.addWidget(view)
    view.to_check.setChecked(True)
    view.to_edit.setDate(QDate(2001, 1, 1))
    view.show()
    qtbot.waitUntil(lambda: view.statistics is not None)
    assert view.statistics.patients == 0
    assert view.status_label.text() == "No patient started a course in this period"
    assert not view.save_button.isEnabled()
