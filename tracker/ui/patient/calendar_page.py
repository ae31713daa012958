"""The Calendar tab: the legend, the day numbers, the scrolled cycle rows and a hint.

The day numbers stay above the rows while they scroll (a long course has more rows than fit),
and a patient opens with today's cycle in view rather than cycle 1.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from tracker.ui.patient.calendar_legend import CalendarLegend
from tracker.ui.patient.cycle_calendar import (
    CELL_HEIGHT,
    HEADER_HEIGHT,
    ROW_LABEL_WIDTH,
    CycleCalendar,
)


class DayNumbersHeader(QWidget):
    """'Cycle / day' and the numbers 1..28 over the calendar's columns."""

    def __init__(self, calendar: CycleCalendar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarDayNumbers")
        self.calendar = calendar
        self.offset = 0  # the left edge of the calendar, where its scroll area puts it
        self.setFixedHeight(HEADER_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def sizeHint(self) -> QSize:
        return QSize(self.calendar.minimumSizeHint().width(), HEADER_HEIGHT)

    def follow(self, offset: int) -> None:
        self.offset = offset
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 0.85)
        painter.setFont(font)
        painter.setPen(self.palette().text().color())
        painter.drawText(
            QRect(self.offset + 4, 0, ROW_LABEL_WIDTH - 8, HEADER_HEIGHT),
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
            "Cycle / day",
        )
        width = self.calendar.cell_width
        for column in range(self.calendar.columns()):
            left = self.offset + ROW_LABEL_WIDTH + column * width
            rect = QRect(left, 0, width, HEADER_HEIGHT)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, str(column + 1))
        painter.end()


class CalendarPage(QWidget):
    """The calendar with what surrounds it; ``scroll_to_today`` brings today's cycle into view."""

    def __init__(self, calendar: CycleCalendar, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("calendarPage")
        self.calendar = calendar
        self.legend = CalendarLegend()
        self.scroll = QScrollArea(objectName="calendarScroll")
        self.scroll.setWidget(calendar)
        self.scroll.setWidgetResizable(True)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.day_numbers = DayNumbersHeader(calendar)
        hint = QLabel("Click a day (or use the arrow keys and Enter) to record a dose.")
        layout = QVBoxLayout(self)
        layout.addWidget(self.legend)
        layout.addWidget(self.day_numbers)
        layout.addWidget(self.scroll, 1)
        layout.addWidget(hint)
        # The numbers sit exactly over the columns: shifted by the scroll area's frame and by
        # any sideways scrolling.
        self.scroll.horizontalScrollBar().valueChanged.connect(self._follow_columns)
        calendar.cells_resized.connect(self._follow_columns)
        calendar.cursor_changed.connect(self._show_cursor)
        # Set when a patient opens; applied once the rows are laid out (see _scroll_range).
        self._pending_cycle: int | None = None
        self.scroll.verticalScrollBar().rangeChanged.connect(self._scroll_range)
        self.scroll.verticalScrollBar().actionTriggered.connect(self._user_scrolled)
        self._follow_columns()

    def _follow_columns(self) -> None:
        self.day_numbers.follow(
            self.scroll.frameWidth() - self.scroll.horizontalScrollBar().value()
        )

    def _show_cursor(self) -> None:
        rect = self.calendar.cursor_rect()
        if not rect.isNull():
            self._pending_cycle = None
            self.scroll.ensureVisible(rect.center().x(), rect.center().y(), 0, CELL_HEIGHT)

    def scroll_to_today(self) -> None:
        """Show today's cycle (the last row when today is on none), with the cycle before it
        above, so the day's context shows too.

        Until the user scrolls, the target holds: the rows' height and the room for them
        settle only once the screen is laid out, and each change of the range applies it again.
        """
        cycle = self.calendar.today_cycle()
        rows = self.calendar.cycle_count
        self._pending_cycle = cycle if cycle is not None else (rows and self._last_cycle())
        self._apply_scroll()

    def _last_cycle(self) -> int:
        cell = self.calendar.cell_at_row_end()
        return cell.planned.cycle if cell is not None else 0

    def _user_scrolled(self) -> None:
        self._pending_cycle = None

    def _scroll_range(self) -> None:
        if self._pending_cycle is not None:
            self._apply_scroll()

    def _apply_scroll(self) -> None:
        bar = self.scroll.verticalScrollBar()
        top = self.calendar.cycle_top(self._pending_cycle) if self._pending_cycle else None
        bar.setValue(0 if top is None else max(0, top - CELL_HEIGHT))
