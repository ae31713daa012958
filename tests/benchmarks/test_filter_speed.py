"""Filtering the Patients list as you type, per keystroke, on 10,000 patients.

The real main window on the demo database: the Patients screen's search box gets a name
fragment typed one key at a time and then erased with Backspace, and each key is timed from
the key press until the list is filtered, the count beside the box says how many match and
the window has repainted. Each count is checked against a plain scan of the same 10,000 rows
with the screen's rule (every word of the search in the MRN or the name, any case).

The first key ever typed into a line edit in a process costs Qt some 45 ms of one-off text
set-up, in a bare QLineEdit as much as here; it is timed and printed apart (a "z" typed and
erased), and the figure is the median and the worst of the keys after it.

The baseline is plain Qt doing the same job: a QSortFilterProxyModel (case-insensitive fixed
string, every column) over a QStandardItemModel holding the same rows as text, shown in a
QTableView under a QLineEdit, with the same keys, timed the same way.
"""

from __future__ import annotations

import statistics
import time

import pytest
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from tests.benchmarks.conftest import PATIENTS, TODAY, Figure
from tracker.storage import queries
from tracker.storage.database import open_database
from tracker.ui.common.context import AppContext
from tracker.ui.common.settings import AppSettings
from tracker.ui.patients.patients_model import COLUMNS, PatientRow
from tracker.ui.shell.main_window import MainWindow

# What the offscreen platform notes about windows it has no system for; not a fault.
pytestmark = pytest.mark.qt_log_ignore(r"This plugin does not support")

TYPED = "patient 0427"
GOAL_MS = 30.0
BACKSPACE = "\b"
SETTLING_TURNS = 3


FIRST_KEYS = "z" + BACKSPACE
KEYS = TYPED + BACKSPACE * len(TYPED)


def _time_keys(qtbot, line_edit: QLineEdit, count_text, keys: str) -> list[tuple[float, str, str]]:
    """(seconds, search text after the key, count shown) for every key, in order."""
    timings = []
    for key in keys:
        started = time.perf_counter()
        if key == BACKSPACE:
            qtbot.keyClick(line_edit, Qt.Key.Key_Backspace)
        else:
            qtbot.keyClicks(line_edit, key)
        # The relayout and repaint the key caused come in the next turns of the event loop.
        for _ in range(SETTLING_TURNS):
            QApplication.processEvents()
        timings.append((time.perf_counter() - started, line_edit.text(), count_text()))
    return timings


def _plain_qt_window(rows: list[PatientRow]) -> tuple[QWidget, QLineEdit, QLabel]:
    model = QStandardItemModel(len(rows), len(COLUMNS))
    model.setHorizontalHeaderLabels([column.title for column in COLUMNS])
    for number, row in enumerate(rows):
        for column, spec in enumerate(COLUMNS):
            model.setItem(number, column, QStandardItem(spec.text(row)))
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(model)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    window = QWidget()
    search = QLineEdit()
    count = QLabel()
    table = QTableView()
    table.setModel(proxy)
    layout = QVBoxLayout(window)
    layout.addWidget(search)
    layout.addWidget(count)
    layout.addWidget(table)

    def search_changed(text: str) -> None:
        proxy.setFilterFixedString(text)
        count.setText(f"{proxy.rowCount():,} of {model.rowCount():,}")

    search.textChanged.connect(search_changed)
    window._keep = (model, proxy)  # owned by the window for the test's length
    window.resize(1200, 780)
    return window, search, count


def test_patient_list_filters_within_30_ms_per_keystroke(
    qtbot, demo_database, record_figure, tmp_path
):
    with open_database(demo_database.path, clock=lambda: TODAY) as store:
        patients = queries.list_patients(store)
        context = AppContext()
        window = MainWindow(context, AppSettings.in_file(tmp_path / "settings.ini"))
        qtbot.addWidget(window)
        context.replace_store(store)
        window.show()
        qtbot.waitExposed(window)
        window.find_patient()
        view = window.patients_view
        qtbot.waitUntil(lambda: view.model.rowCount() == PATIENTS)
        tracker_first = _time_keys(qtbot, view.search_edit, view.count_label.text, FIRST_KEYS)
        tracker_timings = _time_keys(qtbot, view.search_edit, view.count_label.text, KEYS)
        window.close()

    rows = [PatientRow.from_patient(patient) for patient in patients]
    for _seconds, text, shown in tracker_first + tracker_timings:
        words = text.casefold().split()
        matching = sum(all(word in row.search_text for word in words) for row in rows)
        expected = (
            f"{PATIENTS:,} patients"
            if matching == PATIENTS
            else f"{matching:,} of {PATIENTS:,} patients"
        )
        assert shown == expected, text

    plain, plain_search, plain_count = _plain_qt_window(rows)
    qtbot.addWidget(plain)
    plain.show()
    qtbot.waitExposed(plain)
    plain_search.setFocus()
    plain_first = _time_keys(qtbot, plain_search, plain_count.text, FIRST_KEYS)
    plain_timings = _time_keys(qtbot, plain_search, plain_count.text, KEYS)

    tracker_ms = [1000 * seconds for seconds, _text, _count in tracker_timings]
    plain_ms = [1000 * seconds for seconds, _text, _count in plain_timings]
    median_ms, worst_ms = statistics.median(tracker_ms), max(tracker_ms)
    plain_median = statistics.median(plain_ms)
    print(
        f"\npatient filter, {len(tracker_ms)} keys ('{TYPED}' typed, then erased): median "
        f"{median_ms:.1f} ms, worst {worst_ms:.1f} ms per key; plain Qt proxy median "
        f"{plain_median:.1f} ms, worst {max(plain_ms):.1f} ms; the process's first key "
        f"{1000 * tracker_first[0][0]:.0f} ms (plain Qt {1000 * plain_first[0][0]:.0f} ms)\n"
        "per key (ms): "
        + " ".join(
            f"{text or '∅'!r}:{ms:.0f}"
            for ms, (_s, text, _c) in zip(tracker_ms, tracker_timings, strict=True)
        )
    )
    record_figure(
        Figure(
            name="patient filter",
            measured=f"median {median_ms:.1f} ms, worst {worst_ms:.1f} ms per keystroke",
            baseline=f"median {plain_median:.1f} ms, worst {max(plain_ms):.1f} ms plain Qt proxy",
            ratio=f"{median_ms / plain_median:.2f}x",
            goal=f"under {GOAL_MS:g} ms",
            # The typical key; the worst is in the figure beside it.
            met=median_ms < GOAL_MS,
        )
    )
