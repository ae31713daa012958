"""The Cohort report screen: the clinic's grade 3-4 event rates against the MM-010 trial.

The numbers come from ``tracker.reports.cohort_report``, as for ``tracker report``: the rate
of each event with its exact interval and a binomial test against the MM-010 lenalidomide
arm, beside both MM-010 arms. Other published arms can be drawn alongside for reference;
the test stays against MM-010.

The report and its chart are made off the GUI thread (``cohort_read``); the screen only
puts the figure on a canvas and paints it.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHeaderView,
    QLabel,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from tracker.domain.references import (
    DEFAULT_REFERENCE_ID,
    ReferenceArm,
    load_reference,
    reference_ids,
)
from tracker.domain.statistics import COHORT_EVENT_TYPES
from tracker.ui.cohort.cohort_read import CohortRead, read_cohort
from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import BackgroundRead, read_in_background
from tracker.ui.common.store_state import open_database_files, open_store
from tracker.ui.forms.record_dialog import date_edit, date_of
from tracker.ui.widgets.chart_view import LazyChart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tracker.reports.cohort_report import CohortReport

EVENT_NAMES = {"neutropenia": "Neutropenia", "thrombocytopenia": "Thrombocytopenia", "vte": "VTE"}
TRIAL_REFERENCE = DEFAULT_REFERENCE_ID
_CANVAS_MODULE = "matplotlib.backends.backend_qtagg"
# A timer, not a posted call: input that came in meanwhile is handled before the paint.
_PAINT_AFTER_MS = 1
_COLUMN_PADDING = 4


def percent_text(value: float | None) -> str:
    return "–" if value is None else f"{100 * value:.1f}%"


def p_value_text(p_value: float | None) -> str:
    if p_value is None:
        return "–"
    return "< 0.001" if p_value < 0.001 else f"{p_value:.3f}"


def report_table(
    report: CohortReport, extra_arms: Sequence[ReferenceArm] = ()
) -> tuple[list[str], list[list[str]]]:
    """Column headers and one row of text per event type."""
    statistics = report.statistics
    confidence = round(100 * statistics.confidence)
    arms = [*report.references, *extra_arms]
    headers = [
        "Event",
        "Patients\n(n/N)",
        "Rate",
        f"{confidence}% CI\n(exact)",
        f"p vs\n{report.trial_arm.short_label}",
        *(_arm_header(arm) for arm in arms),
        "Events per\n100 cycles",
    ]
    rows = []
    for event_type in COHORT_EVENT_TYPES:
        rate = statistics.rate(event_type)
        interval = f"{percent_text(rate.ci_low)} – {percent_text(rate.ci_high)}" if rate.ci else "–"
        per_cycles = rate.events_per_100_cycles
        rows.append(
            [
                EVENT_NAMES.get(event_type, event_type),
                rate.fraction_text,
                percent_text(rate.rate),
                interval,
                p_value_text(rate.p_value),
                *(percent_text(arm.rate(event_type)) for arm in arms),
                "–" if per_cycles is None else f"{per_cycles:.1f}",
            ]
        )
    return headers, rows


def _sentence(message: str) -> str:
    """Messages from below start in lower case ("the period starts on ...")."""
    return message[:1].upper() + message[1:]


def _arm_header(arm: ReferenceArm) -> str:
    flag = "" if arm.confirmed else "\nunconfirmed"
    return f"{arm.short_label}\nn={arm.patients}{flag}"


class CohortTable(QTableWidget):
    """The report's numbers, read-only and selectable for copying."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cohortTable")
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ContiguousSelection)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def show_rows(self, headers: list[str], rows: list[list[str]]) -> None:
        self.clear()
        self.setColumnCount(len(headers))
        self.setHorizontalHeaderLabels(headers)
        self.setRowCount(len(rows))
        for row_number, row in enumerate(rows):
            for column, text in enumerate(row):
                item = QTableWidgetItem(text)
                if column > 0:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                self.setItem(row_number, column, item)
        self._fit_columns()
        self._fit_height()

    def _fit_columns(self) -> None:
        """Each column as wide as its text, the room left over shared out evenly; a table
        wider than the screen scrolls sideways, so no header or number is ever cut short."""
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        columns = range(self.columnCount())
        needed = [
            max(header.sectionSizeHint(column), self.sizeHintForColumn(column)) + _COLUMN_PADDING
            for column in columns
        ]
        spare = max(0, self.viewport().width() - sum(needed)) // max(1, len(needed))
        for column in columns:
            header.resizeSection(column, needed[column] + spare)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.columnCount():
            self._fit_columns()
            self._fit_height()

    def _fit_height(self) -> None:
        """Exactly as tall as its rows, so the chart above gets the rest of the screen."""
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(row) for row in range(self.rowCount()))
        if self.horizontalScrollBar().isVisible():
            height += self.horizontalScrollBar().height()
        self.setFixedHeight(height)

    def text(self, row: int, column: int) -> str:
        item = self.item(row, column)
        return item.text() if item is not None else ""


