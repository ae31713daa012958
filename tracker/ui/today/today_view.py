"""The Today screen: every patient on treatment, what they take today, and what needs a look.

Every cell is the treatment engine's answer for the day (``queries.today_rows``, worded by
``today_lines``). Advice is a prompt for the clinician, never a change made by the program.
With thousands on treatment the read takes a noticeable moment, so it runs off the GUI thread
with a connection of its own, and the table fills when it arrives.
"""

from __future__ import annotations

import importlib.util
from datetime import date
from pathlib import Path

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont, QFontMetrics, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import BackgroundRead, read, read_in_background
from tracker.ui.common.settings import AppSettings
from tracker.ui.today.today_lines import TodayRead, read_today
from tracker.ui.today.today_model import (
    ADVICE_COLUMN,
    COLUMNS,
    CYCLE_COLUMN,
    EVENTS_COLUMN,
    LABS_COLUMN,
    LENALIDOMIDE_COLUMN,
    NAME_COLUMN,
    REMS_COLUMN,
    TodayModel,
)
from tracker.ui.widgets.table_model import PATIENT_ID_ROLE, open_on_enter, record_table

__all__ = ["COLUMNS", "PATIENT_ID_ROLE", "TodayModel", "TodayView", "sheets_available"]

_EXPOSE_POLL_MS = 10
# Widest a column is made to fit its text; the events column, last, takes what is left and
# the full text of any cell is in its tooltip.
_MOST_WIDTH = {0: 140, 1: 220, 2: 120, 3: 140, 4: 120, 5: 170, 6: 230, 7: 400}
_EVENTS_LEAST_WIDTH = 40
# In a narrow window these columns give way, in this order and down to these widths, before
# the events column does (every cell's full text is in its tooltip); the advice and the
# doses never do.
_GIVING_WAY = ((LABS_COLUMN, 100), (CYCLE_COLUMN, 90), (REMS_COLUMN, 120), (NAME_COLUMN, 100))
_HEADER_PADDING = 16
_MEASURED_TEXTS, _CELL_PADDING = 8, 14
NO_PATIENTS_YET = (
    "No patients yet. Add one with Patient > New patient… (Ctrl+N), then start their course "
    "from their screen with Start course (Ctrl+Shift+S)."
)
NOBODY_ON_TREATMENT = (
    "No patient is on an active course. Find the patient under Patients (Ctrl+2) and start "
    "their course with Start course (Ctrl+Shift+S)."
)
NOT_READ = "Today's patients could not be read."


_SHEET_MODULES = ("tracker.ui.common.sheet_actions", "tracker.reports.sheet_load")


def _is_bold(column: int, text: str) -> bool:
    """Whether ``text`` is drawn bold in ``column`` (see ``TodayModel.row_data``)."""
    if column == LABS_COLUMN:
        return text.startswith("due")
    if column == LENALIDOMIDE_COLUMN:
        return text.startswith("held")
    if column == REMS_COLUMN:
        return bool(text) and not text.startswith("next test")
    return column == ADVICE_COLUMN and text != "Continue"


def sheets_available() -> bool:
    """True when this build can print the week's cycle sheets (checked without importing)."""
    return all(importlib.util.find_spec(name) is not None for name in _SHEET_MODULES)


