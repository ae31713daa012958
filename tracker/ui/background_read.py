"""Reading from the database on a worker thread, so a slow read never freezes the screen.

The worker opens its own connection to the same file (a SQLite connection belongs to the
thread that made it) and never writes through it. Its answer comes back on the GUI thread;
an answer to a request that has since been replaced, or for a database that has since been
closed, is dropped. A refused read is shown as ``reads.read`` shows it.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from tracker.domain.errors import DomainError
from tracker.storage.database import BUSY_TIMEOUT_MS, Store
from tracker.storage.errors import StorageError
from tracker.ui.context import AppContext


def reading_store(store: Store, today: date) -> Store:
    """A second, read-only handle on ``store``'s file for this thread, with ``today`` fixed.

    (Storage has no such handle of its own yet; this one opens the same file the context
    already checked, and refuses writes with ``query_only``.)
    """
    from sqlite_utils import Database

    connection = sqlite3.connect(store.path, check_same_thread=False)
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA query_only = ON")
    return Store(Database(connection), store.path, staff=None, clock=lambda: today)


@dataclass(frozen=True)
class _Answer:
    request: int
    store: Store
    value: Any = None
    error: BaseException | None = None


class BackgroundRead(QObject):
    """Runs one read at a time on a worker thread; ``done`` carries the latest one's value."""

    done = Signal(object)
    _answered = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self._request = 0
        self._pending = False
        # Emitted from the worker; Qt queues it to this object's (the GUI) thread.
        self._answered.connect(self._deliver)

    @property
    def pending(self) -> bool:
        """A read was started and its answer has not been delivered (nor cancelled)."""
        return self._pending

    def cancel(self) -> None:
        """Forget the read in progress: its answer will be dropped."""
        self._request += 1
        self._pending = False

    def start(self, query: Callable[..., Any], *args: Any) -> None:
        """``query(reading_store, *args)`` on a worker thread; the answer arrives in ``done``."""
        self._request += 1
        self._pending = True
        store = self._context.store
        today = store.today()
        thread = threading.Thread(
            target=self._run,
            args=(self._request, store, today, query, args),
            name="tracker-background-read",
            daemon=True,
        )
        thread.start()

    def _run(
        self, request: int, store: Store, today: date, query: Callable[..., Any], args: tuple
    ) -> None:
        try:
            reader = reading_store(store, today)
            try:
                answer = _Answer(request, store, value=query(reader, *args))
            finally:
                reader.close()
        except Exception as error:  # handed to the GUI thread, which says what went wrong
            answer = _Answer(request, store, error=error)
        # The screen may have been closed and deleted meanwhile: nobody is waiting then.
        with suppress(RuntimeError):
            self._answered.emit(answer)

    def _deliver(self, answer: _Answer) -> None:
        if answer.request != self._request:
            return
        self._pending = False
        context = self._context
        if not context.has_store or context.store is not answer.store:
            return
        error = answer.error
        if error is None:
            self.done.emit(answer.value)
        elif isinstance(error, (StorageError, DomainError)):
            context.report_error(self._parent, str(error))
        elif isinstance(error, sqlite3.DatabaseError):
            context.read_failed(self._parent, error)
        else:
            raise error