class CohortChartView(LazyChart):
    """Grade 3-4 event rates of the courses started in a period, chart above table."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Grade 3-4 events in the clinic", parent)
        self.setObjectName("cohortChartView")
        # A screen of its own, not a tab: it needs the margins a tab page would give.
        self._layout.setContentsMargins(9, 9, 9, 9)
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        self.title_label.setFont(title_font)
        store = open_store(context)
        today = store.today() if store is not None else date.today()
        self.from_check = QCheckBox("Courses started f&rom", objectName="periodFromCheck")
        self.from_edit = date_edit(today.replace(month=1, day=1), "fromEdit")
        self.to_check = QCheckBox("&to", objectName="periodToCheck")
        self.to_edit = date_edit(today, "toEdit")
        for widget in (self.from_check, self.from_edit, self.to_check, self.to_edit):
            self.controls.addWidget(widget)
        self.extra_checks: dict[str, QCheckBox] = {}
        for reference_id in reference_ids():
            if reference_id == TRIAL_REFERENCE:
                continue
            reference = load_reference(reference_id)
            note = "" if reference.confirmed else " (unconfirmed)"
            check = QCheckBox(
                f"Also show {reference.name}{note}", objectName=f"{reference_id}Check"
            )
            check.setToolTip("Drawn for reference; p-values stay against MM-010")
            check.toggled.connect(self.mark_stale)
            self.extra_checks[reference_id] = check
            self.controls.addSpacing(16)
            self.controls.addWidget(check)
        self.controls.addStretch(1)
        for check, edit in ((self.from_check, self.from_edit), (self.to_check, self.to_edit)):
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.mark_stale)
            edit.dateChanged.connect(self.mark_stale)

        self.table = CohortTable()
        self._layout.addWidget(self.table)
        self.note = QLabel(objectName="cohortNote")
        self.note.setWordWrap(True)
        self._layout.addWidget(self.note)
        self.report: CohortReport | None = None
        self.extra_arms: list[ReferenceArm] = []
        self._reading: BackgroundRead | None = None

    def period(self) -> tuple[date | None, date | None]:
        start = date_of(self.from_edit) if self.from_check.isChecked() else None
        end = date_of(self.to_edit) if self.to_check.isChecked() else None
        return start, end

    def _chosen_extra_arms(self) -> list[ReferenceArm]:
        return [
            arm
            for reference_id, check in self.extra_checks.items()
            if check.isChecked()
            for arm in load_reference(reference_id).arms.values()
        ]

    # --- reading and drawing ----------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while a report is being read; the screen shows the last one meanwhile."""
        return self._reading is not None

    def showEvent(self, event: QShowEvent) -> None:
        # Not the lazy chart's: that builds the canvas (and imports the chart library) here.
        QWidget.showEvent(self, event)
        if self._stale:
            self.redraw()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.redraw()

    def redraw(self) -> None:
        """Read the report and draw its chart off the GUI thread; show them when they come."""
        self._cancel_read()
        if open_store(self.context) is None:
            self._show_read(CohortRead(None, "No database open"))
            return
        if self.report is None:
            self.status_label.setText("Reading the cohort…")
        self._stale = False
        start, end = self.period()
        self._reading = read_in_background(
            self.context,
            read_cohort,
            start,
            end,
            self._chosen_extra_arms(),
            on_result=self._report_read,
            parent=self,
        )

    def _cancel_read(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None

    def _report_read(self, read: CohortRead | None) -> None:
        if read is None:
            read = CohortRead(None, "No database open" if open_store(self.context) is None else "")
        if read.figure is None:
            self._reading = None
            self._show_read(read)
            return
        # The Qt canvas module loads in this turn of the event loop (the first time), the
        # figure is painted in a later one: neither holds up input for long.
        importlib.import_module(_CANVAS_MODULE)
        QTimer.singleShot(_PAINT_AFTER_MS, self, lambda: self._show_drawn(read))

    def _show_drawn(self, read: CohortRead) -> None:
        if self._reading is None or not self._reading.delivered:
            return  # a newer read started meanwhile
        self._reading = None
        self._show_read(read)

    def _show_read(self, read: CohortRead) -> None:
        """Put the read's figure on a canvas of its own in place of the last one (the figure
        was filled off the GUI thread; only painting it is left here)."""
        if read.figure is not None:
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

            canvas = FigureCanvasQTAgg(read.figure)
            canvas.setObjectName("chartCanvas")
            shown = self.canvas if self.canvas is not None else self.placeholder
            self._layout.replaceWidget(shown, canvas)
            shown.deleteLater()
            self.figure, self.canvas = read.figure, canvas
        else:
            self._ensure_canvas()
            assert self.figure is not None
            self.figure.clear()
        self._show_numbers(read)
        self.status_label.setText(_sentence(read.message))
        self.save_button.setEnabled(bool(self.figure.axes) and not read.message)
        self.canvas.draw_idle()
        self.drawn.emit()

    def _show_numbers(self, read: CohortRead) -> None:
        """The table and the note under the chart."""
        self.report = read.report
        self.extra_arms = self._chosen_extra_arms()
        self.table.show_rows([], [])
        self.note.clear()
        if read.report is None:
            return
        self.table.show_rows(*report_table(read.report, self.extra_arms))
        statistics = read.report.statistics
        self.note.setText(
            f"{statistics.patients} patients, {statistics.cycles} cycles; "
            f"{statistics.period_text}. A patient counts once per event type, at the worst "
            "grade of that type; p is an exact binomial test against the trial's rate."
        )

    def draw_chart(self, figure: Figure) -> str:
        """Read and draw in one go on this thread, into the lazy chart's figure (saving a
        chart not drawn yet)."""
        from tracker.reports import charts

        store = open_store(self.context)
        if store is None:
            read = CohortRead(None, "No database open")
        else:
            read = read_cohort(store, *self.period(), self._chosen_extra_arms())
        self._show_numbers(read)
        if read.report is not None:
            charts.cohort_chart(
                figure, read.report.statistics, [*read.report.references, *self.extra_arms]
            )
        return read.message

    def save_to(self, path: Path) -> None:
        """Save the chart as shown; one not drawn yet (or out of date) is drawn here first."""
        from tracker.reports.charts import save_figure

        if self.figure is None or self._stale or self._reading is not None:
            self._cancel_read()
            LazyChart.redraw(self)
            self.status_label.setText(_sentence(self.status_label.text()))
        assert self.figure is not None
        # The save dialog has asked before replacing a file.
        save_figure(self.figure, path, overwrite=True, guarded=open_database_files(self.context))

    def default_file_name(self) -> str:
        return "grade-3-4-events.png"
