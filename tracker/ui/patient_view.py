"""The patient screen: header, course actions, and the calendar, events, history and chart tabs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QAction, QHideEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QMenu,
    QScrollArea,
    QTabWidget,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, format_mg
from tracker.storage import queries
from tracker.storage.errors import StorageError
from tracker.storage.operations import doses as dose_operations
from tracker.ui.chart_view import PatientChartView
from tracker.ui.context import AppContext
from tracker.ui.course_dialogs import (
    EndCourseDialog,
    NextCycleDialog,
    ReduceDoseDialog,
    ResponseDialog,
    StartCourseDialog,
)
from tracker.ui.cycle_calendar import (
    DOSE_STATUSES,
    DRUG_LABELS,
    CalendarLegend,
    CycleCalendar,
    DayCell,
)
from tracker.ui.dates import long_date, weekday_date
from tracker.ui.event_dialog import EventDialog
from tracker.ui.events_view import EventsView
from tracker.ui.history_view import HistoryView
from tracker.ui.labs_dialog import LabsDialog
from tracker.ui.patient_header import HeaderFacts, PatientHeader, current_level, header_facts
from tracker.ui.patient_sheet_actions import CycleSheetCommands, SheetTarget
from tracker.ui.settings import AppSettings
from tracker.ui.store_state import open_store
from tracker.ui.unsaved_input import remember_input

if TYPE_CHECKING:
    from tracker.storage.database import Store
    from tracker.storage.records import Course, Cycle, Patient


def record_doses(
    store: Store, course_id: int, day: date, drugs: Sequence[str], status: str
) -> list[int]:
    """Record the same status for several drugs on one day, all or nothing."""
    with store.transaction():
        return [dose_operations.record_dose(store, course_id, day, drug, status) for drug in drugs]


@dataclass(frozen=True)
class PatientActions:
    """The patient screen's commands, exposed so a main window can put them in its menus."""

    start_course: QAction
    next_cycle: QAction
    reduce_dose: QAction
    record_labs: QAction
    log_event: QAction
    record_response: QAction
    end_course: QAction

    def all(self) -> list[QAction]:
        return [
            self.start_course,
            self.next_cycle,
            self.reduce_dose,
            self.record_labs,
            self.log_event,
            self.record_response,
            self.end_course,
        ]


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
        self.patient: Patient | None = None
        self.courses: list[Course] = []
        self.course: Course | None = None
        self.cycles: list[Cycle] = []
        self.dose_menu: QMenu | None = None
        self.active_dialog: QDialog | None = None
        # The cycle whose sheet prints: the one last picked on the calendar, else today's.
        self.sheet_cycle: int | None = None
        self._selected_course_id: int | None = None
        self._showing_current_course = False
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

        self.patient_actions = self._create_actions()
        self.toolbar = QToolBar(objectName="patientToolbar")
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        for action in self.patient_actions.all():
            self.toolbar.addAction(action)
            self.addAction(action)
        self.sheets = CycleSheetCommands(
            self, context, settings if settings is not None else AppSettings(), self._sheet_target
        )
        self.sheet_actions = self.sheets.actions
        self.addActions(self.sheet_actions.all())
        self.toolbar.addSeparator()
        self.toolbar.addWidget(self._sheet_button())
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
        self.legend = CalendarLegend()
        scroll = QScrollArea(objectName="calendarScroll")
        scroll.setWidget(self.calendar)
        scroll.setWidgetResizable(True)
        scroll.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        calendar_hint = QLabel("Click a day (or use the arrow keys and Enter) to record a dose.")
        calendar_page = QWidget(objectName="calendarPage")
        calendar_layout = QVBoxLayout(calendar_page)
        calendar_layout.addWidget(self.legend)
        calendar_layout.addWidget(scroll, 1)
        calendar_layout.addWidget(calendar_hint)

        self.events_view = EventsView(context)
        self.events_view.log_requested.connect(self.log_event)
        self.history_view = HistoryView(context)
        self.chart_view = PatientChartView(context)
        self.tabs = QTabWidget(objectName="patientTabs")
        self.tabs.addTab(calendar_page, "&Calendar")
        self.tabs.addTab(self.events_view, "&Events")
        self.tabs.addTab(self.history_view, "H&istory")
        self.tabs.addTab(self.chart_view, "Cha&rt")
        self.tabs.setCornerWidget(course_chooser, Qt.Corner.TopRightCorner)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.tabs, 1)

        context.data_changed.connect(self.refresh)
        context.store_replaced.connect(self._store_replaced)
        self._enable_actions()

    # -- actions --------------------------------------------------------------------------
    def _create_actions(self) -> PatientActions:
        def action(name: str, text: str, shortcut: str, slot: Callable[[], object]) -> QAction:
            made = QAction(text, self)
            made.setObjectName(name)
            made.setShortcut(QKeySequence(shortcut))
            made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            made.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shortcut})")
            made.triggered.connect(slot)
            return made

        return PatientActions(
            start_course=action(
                "startCourseAction", "&Start course…", "Ctrl+Shift+S", self.start_course
            ),
            next_cycle=action(
                "nextCycleAction", "Ne&xt cycle…", "Ctrl+Shift+N", self.start_next_cycle
            ),
            reduce_dose=action(
                "reduceDoseAction", "&Reduce dose…", "Ctrl+Shift+D", self.reduce_dose
            ),
            record_labs=action("recordLabsAction", "Record &labs…", "Ctrl+L", self.record_labs),
            log_event=action("logEventAction", "Log &event…", "Ctrl+E", self.log_event),
            record_response=action(
                "recordResponseAction", "Res&ponse…", "Ctrl+Shift+R", self.record_response
            ),
            end_course=action("endCourseAction", "E&nd course…", "Ctrl+Shift+E", self.end_course),
        )

    def _sheet_button(self) -> QToolButton:
        """One button for the cycle sheet: a click prints, its menu previews or saves."""
        button = QToolButton(objectName="sheetButton")
        button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(button)
        menu.addActions(self.sheet_actions.all())
        button.setMenu(menu)
        button.setDefaultAction(self.sheet_actions.print_sheet)
        return button

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
        elif has_patient and not self._showing_current_course:
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
        self._selected_course_id = None
        self.sheet_cycle = None
        self.calendar.reset_cursor()
        self._load(patient_id)
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
        self.patient = None
        self.clear()

    def clear(self) -> None:
        self.patient = None
        self._stale = False
        self.sheet_cycle = None
        self.courses, self.course, self.cycles = [], None, []
        self.header.show_facts(HeaderFacts("", "", "", "", ""))
        self.calendar.clear()
        self.events_view.show_patient(None)
        self.history_view.show_patient(None)
        self.chart_view.show_patient(None)
        self._enable_actions()

    def _load(self, patient_id: int) -> None:
        store = open_store(self.context)
        if store is None:
            self.clear()
            return
        self._stale = False
        try:
            self.patient = queries.get_patient(store, patient_id)
        except StorageError:
            self.clear()
            return
        self.courses = queries.courses_of(store, patient_id)
        self.course = self._chosen_course(store, patient_id)
        current = queries.current_course(store, patient_id)
        self._showing_current_course = (
            self.course is not None and current is not None and current.id == self.course.id
        )
        self.cycles = queries.cycles_of(store, self.course.id) if self.course else []
        if self.sheet_cycle is not None and self.sheet_cycle > len(self.cycles) + 1:
            self.sheet_cycle = None
        level_changes = queries.level_changes_of(store, self.course.id) if self.course else []
        doses = queries.dose_records_of(store, self.course.id) if self.course else []
        self.header.show_facts(
            header_facts(
                self.patient, self.course, self.cycles, level_changes, doses, store.today()
            )
        )
        self._fill_course_combo()
        self._show_calendar(store, doses)
        self.events_view.show_patient(patient_id, self.course.id if self.course else None)
        self.history_view.show_patient(patient_id)
        self.chart_view.show_patient(patient_id)
        self._enable_actions()

    def _chosen_course(self, store: Store, patient_id: int) -> Course | None:
        for course in self.courses:
            if course.id == self._selected_course_id:
                return course
        return queries.current_course(store, patient_id)

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

    def _show_calendar(self, store: Store, doses: Sequence) -> None:
        if self.course is None or not self.cycles:
            self.calendar.clear()
            return
        # An active course also shows the next cycle as planned, so its due date is visible.
        shown = len(self.cycles) + (1 if self.course.is_active else 0)
        days = queries.course_calendar(store, self.course.id, cycles=shown)
        statuses = {(dose.date, dose.drug): dose.status for dose in doses}
        delays = {cycle.number: cycle.delay_days for cycle in self.cycles}
        self.calendar.set_calendar(days, statuses, store.today(), len(self.cycles), delays)

    # -- dose recording -------------------------------------------------------------------
    def open_dose_menu(self, cell: DayCell, anchor: QPoint) -> QMenu:
        """The per-day menu: taken / missed / held for each drug planned that day."""
        menu = QMenu(self)
        menu.setObjectName("doseMenu")
        day = cell.planned
        self.select_sheet_cycle(day.cycle)
        menu.addSection(f"{weekday_date(day.date)} · cycle {day.cycle} day {day.day}")
        drugs = [drug for drug in (LENALIDOMIDE, DEXAMETHASONE) if cell.is_planned(drug)]
        if not cell.started:
            menu.addAction(f"Cycle {day.cycle} has not started yet").setEnabled(False)
            drugs = []
        elif not drugs:
            menu.addAction("Rest day: no dose planned").setEnabled(False)
        future = day.date > self.context.store.today()
        if future and drugs:
            menu.addAction("A future day: record doses on or after the day").setEnabled(False)
        for drug in drugs:
            mg = day.lenalidomide_mg if drug == LENALIDOMIDE else day.dexamethasone_mg
            dose = f" {format_mg(mg)} mg" if mg else ""
            menu.addSection(f"{DRUG_LABELS[drug]}{dose}")
            for status in DOSE_STATUSES:
                action = menu.addAction(status.capitalize())
                action.setObjectName(f"{drug}-{status}")
                action.setCheckable(True)
                action.setChecked(cell.status(drug) == status)
                # Dose records are facts of a day that has come, holds included.
                action.setEnabled(not future)
                action.triggered.connect(
                    lambda _checked=False, d=(drug,), s=status: self._record(day.date, d, s)
                )
            if cell.status(drug):
                clear = menu.addAction("Clear record")
                clear.setObjectName(f"{drug}-clear")
                clear.setStatusTip("Withdraw a record made by mistake; the history keeps it")
                clear.triggered.connect(lambda _checked=False, d=drug: self._clear(day.date, d))
        if len(drugs) == 2:
            menu.addSection("Both drugs")
            for status in ("taken", "missed"):
                action = menu.addAction(f"Both {status}")
                action.setObjectName(f"both-{status}")
                action.setEnabled(not future)
                action.triggered.connect(
                    lambda _checked=False, s=status: self._record(day.date, tuple(drugs), s)
                )
        self.dose_menu = menu
        menu.popup(anchor)
        return menu

    def _record(self, day: date, drugs: tuple[str, ...], status: str) -> None:
        if self.course is None:
            return
        self.context.run(record_doses, self.course.id, day, drugs, status, parent=self)

    def _clear(self, day: date, drug: str) -> None:
        if self.course is None:
            return
        self.context.run(dose_operations.clear_dose, self.course.id, day, drug, parent=self)

    # -- dialogs --------------------------------------------------------------------------
    def _open(self, dialog: QDialog) -> QDialog:
        self.active_dialog = dialog
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        # What the form opened with is not unsaved input (see tracker.ui.unsaved_input).
        remember_input(dialog)
        return dialog

    def _current_levels(self) -> dict[str, int]:
        assert self.course is not None
        changes = queries.level_changes_of(self.context.store, self.course.id)
        today = self.context.store.today()
        return {
            LENALIDOMIDE: current_level(LENALIDOMIDE, self.course.len_start_level, changes, today),
            DEXAMETHASONE: current_level(
                DEXAMETHASONE, self.course.dex_start_level, changes, today
            ),
        }

    def start_course(self) -> QDialog | None:
        if self.patient is None:
            return None
        return self._open(StartCourseDialog(self.context, self.patient, parent=self))

    def start_next_cycle(self) -> QDialog | None:
        if self.course is None or not self.cycles:
            return None
        last = max(self.cycles, key=lambda cycle: cycle.number)
        return self._open(NextCycleDialog(self.context, self.course, last, parent=self))

    def reduce_dose(self) -> QDialog | None:
        if self.course is None:
            return None
        levels = self._current_levels()
        return self._open(ReduceDoseDialog(self.context, self.course, levels, parent=self))

    def record_labs(self) -> QDialog | None:
        if self.patient is None:
            return None
        active = self.course if self.course is not None and self.course.is_active else None
        levels = self._current_levels() if active else {}
        return self._open(
            LabsDialog(self.context, self.patient, active, levels, self.cycles, parent=self)
        )

    def log_event(self) -> QDialog | None:
        if self.patient is None:
            return None
        course_id = self.course.id if self.course is not None else None
        return self._open(
            EventDialog(self.context, self.patient.id, course_id=course_id, parent=self)
        )

    def record_response(self) -> QDialog | None:
        if self.course is None:
            return None
        return self._open(ResponseDialog(self.context, self.course, parent=self))

    def end_course(self) -> QDialog | None:
        if self.course is None:
            return None
        return self._open(EndCourseDialog(self.context, self.course, parent=self))
