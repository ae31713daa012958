"""The patient Chart tab: drawn lazily with the real chart code, lines checked on the real
artists."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta

from tests.ui.patient_fixtures import make_view, seed_course
from tracker.reports.charts import DEFAULT_THRESHOLDS
from tracker.storage.operations.events import log_event
from tracker.storage.operations.labs import record_labs


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
        "import sys\nimport tracker.ui.patient.patient_view\n"
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


def test_chart_tab_shows_the_courses_responses_and_progression(qtbot, store, context, messages):
    from matplotlib.dates import date2num

    from tracker.reports.response_marks import PROGRESSION_COLOUR
    from tracker.storage.operations.responses import record_response

    seeded = seed_course(store, days_ago=70)
    today = store.today()
    record_labs(store, seeded.patient_id, seeded.start, anc=2.1, platelets=180)
    record_response(store, seeded.course_id, seeded.start + timedelta(days=56), "PR")
    view = make_view(qtbot, context, seeded.patient_id)
    chart = view.chart_view
    view.tabs.setCurrentWidget(chart)
    qtbot.waitUntil(lambda: chart.canvas is not None and chart.canvas.isVisible())
    lane = chart.figure.axes[2]
    assert lane.get_ylabel() == "Response"
    assert [text.get_text() for text in lane.texts] == ["PR"]

    # Progression recorded from the Response form while the tab is shown: drawn at once,
    # on its date, across the counts.
    dialog = view.record_response()
    dialog.response_combo.setCurrentIndex(dialog.response_combo.findData("PD"))
    progressed = today - timedelta(days=2)
    dialog.progression_edit.setDate(progressed)
    dialog.accept()
    assert messages == []
    lane = chart.figure.axes[2]
    assert [text.get_text() for text in lane.texts][:2] == ["PR", "PD"]
    for axes in chart.figure.axes:
        assert date2num(progressed) in [
            date2num(line.get_xdata()[0])
            for line in axes.get_lines()
            if line.get_color() == PROGRESSION_COLOUR
        ]
