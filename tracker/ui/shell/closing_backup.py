"""The rotating backup taken when the window closes after changes, off the GUI thread.

Checking the database and its copy whole takes seconds on a large clinic's file; the window
stays open, says what it is doing in the status bar and takes no more changes until the copy
is written, then closes itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtWidgets import QWidget

from tracker.storage.errors import StorageError
from tracker.ui.common.context import AppContext
from tracker.ui.common.store_state import open_store
from tracker.ui.shell import database_actions

if TYPE_CHECKING:
    from tracker.ui.shell.main_window import MainWindow

BACKING_UP_TEXT = "Backing up the database before closing…"


class ClosingBackup:
    def __init__(self, window: MainWindow, backup_dir: Path | None) -> None:
        self._window = window
        self.backup_dir = backup_dir
        self.running = False
        self.taken = False

    @property
    def _context(self) -> AppContext:
        return self._window.context

    def _parts_taking_input(self) -> list[QWidget]:
        window = self._window
        return [window.centralWidget(), window.menuBar(), window.toolbar]

    def start(self) -> bool:
        """Start the backup if anything changed; True when the window must wait for it."""
        store = open_store(self._context)
        if self.taken or self.running or store is None or not store.changed:
            return False
        if store.is_server:
            # The server's backups are its own; this workstation keeps a downtime copy.
            return False
        if not database_actions.back_up_in_background(store.path, self.backup_dir, self._done):
            return False
        self.running = True
        # Nothing more can be changed (and so left out of the backup) while it is written.
        for part in self._parts_taking_input():
            part.setEnabled(False)
        self._window.statusBar().showMessage(BACKING_UP_TEXT)
        return True

    def _done(self, written: Path | None, error: BaseException | None) -> None:
        window = self._window
        if not shiboken6.isValid(window):
            return
        self.running = False
        self.taken = True
        if error is not None:
            reason = str(error) if isinstance(error, StorageError) else repr(error)
            window.statusBar().showMessage("The automatic backup failed")
            self._context.report_error(window, f"The automatic backup failed: {reason}")
        elif written is not None:
            database_actions.record_automatic_backup(self._context, written)
            window.statusBar().showMessage(f"Backup written to {written}")
        window.close()
