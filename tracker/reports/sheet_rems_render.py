"""Painting the pregnancy-prevention band of a cycle sheet (``sheet_rems``): the category, the
authorization number and supply, the contraception reminder and the pregnancy tests of the
cycle, one to a line, each due one with boxes for its result. Black on white, like the rest
of the sheet."""

from __future__ import annotations

from PySide6.QtGui import QColor

from tracker.reports.sheet_page import Page
from tracker.reports.sheet_rems import PregnancyTestRow, RemsPart

LINE_MM = 5.2
_LABEL_MM = 38.0
_BAND_FILL = QColor(242, 242, 242)
_BOX_MM = 3.6
_WHEN_MM = 40.0
_RESULT_MM = 42.0
_INITIALS_MM = 14.0


def band_height(part: RemsPart) -> float:
    lines = 3 + (max(len(part.tests), 1) if part.testing else 0)
    return lines * LINE_MM + 1.6


def paint_rems(page: Page, part: RemsPart, y: float) -> float:
    """Paint the band from ``y``; returns where it ends."""
    height = band_height(part)
    page.fill(0, y, page.width, height, _BAND_FILL)
    top = y + 0.8
    width = page.width - _LABEL_MM
    lines = [
        ("REMS category", part.category),
        ("Prescription", f"authorization no. {part.authorization_text} · {part.supply_text}"),
        ("Contraception", part.reminder),
    ]
    for label, text in lines:
        page.text(0, top, _LABEL_MM, LINE_MM, label, points=10, bold=True)
        page.text(_LABEL_MM, top, width, LINE_MM, text, points=9.5, shrink_to=6.5)
        top += LINE_MM
    if part.testing:
        page.text(0, top, _LABEL_MM, LINE_MM, "Pregnancy tests", points=10, bold=True)
        if not part.tests:
            page.text(_LABEL_MM, top, width, LINE_MM, "none due in this cycle", points=9.5)
        for index, row in enumerate(part.tests):
            _paint_test(page, row, _LABEL_MM, top + index * LINE_MM, width)
    page.frame(0, y, page.width, height, 0.6)
    return y + height


def _paint_test(page: Page, row: PregnancyTestRow, x: float, y: float, w: float) -> None:
    when = f"{row.date.isoformat()} (day {row.cycle_day})"
    page.text(x, y, _WHEN_MM, LINE_MM, when, points=9.5)
    x += _WHEN_MM
    rest = w - _WHEN_MM
    if row.recorded:
        page.text(x, y, rest, LINE_MM, f"{row.result} ({row.kind}): recorded", points=9.5)
        return
    box_y = y + (LINE_MM - _BOX_MM) / 2
    for offset, label in ((0.0, "negative"), (_RESULT_MM / 2, "positive")):
        page.tick_box(x + offset + 1.0, box_y, _BOX_MM)
        page.text(x + offset + 1.0 + _BOX_MM, y, _RESULT_MM / 2 - _BOX_MM, LINE_MM, label,
                  points=9, pad=0.8)  # fmt: skip
    x += _RESULT_MM
    page.text(x, y, _INITIALS_MM, LINE_MM, "initials", points=9)
    page.hline(x + _INITIALS_MM, y + LINE_MM - 1.0, w - _WHEN_MM - _RESULT_MM - _INITIALS_MM - 4.0)
