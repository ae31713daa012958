"""Millimetre drawing on a paged device: the helpers a cycle sheet is painted with.

Everything is laid out in millimetres inside the page's content area and converted to the
device's pixels, so one drawing serves every device whatever its resolution.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPagedPaintDevice, QPainter, QPen

MM_PER_INCH = 25.4
SIDE_MARGIN_MM = 12.0
TOP_MARGIN_MM = 10.0


class Page:
    """Millimetre drawing helpers over a painter, relative to the sheet's content area."""

    def __init__(self, painter: QPainter, device: QPagedPaintDevice) -> None:
        self.painter = painter
        self.device = device
        dpi = device.logicalDpiX()
        self.px_per_mm = dpi / MM_PER_INCH
        layout = device.pageLayout()
        full = QRectF(layout.fullRectPixels(dpi))
        paint = QRectF(layout.paintRectPixels(dpi))
        side, top = SIDE_MARGIN_MM * self.px_per_mm, TOP_MARGIN_MM * self.px_per_mm
        content = full.adjusted(side, top, -side, -top).intersected(paint)
        # The painter's origin is the top left of the device's paint rect, not of the paper.
        self.origin = content.topLeft() - paint.topLeft()
        self.width = content.width() / self.px_per_mm
        self.height = content.height() / self.px_per_mm

    def rect(self, x: float, y: float, w: float, h: float) -> QRectF:
        k = self.px_per_mm
        return QRectF(self.origin.x() + x * k, self.origin.y() + y * k, w * k, h * k)

    def point(self, x: float, y: float) -> QPointF:
        k = self.px_per_mm
        return QPointF(self.origin.x() + x * k, self.origin.y() + y * k)

    def pen(self, width_mm: float = 0.25) -> None:
        pen = QPen(Qt.GlobalColor.black)
        pen.setWidthF(width_mm * self.px_per_mm)
        self.painter.setPen(pen)

    def font(self, points: float, *, bold: bool = False, italic: bool = False) -> QFont:
        font = QFont()
        font.setStyleHint(QFont.StyleHint.SansSerif)
        font.setPointSizeF(points)
        font.setBold(bold)
        font.setItalic(italic)
        self.painter.setFont(font)
        return font

    def text(
        self,
        x: float,
        y: float,
        w: float,
        h: float,
        text: str,
        *,
        points: float = 10.0,
        bold: bool = False,
        italic: bool = False,
        align: Qt.AlignmentFlag = Qt.AlignmentFlag.AlignLeft,
        pad: float = 1.2,
        shrink_to: float | None = None,
    ) -> None:
        """Draw one line (or explicit lines) of text, shrinking then eliding what will not fit."""
        font = self.font(points, bold=bold, italic=italic)
        self.painter.setPen(QPen(Qt.GlobalColor.black))
        area = self.rect(x + pad, y, max(w - 2 * pad, 0.0), h)
        if "\n" not in text:
            metrics = QFontMetricsF(font, self.device)
            while (
                shrink_to and points > shrink_to and metrics.horizontalAdvance(text) > area.width()
            ):
                points = max(points - 0.5, shrink_to)
                font = self.font(points, bold=bold, italic=italic)
                metrics = QFontMetricsF(font, self.device)
            text = metrics.elidedText(text, Qt.TextElideMode.ElideRight, area.width())
        self.painter.drawText(area, int(align | Qt.AlignmentFlag.AlignVCenter), text)

    def fill(self, x: float, y: float, w: float, h: float, color: QColor) -> None:
        self.painter.fillRect(self.rect(x, y, w, h), color)

    def frame(self, x: float, y: float, w: float, h: float, width_mm: float = 0.25) -> None:
        self.pen(width_mm)
        self.painter.setBrush(Qt.BrushStyle.NoBrush)
        self.painter.drawRect(self.rect(x, y, w, h))

    def hline(self, x: float, y: float, w: float, width_mm: float = 0.25) -> None:
        self.pen(width_mm)
        self.painter.drawLine(self.point(x, y), self.point(x + w, y))

    def vline(self, x: float, y: float, h: float, width_mm: float = 0.25) -> None:
        self.pen(width_mm)
        self.painter.drawLine(self.point(x, y), self.point(x, y + h))

    def tick_box(self, x: float, y: float, size: float = 4.2) -> None:
        self.painter.fillRect(self.rect(x, y, size, size), Qt.GlobalColor.white)
        self.frame(x, y, size, size, 0.3)


@dataclass(frozen=True)
class Columns:
    starts: tuple[float, ...]
    widths: tuple[float, ...]


def columns(spec: Sequence[tuple[str, float]], total: float) -> Columns:
    fixed = sum(width for _, width in spec)
    widths = tuple(width or max(total - fixed, 10.0) for _, width in spec)
    starts, x = [], 0.0
    for width in widths:
        starts.append(x)
        x += width
    return Columns(tuple(starts), widths)
