"""Paint cycle sheets onto any paged device: a PDF writer, a printer or a print preview.

Laid out in millimetres (``sheet_page``), so one function serves every device whatever its
resolution. Meaning never rests on colour: black lines and text, with light grey only as a
background fill. A held day prints no dose and no tick box, only the short form that the
footnote under the grid spells out.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPagedPaintDevice, QPainter

from tracker.reports.sheet_model import CycleSheet, DoseMark, DrugCell, LabRow, SheetRow, count_text
from tracker.reports.sheet_page import Columns, Page
from tracker.reports.sheet_page import columns as column_layout
from tracker.reports.sheet_rems_render import paint_rems

APP_NAME = "Rd Cycle Tracker"

_HEADER_FILL = QColor(225, 225, 225)
_REST_FILL = QColor(242, 242, 242)
_HELD_FILL = QColor(215, 215, 215)

_GRID_COLUMNS = (
    ("Date", 25.0),
    ("Week-\nday", 12.0),
    ("Cycle\nday", 17.0),
    ("Lenalidomide", 36.0),
    ("Dexamethasone", 36.0),
    ("Thrombo-\nprophylaxis", 22.0),
    ("Notes / initials", 0.0),  # takes the remaining width
)
_LAB_COLUMNS = (
    ("Date", 26.0),
    ("Cycle\nday", 17.0),
    ("ANC\nx10^9/L", 26.0),
    ("Platelets\nx10^9/L", 26.0),
    ("Action / initials", 0.0),
)
_TITLE_MM = 15.0
_IDENTITY_ROW_MM = 10.5
_DOSE_LINE_MM = 5.6
_GRID_HEADER_MM = 9.0
_LAB_HEADER_MM = 8.0
_LAB_ROW_MM = 6.5
_FOOTER_MM = 7.0
_FOOTNOTE_MM = 4.6
_GAP_MM = 3.0


class SheetRenderError(RuntimeError):
    """The device refused to be painted on (for example a PDF file that cannot be opened)."""


def render_sheets(
    device: QPagedPaintDevice, sheets: Sequence[CycleSheet], *, print_date: date
) -> None:
    """Paint one page per sheet onto ``device``, starting new pages in between."""
    if not sheets:
        raise ValueError("there are no sheets to print")
    painter = QPainter()
    if not painter.begin(device):
        raise SheetRenderError("could not start painting the sheets")
    try:
        for index, sheet in enumerate(sheets):
            if index and not device.newPage():
                raise SheetRenderError("could not start a new page")
            _paint_sheet(Page(painter, device), sheet, print_date, index + 1, len(sheets))
    finally:
        painter.end()


def _paint_sheet(page: Page, sheet: CycleSheet, print_date: date, number: int, of: int) -> None:
    y = _paint_title(page, sheet)
    y = _paint_identity(page, sheet, y + _GAP_MM)
    y = _paint_doses(page, sheet, y + _GAP_MM)
    if sheet.rems is not None:
        y = paint_rems(page, sheet.rems, y + _GAP_MM)
    lab_height = _GAP_MM + 6.0 + _LAB_HEADER_MM + len(sheet.labs) * _LAB_ROW_MM
    notes = sheet.footnotes
    notes_height = len(notes) * _FOOTNOTE_MM + (1.0 if notes else 0.0)
    bottom = page.height - _FOOTER_MM - lab_height - notes_height
    y = _paint_grid(page, sheet, y + _GAP_MM, bottom)
    y = _paint_footnotes(page, notes, y + 1.0) if notes else y
    _paint_counts_and_signatures(page, sheet, y + _GAP_MM)
    _paint_footer(page, sheet, print_date, number, of)


def _paint_title(page: Page, sheet: CycleSheet) -> float:
    badge = 38.0
    page.text(
        0,
        0,
        page.width - badge - 2,
        8.0,
        sheet.clinic_name,
        points=16,
        bold=True,
        pad=0,
        shrink_to=11,
    )
    page.text(
        0, 8.0, page.width - badge - 2, 6.0, f"{sheet.regimen_name}: cycle sheet", points=11, pad=0
    )
    page.fill(page.width - badge, 0, badge, 13.0, _HEADER_FILL)
    page.frame(page.width - badge, 0, badge, 13.0, 0.6)
    page.text(
        page.width - badge,
        0,
        badge,
        13.0,
        f"Cycle {sheet.cycle_number}",
        points=20,
        bold=True,
        align=Qt.AlignmentFlag.AlignHCenter,
    )
    page.hline(0, _TITLE_MM, page.width, 0.6)
    return _TITLE_MM


def _paint_identity(page: Page, sheet: CycleSheet, y: float) -> float:
    dob = sheet.date_of_birth.isoformat() if sheet.date_of_birth else "not recorded"
    start_label = "Cycle start (planned)" if sheet.start_is_planned else "Cycle start (day 1)"
    cells = (
        (("Patient", sheet.patient_name), ("MRN", sheet.mrn), ("Date of birth", dob)),
        (
            (start_label, sheet.cycle_start.isoformat()),
            (f"Last day (day {sheet.cycle_length_days})", sheet.cycle_end.isoformat()),
            # A course that stopped during the cycle has no next cycle to announce.
            (
                "Next cycle due",
                "none: course stopped" if sheet.stopped_note else sheet.next_cycle_due.isoformat(),
            ),
        ),
    )
    widths = (page.width * 0.5, page.width * 0.25, page.width * 0.25)
    for row_index, row in enumerate(cells):
        top = y + row_index * _IDENTITY_ROW_MM
        x = 0.0
        for (label, value), width in zip(row, widths, strict=True):
            page.frame(x, top, width, _IDENTITY_ROW_MM)
            page.text(x, top + 0.3, width, 3.6, label, points=7.5)
            page.text(x, top + 3.6, width, 6.6, value, points=12.5, bold=True, shrink_to=9.0)
            x += width
    height = 2 * _IDENTITY_ROW_MM
    page.frame(0, y, page.width, height, 0.6)
    return y + height


def _paint_doses(page: Page, sheet: CycleSheet, y: float) -> float:
    lines = (
        ("Lenalidomide", sheet.lenalidomide.detail()),
        ("Dexamethasone", sheet.dexamethasone.detail()),
        ("Thromboprophylaxis", sheet.thromboprophylaxis_text),
    )
    label_width = 48.0
    height = len(lines) * _DOSE_LINE_MM + 1.6
    page.fill(0, y, page.width, height, _REST_FILL)
    for index, (label, detail) in enumerate(lines):
        top = y + 0.8 + index * _DOSE_LINE_MM
        page.text(0, top, label_width, _DOSE_LINE_MM, label, points=10.5, bold=True)
        page.text(
            label_width,
            top,
            page.width - label_width,
            _DOSE_LINE_MM,
            detail,
            points=10.5,
            shrink_to=8.0,
        )
    page.frame(0, y, page.width, height, 0.6)
    return y + height


def _paint_header_row(
    page: Page, columns: Columns, spec: Sequence[tuple[str, float]], y: float, h: float
) -> None:
    page.fill(0, y, page.width, h, _HEADER_FILL)
    for (title, _), x, w in zip(spec, columns.starts, columns.widths, strict=True):
        page.text(x, y, w, h, title, points=8.5, bold=True, align=Qt.AlignmentFlag.AlignHCenter)


def _paint_grid(page: Page, sheet: CycleSheet, y: float, bottom: float) -> float:
    columns = column_layout(_GRID_COLUMNS, page.width)
    row_h = (bottom - y - _GRID_HEADER_MM) / len(sheet.rows)
    _paint_header_row(page, columns, _GRID_COLUMNS, y, _GRID_HEADER_MM)
    top = y + _GRID_HEADER_MM
    for index, row in enumerate(sheet.rows):
        _paint_grid_row(page, columns, row, top + index * row_h, row_h)
    end = top + len(sheet.rows) * row_h
    for index in range(len(sheet.rows) + 1):
        weekly = index % 7 == 0
        page.hline(0, top + index * row_h, page.width, 0.55 if weekly else 0.2)
    for x in columns.starts[1:]:
        page.vline(x, y, end - y)
    page.frame(0, y, page.width, end - y, 0.6)
    return end


def _paint_grid_row(page: Page, columns: Columns, row: SheetRow, y: float, h: float) -> None:
    x, w = columns.starts, columns.widths
    points = min(10.5, h * 2.1)
    page.text(x[0], y, w[0], h, row.date.isoformat(), points=points)
    page.text(x[1], y, w[1], h, row.weekday, points=points, align=Qt.AlignmentFlag.AlignHCenter)
    page.text(
        x[2], y, w[2], h, f"Day {row.cycle_day}", points=points, align=Qt.AlignmentFlag.AlignHCenter
    )
    _paint_drug_cell(page, row.lenalidomide, x[3], y, w[3], h, points)
    _paint_drug_cell(page, row.dexamethasone, x[4], y, w[4], h, points)
    box = min(4.0, h - 1.4)
    if row.thromboprophylaxis_box:
        page.tick_box(x[5] + (w[5] - box) / 2, y + (h - box) / 2, box)
    due = {
        (True, False): "blood count due",
        (False, True): "pregnancy test due",
        (True, True): "blood count + pregnancy test",
    }.get((row.counts_due, row.pregnancy_test_due))
    if due:
        page.text(x[6], y, w[6], h, due, points=points - 1.5, italic=True, shrink_to=6.5)


def _paint_drug_cell(
    page: Page, cell: DrugCell, x: float, y: float, w: float, h: float, points: float
) -> None:
    box = min(4.0, h - 1.4)
    if cell.mark is DoseMark.DOSE:
        page.text(x, y, w - box - 2, h, cell.text, points=points, bold=True)
        page.tick_box(x + w - box - 2.0, y + (h - box) / 2, box)
    elif cell.mark is DoseMark.HELD:
        # Dark enough to stand out on a photocopy, light enough to read the word on it.
        page.fill(x, y, w, h, _HELD_FILL)
        page.text(
            x, y, w, h, cell.text, points=points, bold=True, align=Qt.AlignmentFlag.AlignHCenter
        )
    elif cell.mark in (DoseMark.REST, DoseMark.NOT_DUE, DoseMark.STOPPED):
        page.fill(x, y, w, h, _REST_FILL)
        page.text(
            x,
            y,
            w,
            h,
            cell.text,
            points=points - 0.5,
            italic=True,
            align=Qt.AlignmentFlag.AlignHCenter,
        )


def _paint_footnotes(page: Page, notes: Sequence[str], y: float) -> float:
    """The lines under the grid, the first (what HELD means, when there are held days) bold."""
    for index, note in enumerate(notes):
        page.text(
            0,
            y + index * _FOOTNOTE_MM,
            page.width,
            _FOOTNOTE_MM,
            note,
            points=9.5,
            bold=index == 0,
            pad=0,
            shrink_to=7.0,
        )
    return y + len(notes) * _FOOTNOTE_MM


def _paint_counts_and_signatures(page: Page, sheet: CycleSheet, y: float) -> None:
    page.text(0, y, 32.0, 6.0, "Blood counts", points=11, bold=True, pad=0)
    page.text(32.0, y, page.width - 32.0, 6.0, sheet.thresholds.describe(), points=10, bold=True)
    y += 6.0
    lab_width = page.width * 0.68
    columns = column_layout(_LAB_COLUMNS, lab_width)
    table = _LAB_HEADER_MM + len(sheet.labs) * _LAB_ROW_MM
    page.fill(0, y, lab_width, _LAB_HEADER_MM, _HEADER_FILL)
    for (title, _), x, w in zip(_LAB_COLUMNS, columns.starts, columns.widths, strict=True):
        page.text(
            x,
            y,
            w,
            _LAB_HEADER_MM,
            title,
            points=8.5,
            bold=True,
            align=Qt.AlignmentFlag.AlignHCenter,
        )
    for index, lab in enumerate(sheet.labs):
        _paint_lab_row(page, columns, lab, y + _LAB_HEADER_MM + index * _LAB_ROW_MM)
        page.hline(0, y + _LAB_HEADER_MM + index * _LAB_ROW_MM, lab_width, 0.2)
    for x in columns.starts[1:]:
        page.vline(x, y, table)
    page.frame(0, y, lab_width, table, 0.6)
    _paint_signatures(page, lab_width + 5.0, y, page.width - lab_width - 5.0, table)


def _paint_lab_row(page: Page, columns: Columns, lab: LabRow, y: float) -> None:
    x, w, h = columns.starts, columns.widths, _LAB_ROW_MM
    if lab.date is not None:
        page.text(x[0], y, w[0], h, lab.date.isoformat(), points=10)
    if lab.cycle_day is not None:
        page.text(
            x[1], y, w[1], h, f"Day {lab.cycle_day}", points=10, align=Qt.AlignmentFlag.AlignHCenter
        )
    for column, value in ((2, lab.anc), (3, lab.platelets)):
        if value is not None:
            text = count_text(value)
            page.text(
                x[column],
                y,
                w[column],
                h,
                text,
                points=10.5,
                bold=True,
                align=Qt.AlignmentFlag.AlignHCenter,
            )
        else:
            page.frame(x[column] + 2.0, y + 0.9, w[column] - 4.0, h - 1.8, 0.3)
    if lab.low:
        page.text(x[4], y, w[4], h, "; ".join(lab.low), points=9, bold=True, shrink_to=7.0)


def _paint_signatures(page: Page, x: float, y: float, w: float, h: float) -> None:
    page.text(x, y, w, 5.0, "Notes", points=10, bold=True, pad=0)
    lines_bottom = y + h - 12.0
    line_y = y + 11.0
    while line_y <= lines_bottom:
        page.hline(x, line_y, w, 0.2)
        line_y += 6.0
    sign_y = y + h - 1.0
    page.hline(x, sign_y, w * 0.62, 0.35)
    page.hline(x + w * 0.68, sign_y, w * 0.32, 0.35)
    page.text(x, sign_y - 5.5, w * 0.62, 4.5, "Clinician signature", points=8, pad=0)
    page.text(x + w * 0.68, sign_y - 5.5, w * 0.32, 4.5, "Date", points=8, pad=0)


def _paint_footer(page: Page, sheet: CycleSheet, print_date: date, number: int, of: int) -> None:
    y = page.height - _FOOTER_MM + 2.0
    page.hline(0, y, page.width, 0.3)
    h = _FOOTER_MM - 2.0
    side = 48.0
    page.text(0, y, side, h, f"Printed {print_date.isoformat()}", points=8, pad=0)
    page.text(
        side,
        y,
        page.width - 2 * side,
        h,
        f"{sheet.patient_name} · MRN {sheet.mrn} · cycle {sheet.cycle_number}",
        points=8,
        shrink_to=6.5,
        align=Qt.AlignmentFlag.AlignHCenter,
    )
    page.text(
        page.width - side,
        y,
        side,
        h,
        f"{APP_NAME} · Page {number} of {of}",
        points=8,
        align=Qt.AlignmentFlag.AlignRight,
        pad=0,
    )