class TodayView(QWidget):
    patient_activated = Signal(int)
    # The rows of a read are in the table (also when there are none to show).
    filled = Signal()

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        settings: AppSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("todayView")
        self._context = context
        self._settings = settings if settings is not None else AppSettings()
        self._stale = True
        self._load_scheduled = False
        self._reading: BackgroundRead | None = None
        # What the screen says while no store is open; the start-up sequence sets "Opening …".
        self.no_database_text = "No database is open."
        self.shown_date: date | None = None

        self.title = QLabel(objectName="todayTitle")
        title_font = self.title.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        title_font.setBold(True)
        self.title.setFont(title_font)
        self.summary = QLabel(objectName="todaySummary")

        self.model = TodayModel(self)
        self.table = record_table(self.model, "todayTable")
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setWordWrap(False)
        self.table.verticalHeader().setDefaultSectionSize(24)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        header.setMinimumSectionSize(_EVENTS_LEAST_WIDTH // 2)
        # Columns follow the window until the user drags one: then their widths stand.
        self._fitting = False
        self._user_sized = False
        self._text_widths: dict[int, int] = {}
        header.sectionResized.connect(self._section_resized)
        self.table.setSortingEnabled(True)
        # Patients with pending hold advice first, then everyone else by name.
        self.table.sortByColumn(ADVICE_COLUMN, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self._open_index)
        open_on_enter(self.table, self.open_selected)

        self.sheet_buttons = self._sheet_buttons()
        top = QHBoxLayout()
        top.addWidget(self.title)
        top.addStretch(1)
        for button in self.sheet_buttons:
            top.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)

        context.data_changed.connect(self._data_changed)

    # --- the week's sheets ----------------------------------------------------------------

    def _sheet_buttons(self) -> list[QToolButton]:
        available = sheets_available()
        buttons = []
        for name, text, slot in (
            ("printSheetsButton", "Print week's sheets…", self.print_week_sheets),
            ("previewSheetsButton", "Preview", self.preview_week_sheets),
            ("saveSheetsButton", "Save as PDF…", self.save_week_sheets),
        ):
            button = QToolButton(objectName=name)
            button.setText(text)
            button.clicked.connect(slot)
            button.setEnabled(False)
            if not available:
                button.setToolTip("Cycle sheets are not part of this build")
            buttons.append(button)
        return buttons

    def _enable_sheet_buttons(self, has_store: bool) -> None:
        available = sheets_available()
        for button in self.sheet_buttons:
            button.setEnabled(has_store and available)

    def _week_sheets(self) -> list | None:
        if not self._context.has_store:
            return None
        from tracker.reports.sheet_load import load_week_sheets

        return read(self._context, load_week_sheets, self._context.store.today(), parent=self)

    def print_week_sheets(self) -> bool:
        sheets = self._week_sheets()
        if sheets is None:
            return False
        from tracker.ui.common.sheet_actions import print_sheets

        return print_sheets(self, sheets, context=self._context)

    def preview_week_sheets(self) -> None:
        sheets = self._week_sheets()
        if sheets is not None:
            from tracker.ui.common.sheet_actions import preview_sheets

            preview_sheets(self, sheets, context=self._context)

    def save_week_sheets(self) -> Path | None:
        sheets = self._week_sheets()
        if sheets is None:
            return None
        from tracker.ui.common.sheet_actions import save_sheets_pdf

        return save_sheets_pdf(self, sheets, self._settings, context=self._context)

    # --- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        """Read today's rows again: off the GUI thread, the table filling when they come."""
        self._cancel_read()
        if not self._context.has_store:
            self._show_no_store()
            return
        on = self._context.store.today()
        self._reading = read_in_background(
            self._context, read_today, on, on_result=self._rows_read, parent=self
        )

    def _cancel_read(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None

    def _show_no_store(self) -> None:
        self.model.set_lines([])
        self.title.setText("Today")
        self.summary.setText(self.no_database_text)
        self._enable_sheet_buttons(False)
        self.shown_date = None
        self._stale = False
        self.filled.emit()

    def _rows_read(self, today: TodayRead | None) -> None:
        self._reading = None
        if not self._context.has_store:
            self._show_no_store()
            return
        self._stale = False
        if today is None:
            self.model.set_lines([])
            self.summary.setText(NOT_READ)
            self.filled.emit()
            return
        on = today.on
        self.model.set_lines(today.lines)
        self._text_widths = self._measure_columns(today.longest)
        self._fit_columns()
        self._enable_sheet_buttons(True)
        self.shown_date = on
        self.title.setText(f"Today, {on:%A} {on.day} {on:%B %Y}")
        if today.lines:
            self.summary.setText(today.summary)
        else:
            self.summary.setText(NOBODY_ON_TREATMENT if today.anyone else NO_PATIENTS_YET)
        self.filled.emit()

    def _section_resized(self, section: int, _old: int, _new: int) -> None:
        if not self._fitting and section != EVENTS_COLUMN:
            self._user_sized = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Each column as wide as its text (up to a limit), the name, labs and cycle giving
        way when the window is narrow, so the advice stays readable at 1024 pixels. Once the
        user has dragged a column, widths are theirs."""
        if self._user_sized or not self.model.rowCount() or not self._text_widths:
            return
        self._fitting = True
        try:
            self._fit_widths()
        finally:
            self._fitting = False

    def _measure_columns(self, longest: tuple[tuple[str, ...], ...]) -> dict[int, int]:
        """How wide each column's text is (up to its limit), measured once per reload and
        reused as the window is resized. Only the longest few texts of a column are measured
        (the read picks them): asking the view to size thousands of rows took longer than
        reading them."""
        header = self.table.horizontalHeader()
        titles = header.fontMetrics()
        bold = QFont(self.table.font())
        bold.setBold(True)
        plain = QFontMetrics(self.table.font())
        widths = {}
        bold_metrics = QFontMetrics(bold)
        for column, most in _MOST_WIDTH.items():
            # Some cells are bold where they ask for attention: measured as drawn.
            text_width = max(
                (
                    (bold_metrics if _is_bold(column, text) else plain).horizontalAdvance(text)
                    for text in longest[column]
                ),
                default=0,
            )
            # The title's own width, without room for a sort arrow it seldom shows.
            title_width = titles.horizontalAdvance(COLUMNS[column].title) + _HEADER_PADDING
            widths[column] = min(max(title_width, text_width + _CELL_PADDING), most)
        return widths

    def _fit_widths(self) -> None:
        header = self.table.horizontalHeader()
        widths = dict(self._text_widths)
        if not widths:
            return
        room = self.table.viewport().width()
        short = sum(widths.values()) + _EVENTS_LEAST_WIDTH - room
        for column, least in _GIVING_WAY:
            given = min(max(short, 0), max(widths[column] - least, 0))
            widths[column] -= given
            short -= given
        for column, width in widths.items():
            header.resizeSection(column, width)
        # The events column, last, stretches into what is left; where little is left it
        # takes just that rather than pushing the table into sideways scrolling.
        left = room - sum(widths.values())
        if left < header.sectionSize(EVENTS_COLUMN):
            header.resizeSection(EVENTS_COLUMN, max(left, header.minimumSectionSize()))

    def _data_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    @property
    def loading(self) -> bool:
        """True from the moment the screen is shown stale, or a read starts, until its rows
        are in."""
        return self._load_scheduled or self._reading is not None

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self._load_scheduled:
            # Read once the window is on screen (a window closed at once reads nothing).
            self._load_scheduled = True
            self.summary.setText("Loading today's patients…")
            QTimer.singleShot(0, self._load_when_exposed)

    def _load_when_exposed(self) -> None:
        handle = self.window().windowHandle()
        if handle is not None and not handle.isExposed() and self.isVisible():
            QTimer.singleShot(_EXPOSE_POLL_MS, self._load_when_exposed)
            return
        self._load_scheduled = False
        # Hidden (or closed) before the read came round: the next show reads instead, while
        # the database is surely still open.
        if self._stale and self.isVisible():
            self.reload()

    # --- opening a patient ----------------------------------------------------------------

    def _open_index(self, index: QModelIndex) -> None:
        patient_id = index.data(PATIENT_ID_ROLE)
        if patient_id is not None:
            self.patient_activated.emit(patient_id)

    def open_selected(self) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._open_index(rows[0])
