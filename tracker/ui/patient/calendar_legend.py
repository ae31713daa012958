"""The key to the calendar's colours and glyphs."""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QBrush, QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from tracker.ui.patient.calendar_cells import COLOURS, GLYPHS, HELD, MISSED, TAKEN


def paint_held_hatch(painter: QPainter, rect: QRect) -> None:
    """The stripes that mark a held day (over whatever colour the day has)."""
    painter.fillRect(rect, QBrush(QColor(255, 255, 255, 150), Qt.BrushStyle.BDiagPattern))


class CalendarLegend(QWidget):
    """One line naming each colour and glyph of the calendar."""

    ENTRIES = (
        ("lenalidomide", "", "Lenalidomide day (top half)"),
        ("dexamethasone", "", "Dexamethasone day (bottom half)"),
        ("rest", "", "Rest"),
        (TAKEN, GLYPHS[TAKEN], "Taken"),
        (MISSED, GLYPHS[MISSED], "Missed"),
        (HELD, GLYPHS[HELD], "Held (interrupted)"),
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
                    paint_held_hatch(painter, swatch)
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
