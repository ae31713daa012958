"""The Cohort report screen: real database, real report, bars and error bars read off the axes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from matplotlib.container import BarContainer, ErrorbarContainer
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QFileDialog
from scipy.stats import beta, binomtest

from tests.starts import start_course
from tests.ui.conftest import activate
from tracker.storage.operations.events import log_event
from tracker.storage.operations.patients import add_patient
from tracker.ui.cohort.cohort_view import CohortChartView

CLINIC = "Clinic (95% exact CI)"
TRIAL = "MM-010 Len+Dex (n=176)"
PLACEBO = "MM-010 Placebo+Dex (n=175)"
# Grade 3-4 rates of MM-010 (Dimopoulos 2007), as the clinical reference gives them.
TRIAL_PERCENT = {"neutropenia": 29.5, "thrombocytopenia": 11.4, "vte": 11.4}
PLACEBO_PERCENT = {"neutropenia": 2.3, "thrombocytopenia": 5.7, "vte": 4.6}
EVENTS = ("neutropenia", "thrombocytopenia", "vte")


@pytest.fixture
def clinic(store):
    """Four patients whose courses started 200, 150, 90 and 30 days ago.

    Grade 3-4: neutropenia in patients 1 and 2, VTE in patient 2; patient 3 has a grade 2
    thrombocytopenia, which does not count.
    """
    today = store.today()
    seeded = []
    for number, days_ago in enumerate((200, 150, 90, 30), start=1):
        patient_id = add_patient(store, mrn=f"C-{number}", name=f"Cohort, Patient {number}")
        start = today - timedelta(days=days_ago)
        seeded.append(Seeded(patient_id, start_course(store, patient_id, start), start))
    onset = today - timedelta(days=10)
    for index, event_type, grade in (
        (0, "neutropenia", 4),
        (1, "neutropenia", 3),
        (1, "vte", 3),
        (2, "thrombocytopenia", 2),
    ):
        patient = seeded[index]
        log_event(store, patient.patient_id, event_type, grade, onset, course_id=patient.course_id)
    return seeded


@dataclass(frozen=True)
class Seeded:
    patient_id: int
    course_id: int
    start: date


def bars(figure) -> dict[str, list[float]]:
    axes = figure.axes[0]
    return {
        container.get_label(): [patch.get_height() for patch in container.patches]
        for container in axes.containers
        if isinstance(container, BarContainer)
    }


def error_bar_ranges(figure) -> list[tuple[float, float]]:
    """(low, high) of each drawn error bar, in percent, left to right."""
    [errors] = [c for c in figure.axes[0].containers if isinstance(c, ErrorbarContainer)]
    _, _, [vertical] = errors.lines
    segments = sorted(vertical.get_segments(), key=lambda segment: segment[0][0])
    return [(float(segment[0][1]), float(segment[1][1])) for segment in segments]


def exact_interval(events: int, patients: int) -> tuple[float, float]:
    """Clopper-Pearson 95% interval in percent, straight from the beta distribution."""
    low = 0.0 if events == 0 else beta.ppf(0.025, events, patients - events + 1)
    high = 1.0 if events == patients else beta.ppf(0.975, events + 1, patients - events)
    return 100 * low, 100 * high


def table_rows(view: CohortChartView) -> list[list[str]]:
    table = view.table
    return [
        [table.text(row, column) for column in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def show_cohort(qtbot, window) -> CohortChartView:
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    view = window.cohort_view
    return drawn(qtbot, view)


def drawn(qtbot, view: CohortChartView) -> CohortChartView:
    """The view once the report read in the background (after a show or a change) is in."""
    qtbot.waitUntil(lambda: not view.loading, timeout=10000)
    return view


def test_cohort_screen_draws_the_rates_and_intervals_of_the_database(qtbot, window, clinic):
    assert window.cohort_view is None  # nothing built, no matplotlib, until asked for
    view = show_cohort(qtbot, window)
    assert window.stack.currentWidget() is window.cohort_screen
    assert window.cohort_screen.currentWidget() is view and window.commands.show_cohort.isChecked()

    drawn = bars(view.figure)
    assert drawn[CLINIC] == [50.0, 0.0, 25.0]  # 2/4, 0/4, 1/4
    assert drawn[TRIAL] == [TRIAL_PERCENT[event] for event in EVENTS]
    assert drawn[PLACEBO] == [PLACEBO_PERCENT[event] for event in EVENTS]
    for (low, high), expected in zip(
        error_bar_ranges(view.figure),
        (exact_interval(2, 4), exact_interval(0, 4), exact_interval(1, 4)),
        strict=True,
    ):
        assert low == pytest.approx(expected[0], abs=1e-9)
        assert high == pytest.approx(expected[1], abs=1e-9)

    neutropenia, platelets, vte = table_rows(view)
    low, high = exact_interval(2, 4)
    p_value = binomtest(2, 4, 0.295).pvalue
    assert neutropenia == [
        "Neutropenia",
        "2/4",
        "50.0%",
        f"{low:.1f}% – {high:.1f}%",
        f"{p_value:.3f}",
        "29.5%",
        "2.3%",
        neutropenia[-1],
    ]
    assert platelets[:3] == ["Thrombocytopenia", "0/4", "0.0%"]
    assert vte[1:3] == ["1/4", "25.0%"] and vte[5:7] == ["11.4%", "4.6%"]
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[4] == "p vs\nMM-010 Len+Dex"
    assert headers[5:7] == ["MM-010 Len+Dex\nn=176", "MM-010 Placebo+Dex\nn=175"]
    assert view.save_button.isEnabled() and view.status_label.text() == ""


def test_the_period_filter_keeps_the_courses_started_in_it(qtbot, window, store, clinic):
    view = show_cohort(qtbot, window)
    view.from_check.setChecked(True)
    start = store.today() - timedelta(days=100)
    view.from_edit.setDate(QDate(start.year, start.month, start.day))
    drawn(qtbot, view)
    # Patients 3 and 4 only: no grade 3-4 event between them.
    assert view.report.statistics.patients == 2
    assert bars(view.figure)[CLINIC] == [0.0, 0.0, 0.0]
    assert [row[1] for row in table_rows(view)] == ["0/2", "0/2", "0/2"]

    view.to_check.setChecked(True)
    view.to_edit.setDate(QDate(2001, 1, 1))
    drawn(qtbot, view)
    assert view.report is None and view.table.rowCount() == 0
    assert view.status_label.text().startswith("The period starts on")
    assert not view.save_button.isEnabled()


def test_mm009_can_be_drawn_beside_but_p_stays_against_mm010(qtbot, window, clinic):
    view = show_cohort(qtbot, window)
    p_before = table_rows(view)[0][4]
    view.extra_checks["mm009"].setChecked(True)
    drawn(qtbot, view)
    assert "MM-009 Len+Dex (n=177, unconfirmed)" in bars(view.figure)
    assert table_rows(view)[0][4] == p_before
    assert table_rows(view)[0][7] == "41.2%"


def test_changes_redraw_only_a_shown_cohort_screen(qtbot, window, context, clinic):
    view = show_cohort(qtbot, window)
    shown = view.report
    window.show_today()
    fourth = clinic[3]
    context.run(
        log_event,
        fourth.patient_id,
        "thrombocytopenia",
        3,
        fourth.start + timedelta(days=3),
        course_id=fourth.course_id,
    )
    assert view.report is shown  # hidden: nothing read, nothing drawn

    window.show_cohort()
    assert drawn(qtbot, view).report is not shown
    assert bars(view.figure)[CLINIC] == [50.0, 25.0, 25.0]

    context.run(
        log_event, fourth.patient_id, "neutropenia", 4, fourth.start, course_id=fourth.course_id
    )
    assert view.loading  # shown: read again at once
    assert bars(drawn(qtbot, view).figure)[CLINIC] == [75.0, 25.0, 25.0]


def test_save_chart_writes_the_chosen_file_type(qtbot, window, clinic, tmp_path, monkeypatch):
    view = show_cohort(qtbot, window)
    assert view.default_file_name() == "grade-3-4-events.png"
    target = tmp_path / "rates"  # no suffix: the chosen type supplies it
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


def test_without_a_database_the_screen_says_so(qtbot, settings):
    from tracker.ui.common.context import AppContext
    from tracker.ui.shell.main_window import MainWindow

    window = MainWindow(AppContext(), settings)
    qtbot.addWidget(window)
    window.show()
    window.show_cohort()
    view = window.cohort_view
    qtbot.waitUntil(lambda: view.canvas is not None)
    assert view.status_label.text() == "No database open"
    assert not view.save_button.isEnabled() and view.table.rowCount() == 0


def test_an_empty_database_says_no_course_has_started_yet(qtbot, window):
    window.show()
    window.show_cohort()
    view = drawn(qtbot, window.cohort_view)
    assert view.report is not None
    assert view.status_label.text() == "No patient has started a course yet"
    view.from_check.setChecked(True)
    assert drawn(qtbot, view).status_label.text() == "No patient started a course in this period"


def test_the_report_and_its_chart_are_made_off_the_gui_thread(qtbot, window, clinic, monkeypatch):
    import threading

    from tracker.ui.cohort import cohort_view

    threads = []
    real = cohort_view.read_cohort

    def watched(*args, **kwargs):
        threads.append(threading.current_thread() is threading.main_thread())
        return real(*args, **kwargs)

    monkeypatch.setattr(cohort_view, "read_cohort", watched)
    view = show_cohort(qtbot, window)
    assert threads == [False]
    # The figure the worker filled is the one on screen.
    assert view.canvas.figure is view.figure and bars(view.figure)[CLINIC] == [50.0, 0.0, 25.0]
