"""The Today table's columns and model: the lines ``today_lines`` made, shown and sorted."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from tracker.ui.today.today_lines import (
    TEXT_FIELDS,
    TodayLine,
    advice_detail,
    events_detail,
    labs_detail,
    lenalidomide_detail,
)
from tracker.ui.today.today_rems import rems_detail
from tracker.ui.widgets.table_model import PATIENT_ID_ROLE, Column, ReadOnlyTableModel

__all__ = ["COLUMNS", "PATIENT_ID_ROLE", "TodayModel"]

ATTENTION_BACKGROUND = QColor("#fff1d6")
ATTENTION_FOREGROUND = QColor("#a61b1b")

COLUMNS: tuple[Column[TodayLine], ...] = (
    Column("MRN", lambda line: line.mrn, lambda line: line.mrn.casefold()),
    Column("Name", lambda line: line.name, lambda line: line.name.casefold()),
    Column("Cycle", lambda line: line.cycle_text, lambda line: line.cycle_key),
    Column("Len today", lambda line: line.lenalidomide_text, lambda line: line.lenalidomide_key),
    Column("Dex today", lambda line: line.dexamethasone_text, lambda line: line.dexamethasone_key),
    Column("Labs", lambda line: line.labs_text, lambda line: (not line.labs_due, line.labs_text)),
    Column("REMS", lambda line: line.rems_text, lambda line: (line.rems_rank, line.rems_text)),
    Column("Advice", lambda line: line.advice_text, lambda line: line.advice_rank),
    Column("Grade 3-4 events", lambda line: line.events_text, lambda line: -line.events_count),
)
NAME_COLUMN, CYCLE_COLUMN, LENALIDOMIDE_COLUMN = 1, 2, 3
_DISPLAY = Qt.ItemDataRole.DisplayRole.value
_TOOLTIP = Qt.ItemDataRole.ToolTipRole.value
_BACKGROUND = Qt.ItemDataRole.BackgroundRole.value
_FOREGROUND = Qt.ItemDataRole.ForegroundRole.value
_FONT = Qt.ItemDataRole.FontRole.value
LABS_COLUMN, REMS_COLUMN, ADVICE_COLUMN, EVENTS_COLUMN = 5, 6, 7, 8
HEADER_TIPS = {
    LENALIDOMIDE_COLUMN: "Lenalidomide due today: the dose, held (interrupted) since a date, "
    "rest, or none on an off day",
    4: "Dexamethasone due today",
    LABS_COLUMN: "Whether a blood count is due today, else when the next one is",
    REMS_COLUMN: "Pregnancy prevention (Lenalidomide REMS): a pregnancy test due today or "
    "overdue, an authorization missing, a stop, or a female patient without a category",
    ADVICE_COLUMN: "The US label's advice for today from the counts, events and interruptions "
    "recorded (decision support only; the clinician decides)",
}


def _bold() -> QFont:
    font = QFont()
    font.setBold(True)
    return font


class TodayModel(ReadOnlyTableModel[TodayLine]):
    HEADERS = tuple(column.title for column in COLUMNS)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._sort: tuple[int, Qt.SortOrder] = (ADVICE_COLUMN, Qt.SortOrder.AscendingOrder)
        self._bold = _bold()
        self._attention_background = QBrush(ATTENTION_BACKGROUND)
        self._attention_foreground = QBrush(ATTENTION_FOREGROUND)

    def set_lines(self, lines: list[TodayLine]) -> None:
        self.beginResetModel()
        self._rows = list(lines)
        self._sort_lines()
        self.endResetModel()

    def lines(self) -> list[TodayLine]:
        return list(self._rows)

    def row_data(self, line: TodayLine, column: int, role: int) -> Any:
        # The view asks for a dozen roles per cell each time it paints: compared as plain
        # numbers, looked up once (a Qt enum looked up per call costs more than the answer).
        if role == _DISPLAY:
            return getattr(line, TEXT_FIELDS[column])
        if role == PATIENT_ID_ROLE:
            return line.patient_id
        if role == _TOOLTIP:
            return self._tooltip(line, column)
        if role == _BACKGROUND:
            return self._attention_background if line.stands_out else None
        if role == _FOREGROUND:
            if column == EVENTS_COLUMN and (line.events_count or line.renal_note):
                return self._attention_foreground
            if column in (ADVICE_COLUMN, LENALIDOMIDE_COLUMN) and line.stands_out:
                return self._attention_foreground
            if column == REMS_COLUMN and line.rems_needs_action:
                return self._attention_foreground
            return None
        if role == _FONT:
            if (column == LABS_COLUMN and line.labs_due) or (
                column == ADVICE_COLUMN and line.stands_out
            ):
                return self._bold
            if column == LENALIDOMIDE_COLUMN and line.held:
                return self._bold
            if column == REMS_COLUMN and line.rems_needs_action:
                return self._bold
        return None

    @staticmethod
    def _tooltip(line: TodayLine, column: int) -> str | None:
        if column == ADVICE_COLUMN:
            return advice_detail(line.advice)
        if column == LENALIDOMIDE_COLUMN:
            return lenalidomide_detail(line.state) or None
        if column == LABS_COLUMN:
            return labs_detail(line.state) or None
        if column == EVENTS_COLUMN:
            return events_detail(line.state, line.renal_note) or None
        if column == REMS_COLUMN:
            return rems_detail(line.state.rems) or None
        return COLUMNS[column].text(line) or None

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
