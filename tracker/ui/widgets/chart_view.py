"""Charts on screen: a canvas drawn lazily, and a patient's counts over time.

matplotlib's Qt canvas is imported only when a chart is first shown, so the application
starts without paying for it.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.domain.errors import DomainError
from tracker.reports.errors import ReportError
from tracker.storage import queries
from tracker.storage.errors import StorageError
from tracker.ui.common.context import AppContext
from tracker.ui.common.store_state import open_database_files, open_store

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SAVE_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"
_SUFFIX_BY_FILTER = {"PNG": ".png", "SVG": ".svg", "PDF": ".pdf"}


def with_suffix_for_filter(path: str, chosen_filter: str) -> Path:
    """Add the extension of the chosen file type when the name has none."""
    target = Path(path)
    if target.suffix.lower() in (".png", ".svg", ".pdf"):
        return target
    for name, suffix in _SUFFIX_BY_FILTER.items():
        if chosen_filter.startswith(name):
            return target.with_suffix(suffix)
    return target.with_suffix(".png")


class LazyChart(QWidget):
    """A figure canvas built on first show, redrawn when the data changes while visible.

    ``drawn`` fires after every redraw, so widgets beside the chart can show the same data.
    """

    drawn = Signal()

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.figure: Figure | None = None
        self.canvas: Any = None
        self._stale = True
        self.save_button = QPushButton("&Save chart…", objectName="saveChartButton")
        self.save_button.clicked.connect(self.ask_and_save)
        self.save_button.setEnabled(False)
        self.status_label = QLabel(objectName="chartStatus")
        top = QHBoxLayout()
        self.title_label = QLabel(f"<b>{title}</b>", objectName="chartTitle")
        top.addWidget(self.title_label)
        top.addWidget(self.status_label, 1)
        top.addWidget(self.save_button)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.addLayout(top)
        self.controls = QHBoxLayout()
        self._layout.addLayout(self.controls)
        self.placeholder = QLabel("The chart is drawn when this tab is shown.")
        self._layout.addWidget(self.placeholder, 1)
        context.data_changed.connect(self.mark_stale)

    def _ensure_canvas(self) -> None:
        if self.canvas is not None:
            return
        from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
        from matplotlib.figure import Figure

        self.figure = Figure(figsize=(9, 5), layout="constrained")
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setObjectName("chartCanvas")
        self._layout.replaceWidget(self.placeholder, self.canvas)
        self.placeholder.deleteLater()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._ensure_canvas()
        if self._stale:
            self.redraw()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible() and self.canvas is not None:
            self.redraw()

    def redraw(self) -> None:
        """Draw the current data into the figure (building the canvas if needed)."""
        self._ensure_canvas()
        assert self.figure is not None
        self.figure.clear()
        try:
            message = self.draw_chart(self.figure)
        except (StorageError, DomainError) as error:
            message = str(error)
        self.status_label.setText(message)
        self.save_button.setEnabled(bool(self.figure.axes) and not message)
        self.canvas.draw_idle()
        self._stale = False
        self.drawn.emit()

    def draw_chart(self, figure: Figure) -> str:
        """Fill ``figure``; return a message when there is nothing to draw."""
        raise NotImplementedError

    def save_to(self, path: Path) -> None:
        from tracker.reports.charts import save_figure

        if self.figure is None or self._stale:
            self.redraw()
        assert self.figure is not None
        # The save dialog has asked before replacing a file.
        save_figure(self.figure, path, overwrite=True, guarded=open_database_files(self.context))

    def ask_and_save(self) -> None:
        path, chosen_filter = QFileDialog.getSaveFileName(
            self, "Save chart", str(Path.home() / self.default_file_name()), SAVE_FILTERS
        )
        if not path:
            return
        try:
            self.save_to(with_suffix_for_filter(path, chosen_filter))
        except (OSError, ReportError, StorageError) as error:
            self.context.report_error(self, f"Cannot save the chart: {error}")

    def default_file_name(self) -> str:
        return "chart.png"


class PatientChartView(LazyChart):
    """ANC and platelets over time with the hold thresholds, cycle starts and events, and
    the current course's response assessments and progression under them."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Counts over time", parent)
        self.setObjectName("patientChartView")
        self.patient_id: int | None = None
        self._file_name = "counts.png"

    def show_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self.mark_stale()

    def draw_chart(self, figure: Figure) -> str:
        from tracker.reports import charts

        store = open_store(self.context)
        if self.patient_id is None or store is None:
            return "No patient"
        patient = queries.get_patient(store, self.patient_id)
        labs = queries.labs_of(store, self.patient_id)
        events = queries.events_of(store, self.patient_id)
        # Cycle lines are numbered C1, C2 ... so they come from one course: the current one.
        course = queries.current_course(store, self.patient_id)
        starts = (
            [cycle.actual_start for cycle in queries.cycles_of(store, course.id)] if course else []
        )
        # The same course's response assessments and progression, on the same timeline.
        responses = queries.responses_of(store, course.id) if course else []
        charts.patient_chart(
            figure, labs, starts, events, charts.DEFAULT_THRESHOLDS, responses=responses
        )
        self._file_name = f"counts-{_safe_file_part(patient.mrn)}.png"
        if not labs:
            return "No counts recorded yet"
        return ""

    def default_file_name(self) -> str:
        return self._file_name


def _safe_file_part(text: str) -> str:
    return "".join(
        character if character.isalnum() or character in "-_" else "_" for character in text
    )
