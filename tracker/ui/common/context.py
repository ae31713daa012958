"""The open database shared by every view, and the one place data changes go through.

Views never write to the store themselves: they call ``context.run(operation, ...)``, which
shows a refused change in a dialog and tells every view to refresh after a successful one.
Changes committed by another program or window are noticed by polling SQLite's
``PRAGMA data_version``, which moves only when another connection commits (on a server, the
notices other workstations' commits send), and announced the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from tracker.domain.errors import DomainError
from tracker.storage.errors import ConflictError, StorageError

Result = TypeVar("Result")
INTEGRITY_POLL_MS = 50
# Views show another program's change within two seconds: a second between looks, plus the
# refresh.
OUTSIDE_WRITES_POLL_MS = 1000


class AppContext(QObject):
    """Holds the open store; ``data_changed`` fires after every successful write."""

    data_changed = Signal()
    store_replaced = Signal()

    def __init__(self, store: Any | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._store = store
        # Tests replace this to capture messages instead of opening a modal dialog.
        self.report_error: Callable[[QWidget | None, str], None] = show_error
        self._integrity_timer = QTimer(self, interval=INTEGRITY_POLL_MS)
        self._integrity_timer.timeout.connect(self._integrity_verdict)
        self._closing_unreadable = False
        self._data_version: int | None = None
        self._outside_writes_timer = QTimer(self, interval=OUTSIDE_WRITES_POLL_MS)
        self._outside_writes_timer.timeout.connect(self.check_outside_writes)
        if store is not None:
            self._watch_for_outside_writes()

    @property
    def store(self) -> Any:
        if not self.has_store:
            raise StorageError("no database is open")
        return self._store

    @property
    def has_store(self) -> bool:
        """A database is open: one was given and it has not been closed under the screens.

        A store closes when the session ends or another database replaces it; a refresh a
        timer or signal delivers after that must find nothing to read rather than fail.
        """
        return self._store is not None and not getattr(self._store, "closed", False)

    def replace_store(self, store: Any | None) -> None:
        if self._store is not None and self._store is not store:
            # Background reads (``tracker.ui.common.reads``) hold connections of their own: they
            # finish first, or SQLite would leave the old file's write-ahead log behind.
            QThreadPool.globalInstance().waitForDone()
            self._store.close()
        self._store = store
        self._watch_for_outside_writes()
        self.store_replaced.emit()
        self.data_changed.emit()
        # The verdict is asked for even when the check has already finished: a small file's
        # check can end before the store gets here, and its damage must still be reported.
        if store is not None and hasattr(store, "wait_for_integrity"):
            self._integrity_timer.start()

    def _watch_for_outside_writes(self) -> None:
        self._data_version = self._read_data_version()
        if self._data_version is None:
            self._outside_writes_timer.stop()
        else:
            self._outside_writes_timer.start()

    def _read_data_version(self) -> int | None:
        if not self.has_store:
            return None
        if getattr(self._store, "connection", None) is None:
            return None
        # SQLite's PRAGMA data_version, or the server's notices (``storage.engines``).
        return self._store.data_version()

    def check_outside_writes(self) -> bool:
        """Announce a change another connection committed since the last look; True if so."""
        version = self._read_data_version()
        if version is None or version == self._data_version:
            return False
        self._data_version = version
        self.data_changed.emit()
        return True

    def _integrity_verdict(self) -> None:
        """Close a database whose background integrity check found damage, and say so."""
        store = self._store
        if store is None or store.integrity_pending:
            if store is None:
                self._integrity_timer.stop()
            return
        self._integrity_timer.stop()
        try:
            store.wait_for_integrity()
        except StorageError as error:
            self._close_unreadable(None, str(error))

    def _close_unreadable(self, parent: QWidget | None, message: str) -> None:
        """Close a database found damaged and say why, and what to do instead."""
        self.replace_store(None)
        self.report_error(
            parent, f"{message}\n\nUse File > Open database… to open another file or a backup."
        )

    def read_failed(self, parent: QWidget | None, error: Exception) -> None:
        """A read met a damaged page: close the database once and say so in one message.

        The whole-file check may still be running or may not have looked inside row contents;
        either way the file is not read or written any further. Closing waits for the current
        refresh to finish, so the screens that were reading see no database mid-way.
        """
        if self._closing_unreadable or not self.has_store:
            return
        self._closing_unreadable = True
        self._integrity_timer.stop()

        def close() -> None:
            self._closing_unreadable = False
            store = self._store
            if store is None:
                return
            try:
                store.wait_for_integrity()
            except StorageError as found:
                message = str(found)
            else:
                message = (
                    f"{store.path} could not be read ({error}); it may be damaged and was left "
                    "unchanged. Restore it from a backup."
                )
            self._close_unreadable(parent, message)

        QTimer.singleShot(0, close)

    def run(
        self,
        operation: Callable[..., Result],
        *args: Any,
        parent: QWidget | None = None,
        **kwargs: Any,
    ) -> Result | None:
        """Call a storage operation; on a refused change show why and return None."""
        from tracker.storage.conflicts import retrying

        try:
            # A change that lost a race to another workstation is made once more.
            result = retrying(operation, self.store, *args, **kwargs)
        except (StorageError, DomainError) as error:
            self.report_error(parent, str(error))
            if isinstance(error, ConflictError):
                # Another workstation's change came first: show it.
                self.data_changed.emit()
            return None
        self.data_changed.emit()
        return result


def as_sentence(message: str) -> str:
    """Storage and domain messages start in lower case, to read inside a longer line; a
    dialog shows them as a sentence."""
    return message[:1].upper() + message[1:]


def error_box(parent: QWidget | None, message: str, title: str = "Cannot do that") -> QMessageBox:
    box = QMessageBox(
        QMessageBox.Icon.Warning, title, as_sentence(message), QMessageBox.StandardButton.Ok, parent
    )
    box.setObjectName("errorDialog")
    return box


def show_error(parent: QWidget | None, message: str, title: str = "Cannot do that") -> None:
    error_box(parent, message, title).exec()
