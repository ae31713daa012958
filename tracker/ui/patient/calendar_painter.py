"""Drawing the calendar's rows: the cycle label on the left, then one cell per day.

Each cell has two halves: lenalidomide on top, dexamethasone below. A recorded dose replaces
the planned colour of its half and adds a glyph; a held day is striped and marked H.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPalette, QPen

from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE
from tracker.ui.common.dates import long_date
from tracker.ui.patient.calendar_cells import COLOURS, GLYPHS, HELD, DayCell, cycle_dose_text
from tracker.ui.patient.calendar_legend import paint_held_hatch

# Whitens a cycle that has not started, so planned days read as planned.
_NOT_STARTED_VEIL = QColor(255, 255, 255, 110)


def _font(base: QFont, scale: float, *, bold: bool = False, italic: bool = False) -> QFont:
    made = QFont(base)
    made.setPointSizeF(made.pointSizeF() * scale)
    made.setBold(bold)
    made.setItalic(italic)
    return made


class CellPainter:
    """Paints rows with ``painter``; the fonts are made once per paint, not once per cell."""

    def __init__(self, painter: QPainter, font: QFont, palette: QPalette) -> None:
        self.painter = painter
        self.palette = palette
        self.started_font = _font(font, 1.0, bold=True)
        self.planned_font = _font(font, 1.0, italic=True)
        self.small_font = _font(font, 0.85)
        self.date_font = _font(font, 0.7)
        self.glyph_font = _font(font, 0.85, bold=True)

    def row_label(self, rect: QRect, row: Sequence[DayCell], delay_days: int) -> None:
        """'C3  2 Mar 2026  +4 d' over 'Len 25 · Dex 40 mg'."""
        painter, first = self.painter, row[0]
        half = rect.height() // 2
        top, bottom = rect.adjusted(0, 2, 0, -half), rect.adjusted(0, half, 0, -2)
        painter.setFont(self.started_font if first.started else self.planned_font)
        colour = self.palette.text().color()
        if not first.started:
            colour = self.palette.placeholderText().color()
        painter.setPen(colour)
        title = f"C{first.planned.cycle}  {long_date(first.planned.date)}"
        if delay_days:
            title += f"  +{delay_days} d"
        if not first.started:
            title += " (planned)"
        painter.drawText(top, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, title)
        painter.setFont(self.small_font)
        painter.drawText(
            bottom,
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            cycle_dose_text([cell.planned for cell in row]),
        )

    def cell(self, rect: QRect, cell: DayCell) -> None:
        painter = self.painter
        inner = rect.adjusted(1, 1, -1, -1)
        if cell.is_rest_day:
            painter.fillRect(inner, COLOURS["rest"])
        else:
            half = inner.height() // 2
            top = QRect(inner.left(), inner.top(), inner.width(), half)
            bottom = QRect(inner.left(), inner.top() + half, inner.width(), inner.height() - half)
            self._half(top, cell, LENALIDOMIDE)
            self._half(bottom, cell, DEXAMETHASONE)
        if not cell.started:
            painter.fillRect(inner, _NOT_STARTED_VEIL)
        painter.setFont(self.date_font)
        painter.setPen(QColor("#444444"))
        painter.drawText(
            inner.adjusted(0, 0, -2, 0),
            Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignBottom,
            f"{cell.planned.date.day}",
        )
        painter.setPen(QPen(COLOURS["grid"], 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(rect.adjusted(0, 0, -1, -1))

    def _half(self, part: QRect, cell: DayCell, drug: str) -> None:
        painter = self.painter
        if not cell.is_planned(drug):
            painter.fillRect(part, COLOURS["off"])
            return
        status = cell.status(drug)
        painter.fillRect(part, COLOURS[status] if status else COLOURS[drug])
        held = cell.is_held(drug)
        if held:
            paint_held_hatch(painter, part)
        if not status:
            return
        # A dose recorded on a held day keeps both marks: the record, then H.
        glyph = GLYPHS[status] + (" " + GLYPHS[HELD] if held and status != HELD else "")
        painter.setFont(self.glyph_font)
        painter.setPen(QColor("white") if status != HELD else QColor("#222222"))
        painter.drawText(
            part.adjusted(3, 0, 0, 0),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            glyph,
        )
