"""The Today screen: every patient on treatment, what they take today, and what needs a look.

Hold advice here is a prompt for the clinician, never a change made by the program: the US
label's rules applied to the latest counts and open events (see ``today_advice``).
"""

from __future__ import annotations

import heapq
import importlib.util
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetrics, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker.domain.errors import DomainError
from tracker.ui.context import AppContext
from tracker.ui.dates import long_date, short_date
from tracker.ui.reads import read
from tracker.ui.settings import AppSettings
from tracker.ui.table_model import (
    PATIENT_ID_ROLE,
    Column,
    ReadOnlyTableModel,
    open_on_enter,
    record_table,
)

if TYPE_CHECKING:
    from tracker.storage.database import Store
    from tracker.storage.queries import TodayRow
    from tracker.ui.today_advice import HoldAdvice

_EXPOSE_POLL_MS = 10

_ATTENTION_BACKGROUND = QColor("#fff1d6")
_EVENT_FOREGROUND = QColor("#a61b1b")
_EVENT_NAMES = {
    "neutropenia": "Neutropenia",
    "thrombocytopenia": "Thrombocytopenia",
    "vte": "VTE",
}


@dataclass(frozen=True)
class TodayLine:
    """One row of the Today table, as text and sort keys, worked out once per refresh."""

    patient_id: int
    mrn: str
    name: str
    cycle_text: str
    cycle_key: tuple
    lenalidomide_text: str
    lenalidomide_key: float
    dexamethasone_text: str
    dexamethasone_key: float
    labs_text: str
    labs_due: bool
    events_text: str
    events_detail: str
    events_count: int
    advice: str
    advice_detail: str = ""
    urgent: bool = False
    held: bool = False

    @property
    def needs_attention(self) -> bool:
        return self.urgent or self.labs_due


def _event_name(event: Any) -> str:
    """The short name for the table; the full CTCAE term goes in the tooltip."""
    return _EVENT_NAMES.get(event.event_type) or event.term or event.event_type


def _short_date(day: date, on: date) -> str:
    """'28 Feb', with the year only when it is not this year's."""
    return short_date(day, on)


def _event_text(event: Any, on: date) -> str:
    return f"{_event_name(event)} G{event.grade} since {_short_date(event.onset_date, on)}"


def _event_detail(event: Any) -> str:
    term = event.term or _event_name(event)
    return (
        f"{term}, grade {event.grade} ({event.ctcae_version}), since {long_date(event.onset_date)}"
    )


def _mg_text(milligrams: float) -> str:
    # The regimen module (and the TOML reader behind it) loads with the first rows.
    from tracker.domain.regimen import format_mg

    return f"{format_mg(milligrams)} mg"


def _lenalidomide_text(row: TodayRow) -> str:
    if row.cycle_number is None:
        return "—"
    if row.lenalidomide_held:
        return "held"
    if row.lenalidomide_mg:
        return _mg_text(row.lenalidomide_mg)
    from tracker.storage import queries

    try:
        schedule = queries.regimen_of(row.course).lenalidomide
    except DomainError:
        return "none"
    if schedule.is_dosing_day(row.cycle_number, row.cycle_day):
        return "none today (q48h)" if row.course.len_every_days > 1 else "none"
    return "rest"


def next_cycle_due(store: Store, rows: list[TodayRow]) -> dict[int, tuple[int, date]]:
    """(number, planned start) of the next cycle of each course between cycles, by course id."""
    from tracker.storage import queries

    due = {}
    for row in rows:
        if row.cycle_number is None:
            cycles = queries.cycles_of(store, row.course.id)
            if cycles:
                last = cycles[-1]
                length = queries.regimen_of(row.course).cycle_length_days
                due[row.course.id] = (last.number + 1, last.actual_start + timedelta(days=length))
    return due


def line_from(
    row: TodayRow,
    on: date,
    advice: HoldAdvice | None = None,
    next_cycle: tuple[int, date] | None = None,
) -> TodayLine:
    if row.cycle_number is None:
        cycle_text, cycle_key = "between cycles", (0, 0)
        if next_cycle is not None:
            number, planned = next_cycle
            cycle_text = f"C{number} due {_short_date(planned, on)}"
    else:
        cycle_text = f"C{row.cycle_number} D{row.cycle_day}"
        cycle_key = (row.cycle_number, row.cycle_day)
    if row.labs_due:
        labs_text = "due"
        if row.last_count_date is not None:
            labs_text += f" (last {_short_date(row.last_count_date, on)})"
    elif row.last_count_date is not None:
        labs_text = f"last {_short_date(row.last_count_date, on)}"
    else:
        labs_text = ""
    return TodayLine(
        patient_id=row.patient.id,
        mrn=row.patient.mrn,
        name=row.patient.name,
        cycle_text=cycle_text,
        cycle_key=cycle_key,
        lenalidomide_text=_lenalidomide_text(row),
        lenalidomide_key=-1.0 if row.lenalidomide_held else row.lenalidomide_mg,
        dexamethasone_text=_mg_text(row.dexamethasone_mg) if row.dexamethasone_mg else "—",
        dexamethasone_key=row.dexamethasone_mg,
        labs_text=labs_text,
        labs_due=row.labs_due,
        events_text="; ".join(_event_text(event, on) for event in row.open_events),
        events_detail="\n".join(_event_detail(event) for event in row.open_events),
        events_count=len(row.open_events),
        advice=advice.text if advice else "",
        advice_detail=advice.detail if advice else "",
        urgent=advice.urgent if advice else False,
        held=row.lenalidomide_held,
    )


