"""The patient screen: header, status strip, course actions, and the calendar, events, history
and chart tabs.

What it shows about the course (position, doses in force, interruption, counts, advice and
every calendar day) is the treatment engine's answer, read in one go by ``patient_read``.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QMenu,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import LatestRead, read
from tracker.ui.common.settings import AppSettings
from tracker.ui.common.store_state import open_store
from tracker.ui.patient.calendar_cells import DayCell
from tracker.ui.patient.calendar_page import CalendarPage
from tracker.ui.patient.course_chooser import CourseChooser
from tracker.ui.patient.cycle_calendar import CycleCalendar
from tracker.ui.patient.day_commands import DayCommands
from tracker.ui.patient.events_view import EventsView
from tracker.ui.patient.history_view import HistoryView
from tracker.ui.patient.patient_actions import PatientSlots, create_patient_actions, patient_toolbar
from tracker.ui.patient.patient_forms import PatientForms, open_form
from tracker.ui.patient.patient_header import EMPTY_HEADER, PatientHeader, header_facts
from tracker.ui.patient.patient_read import (
    PatientSnapshot,
    read_course,
    read_patient,
    read_patient_head,
)
from tracker.ui.patient.patient_sheet_actions import CycleSheetCommands, SheetTarget
from tracker.ui.patient.patient_status import StatusStrip
from tracker.ui.widgets.chart_view import PatientChartView

if TYPE_CHECKING:
    from tracker.storage.records import Course, Cycle, Patient
    from tracker.ui.patient.patient_read import CourseSnapshot


class PatientView(QWidget):
    """Shows one patient; every change goes through ``context.run`` and refreshes the views.

    Its commands are enabled only while it is on screen with a patient, so a main window can
    list them in its menus; data changed while it is hidden is read again when it shows.
    """

    back_requested = Signal()

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        *,
        settings: AppSettings | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patientView")
        self.context = context
        self.snapshot: PatientSnapshot | None = None
        self.active_dialog: QDialog | None = None
        # The cycle whose sheet prints: the one last picked on the calendar, else today's.
        self.sheet_cycle: int | None = None
        self._selected_course_id: int | None = None
        self._stale = False

        self.back_button = QToolButton(objectName="backButton")
        self.back_button.setText("← Patients")
        self.back_button.setShortcut(QKeySequence("Alt+Left"))
        self.back_button.setToolTip("Back to the patient list (Alt+Left)")
        self.back_button.clicked.connect(self.back_requested)
        self.header = PatientHeader()
        top = QHBoxLayout()
        top.addWidget(self.back_button, 0, Qt.AlignmentFlag.AlignTop)
        top.addWidget(self.header, 1)
        self.status_strip = StatusStrip()

        self.patient_actions = create_patient_actions(
            self,
            PatientSlots(
                start_course=self.start_course,
                next_cycle=self.start_next_cycle,
                reduce_dose=self.reduce_dose,
                record_labs=self.record_labs,
                log_event=self.log_event,
                record_response=self.record_response,
                end_course=self.end_course,
                pregnancy_prevention=lambda: self.forms.pregnancy_prevention(),
            ),
        )
        self.sheets = CycleSheetCommands(
            self, context, settings if settings is not None else AppSettings(), self._sheet_target
        )
        self.sheet_actions = self.sheets.actions
        self.toolbar = patient_toolbar(self, self.patient_actions, self.sheet_actions)
        # Beside the tabs, not the toolbar: at 1024 pixels the toolbar needs its whole width.
        self.course_chooser = CourseChooser()
        self.course_chooser.chosen.connect(self._course_chosen)
        self.course_combo, self.course_label = self.course_chooser.combo, self.course_chooser.label

        self.calendar = CycleCalendar()
        self.calendar.day_clicked.connect(self.open_dose_menu)
        self.calendar.cursor_changed.connect(self._cursor_moved)
        self.calendar_page = CalendarPage(self.calendar)
        self.legend = self.calendar_page.legend
        self.days = DayCommands(self, context, self._shown_course, self._open)
        self.forms = PatientForms(self, self._open)
        # The course is read on a worker thread when a patient opens (see show_patient).
        self.course_reader = LatestRead(context, self)
        self.course_reader.done.connect(self._course_read)
        self._scroll_on_show = False
        self._tabs_pending_for: int | None = None

        self.events_view = EventsView(context)
        self.events_view.log_requested.connect(self.log_event)
        self.history_view = HistoryView(context)
        self.chart_view = PatientChartView(context)
        self.tabs = QTabWidget(objectName="patientTabs")
        self.tabs.addTab(self.calendar_page, "&Calendar")
        self.tabs.addTab(self.events_view, "&Events")
        self.tabs.addTab(self.history_view, "H&istory")
        self.tabs.addTab(self.chart_view, "Cha&rt")
        self.tabs.setCornerWidget(self.course_chooser, Qt.Corner.TopRightCorner)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.status_strip)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs, 1)

        context.data_changed.connect(self.refresh)
        context.store_replaced.connect(self._store_replaced)
        self._enable_actions()

    # -- what is shown ------------------------------------------------------------------------
    @property
    def patient(self) -> Patient | None:
        return self.snapshot.patient if self.snapshot else None

    @property
    def courses(self) -> list[Course]:
        return self.snapshot.courses if self.snapshot else []

    @property
    def course(self) -> Course | None:
        return self.snapshot.course if self.snapshot else None

    @property
    def cycles(self) -> list[Cycle]:
        shown = self._shown_course()
        return shown.cycles if shown else []

    def shown_course(self) -> CourseSnapshot | None:
        """The course on screen with the engine's answers, read now if still in progress."""
        return self._shown_course()

    def _shown_course(self) -> CourseSnapshot | None:
        """The course on screen with the engine's answers; a command given while it is
        still read in the background waits for it here."""
        snapshot = self.snapshot
        if snapshot is None or snapshot.course is None:
            return None
        if snapshot.shown is None and self.course_reader.pending:
            self.course_reader.cancel()
            shown = read(self.context, read_course, snapshot.course, snapshot.today, parent=self)
            if shown is not None:
                self._course_read(shown)
        return self.snapshot.shown if self.snapshot else None

    @property
    def dose_menu(self) -> QMenu | None:
        """The day menu last opened from the calendar."""
        return self.days.menu

    # -- actions --------------------------------------------------------------------------
    def _enable_actions(self) -> None:
        # Hidden, the screen's commands would act on a patient nobody sees.
        has_patient = self.patient is not None and self.isVisible()
        course = self.course if has_patient else None
        active = course is not None and course.is_active
        self.patient_actions.start_course.setEnabled(has_patient and not self._has_active_course())
        # While the course is read its cycles are not known yet; every course has a first one.
        shown = self.snapshot.shown if self.snapshot else None
        has_cycles = bool(shown.cycles) if shown is not None else active
        actions = self.patient_actions
        for action in (actions.next_cycle, actions.reduce_dose, actions.end_course):
            action.setEnabled(active and has_cycles)
        self.patient_actions.record_response.setEnabled(course is not None)
        self.patient_actions.record_labs.setEnabled(has_patient)
        self.patient_actions.log_event.setEnabled(has_patient)
        self.patient_actions.pregnancy_prevention.setEnabled(has_patient)
        self._enable_sheets(has_patient)

    def _enable_sheets(self, has_patient: bool) -> None:
        why_not = ""
        if has_patient and self.course is None:
            why_not = "No treatment course: there is no cycle sheet to print"
        elif has_patient and not (self.snapshot and self.snapshot.is_current_course):
            why_not = "Cycle sheets print for the current course; choose it above"
        self.sheets.update(self.sheet_cycle, available=has_patient and not why_not, why_not=why_not)

    def _sheet_target(self) -> SheetTarget | None:
        if self.patient is None:
            return None
        return SheetTarget(self.patient.mrn, self.sheet_cycle)

    def select_sheet_cycle(self, cycle: int | None) -> None:
        """Print, preview and save act on ``cycle`` (None: the cycle the patient needs today)."""
        self.sheet_cycle = cycle
        self._enable_actions()

    def _cursor_moved(self) -> None:
        """The sheet follows the day picked on the calendar, by arrow keys as by clicks."""
        cycle = self.calendar.cursor_cycle()
        if cycle is not None and cycle != self.sheet_cycle:
            self.select_sheet_cycle(cycle)

    def _has_active_course(self) -> bool:
        return any(course.is_active for course in self.courses)

    # -- loading --------------------------------------------------------------------------
    def show_patient(self, patient_id: int) -> None:
        """Show the patient's current course, scrolled to today's cycle.

        The patient and the commands come at once; the course (its history and the engine's
        answers) is read on a worker thread, and the other tabs on the next turns of the event
        loop, so opening a patient with a long course never freezes the screen.
        """
        self._selected_course_id = None
        self.sheet_cycle = None
        self.calendar.reset_cursor()
        self._scroll_on_show = True
        self.tabs.setCurrentIndex(0)
        self._load(patient_id, in_background=True)

    @property
    def loading(self) -> bool:
        """True until the course and every tab of the patient opened last are read."""
        return self.course_reader.pending or self._tabs_pending_for is not None

    def refresh(self) -> None:
        if self.patient is None:
            return
        if not self.isVisible():
            self._stale = True
            return
        self._load(self.patient.id)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and self.patient is not None:
            self._load(self.patient.id)
        self._enable_actions()

    def hideEvent(self, event: QHideEvent) -> None:
        super().hideEvent(event)
        self._enable_actions()

    def _store_replaced(self) -> None:
        self.clear()

    def clear(self) -> None:
        self.course_reader.cancel()
        self._tabs_pending_for = None
        self.snapshot = None
        self._stale = False
        self.sheet_cycle = None
        self.header.show_facts(EMPTY_HEADER)
        self.status_strip.show_state(None, None)
        self.calendar.clear()
        self._show_other_tabs(None)
        self._enable_actions()

    def _load(self, patient_id: int, *, in_background: bool = False) -> None:
        if open_store(self.context) is None:
            self.clear()
            return
        self._stale = False
        self.course_reader.cancel()
        query = read_patient_head if in_background else read_patient
        snapshot = read(self.context, query, patient_id, self._selected_course_id, parent=self)
        if snapshot is None:
            self.clear()
            return
        self.snapshot = snapshot
        self.course_chooser.show_courses(snapshot.courses, snapshot.course)
        if in_background and snapshot.course is not None:
            self.course_reader.start(read_course, snapshot.course, snapshot.today)
        self._show_course()
        if in_background:
            self._tabs_pending_for = patient_id
            QTimer.singleShot(0, self, self._show_pending_tabs)
        else:
            self._show_other_tabs(patient_id)

    def _course_read(self, shown: CourseSnapshot) -> None:
        course = self.snapshot.course if self.snapshot else None
        if course is not None and shown.course.id == course.id:
            self.snapshot = replace(self.snapshot, shown=shown)
            self._show_course()

    def _show_course(self) -> None:
        """Header, status strip, calendar and commands for the snapshot (the course part
        empty while it is read)."""
        snapshot = self.snapshot
        assert snapshot is not None
        shown = snapshot.shown
        too_far = shown is None or (self.sheet_cycle or 0) > len(shown.cycles) + 1
        if self.sheet_cycle is not None and too_far:
            self.sheet_cycle = None
        reading = shown is None and self.course_reader.pending
        facts = header_facts(snapshot.patient, snapshot.today, shown, reading=reading)
        self.header.show_facts(facts)
        self.status_strip.show_state(
            shown.state if shown else None,
            snapshot.today,
            shown.renal_note if shown else None,
        )
        self._show_calendar(snapshot.today, shown)
        if shown is not None and self._scroll_on_show:
            self._scroll_on_show = False
            self.calendar_page.scroll_to_today()
        self._enable_actions()

    def _show_pending_tabs(self) -> None:
        patient_id, self._tabs_pending_for = self._tabs_pending_for, None
        if patient_id is not None and self.patient is not None and self.patient.id == patient_id:
            self._show_other_tabs(patient_id)

    def _show_other_tabs(self, patient_id: int | None) -> None:
        course = self.course if patient_id is not None else None
        self.events_view.show_patient(patient_id, course.id if course else None)
        self.history_view.show_patient(patient_id)
        self.chart_view.show_patient(patient_id)

    def _course_chosen(self, course_id: int) -> None:
        self._selected_course_id = course_id
        self.sheet_cycle = None
        self.calendar.reset_cursor()
        self._scroll_on_show = True
        self.refresh()

    def _show_calendar(self, today: date, shown: CourseSnapshot | None) -> None:
        if shown is None or not shown.cycles:
            self.calendar.clear()
            return
        statuses = {(dose.date, dose.drug): dose.status for dose in shown.doses}
        delays = {cycle.number: cycle.delay_days for cycle in shown.cycles}
        self.calendar.set_calendar(
            shown.days, statuses, today, len(shown.cycles), delays, shown.unheld_days
        )

    # -- the day menu ---------------------------------------------------------------------
    def open_dose_menu(self, cell: DayCell, anchor: QPoint) -> QMenu:
        """The per-day menu (see ``DayCommands``); the sheet follows the day's cycle."""
        self.select_sheet_cycle(cell.planned.cycle)
        return self.days.open_menu(cell, anchor)

    # -- forms --------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        """Open a form of the screen (``active_dialog`` until the next)."""
        self.active_dialog = dialog
        return open_form(dialog)

    def start_course(self) -> QDialog | None:
        return self.forms.start_course()

    def start_next_cycle(self) -> QDialog | None:
        return self.forms.start_next_cycle()

    def reduce_dose(self) -> QDialog | None:
        return self.forms.reduce_dose()

    def record_labs(self) -> QDialog | None:
        return self.forms.record_labs()

    def log_event(self) -> QDialog | None:
        return self.forms.log_event()

    def record_response(self) -> QDialog | None:
        return self.forms.record_response()

    def end_course(self) -> QDialog | None:
        return self.forms.end_course()
