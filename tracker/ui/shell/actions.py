"""The main window's commands: one QAction each, shared by the menus and the toolbar."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QToolBar


def _quit_keys() -> QKeySequence:
    """The platform's Quit key; Ctrl+Q where it names none (Windows), so the menu shows one."""
    platform = QKeySequence(QKeySequence.StandardKey.Quit)
    return platform if not platform.isEmpty() else QKeySequence("Ctrl+Q")


@dataclass(frozen=True)
class MainActions:
    new_database: QAction
    open_database: QAction
    backup: QAction
    print_week_sheets: QAction
    preferences: QAction
    set_staff: QAction
    quit: QAction
    new_patient: QAction
    find_patient: QAction
    show_today: QAction
    show_patients: QAction
    show_cohort: QAction
    verify_records: QAction
    about: QAction

    @classmethod
    def create(cls, window: QMainWindow) -> MainActions:
        def action(
            name: str, text: str, shortcut: QKeySequence | str | None = None, tip: str = ""
        ) -> QAction:
            made = QAction(text, window)
            made.setObjectName(name)
            if shortcut is not None:
                made.setShortcut(QKeySequence(shortcut))
            if tip:
                made.setStatusTip(tip)
                made.setToolTip(f"{tip} ({made.shortcut().toString()})" if shortcut else tip)
            return made

        return cls(
            new_database=action(
                "newDatabaseAction", "&New database…", None, "Create an empty database file"
            ),
            open_database=action(
                "openDatabaseAction",
                "&Open database…",
                QKeySequence.StandardKey.Open,
                "Open another database file",
            ),
            backup=action("backupAction", "&Backup…", None, "Save a copy of the open database"),
            print_week_sheets=action(
                "printWeekSheetsAction",
                "&Print week's sheets…",
                None,
                "Print the cycle sheet of every patient treated this week",
            ),
            preferences=action(
                "preferencesAction",
                "Se&ttings…",
                "Ctrl+,",
                "Clinic name and paper size of the cycle sheets",
            ),
            set_staff=action(
                "setStaffAction",
                "Set staff &initials…",
                None,
                "Initials recorded with every change in the audit log",
            ),
            quit=action("quitAction", "&Quit", _quit_keys(), "Close the tracker"),
            new_patient=action("newPatientAction", "&New patient…", "Ctrl+N", "Add a patient"),
            find_patient=action(
                "findPatientAction", "&Find patient", "Ctrl+F", "Search patients by MRN or name"
            ),
            show_today=action("showTodayAction", "&Today", "Ctrl+1", "Today's patients"),
            show_patients=action("showPatientsAction", "&Patients", "Ctrl+2", "All patients"),
            show_cohort=action(
                "showCohortAction",
                "&Cohort report",
                "Ctrl+3",
                "The clinic's grade 3-4 event rates against the MM-010 trial",
            ),
            verify_records=action(
                "verifyRecordsAction",
                "&Verify records…",
                None,
                "Check the audit trail, every record against it and the stored values",
            ),
            about=action("aboutAction", "&About Rd Cycle Tracker", None, "Version and sources"),
        )

    def screens(self) -> list[QAction]:
        """The actions that switch the window's screen, in menu and toolbar order."""
        return [self.show_today, self.show_patients, self.show_cohort]

    def install(self, window: QMainWindow) -> QToolBar:
        """Build the menu bar and the main toolbar; returns the toolbar."""
        menus = window.menuBar()
        file_menu = menus.addMenu("&File")
        file_menu.setObjectName("fileMenu")
        file_menu.addActions([self.new_database, self.open_database, self.backup])
        file_menu.addSeparator()
        file_menu.addAction(self.print_week_sheets)
        file_menu.addSeparator()
        file_menu.addActions([self.preferences, self.set_staff])
        file_menu.addSeparator()
        file_menu.addAction(self.quit)

        patient_menu = menus.addMenu("&Patient")
        patient_menu.setObjectName("patientMenu")
        patient_menu.addActions([self.new_patient, self.find_patient])

        view_menu = menus.addMenu("&View")
        view_menu.setObjectName("viewMenu")
        view_menu.addActions(self.screens())

        tools_menu = menus.addMenu("&Tools")
        tools_menu.setObjectName("toolsMenu")
        tools_menu.addAction(self.verify_records)

        help_menu = menus.addMenu("&Help")
        help_menu.setObjectName("helpMenu")
        help_menu.addAction(self.about)

        for screen in self.screens():
            screen.setCheckable(True)

        toolbar = window.addToolBar("Main")
        toolbar.setObjectName("mainToolBar")
        toolbar.setMovable(False)
        toolbar.addActions(self.screens())
        toolbar.addSeparator()
        toolbar.addActions([self.new_patient, self.find_patient])
        return toolbar