COLUMNS: tuple[Column[TodayLine], ...] = (
    Column("MRN", lambda line: line.mrn, lambda line: line.mrn.casefold()),
    Column("Name", lambda line: line.name, lambda line: line.name.casefold()),
    Column("Cycle", lambda line: line.cycle_text, lambda line: line.cycle_key),
    Column("Len today", lambda line: line.lenalidomide_text, lambda line: line.lenalidomide_key),
    Column("Dex today", lambda line: line.dexamethasone_text, lambda line: line.dexamethasone_key),
    Column("Labs", lambda line: line.labs_text, lambda line: (not line.labs_due, line.labs_text)),
    Column(
        "Hold advice",
        lambda line: line.advice,
        lambda line: (not line.urgent, not line.advice),
    ),
    Column("Grade 3-4 events", lambda line: line.events_text, lambda line: -line.events_count),
)
NAME_COLUMN = 1
LABS_COLUMN, ADVICE_COLUMN, EVENTS_COLUMN = 5, 6, 7
# Widest a column is made to fit its text; the events column, last, takes what is left and
# the full text of any cell is in its tooltip.
_MOST_WIDTH = {0: 140, 1: 220, 2: 120, 3: 130, 4: 120, 5: 140, 6: 360}
_NAME_LEAST_WIDTH, _EVENTS_LEAST_WIDTH = 110, 120
_MEASURED_TEXTS, _CELL_PADDING = 8, 14
NO_PATIENTS_YET = (
    "No patients yet. Add one with Patient > New patient… (Ctrl+N), then start their course "
    "from their screen with Start course (Ctrl+Shift+S)."
)
NOBODY_ON_TREATMENT = (
    "No patient is on an active course. Find the patient under Patients (Ctrl+2) and start "
    "their course with Start course (Ctrl+Shift+S)."
)
HEADER_TIPS = {
    3: "Lenalidomide due today: the dose, held, rest, or none on an off day",
    4: "Dexamethasone due today",
}


