"""The cycle calendar: one row per cycle, one cell per cycle day, painted by hand.

Each cell has two halves: lenalidomide on top, dexamethasone below, so both drugs stay
visible on the same day. A recorded dose (taken / missed / held) replaces the planned colour
of its half and adds a glyph, so the status reads without relying on colour alone.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from PySide6.QtCore import QEvent, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
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
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, format_mg
from tracker.ui.dates import long_date, weekday_date

TAKEN, MISSED, HELD = "taken", "missed", "held"
DOSE_STATUSES = (TAKEN, MISSED, HELD)
DRUGS = (LENALIDOMIDE, DEXAMETHASONE)
DRUG_LABELS = {LENALIDOMIDE: "Lenalidomide", DEXAMETHASONE: "Dexamethasone"}

# Colour-blind friendly (Okabe-Ito based); every status also has a glyph.
COLOURS = {
    "lenalidomide": QColor("#9ecae1"),
    "dexamethasone": QColor("#f6c177"),
    "rest": QColor("#e6e6e6"),
    "off": QColor("#fbfbfb"),
    TAKEN: QColor("#2e9e6a"),
    MISSED: QColor("#c0392b"),
    HELD: QColor("#e69f00"),
    "today": QColor("#111111"),
    "grid": QColor("#b8b8b8"),
}
GLYPHS = {TAKEN: "✓", MISSED: "✗", HELD: "H"}

CELL_WIDTH = 30  # what the calendar asks for; it stretches or narrows to fit its room
MIN_CELL_WIDTH = 26
MAX_CELL_WIDTH = 44
CELL_HEIGHT = 38
HEADER_HEIGHT = 22
ROW_LABEL_WIDTH = 180


@dataclass(frozen=True)
class DayCell:
    """What one cell shows: the planned day and the recorded status of each drug."""

    planned: PlannedDay
    statuses: Mapping[str, str]
    started: bool

    def is_planned(self, drug: str) -> bool:
        """The drug is scheduled today (a held day still counts: it was planned, then held)."""
        mg = self.planned.lenalidomide_mg if drug == LENALIDOMIDE else self.planned.dexamethasone_mg
        return mg > 0 or drug in self.planned.held

    def status(self, drug: str) -> str | None:
        if drug in self.planned.held:
            return HELD
        return self.statuses.get(drug)

    @property
    def is_rest_day(self) -> bool:
        return not any(self.is_planned(drug) for drug in DRUGS)

    def describe(self) -> str:
        day = self.planned
        lines = [f"{weekday_date(day.date)} — cycle {day.cycle}, day {day.day}"]
        if not self.started:
            lines[0] += " (planned)"
        for drug in DRUGS:
            if not self.is_planned(drug):
                continue
            mg = day.lenalidomide_mg if drug == LENALIDOMIDE else day.dexamethasone_mg
            dose = f"{format_mg(mg)} mg" if mg else "no dose"
            status = self.status(drug) or "not recorded"
            lines.append(f"{DRUG_LABELS[drug]}: {dose}, {status}")
        if self.is_rest_day:
            lines.append("Rest day")
        return "\n".join(lines)


def _cycle_dose_text(days: Sequence[PlannedDay]) -> str:
    """'Len 25 · Dex 40 mg', with an arrow when a dose changed inside the cycle."""

    def doses(values: Iterable[float]) -> str:
        seen: list[str] = []
        for value in values:
            text = format_mg(value)
            if value > 0 and (not seen or seen[-1] != text):
                seen.append(text)
        return "→".join(seen) if seen else "–"

    len_text = doses(day.lenalidomide_mg for day in days)
    dex_text = doses(day.dexamethasone_mg for day in days)
    return f"Len {len_text} · Dex {dex_text} mg"


class CycleCalendar(QWidget):
    """Paints the course calendar; ``day_clicked`` carries the day and where to pop a menu.

    The keyboard cursor (arrow keys, or the last cell clicked) picks a day without opening
    its menu; ``cursor_changed`` fires whenever it moves, so the screen can follow it.
    """

    day_clicked = Signal(object, QPoint)
    cursor_changed = Signal()

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
    ) -> None:
        """Show ``days`` (cycle order); cycles after ``started_cycles`` are drawn as planned.

        ``delays`` maps a cycle number to how many days after its planned date it started.
        """
        self._delays = dict(delays or {})
        rows: dict[int, list[DayCell]] = {}
        for planned in days:
            day_statuses = {
                drug: statuses[(planned.date, drug)]
                for drug in DRUGS
                if (planned.date, drug) in statuses
            }
            cell = DayCell(planned, day_statuses, planned.cycle <= started_cycles)
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
            HEADER_HEIGHT + row * CELL_HEIGHT,
            self._cell_width,
            CELL_HEIGHT,
        )

    def _index_at(self, point: QPoint) -> tuple[int, int] | None:
        column = (point.x() - ROW_LABEL_WIDTH) // self._cell_width
        row = (point.y() - HEADER_HEIGHT) // CELL_HEIGHT
        if point.x() < ROW_LABEL_WIDTH or point.y() < HEADER_HEIGHT:
            return None
        return (row, column) if self._cell_at_index(row, column) else None

    # -- geometry -----------------------------------------------------------------------
    def _columns(self) -> int:
        return max((len(row) for row in self._rows), default=28)

    def _size_for(self, cell_width: int) -> QSize:
        return QSize(
            ROW_LABEL_WIDTH + self._columns() * cell_width + 2,
            HEADER_HEIGHT + max(1, len(self._rows)) * CELL_HEIGHT + 2,
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
        self._cell_width = max(MIN_CELL_WIDTH, min(MAX_CELL_WIDTH, room // self._columns()))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_cells()

    # -- painting -----------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.fillRect(self.rect(), self.palette().base())
        self._paint_day_header(painter)
        if not self._rows:
            painter.setPen(self.palette().text().color())
            painter.drawText(
                self.rect().adjusted(8, HEADER_HEIGHT, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                "No course yet: start one with Start course (Ctrl+Shift+S).",
            )
            painter.end()
            return
        for index, row in enumerate(self._rows):
            self._paint_row_label(painter, index, row)
            for column, cell in enumerate(row):
                self._paint_cell(painter, self._rect_at_index(index, column), cell)
        self._paint_outlines(painter)
        painter.end()

    def _paint_day_header(self, painter: QPainter) -> None:
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(font)
        painter.setPen(self.palette().text().color())
        painter.drawText(
            QRect(4, 0, ROW_LABEL_WIDTH - 8, HEADER_HEIGHT),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Cycle / day",
        )
        for column in range(self._columns()):
            rect = QRect(
                ROW_LABEL_WIDTH + column * self._cell_width, 0, self._cell_width, HEADER_HEIGHT
            )
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(column + 1))

    def _paint_row_label(self, painter: QPainter, index: int, row: list[DayCell]) -> None:
        first = row[0]
        rect = QRect(4, HEADER_HEIGHT + index * CELL_HEIGHT, ROW_LABEL_WIDTH - 8, CELL_HEIGHT)
        top, bottom = (
            rect.adjusted(0, 2, 0, -CELL_HEIGHT // 2),
            rect.adjusted(0, CELL_HEIGHT // 2, 0, -2),
        )
        bold = QFont(self.font())
        bold.setBold(first.started)
        bold.setItalic(not first.started)
        painter.setFont(bold)
        colour = self.palette().text().color()
        if not first.started:
            colour = self.palette().placeholderText().color()
        painter.setPen(colour)
        title = f"C{first.planned.cycle}  {long_date(first.planned.date)}"
        if self._delays.get(first.planned.cycle):
            title += f"  +{self._delays[first.planned.cycle]} d"
        if not first.started:
            title += " (planned)"
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        small = QFont(self.font())
        small.setPointSizeF(small.pointSizeF() * 0.85)
        painter.setFont(small)
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            _cycle_dose_text([cell.planned for cell in row]),
        )

    def _paint_cell(self, painter: QPainter, rect: QRect, cell: DayCell) -> None:
        inner = rect.adjusted(1, 1, -1, -1)
        if cell.is_rest_day:
            painter.fillRect(inner, COLOURS["rest"])
        else:
            half = inner.height() // 2
            halves = {
                LENALIDOMIDE: QRect(inner.left(), inner.top(), inner.width(), half),
                DEXAMETHASONE: QRect(
                    inner.left(), inner.top() + half, inner.width(), inner.height() - half
                ),
            }
            for drug, part in halves.items():
                self._paint_half(painter, part, cell, drug)
        if not cell.started:
            painter.fillRect(inner, QColor(255, 255, 255, 110))
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.7)
        painter.setFont(font)
        painter.setPen(QColor("#444444"))
        painter.drawText(
            inner.adjusted(0, 0, -2, 0),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            f"{cell.planned.date.day}",
        )
        painter.setPen(QPen(COLOURS["grid"], 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))

    def _paint_half(self, painter: QPainter, part: QRect, cell: DayCell, drug: str) -> None:
        if not cell.is_planned(drug):
            painter.fillRect(part, COLOURS["off"])
            return
        status = cell.status(drug)
        painter.fillRect(part, COLOURS[status] if status else COLOURS[drug])
        if status == HELD:
            painter.fillRect(part, QBrush(QColor(255, 255, 255, 150), Qt.BrushStyle.BDiagPattern))
        if status:
            font = QFont(self.font())
            font.setBold(True)
            font.setPointSizeF(font.pointSizeF() * 0.85)
            painter.setFont(font)
            painter.setPen(QColor("white") if status != HELD else QColor("#222222"))
            painter.drawText(
                part.adjusted(3, 0, 0, 0),
                Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                GLYPHS[status],
            )

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


class CalendarLegend(QWidget):
    """The key to the calendar's colours and glyphs."""

    ENTRIES = (
        ("lenalidomide", "", "Lenalidomide day (top half)"),
        ("dexamethasone", "", "Dexamethasone day (bottom half)"),
        ("rest", "", "Rest"),
        (TAKEN, GLYPHS[TAKEN], "Taken"),
        (MISSED, GLYPHS[MISSED], "Missed"),
        (HELD, GLYPHS[HELD], "Held"),
        ("today", "", "Today"),
    )
    SWATCH = 16

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarLegend")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def _entry_width(self, label: str) -> int:
        return self.SWATCH + 6 + self.fontMetrics().horizontalAdvance(label) + 18

    def sizeHint(self) -> QSize:
        width = sum(self._entry_width(label) for _, _, label in self.ENTRIES)
        return QSize(width, self.SWATCH + 8)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        x = 2
        top = (self.height() - self.SWATCH) // 2
        for key, glyph, label in self.ENTRIES:
            swatch = QRect(x, top, self.SWATCH, self.SWATCH)
            if key == "today":
                painter.fillRect(swatch, COLOURS["off"])
                painter.setPen(QPen(COLOURS["today"], 3))
                painter.drawRect(swatch.adjusted(1, 1, -2, -2))
            else:
                painter.fillRect(swatch, COLOURS[key])
                if key == HELD:
                    painter.fillRect(
                        swatch, QBrush(QColor(255, 255, 255, 150), Qt.BrushStyle.BDiagPattern)
                    )
                painter.setPen(QPen(COLOURS["grid"], 1))
                painter.drawRect(swatch.adjusted(0, 0, -1, -1))
            if glyph:
                painter.setPen(QColor("white") if key != HELD else QColor("#222222"))
                painter.drawText(swatch, Qt.AlignmentFlag.AlignCenter, glyph)
            painter.setPen(self.palette().text().color())
            text_rect = QRect(x + self.SWATCH + 6, 0, self._entry_width(label), self.height())
            painter.drawText(
                text_rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label
            )
            x += self._entry_width(label)
        painter.end()
