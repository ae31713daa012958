"""The cycle calendar: one row per cycle, one cell per cycle day, painted by hand.

Each cell has two halves: lenalidomide on top, dexamethasone below, so both drugs stay
visible on the same day. A recorded dose (taken / missed) replaces the planned colour of its
half and adds a glyph, so the status reads without relying on colour alone; a day inside an
interruption is striped and marked H, with the record (if one was made anyway) on top.
The day numbers sit above the scrolled rows, in ``calendar_page.DayNumbersHeader``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QResizeEvent,
)
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

from tracker.domain.calendar import PlannedDay
from tracker.ui.patient.calendar_cells import COLOURS, DRUGS, DayCell
from tracker.ui.patient.calendar_painter import CellPainter

CELL_WIDTH = 30  # what the calendar asks for; it stretches or narrows to fit its room
MIN_CELL_WIDTH = 26
MAX_CELL_WIDTH = 44
CELL_HEIGHT = 38
HEADER_HEIGHT = 22  # the day numbers above the rows (``calendar_page.DayNumbersHeader``)
ROW_LABEL_WIDTH = 180


class CycleCalendar(QWidget):
    """Paints the course calendar; ``day_clicked`` carries the day and where to pop a menu.

    The keyboard cursor (arrow keys, or the last cell clicked) picks a day without opening
    its menu; ``cursor_changed`` fires whenever it moves, so the screen can follow it.
    """

    day_clicked = Signal(object, QPoint)
    cursor_changed = Signal()
    # The cells got wider or narrower: the day numbers above them follow.
    cells_resized = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cycleCalendar")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMouseTracking(True)
        # As wide as it is given (cells between MIN and MAX_CELL_WIDTH), as tall as its rows.
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.setAccessibleName("Cycle calendar")
        self._cell_width = CELL_WIDTH
        self._rows: list[list[DayCell]] = []
        self._delays: dict[int, int] = {}
        self._today: date | None = None
        self._cursor: tuple[int, int] | None = None

    # -- data ---------------------------------------------------------------------------
    def set_calendar(
        self,
        days: Sequence[PlannedDay],
        statuses: Mapping[tuple[date, str], str],
        today: date | None,
        started_cycles: int,
        delays: Mapping[int, int] | None = None,
        unheld_days: Sequence[PlannedDay] = (),
    ) -> None:
        """Show ``days`` (cycle order); cycles after ``started_cycles`` are drawn as planned.

        ``delays`` maps a cycle number to how many days after its planned date it started;
        ``unheld_days`` are the same days planned as if nothing were interrupted.
        """
        self._delays = dict(delays or {})
        unheld = {day.date: day for day in unheld_days}
        rows: dict[int, list[DayCell]] = {}
        for planned in days:
            day_statuses = {
                drug: statuses[(planned.date, drug)]
                for drug in DRUGS
                if (planned.date, drug) in statuses
            }
            started = planned.cycle <= started_cycles
            cell = DayCell(planned, day_statuses, started, unheld.get(planned.date))
            rows.setdefault(planned.cycle, []).append(cell)
        self._rows = [rows[number] for number in sorted(rows)]
        self._today = today
        if self._cursor and not self._cell_at_index(*self._cursor):
            self._move_cursor(None)
        self.updateGeometry()
        # A scroll area notices a resize of its widget, not a new size hint: say it directly.
        self.resize(max(self.width(), self.minimumSizeHint().width()), self.sizeHint().height())
        self._fit_cells()
        self.update()

    def clear(self) -> None:
        self.set_calendar([], {}, None, 0)

    @property
    def cycle_count(self) -> int:
        return len(self._rows)

    def cursor_cell(self) -> DayCell | None:
        """The day under the keyboard cursor, or None before one is picked."""
        return None if self._cursor is None else self._cell_at_index(*self._cursor)

    def cursor_cycle(self) -> int | None:
        """The cycle of the day under the keyboard cursor, or None before one is picked."""
        cell = self.cursor_cell()
        return None if cell is None else cell.planned.cycle

    def cursor_rect(self) -> QRect:
        """Where the keyboard cursor's cell is painted (empty before one is picked)."""
        return QRect() if self._cursor is None else self._rect_at_index(*self._cursor)

    def reset_cursor(self) -> None:
        """Forget the picked day: the next arrow key starts again from today."""
        self._move_cursor(None)

    def _move_cursor(self, index: tuple[int, int] | None) -> None:
        if index == self._cursor:
            return
        self._cursor = index
        self.update()
        self.cursor_changed.emit()

    def delay_of(self, cycle: int) -> int:
        return self._delays.get(cycle, 0)

    def cell(self, cycle: int, day: int) -> DayCell | None:
        for row in self._rows:
            if row and row[0].planned.cycle == cycle:
                return self._cell_at_index(self._rows.index(row), day - 1)
        return None

    def cell_for_date(self, when: date) -> DayCell | None:
        for row in self._rows:
            for cell in row:
                if cell.planned.date == when:
                    return cell
        return None

    def cell_rect(self, cycle: int, day: int) -> QRect:
        """Where the cell of ``cycle``/``day`` is painted (empty if not shown)."""
        for index, row in enumerate(self._rows):
            if row and row[0].planned.cycle == cycle and 1 <= day <= len(row):
                return self._rect_at_index(index, day - 1)
        return QRect()

    def cell_rect_for_date(self, when: date) -> QRect:
        rect = self._rect_for(self.cell_for_date(when))
        return QRect() if rect is None else rect

    def _rect_for(self, cell: DayCell | None) -> QRect | None:
        if cell is None:
            return None
        return self.cell_rect(cell.planned.cycle, cell.planned.day)

    def _cell_at_index(self, row: int, column: int) -> DayCell | None:
        if 0 <= row < len(self._rows) and 0 <= column < len(self._rows[row]):
            return self._rows[row][column]
        return None

    def _rect_at_index(self, row: int, column: int) -> QRect:
        return QRect(
            ROW_LABEL_WIDTH + column * self._cell_width,
            row * CELL_HEIGHT,
            self._cell_width,
            CELL_HEIGHT,
        )

    def _index_at(self, point: QPoint) -> tuple[int, int] | None:
        if point.x() < ROW_LABEL_WIDTH or point.y() < 0:
            return None
        column = (point.x() - ROW_LABEL_WIDTH) // self._cell_width
        row = point.y() // CELL_HEIGHT
        return (row, column) if self._cell_at_index(row, column) else None

    def cycle_top(self, cycle: int) -> int | None:
        """Where the row of ``cycle`` starts, in the calendar's own pixels (None: not shown)."""
        for index, row in enumerate(self._rows):
            if row and row[0].planned.cycle == cycle:
                return index * CELL_HEIGHT
        return None

    def cell_at_row_end(self) -> DayCell | None:
        """The last day of the last row shown, or None for an empty calendar."""
        return self._rows[-1][-1] if self._rows and self._rows[-1] else None

    def today_cycle(self) -> int | None:
        """The cycle whose row holds today, or None when today is on no row."""
        cell = self.cell_for_date(self._today) if self._today is not None else None
        return None if cell is None else cell.planned.cycle

    # -- geometry -----------------------------------------------------------------------
    def columns(self) -> int:
        """How many day columns the rows need (28 for an empty calendar)."""
        return max((len(row) for row in self._rows), default=28)

    def _size_for(self, cell_width: int) -> QSize:
        return QSize(
            ROW_LABEL_WIDTH + self.columns() * cell_width + 2,
            max(1, len(self._rows)) * CELL_HEIGHT + 2,
        )

    def sizeHint(self) -> QSize:
        return self._size_for(CELL_WIDTH)

    def minimumSizeHint(self) -> QSize:
        return self._size_for(MIN_CELL_WIDTH)

    @property
    def cell_width(self) -> int:
        return self._cell_width

    def _fit_cells(self) -> None:
        room = self.width() - ROW_LABEL_WIDTH - 2
        width = max(MIN_CELL_WIDTH, min(MAX_CELL_WIDTH, room // self.columns()))
        if width != self._cell_width:
            self._cell_width = width
            self.cells_resized.emit()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_cells()

    # -- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(event.rect(), self.palette().base())
        if not self._rows:
            painter.setPen(self.palette().text().color())
            painter.drawText(
                self.rect().adjusted(8, 0, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                "No course yet: start one with Start course (Ctrl+Shift+S).",
            )
            painter.end()
            return
        cells = CellPainter(painter, self.font(), self.palette())
        # Only the rows in the exposed area: a long course has far more rows than show.
        first = max(0, event.rect().top() // CELL_HEIGHT)
        last = min(len(self._rows) - 1, event.rect().bottom() // CELL_HEIGHT)
        for index in range(first, last + 1):
            row = self._rows[index]
            label = QRect(4, index * CELL_HEIGHT, ROW_LABEL_WIDTH - 8, CELL_HEIGHT)
            cells.row_label(label, row, self._delays.get(row[0].planned.cycle, 0))
            for column, cell in enumerate(row):
                cells.cell(self._rect_at_index(index, column), cell)
        self._paint_outlines(painter)
        painter.end()

    def _paint_outlines(self, painter: QPainter) -> None:
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if self._today is not None:
            rect = self._rect_for(self.cell_for_date(self._today))
            if rect is not None:
                painter.setPen(QPen(COLOURS["today"], 3))
                painter.drawRect(rect.adjusted(1, 1, -2, -2))
        if self._cursor is not None and self.hasFocus():
            rect = self._rect_at_index(*self._cursor)
            pen = QPen(self.palette().highlight().color(), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(rect.adjusted(2, 2, -3, -3))

    # -- interaction --------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            super().mousePressEvent(event)
            return
        index = self._index_at(event.position().toPoint())
        if index is None:
            super().mousePressEvent(event)
            return
        self._move_cursor(index)
        self._emit_clicked(*index)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        moves = {
            Qt.Key.Key_Left: (0, -1),
            Qt.Key.Key_Right: (0, 1),
            Qt.Key.Key_Up: (-1, 0),
            Qt.Key.Key_Down: (1, 0),
        }
        key = Qt.Key(event.key())
        if key in moves and self._rows:
            row, column = self._cursor or self._today_index() or (0, 0)
            if self._cursor is not None:
                row, column = row + moves[key][0], column + moves[key][1]
            if self._cell_at_index(row, column):
                self._move_cursor((row, column))
            return
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space) and self._cursor:
            self._emit_clicked(*self._cursor)
            return
        super().keyPressEvent(event)

    def _today_index(self) -> tuple[int, int] | None:
        for row_index, row in enumerate(self._rows):
            for column, cell in enumerate(row):
                if cell.planned.date == self._today:
                    return row_index, column
        return None

    def _emit_clicked(self, row: int, column: int) -> None:
        cell = self._rows[row][column]
        anchor = self.mapToGlobal(self._rect_at_index(row, column).bottomLeft())
        self.day_clicked.emit(cell, anchor)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            index = self._index_at(event.pos())
            if index is None:
                QToolTip.hideText()
            else:
                QToolTip.showText(
                    event.globalPos(), self._rows[index[0]][index[1]].describe(), self
                )
            return True
        return super().event(event)