class TodayModel(ReadOnlyTableModel[TodayLine]):
    HEADERS = tuple(column.title for column in COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sort: tuple[int, Qt.SortOrder] = (ADVICE_COLUMN, Qt.SortOrder.AscendingOrder)

    def set_rows(
        self,
        rows: list[TodayRow],
        on: date,
        advice: dict[int, HoldAdvice] | None = None,
        next_cycles: dict[int, tuple[int, date]] | None = None,
    ) -> None:
        """``advice`` and ``next_cycles`` by course id (see ``read_advice``, ``next_cycle_due``)."""
        advice, next_cycles = advice or {}, next_cycles or {}
        self.beginResetModel()
        self._rows = [
            line_from(row, on, advice.get(row.course.id), next_cycles.get(row.course.id))
            for row in rows
        ]
        self._sort_lines()
        self.endResetModel()

    def lines(self) -> list[TodayLine]:
        return list(self._rows)

    def row_data(self, line: TodayLine, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].text(line)
        if role == PATIENT_ID_ROLE:
            return line.patient_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == ADVICE_COLUMN and line.advice:
                return line.advice_detail or line.advice
            if column == EVENTS_COLUMN and line.events_detail:
                return line.events_detail
            return COLUMNS[column].text(line) or None
        if role == Qt.ItemDataRole.BackgroundRole and line.urgent:
            return QBrush(_ATTENTION_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and column == EVENTS_COLUMN:
            return QBrush(_EVENT_FOREGROUND) if line.events_count else None
        if role == Qt.ItemDataRole.ForegroundRole and column == ADVICE_COLUMN:
            return QBrush(_EVENT_FOREGROUND) if line.urgent else None
        if role == Qt.ItemDataRole.FontRole and column == LABS_COLUMN and line.labs_due:
            bold = QFont()
            bold.setBold(True)
            return bold
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.ToolTipRole and orientation == Qt.Orientation.Horizontal:
            return HEADER_TIPS.get(section)
        return super().headerData(section, orientation, role)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort = (column, order)
        self._rearrange(self._sort_lines)

    def _sort_lines(self) -> None:
        column, order = self._sort
        key = COLUMNS[column].key
        # Ties keep a stable, readable order: by name.
        self._rows.sort(key=lambda line: line.name.casefold())
        self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)


_SHEET_MODULES = ("tracker.ui.sheet_actions", "tracker.reports.sheet_load")


def sheets_available() -> bool:
    """True when this build can print the week's cycle sheets (checked without importing)."""
    return all(importlib.util.find_spec(name) is not None for name in _SHEET_MODULES)


class TodayView(QWidget):
    patient_activated = Signal(int)

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
        from tracker.ui.sheet_actions import print_sheets

        return print_sheets(self, sheets, context=self._context)

    def preview_week_sheets(self) -> None:
        sheets = self._week_sheets()
        if sheets is not None:
            from tracker.ui.sheet_actions import preview_sheets

            preview_sheets(self, sheets, context=self._context)

    def save_week_sheets(self) -> Path | None:
        sheets = self._week_sheets()
        if sheets is None:
            return None
        from tracker.ui.sheet_actions import save_sheets_pdf

        return save_sheets_pdf(self, sheets, self._settings, context=self._context)

    # --- loading --------------------------------------------------------------------------

    def reload(self) -> None:
        if not self._context.has_store:
            self.model.set_rows([], date.today())
            self.title.setText("Today")
            self.summary.setText(self.no_database_text)
            self._enable_sheet_buttons(False)
            self._stale = False
            return
        # The queries, the label's rules and the grading come with the first rows, once the
        # window is on screen, rather than with this module.
        from tracker.storage import queries
        from tracker.ui.today_advice import read_advice

        store = self._context.store
        on = store.today()
        rows = read(self._context, queries.today_rows, on, parent=self) or []
        advice = read(self._context, read_advice, rows, on, parent=self) or {}
        next_cycles = read(self._context, next_cycle_due, rows, parent=self) or {}
        self.model.set_rows(rows, on, advice, next_cycles)
        self._text_widths = self._measure_columns()
        self._fit_columns()
        self._enable_sheet_buttons(True)
        self.shown_date = on
        self.title.setText(f"Today, {on:%A} {on.day} {on:%B %Y}")
        lines = self.model.lines()
        if lines:
            self.summary.setText(self._summary(lines))
        else:
            anyone = read(self._context, queries.count_patients, parent=self)
            self.summary.setText(NO_PATIENTS_YET if not anyone else NOBODY_ON_TREATMENT)
        self._stale = False

    def _section_resized(self, section: int, _old: int, _new: int) -> None:
        if not self._fitting and section != EVENTS_COLUMN:
            self._user_sized = True

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_columns()

    def _fit_columns(self) -> None:
        """Each column as wide as its text (up to a limit), the name giving way first when
        the window is narrow, so the hold advice stays readable at 1024 pixels. Once the user
        has dragged a column, widths are theirs."""
        if self._user_sized or not self.model.rowCount() or not self._text_widths:
            return
        self._fitting = True
        try:
            self._fit_widths()
        finally:
            self._fitting = False

    def _measure_columns(self) -> dict[int, int]:
        """How wide each column's text is (up to its limit), measured once per reload and
        reused as the window is resized. Only the longest few texts of a column are measured:
        asking the view to size thousands of rows took longer than reading them."""
        header = self.table.horizontalHeader()
        lines = self.model.lines()
        bold = QFont(self.table.font())
        bold.setBold(True)
        widths = {}
        for column, most in _MOST_WIDTH.items():
            texts = heapq.nlargest(
                _MEASURED_TEXTS, (COLUMNS[column].text(line) for line in lines), key=len
            )
            metrics = QFontMetrics(bold if column == LABS_COLUMN else self.table.font())
            text_width = max((metrics.horizontalAdvance(text) for text in texts), default=0)
            needed = max(header.sectionSizeHint(column), text_width + _CELL_PADDING)
            widths[column] = min(needed, most)
        return widths

    def _fit_widths(self) -> None:
        header = self.table.horizontalHeader()
        widths = dict(self._text_widths)
        if not widths:
            return
        short = sum(widths.values()) + _EVENTS_LEAST_WIDTH - self.table.viewport().width()
        if short > 0:
            widths[NAME_COLUMN] = max(_NAME_LEAST_WIDTH, widths[NAME_COLUMN] - short)
        for column, width in widths.items():
            header.resizeSection(column, width)

    @staticmethod
    def _summary(lines: list[TodayLine]) -> str:
        parts = [f"{len(lines):,} on treatment"]
        labs = sum(line.labs_due for line in lines)
        events = sum(1 for line in lines if line.events_count)
        held = sum(line.held for line in lines)
        if labs:
            parts.append(f"{labs:,} with labs due")
        if events:
            parts.append(f"{events:,} with open grade 3-4 events")
        if held:
            parts.append(f"{held:,} with lenalidomide held")
        return " · ".join(parts)

    def _data_changed(self) -> None:
        self._stale = True
        if self.isVisible():
            self.reload()

    @property
    def loading(self) -> bool:
        """True from the moment the screen is shown stale until its rows are in."""
        return self._load_scheduled

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self._load_scheduled:
            # Read after the window is on screen: with thousands of patients on treatment the
            # read takes a noticeable moment, and an empty window that fills beats no window.
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
