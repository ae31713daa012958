"""The Cohort report's grade 3-4 events page: the clinic's rates against the MM-010 trial.

The numbers come from ``tracker.reports.cohort_report``, as for ``tracker report``: the rate
of each event with its exact interval and a binomial test against the MM-010 lenalidomide
arm, beside both MM-010 arms. Other published arms can be drawn alongside for reference;
the test stays against MM-010.

The report and its chart are made off the GUI thread (``cohort_read``); the page only puts
the figure on a canvas and paints it (``period_chart``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QResizeEvent
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
    toxicity_reference_ids,
)
from tracker.domain.statistics import COHORT_EVENT_TYPES
from tracker.ui.cohort.cohort_read import CohortRead, read_cohort
from tracker.ui.cohort.period_chart import PeriodChart
from tracker.ui.common.context import AppContext

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tracker.reports.cohort_report import CohortReport

EVENT_NAMES = {"neutropenia": "Neutropenia", "thrombocytopenia": "Thrombocytopenia", "vte": "VTE"}
TRIAL_REFERENCE = DEFAULT_REFERENCE_ID
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


class CohortChartView(PeriodChart):
    """Grade 3-4 event rates of the courses started in a period, chart above table."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Grade 3-4 events in the clinic", parent)
        self.setObjectName("cohortChartView")
        self.extra_checks: dict[str, QCheckBox] = {}
        for reference_id in toxicity_reference_ids():
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

        self.table = CohortTable()
        self._layout.addWidget(self.table)
        self.note = QLabel(objectName="cohortNote")
        self.note.setWordWrap(True)
        self._layout.addWidget(self.note)
        self.report: CohortReport | None = None
        self.extra_arms: list[ReferenceArm] = []

    def _chosen_extra_arms(self) -> list[ReferenceArm]:
        return [
            arm
            for reference_id, check in self.extra_checks.items()
            if check.isChecked()
            for arm in load_reference(reference_id).arms.values()
        ]

    # --- what the page reads and shows ------------------------------------------------------

    def background_read(self) -> tuple[Callable[..., CohortRead], tuple[Any, ...]]:
        # Looked up here, at call time, so that the module's read can be watched in tests.
        return read_cohort, (*self.period(), self._chosen_extra_arms())

    def empty_read(self, message: str) -> CohortRead:
        return CohortRead(None, message)

    def show_numbers(self, read: CohortRead) -> None:
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

    def draw_read(self, figure: Figure, read: CohortRead) -> None:
        from tracker.reports import charts

        assert read.report is not None
        charts.cohort_chart(
            figure, read.report.statistics, [*read.report.references, *self.extra_arms]
        )

    def default_file_name(self) -> str:
        return "grade-3-4-events.png"
