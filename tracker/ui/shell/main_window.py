"""The application window: Today, Patients, the Cohort report (grade 3-4 events and
outcomes) and the patient screen in one stack.

Only Today is built with the window. The Patients, patient and cohort screens are built the
first time they are needed (the patient screen also when the Patient menu first opens, to
list its commands), so their forms, charts and libraries cost nothing at startup.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QStackedWidget,
    QWidget,
)

from tracker.ui.common.confirmation import Confirm, ask_to_confirm
from tracker.ui.common.context import AppContext
from tracker.ui.common.settings import APPLICATION, AppSettings
from tracker.ui.common.unsaved_input import has_unsaved_input, remember_input
from tracker.ui.shell import database_actions, server_connection
from tracker.ui.shell.actions import MainActions
from tracker.ui.shell.closing_backup import ClosingBackup
from tracker.ui.shell.session import Session
from tracker.ui.today.today_view import TodayView, sheets_available

if TYPE_CHECKING:
    from tracker.ui.cohort.cohort_screen import CohortScreen
    from tracker.ui.cohort.cohort_view import CohortChartView
    from tracker.ui.cohort.outcomes_view import OutcomesView
    from tracker.ui.patient.patient_view import PatientView
    from tracker.ui.patients.patients_view import PatientsView

DEFAULT_SIZE = (1200, 780)
_INITIALS = re.compile(r"[A-Za-z][A-Za-z.\- ]{0,7}")


class MainWindow(QMainWindow):
    def __init__(
        self,
        context: AppContext,
        settings: AppSettings,
        *,
        automatic_backup_dir: Path | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.context = context
        self.settings = settings
        self.closing_backup = ClosingBackup(self, automatic_backup_dir)
        self.staff_initials: str | None = None
        self._staff_asked = False
        # Replaced by tests to answer questions without modal dialogs.
        self.confirm: Confirm = ask_to_confirm

        self.commands = MainActions.create(self)
        self.toolbar = self.commands.install(self)
        self.patient_menu: QMenu = self.menuBar().findChild(QMenu, "patientMenu")
        self.patient_menu.aboutToShow.connect(self._ensure_patient_view)

        self.today_view = TodayView(context, self, settings=settings)
        self._patients_view: PatientsView | None = None
        self.patient_view: PatientView | None = None
        self.cohort_screen: CohortScreen | None = None
        self.cohort_view: CohortChartView | None = None
        self.outcomes_view: OutcomesView | None = None
        self._return_to: QWidget = self.today_view
        self.stack = QStackedWidget(objectName="screens")
        self.stack.addWidget(self.today_view)
        self.stack.currentChanged.connect(self._screen_changed)
        self.setCentralWidget(self.stack)

        self._database_label = QLabel(objectName="databaseLabel")
        self._staff_label = QLabel(objectName="staffLabel")
        self.statusBar().addPermanentWidget(self._staff_label)
        self.statusBar().addPermanentWidget(self._database_label)

        self._connect_actions()
        self.session = Session(self)
        self.server_mode = server_connection.ServerMode(self)
        self.today_view.patient_activated.connect(self.open_patient)
        context.store_replaced.connect(self._store_replaced)
        application = QApplication.instance()
        if isinstance(application, QApplication):
            application.focusChanged.connect(self._focus_changed)

        self.resize(*DEFAULT_SIZE)
        self._restore_layout()
        self._store_replaced()
        self._screen_changed()

    # --- wiring ---------------------------------------------------------------------------

    def _connect_actions(self) -> None:
        actions = self.commands
        actions.new_database.triggered.connect(lambda: self.new_database())
        actions.open_database.triggered.connect(lambda: self.open_database())
        actions.backup.triggered.connect(lambda: self.backup_database())
        actions.print_week_sheets.triggered.connect(self.today_view.print_week_sheets)
        actions.preferences.triggered.connect(lambda: self.show_preferences())
        actions.set_staff.triggered.connect(self.ask_staff_initials)
        actions.quit.triggered.connect(self.close)
        actions.new_patient.triggered.connect(self.new_patient)
        actions.find_patient.triggered.connect(self.find_patient)
        actions.show_today.triggered.connect(self.show_today)
        actions.show_patients.triggered.connect(self.show_patients)
        actions.show_cohort.triggered.connect(self.show_cohort)
        actions.verify_records.triggered.connect(lambda: self.verify_records())
        actions.about.triggered.connect(self.show_about)
        actions.backup.setEnabled(database_actions.backups_available())

    def _restore_layout(self) -> None:
        geometry = self.settings.window_geometry()
        if geometry is not None:
            self.restoreGeometry(geometry)
        state = self.settings.window_state()
        if state is not None:
            self.restoreState(state)

    def _store_replaced(self) -> None:
        has_store = self.context.has_store
        if has_store:
            store = self.context.store
            store.staff = self.staff_initials
            server_connection.show_database(self, store, self._database_label)
            # Imported with the first database, not before the window shows.
            from tracker.ui.shell import verify_dialog

            verify_dialog.check_recent_records(self.context, self, self.statusBar())
        else:
            self._database_label.setText("No database open")
            self.setWindowTitle(APPLICATION)
        for action in (
            self.commands.new_patient,
            self.commands.find_patient,
            self.commands.preferences,
            self.commands.verify_records,
        ):
            action.setEnabled(has_store)
        self.commands.print_week_sheets.setEnabled(has_store and sheets_available())
        self.commands.backup.setEnabled(has_store and database_actions.backups_available())
        if self.stack.currentWidget() is self.patient_view:
            self.show_today()
        self._update_staff_label()
        self.session.store_replaced()

    def _screen_changed(self) -> None:
        current = self.stack.currentWidget()
        self.commands.show_today.setChecked(current is self.today_view)
        self.commands.show_patients.setChecked(
            current is not None and current is self._patients_view
        )
        self.commands.show_cohort.setChecked(current is not None and current is self.cohort_screen)

    # --- screens --------------------------------------------------------------------------

    def show_today(self) -> None:
        self.stack.setCurrentWidget(self.today_view)

    def show_patients(self) -> None:
        self.stack.setCurrentWidget(self.patients_view)

    def show_cohort(self) -> None:
        self.stack.setCurrentWidget(self._ensure_cohort_view())

    def find_patient(self) -> None:
        self.show_patients()
        self.patients_view.focus_search()

    def new_patient(self) -> QDialog | None:
        self.show_patients()
        return self.patients_view.new_patient()

    def open_patient(self, patient_id: int) -> None:
        current = self.stack.currentWidget()
        if current is not self.patient_view:
            self._return_to = current
        view = self._ensure_patient_view()
        view.show_patient(patient_id)
        self.stack.setCurrentWidget(view)
        # The calendar takes the keyboard, so arrows, Enter and the screen's shortcuts work.
        view.calendar.setFocus()

    def go_back(self) -> None:
        self.stack.setCurrentWidget(self._return_to)

    @property
    def patients_view(self) -> PatientsView:
        """The Patients screen, built the first time it is asked for."""
        if self._patients_view is None:
            from tracker.ui.patients.patients_view import PatientsView

            view = PatientsView(self.context, self)
            view.patient_activated.connect(self.open_patient)
            self.stack.addWidget(view)
            self._patients_view = view
        return self._patients_view

    def _ensure_patient_view(self) -> PatientView:
        if self.patient_view is None:
            from tracker.ui.patient.patient_view import PatientView

            view = PatientView(self.context, self, settings=self.settings)
            view.back_requested.connect(self.go_back)
            self.stack.addWidget(view)
            self.patient_view = view
            self.patient_menu.addSeparator()
            self.patient_menu.addActions(view.patient_actions.all())
            self.patient_menu.addSeparator()
            self.patient_menu.addActions(view.sheet_actions.all())
        return self.patient_view

    def _ensure_cohort_view(self) -> CohortScreen:
        if self.cohort_screen is None:
            from tracker.ui.cohort.cohort_screen import CohortScreen

            self.cohort_screen = CohortScreen(self.context, self)
            self.cohort_view = self.cohort_screen.events_view
            self.outcomes_view = self.cohort_screen.outcomes_view
            self.stack.addWidget(self.cohort_screen)
        return self.cohort_screen

    # --- database -------------------------------------------------------------------------

    def _current_path(self) -> Path | None:
        return self.context.store.path if self.context.has_store else self.settings.last_database()

    def open_database(self, path: Path | str | None = None) -> bool:
        if path is None:
            path = database_actions.choose_database_to_open(self, self._current_path())
            if path is None:
                return False
        return database_actions.open_existing(
            self.context,
            path,
            staff=self.staff_initials,
            parent=self,
            sign_in=self.session.sign_in_to,
        )

    def new_database(self, path: Path | str | None = None) -> bool:
        if path is None:
            path = database_actions.choose_new_database(self, self._current_path())
            if path is None:
                return False
            # From the menu: encrypted, with its first administrator.
            return self.session.files.create_encrypted(path)
        return database_actions.create_new(
            self.context, path, staff=self.staff_initials, parent=self
        )

    def backup_database(self, destination: Path | str | None = None) -> bool:
        """File > Back up: True once a backup has started (off the GUI thread)."""
        return database_actions.start_backup(self, destination)

    # --- records --------------------------------------------------------------------------

    def verify_records(self) -> QDialog | None:
        """Tools > Verify records: the whole check, in a dialog (None without a database)."""
        if not self.context.has_store:
            return None
        from tracker.ui.shell import verify_dialog

        return verify_dialog.open_verify_dialog(self.context, self)

    # --- settings -------------------------------------------------------------------------

    def show_preferences(self) -> QDialog | None:
        """File > Settings, window-modal; returns the dialog (None without a database)."""
        if not self.context.has_store:
            return None
        from tracker.ui.shell.preferences_dialog import PreferencesDialog

        dialog = PreferencesDialog(self.context, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    # --- staff ----------------------------------------------------------------------------

    def set_staff_initials(self, initials: str | None) -> bool:
        """Record who is working; empty clears it. False (and a dialog) for unusable initials."""
        cleaned = " ".join((initials or "").split()).upper() or None
        if cleaned is not None and not _INITIALS.fullmatch(cleaned):
            self.context.report_error(
                self, f"{initials!r} are not initials: use up to 8 letters, such as 'JD'."
            )
            return False
        self.staff_initials = cleaned
        if self.context.has_store:
            self.context.store.staff = cleaned
        self._update_staff_label()
        return True

    def ask_staff_initials_once(self) -> None:
        """At the start of a session; later changes go through File > Set staff initials."""
        # Initials go with a database without accounts; on one with accounts, who signed in.
        if not self._staff_asked and self.context.has_store and not self.session.has_accounts:
            self.ask_staff_initials()

    def ask_staff_initials(self) -> None:
        self._staff_asked = True
        while True:
            text, accepted = QInputDialog.getText(
                self,
                "Staff initials",
                "Your initials are recorded with each change you make (optional):",
                QLineEdit.EchoMode.Normal,
                self.staff_initials or "",
            )
            if not accepted or self.set_staff_initials(text):
                return

    def _update_staff_label(self) -> None:
        if self.staff_initials:
            self._staff_label.setText(f"Staff: {self.staff_initials}")
        else:
            self._staff_label.setText("Staff: not set")

    # --- help -----------------------------------------------------------------------------

    def show_about(self) -> None:
        from tracker.ui.shell.about import show_about

        show_about(self)

    # --- closing --------------------------------------------------------------------------

    def _focus_changed(self, _old: QWidget | None, now: QWidget | None) -> None:
        # Focus enters a form before anything can be typed into it: what it holds then is
        # what it opened with, whichever screen opened it.
        if now is None:
            return
        form = now.window()
        if isinstance(form, QDialog) and form is not self and self._owns(form):
            remember_input(form)

    def _owns(self, widget: QWidget) -> bool:
        parent = widget.parentWidget()
        while parent is not None:
            if parent is self:
                return True
            parent = parent.parentWidget()
        return False

    def dialogs_with_unsaved_input(self) -> list[QDialog]:
        """Open forms of this window holding input that was not saved."""
        return [
            dialog
            for dialog in self.findChildren(QDialog)
            if dialog.isVisible() and has_unsaved_input(dialog)
        ]

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.closing_backup.running:
            event.ignore()
            return
        unsaved = self.dialogs_with_unsaved_input()
        if unsaved:
            titles = ", ".join(dialog.windowTitle() for dialog in unsaved)
            if not self.confirm(
                self,
                "Unsaved input",
                f"{titles} has input that is not saved. Close anyway and lose it?",
            ):
                event.ignore()
                return
            for dialog in unsaved:
                dialog.reject()
        self.settings.save_window(self.saveGeometry(), self.saveState())
        self.settings.sync()
        if self.closing_backup.start():
            # The window closes once the backup is done.
            event.ignore()
            return
        event.accept()
