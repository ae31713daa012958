"""The Cohort report's Outcomes tab: a real database, the real report, artists and table read
back."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from matplotlib.container import BarContainer
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from scipy.stats import beta, binomtest

from tests.starts import start_course
from tests.ui.conftest import activate
from tracker.reports.outcome_charts import AT_RISK_GID, CLINIC_CURVE
from tracker.storage.operations.patients import add_patient
from tracker.storage.operations.responses import record_response
from tracker.ui.cohort.outcomes_view import OutcomesView

MONTH = 30.4375


@pytest.fixture
def clinic(store):
    """Four courses started 300, 240, 180 and 20 days ago: the first responds (VGPR) and
    progresses on day 200, the second reaches CR and is censored at day 112, the third is
    stable (SD) at day 56, the fourth has no assessment yet."""
    today = store.today()
    courses = []
    for number, days_ago in enumerate((300, 240, 180, 20), start=1):
        patient = add_patient(store, mrn=f"O-{number}", name=f"Outcome, Patient {number}")
        start = today - timedelta(days=days_ago)
        courses.append((start_course(store, patient, start), start))
    (first, first_start), (second, second_start), (third, third_start), _ = courses
    record_response(store, first, first_start + timedelta(days=56), "VGPR")
    record_response(store, first, first_start + timedelta(days=200), "PD")
    record_response(store, second, second_start + timedelta(days=56), "PR")
    record_response(store, second, second_start + timedelta(days=112), "CR")
    record_response(store, third, third_start + timedelta(days=56), "SD")
    return courses


def show_outcomes(qtbot, window) -> OutcomesView:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    screen = window.cohort_screen
    assert window.stack.currentWidget() is screen
    view = window.outcomes_view
    assert view.report is None  # a page reads only once it is shown
    screen.setCurrentWidget(view)
    return drawn(qtbot, view)


def drawn(qtbot, view: OutcomesView) -> OutcomesView:
    qtbot.waitUntil(lambda: view.report is not None and not view.loading, timeout=10000)
    return view


def table_rows(view: OutcomesView) -> list[list[str]]:
    table = view.table
    return [
        [table.text(row, column) for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def test_the_outcomes_tab_draws_response_and_the_curve_of_the_database(qtbot, window, clinic):
    view = show_outcomes(qtbot, window)
    assert window.cohort_screen.tabText(1) == "O&utcomes"
    response_axes, curve_axes, at_risk = view.figure.axes
    bars = {
        container.get_label(): [patch.get_height() for patch in container.patches]
        for container in response_axes.containers
        if isinstance(container, BarContainer)
    }
    assert bars["Clinic (95% exact CI)"] == pytest.approx([50.0, 25.0])  # 2/4 and 1/4
    assert bars["MM-010 Len+Dex (n=176)"] == [60.2, 15.9]
    # Three assessed courses: progression on day 200, censored on days 56 and 112.
    [curve] = [line for line in curve_axes.get_lines() if line.get_label() == CLINIC_CURVE]
    assert list(curve.get_xdata()) == pytest.approx([0, 56 / MONTH, 112 / MONTH, 200 / MONTH])
    assert list(curve.get_ydata()) == pytest.approx([1, 1, 1, 0])
    assert at_risk.get_gid() == AT_RISK_GID
    assert [text.get_text() for text in at_risk.texts][:3] == ["3", "2", "1"]

    response, complete, progression, survival = table_rows(view)
    low, high = beta.ppf(0.025, 2, 3), beta.ppf(0.975, 3, 2)
    assert response[:5] == [
        "Overall response (PR or better)",
        "2/4",
        "50.0%",
        f"{100 * low:.1f}% – {100 * high:.1f}%",
        f"{binomtest(2, 4, 0.602).pvalue:.3f}",
    ]
    assert response[5:] == ["60.2%", "24.0%", "60.6%", "21.9%"]
    assert complete[1:3] == ["1/4", "25.0%"]
    assert progression[:3] == ["Time to progression, median", "1/3", f"{200 / MONTH:.1f} mo"]
    assert progression[5:7] == ["11.3 mo", "4.7 mo"]
    assert survival[1:3] == ["0/4", "not reached"] and survival[-2:] == ["38.0 mo", "31.6 mo"]
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[5:] == [
        "MM-010\nLen+Dex, n=176",
        "MM-010\nPlacebo+Dex, n=175",
        "MM-009/010\nLen+Dex, n=353\nunconfirmed",
        "MM-009/010\nPlacebo+Dex, n=351\nunconfirmed",
    ]
    assert "not assessed 1" in view.note.text() and "EBMT" in view.note.text()
    assert view.save_button.isEnabled() and view.status_label.text() == ""


def test_the_report_and_chart_are_made_off_the_gui_thread(qtbot, window, clinic, monkeypatch):
    from tracker.ui.cohort import outcomes_view

    threads = []
    real = outcomes_view.read_outcomes

    def watched(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(outcomes_view, "read_outcomes", watched)
    view = show_outcomes(qtbot, window)
    assert threads == [False]
    assert view.canvas.figure is view.figure


def test_the_period_and_a_new_assessment_redraw_the_shown_tab(
    qtbot, window, context, store, clinic
):
    view = show_outcomes(qtbot, window)
    view.from_check.setChecked(True)
    start = store.today() - timedelta(days=200)
    view.from_edit.setDate(QDate(start.year, start.month, start.day))
    # The courses started 180 and 20 days ago.
    qtbot.waitUntil(lambda: view.report.statistics.courses == 2, timeout=10000)
    assert [row[1] for row in table_rows(drawn(qtbot, view))[:2]] == ["0/2", "0/2"]
    view.from_check.setChecked(False)
    qtbot.waitUntil(lambda: view.report.statistics.courses == 4, timeout=10000)

    fourth, fourth_start = clinic[3]
    context.run(record_response, fourth, fourth_start + timedelta(days=14), "PR")
    qtbot.waitUntil(lambda: view.report.statistics.response.responders == 3, timeout=10000)
    assert table_rows(drawn(qtbot, view))[0][1] == "3/4"


def test_a_period_that_ends_before_it_starts_is_said(qtbot, window, clinic):
    view = show_outcomes(qtbot, window)
    view.from_check.setChecked(True)
    view.to_check.setChecked(True)
    view.to_edit.setDate(QDate(2001, 1, 1))
    qtbot.waitUntil(
        lambda: view.status_label.text().startswith("The period starts on"), timeout=10000
    )
    assert view.table.rowCount() == 0 and not view.save_button.isEnabled()


def test_save_chart_writes_the_chosen_file_type(qtbot, window, clinic, tmp_path, monkeypatch):
    view = show_outcomes(qtbot, window)
    assert view.default_file_name() == "outcomes.png"
    target = tmp_path / "outcomes"
    for chosen_filter, magic in (
        ("PNG image (*.png)", b"\x89PNG"),
        ("SVG drawing (*.svg)", b"<?xml"),
        ("PDF document (*.pdf)", b"%PDF"),
    ):
        monkeypatch.setattr(
            QFileDialog,
            "getSaveFileName",
            staticmethod(lambda *args, f=chosen_filter: (str(target), f)),
        )
        qtbot.mouseClick(view.save_button, Qt.MouseButton.LeftButton)
        suffix = chosen_filter.split("*")[1].rstrip(")")
        assert target.with_suffix(suffix).read_bytes().startswith(magic)


def test_an_empty_database_says_no_course_has_started_yet(qtbot, window):
    window.show()
    window.show_cohort()
    window.cohort_screen.show_outcomes()
    view = drawn(qtbot, window.outcomes_view)
    assert view.status_label.text() == "No patient has started a course yet"
    assert not view.save_button.isEnabled()
