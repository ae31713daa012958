"""Chart tabs: a patient's counts over time, and the clinic's cohort summary.

matplotlib's Qt canvas is imported only when a chart is first shown, so the application
starts without paying for it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.domain.errors import DomainError
from tracker.domain.references import (
    DEFAULT_REFERENCE_ID,
    LENALIDOMIDE_ARM,
    load_reference,
    reference_ids,
)
from tracker.domain.statistics import COHORT_EVENT_TYPES, CohortStatistics, cohort_statistics
from tracker.reports.errors import ReportError
from tracker.storage import cohort, queries
from tracker.storage.errors import StorageError
from tracker.ui.context import AppContext
from tracker.ui.record_dialog import date_edit, date_of

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
    """A figure canvas built on first show, redrawn when the data changes while visible."""

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
        top.addWidget(QLabel(f"<b>{title}</b>"))
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

    def draw_chart(self, figure: Figure) -> str:
        """Fill ``figure``; return a message when there is nothing to draw."""
        raise NotImplementedError

    def save_to(self, path: Path) -> None:
        from tracker.reports.charts import save_figure

        if self.figure is None or self._stale:
            self.redraw()
        assert self.figure is not None
        save_figure(self.figure, path)

    def ask_and_save(self) -> None:
        path, chosen_filter = QFileDialog.getSaveFileName(
            self, "Save chart", str(Path.home() / self.default_file_name()), SAVE_FILTERS
        )
        if not path:
            return
        try:
            self.save_to(with_suffix_for_filter(path, chosen_filter))
        except (OSError, ReportError) as error:
            self.context.report_error(self, f"Cannot save the chart: {error}")

    def default_file_name(self) -> str:
        return "chart.png"


class PatientChartView(LazyChart):
    """ANC and platelets over time with the hold thresholds, cycle starts and events."""

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

        if self.patient_id is None or not self.context.has_store:
            return "No patient"
        store = self.context.store
        patient = queries.get_patient(store, self.patient_id)
        labs = queries.labs_of(store, self.patient_id)
        events = queries.events_of(store, self.patient_id)
        # Cycle lines are numbered C1, C2 ... so they come from one course: the current one.
        course = queries.current_course(store, self.patient_id)
        starts = (
            [cycle.actual_start for cycle in queries.cycles_of(store, course.id)] if course else []
        )
        charts.patient_chart(figure, labs, starts, events, charts.DEFAULT_THRESHOLDS)
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


_EVENT_NAMES = {"neutropenia": "Neutropenia", "thrombocytopenia": "Thrombocytopenia", "vte": "VTE"}


def _percent(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def summary_rows(stats: CohortStatistics) -> list[str]:
    """One line per event type: n/N, rate with its interval, reference, p, per 100 cycles."""
    confidence = round(100 * stats.confidence)
    lines = []
    for event_type in COHORT_EVENT_TYPES:
        rate = stats.rate(event_type)
        interval = (
            f" ({confidence}% CI {_percent(rate.ci_low)}-{_percent(rate.ci_high)})"
            if rate.ci
            else ""
        )
        line = f"{_EVENT_NAMES[event_type]}: {rate.fraction_text} = {_percent(rate.rate)}{interval}"
        if rate.reference_rate is not None:
            line += f"; {stats.reference_label or 'reference'} {_percent(rate.reference_rate)}"
        if rate.p_value is not None:
            line += f", p = {_p_text(rate.p_value)}"
        if rate.events_per_100_cycles is not None:
            line += f"; {rate.events_per_100_cycles:.1f} events per 100 cycles"
        lines.append(line)
    return lines


class CohortChartView(LazyChart):
    """The clinic's grade 3-4 event rates, with exact intervals, beside a trial's arms."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Grade 3-4 events in the clinic", parent)
        self.setObjectName("cohortChartView")
        today = context.store.today() if context.has_store else None
        self.from_check = QCheckBox("Courses started &from", objectName="periodFromCheck")
        self.from_edit = date_edit(today.replace(month=1, day=1) if today else _epoch(), "fromEdit")
        self.to_check = QCheckBox("&to", objectName="periodToCheck")
        self.to_edit = date_edit(today or _epoch(), "toEdit")
        self.reference_combo = QComboBox(objectName="referenceCombo")
        for reference_id in reference_ids():
            reference = load_reference(reference_id)
            note = "" if reference.confirmed else " (unconfirmed)"
            self.reference_combo.addItem(f"{reference.name}{note}", reference_id)
        self.reference_combo.setCurrentIndex(
            max(0, self.reference_combo.findData(DEFAULT_REFERENCE_ID))
        )
        self.controls.addWidget(self.from_check)
        self.controls.addWidget(self.from_edit)
        self.controls.addWidget(self.to_check)
        self.controls.addWidget(self.to_edit)
        self.controls.addWidget(QLabel("Compare with"))
        self.controls.addWidget(self.reference_combo)
        self.controls.addStretch(1)
        self.summary_label = QLabel(objectName="cohortSummary")
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._layout.addWidget(self.summary_label)
        self.statistics: CohortStatistics | None = None
        for check, edit in ((self.from_check, self.from_edit), (self.to_check, self.to_edit)):
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.mark_stale)
            edit.dateChanged.connect(self.mark_stale)
        self.reference_combo.currentIndexChanged.connect(self.mark_stale)

    def period(self) -> tuple[date | None, date | None]:
        start = date_of(self.from_edit) if self.from_check.isChecked() else None
        end = date_of(self.to_edit) if self.to_check.isChecked() else None
        return start, end

    def draw_chart(self, figure: Figure) -> str:
        from tracker.reports import charts

        self.statistics = None
        self.summary_label.clear()
        if not self.context.has_store:
            return "No database open"
        reference = load_reference(self.reference_combo.currentData())
        arms = list(reference.arms.values())
        compared = reference.arms.get(LENALIDOMIDE_ARM, arms[0])
        start, end = self.period()
        stats = cohort_statistics(
            cohort.cohort_records(self.context.store),
            reference=compared,
            period_from=start,
            period_to=end,
        )
        self.statistics = stats
        charts.cohort_chart(figure, stats, arms)
        self.summary_label.setText("\n".join(summary_rows(stats)))
        return "" if stats.patients else "No patient started a course in this period"

    def default_file_name(self) -> str:
        return "grade-3-4-events.png"


def _p_text(p_value: float) -> str:
    return f"{p_value:.2f}" if p_value >= 0.01 else f"{p_value:.1g}"


def _epoch() -> date:
    return date(2000, 1, 1)
