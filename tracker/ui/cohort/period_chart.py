"""A chart of the courses started in a period, read and drawn off the GUI thread: the frame
both pages of the Cohort report share (grade 3-4 events, outcomes).

The page says what to read (``background_read``) and shows the numbers beside the chart
(``show_numbers``); this frame holds the period controls, starts the read when the page is
shown or its data change, and puts the figure the worker filled on a canvas of its own: the
Qt canvas module loads in one turn of the event loop and the figure is painted in a later
one, so neither holds up input for long.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from PySide6.QtCore import QTimer
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCheckBox, QWidget

from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import BackgroundRead, read_in_background
from tracker.ui.common.store_state import open_database_files, open_store
from tracker.ui.forms.record_dialog import date_edit, date_of
from tracker.ui.widgets.chart_view import LazyChart

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tracker.storage.database import Store

CANVAS_MODULE = "matplotlib.backends.backend_qtagg"
NO_DATABASE = "No database open"
# A timer, not a posted call: input that came in meanwhile is handled before the paint.
_PAINT_AFTER_MS = 1


class ChartRead(Protocol):
    """What a page's read gives: its report, why there is none, and the figure drawn."""

    report: Any
    message: str
    figure: Figure | None


def sentence(message: str) -> str:
    """Messages from below start in lower case ("the period starts on ...")."""
    return message[:1].upper() + message[1:]


class PeriodChart(LazyChart):
    """Period controls, a chart read off the GUI thread, and what the page adds under it."""

    def __init__(self, context: AppContext, title: str, parent: QWidget | None = None) -> None:
        super().__init__(context, title, parent)
        # A page of the Cohort report's tabs, whose document mode gives it no margins.
        self._layout.setContentsMargins(9, 9, 9, 9)
        title_font = self.title_label.font()
        title_font.setPointSizeF(title_font.pointSizeF() * 1.4)
        self.title_label.setFont(title_font)
        store = open_store(context)
        today = store.today() if store is not None else date.today()
        self.from_check = QCheckBox("Courses started f&rom", objectName="periodFromCheck")
        self.from_edit = date_edit(today.replace(month=1, day=1), "fromEdit")
        self.to_check = QCheckBox("t&o", objectName="periodToCheck")
        self.to_edit = date_edit(today, "toEdit")
        for widget in (self.from_check, self.from_edit, self.to_check, self.to_edit):
            self.controls.addWidget(widget)
        for check, edit in ((self.from_check, self.from_edit), (self.to_check, self.to_edit)):
            edit.setEnabled(False)
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(self.mark_stale)
            edit.dateChanged.connect(self.mark_stale)
        self._reading: BackgroundRead | None = None

    def period(self) -> tuple[date | None, date | None]:
        start = date_of(self.from_edit) if self.from_check.isChecked() else None
        end = date_of(self.to_edit) if self.to_check.isChecked() else None
        return start, end

    # --- what a page says ----------------------------------------------------------------

    def background_read(self) -> tuple[Callable[..., ChartRead], tuple[Any, ...]]:
        """The read to run off the GUI thread (called with the store first) and its
        arguments after the store."""
        raise NotImplementedError

    def empty_read(self, message: str) -> ChartRead:
        """A read with nothing to show, and why."""
        raise NotImplementedError

    def show_numbers(self, read: ChartRead) -> None:
        """Show what the page shows beside the chart (the table, the note)."""
        raise NotImplementedError

    def draw_read(self, figure: Figure, read: ChartRead) -> None:
        """Draw a read's report into ``figure`` on this thread (saving a chart not drawn)."""
        raise NotImplementedError

    # --- reading and drawing ----------------------------------------------------------------

    @property
    def loading(self) -> bool:
        """True while a report is being read; the screen shows the last one meanwhile."""
        return self._reading is not None

    def showEvent(self, event: QShowEvent) -> None:
        # Not the lazy chart's: that builds the canvas (and imports the chart library) here.
        QWidget.showEvent(self, event)
        if self._stale:
            self.redraw()

    def mark_stale(self) -> None:
        self._stale = True
        if self.isVisible():
            self.redraw()

    def redraw(self) -> None:
        """Read the report and draw its chart off the GUI thread; show them when they come."""
        self._cancel_read()
        if open_store(self.context) is None:
            self._show_read(self.empty_read(NO_DATABASE))
            return
        if getattr(self, "report", None) is None:
            self.status_label.setText("Reading the courses…")
        self._stale = False
        function, arguments = self.background_read()
        self._reading = read_in_background(
            self.context, function, *arguments, on_result=self._report_read, parent=self
        )

    def _cancel_read(self) -> None:
        if self._reading is not None:
            self._reading.cancel()
            self._reading = None

    def _report_read(self, read: ChartRead | None) -> None:
        if read is None:
            read = self.empty_read(NO_DATABASE if open_store(self.context) is None else "")
        if read.figure is None:
            self._reading = None
            self._show_read(read)
            return
        importlib.import_module(CANVAS_MODULE)
        QTimer.singleShot(_PAINT_AFTER_MS, self, lambda: self._show_drawn(read))

    def _show_drawn(self, read: ChartRead) -> None:
        if self._reading is None or not self._reading.delivered:
            return  # a newer read started meanwhile
        self._reading = None
        self._show_read(read)

    def _show_read(self, read: ChartRead) -> None:
        """Put the read's figure on a canvas of its own in place of the last one (the figure
        was filled off the GUI thread; only painting it is left here)."""
        if read.figure is not None:
            from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

            canvas = FigureCanvasQTAgg(read.figure)
            canvas.setObjectName("chartCanvas")
            shown = self.canvas if self.canvas is not None else self.placeholder
            self._layout.replaceWidget(shown, canvas)
            shown.deleteLater()
            self.figure, self.canvas = read.figure, canvas
        else:
            self._ensure_canvas()
            assert self.figure is not None
            self.figure.clear()
        self.show_numbers(read)
        self.status_label.setText(sentence(read.message))
        self.save_button.setEnabled(bool(self.figure.axes) and not read.message)
        self.canvas.draw_idle()
        self.drawn.emit()

    def draw_chart(self, figure: Figure) -> str:
        """Read and draw in one go on this thread, into the lazy chart's figure."""
        store: Store | None = open_store(self.context)
        if store is None:
            read = self.empty_read(NO_DATABASE)
        else:
            function, arguments = self.background_read()
            read = function(store, *arguments)
        self.show_numbers(read)
        if read.report is not None:
            self.draw_read(figure, read)
        return read.message

    def save_to(self, path: Path) -> None:
        """Save the chart as shown; one not drawn yet (or out of date) is drawn here first."""
        from tracker.reports.charts import save_figure

        if self.figure is None or self._stale or self._reading is not None:
            self._cancel_read()
            LazyChart.redraw(self)
            self.status_label.setText(sentence(self.status_label.text()))
        assert self.figure is not None
        # The save dialog has asked before replacing a file.
        save_figure(self.figure, path, overwrite=True, guarded=open_database_files(self.context))
