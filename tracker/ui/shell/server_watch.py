"""Watching the server while the window is on it: a connection lost while working opens the
downtime copy (read-only, with its banner); the server back again reopens it.

Each look is a fresh connection made off the GUI thread, so a server that has gone quiet
never holds the window up.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer

from tracker.ui.common.reads import work_in_background
from tracker.ui.shell import database_actions

if TYPE_CHECKING:
    from tracker.storage.database import Store
    from tracker.ui.shell.main_window import MainWindow

WATCH_MS = 10_000


class ServerWatch(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.looking = False
        self.timer = QTimer(self, interval=WATCH_MS)
        self.timer.timeout.connect(self.look)
        self.timer.start()

    def _watched(self) -> tuple[Store, str] | None:
        """The open store and the server address it stands for, if it stands for one."""
        context = self.window.context
        if not context.has_store:
            return None
        store = context.store
        if store.downtime is not None:
            return store, store.downtime.address
        if store.is_server and not store.read_only:
            return store, store.engine.address.url
        return None

    def look(self) -> bool:
        """Start one look at the server; False when there is nothing to watch."""
        watched = self._watched()
        if watched is None or self.looking:
            return False
        store, address = watched
        from tracker.storage.downtime import server_reachable

        self.looking = True
        work_in_background(
            lambda: server_reachable(address),
            lambda reachable, error: self._looked(store, address, bool(reachable) and not error),
        )
        return True

    def _looked(self, store: Store, address: str, reachable: bool) -> None:
        self.looking = False
        context = self.window.context
        if not context.has_store or context.store is not store:
            return
        if store.downtime is None and reachable and not _broken(store):
            return
        if store.downtime is not None and not reachable:
            return
        if reachable:
            # The server back (or a connection that broke while it stayed): open it again.
            replacement, _message = database_actions.try_server(
                address,
                staff=self.window.staff_initials,
                sign_in=self.window.session.sign_in_to,
            )
            if replacement is None or replacement.downtime is not None:
                if replacement is not None:
                    replacement.close()
                return
        else:
            # Not tried again here: it just failed, and trying would hold the window up.
            replacement = _downtime_store(address, self.window.staff_initials)
            if replacement is None:
                return
            # Whoever the server signed in this session keeps their role on the copy (to
            # print today's sheets); the copy is read-only whatever the role.
            replacement.account = store.account
            replacement.has_accounts = store.has_accounts
        context.replace_store(replacement)
        self.window.statusBar().showMessage(
            "The server is back: changes can be made again"
            if replacement.downtime is None
            else "The server cannot be reached: the downtime copy is open, read-only",
            15_000,
        )


def _downtime_store(address: str, staff: str | None) -> Store | None:
    from tracker.storage.downtime import latest_downtime_copy, open_downtime_copy
    from tracker.storage.errors import StorageError

    copy = latest_downtime_copy(address)
    if copy is None:
        return None
    try:
        return open_downtime_copy(copy, staff=staff)
    except StorageError:
        return None


def _broken(store: Any) -> bool:
    raw = store.connection.raw
    return bool(raw.closed or raw.broken)
