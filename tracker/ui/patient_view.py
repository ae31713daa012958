"""The patient screen: header, status strip, course actions, and the calendar, events, history
and chart tabs.

What it shows about the course (position, doses in force, interruption, counts, advice and
every calendar day) is the treatment engine's answer, read in one go by ``patient_read``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE
from tracker.ui.calendar_cells import DayCell
from tracker.ui.calendar_page import CalendarPage
from tracker.ui.chart_view import PatientChartView
from tracker.ui.context import AppContext
from tracker.ui.cycle_calendar import CycleCalendar
from tracker.ui.dates import long_date
from tracker.ui.day_commands import DayCommands
from tracker.ui.events_view import EventsView
from tracker.ui.history_view import HistoryView
from tracker.ui.patient_actions import PatientSlots, create_patient_actions, patient_toolbar
from tracker.ui.patient_header import EMPTY_HEADER, PatientHeader, header_facts
from tracker.ui.patient_read import PatientSnapshot, read_patient
from tracker.ui.patient_sheet_actions import CycleSheetCommands, SheetTarget
from tracker.ui.patient_status import StatusStrip
from tracker.ui.reads import read
from tracker.ui.settings import AppSettings
from tracker.ui.store_state import open_store
from tracker.ui.unsaved_input import remember_input

if TYPE_CHECKING:
    from tracker.storage.records import Course, Cycle, Patient
    from tracker.ui.patient_read import CourseSnapshot


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
            ),
        )
        self.sheets = CycleSheetCommands(
            self, context, settings if settings is not None else AppSettings(), self._sheet_target
        )
        self.sheet_actions = self.sheets.actions
        self.toolbar = patient_toolbar(self, self.patient_actions, self.sheet_actions)
        self.course_combo = QComboBox(objectName="courseCombo")
        self.course_combo.setToolTip("Which course the calendar shows")
        self.course_combo.activated.connect(self._course_chosen)
        self.course_label = QLabel("Course:")
        # Beside the tabs, not the toolbar: at 1024 pixels the toolbar needs its whole width.
        course_chooser = QWidget(objectName="courseChooser")
        chooser_layout = QHBoxLayout(course_chooser)
        chooser_layout.setContentsMargins(0, 0, 0, 2)
        chooser_layout.addWidget(self.course_label)
        chooser_layout.addWidget(self.course_combo)

        self.calendar = CycleCalendar()
        self.calendar.day_clicked.connect(self.open_dose_menu)
        self.calendar.cursor_changed.connect(self._cursor_moved)
        self.calendar_page = CalendarPage(self.calendar)
        self.legend = self.calendar_page.legend
        self.days = DayCommands(self, context, self._shown_course, self._open)

        self.events_view = EventsView(context)
        self.events_view.log_requested.connect(self.log_event)
        self.history_view = HistoryView(context)
        self.chart_view = PatientChartView(context)
        self.tabs = QTabWidget(objectName="patientTabs")
        self.tabs.addTab(self.calendar_page, "&Calendar")
        self.tabs.addTab(self.events_view, "&Events")
        self.tabs.addTab(self.history_view, "H&istory")
        self.tabs.addTab(self.chart_view, "Cha&rt")
        self.tabs.setCornerWidget(course_chooser, Qt.Corner.TopRightCorner)

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

    def _shown_course(self) -> CourseSnapshot | None:
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
        for action in (
            self.patient_actions.next_cycle,
            self.patient_actions.reduce_dose,
            self.patient_actions.end_course,
        ):
            action.setEnabled(active and bool(self.cycles))
        self.patient_actions.record_response.setEnabled(course is not None)
        self.patient_actions.record_labs.setEnabled(has_patient)
        self.patient_actions.log_event.setEnabled(has_patient)
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
        """Show the patient's current course, scrolled to today's cycle."""
        self._selected_course_id = None
        self.sheet_cycle = None
        self.calendar.reset_cursor()
        self._load(patient_id)
        self.calendar_page.scroll_to_today()
        self.tabs.setCurrentIndex(0)

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
        self.snapshot = None
        self._stale = False
        self.sheet_cycle = None
        self.header.show_facts(EMPTY_HEADER)
        self.status_strip.show_state(None, None)
        self.calendar.clear()
        self.events_view.show_patient(None)
        self.history_view.show_patient(None)
        self.chart_view.show_patient(None)
        self._enable_actions()

    def _load(self, patient_id: int) -> None:
        if open_store(self.context) is None:
            self.clear()
            return
        self._stale = False
        snapshot = read(
            self.context, read_patient, patient_id, self._selected_course_id, parent=self
        )
        if snapshot is None:
            self.clear()
            return
        self.snapshot = snapshot
        shown = snapshot.shown
        too_far = shown is None or (self.sheet_cycle or 0) > len(shown.cycles) + 1
        if self.sheet_cycle is not None and too_far:
            self.sheet_cycle = None
        self.header.show_facts(header_facts(snapshot.patient, snapshot.today, shown))
        self.status_strip.show_state(shown.state if shown else None, snapshot.today)
        self._fill_course_combo()
        self._show_calendar()
        course_id = shown.course.id if shown else None
        self.events_view.show_patient(patient_id, course_id)
        self.history_view.show_patient(patient_id)
        self.chart_view.show_patient(patient_id)
        self._enable_actions()

    def _fill_course_combo(self) -> None:
        self.course_combo.blockSignals(True)
        self.course_combo.clear()
        for course in sorted(self.courses, key=lambda course: course.start_date, reverse=True):
            state = "active" if course.is_active else f"ended {long_date(course.end_date)}"
            self.course_combo.addItem(
                f"Started {long_date(course.start_date)} ({state})", course.id
            )
        if self.course is not None:
            self.course_combo.setCurrentIndex(self.course_combo.findData(self.course.id))
        self.course_combo.blockSignals(False)
        several = len(self.courses) > 1
        self.course_combo.setVisible(several)
        self.course_label.setVisible(several)

    def _course_chosen(self, index: int) -> None:
        self._selected_course_id = self.course_combo.itemData(index)
        self.sheet_cycle = None
        self.calendar.reset_cursor()
        self.refresh()
        self.calendar_page.scroll_to_today()

    def _show_calendar(self) -> None:
        shown = self._shown_course()
        if shown is None or not shown.cycles:
            self.calendar.clear()
            return
        statuses = {(dose.date, dose.drug): dose.status for dose in shown.doses}
        delays = {cycle.number: cycle.delay_days for cycle in shown.cycles}
        today = self.snapshot.today if self.snapshot else None
        self.calendar.set_calendar(
            shown.days, statuses, today, len(shown.cycles), delays, shown.unheld_days
        )

    # -- the day menu ---------------------------------------------------------------------
    def open_dose_menu(self, cell: DayCell, anchor: QPoint) -> QMenu:
        """The per-day menu (see ``DayCommands``); the sheet follows the day's cycle."""
        self.select_sheet_cycle(cell.planned.cycle)
        return self.days.open_menu(cell, anchor)

    # -- dialogs --------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        self.active_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        # What the form opened with is not unsaved input (see tracker.ui.unsaved_input).
        remember_input(dialog)
        return dialog

    def _current_levels(self) -> dict[str, int]:
        """The dose levels in force today, as the engine reads them from the course."""
        shown = self._shown_course()
        if shown is None:
            return {}
        return {
            LENALIDOMIDE: shown.state.lenalidomide_level,
            DEXAMETHASONE: shown.state.dexamethasone_level,
        }

    def start_course(self) -> QDialog | None:
        from tracker.ui.course_dialogs import StartCourseDialog

        if self.patient is None:
            return None
        return self._open(StartCourseDialog(self.context, self.patient, parent=self))

    def start_next_cycle(self) -> QDialog | None:
        from tracker.ui.course_dialogs import NextCycleDialog

        if self.course is None or not self.cycles:
            return None
        last = max(self.cycles, key=lambda cycle: cycle.number)
        return self._open(NextCycleDialog(self.context, self.course, last, parent=self))

    def reduce_dose(self) -> QDialog | None:
        from tracker.ui.course_dialogs import ReduceDoseDialog

        if self.course is None:
            return None
        levels = self._current_levels()
        return self._open(ReduceDoseDialog(self.context, self.course, levels, parent=self))

    def record_labs(self) -> QDialog | None:
        from tracker.ui.labs_dialog import LabsDialog

        if self.patient is None:
            return None
        active = self.course if self.course is not None and self.course.is_active else None
        levels = self._current_levels() if active else {}
        return self._open(
            LabsDialog(self.context, self.patient, active, levels, self.cycles, parent=self)
        )

    def log_event(self) -> QDialog | None:
        from tracker.ui.event_dialog import EventDialog

        if self.patient is None:
            return None
        course_id = self.course.id if self.course is not None else None
        return self._open(
            EventDialog(self.context, self.patient.id, course_id=course_id, parent=self)
        )

    def record_response(self) -> QDialog | None:
        from tracker.ui.course_dialogs import ResponseDialog

        if self.course is None:
            return None
        return self._open(ResponseDialog(self.context, self.course, parent=self))

    def end_course(self) -> QDialog | None:
        from tracker.ui.course_dialogs import EndCourseDialog

        if self.course is None:
            return None
        return self._open(EndCourseDialog(self.context, self.course, parent=self))
