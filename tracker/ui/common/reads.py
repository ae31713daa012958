"""Reading from the store for a screen: a refused read is shown, never raised.

``AppContext.run`` is for writes: it announces a change after every call, so a view that read
through it would refresh itself forever. ``read_in_background`` reads off the GUI thread, for
reads long enough to be felt (Today with thousands on treatment, the cohort report).
"""

from __future__ import annotations

import gc
import itertools
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import QWidget

from tracker.domain.errors import DomainError
from tracker.storage.connections import all_errors, database_errors
from tracker.storage.errors import StorageError
from tracker.ui.common.context import AppContext

if TYPE_CHECKING:
    from tracker.storage.database import Store

Result = TypeVar("Result")


def read(
    context: AppContext,
    query: Callable[..., Result],
    *args: Any,
    parent: QWidget | None = None,
    **kwargs: Any,
) -> Result | None:
    """``query(store, *args, **kwargs)``; on a refusal show why and return None.

    A damaged file also returns None, after closing the database (``AppContext.read_failed``).
    """
    try:
        return query(context.store, *args, **kwargs)
    except (StorageError, DomainError) as error:
        context.report_error(parent, str(error))
        return None
    except database_errors() as error:
        # Damage the opening check had not (yet) reported; the file is closed, not retried.
        context.read_failed(parent, error)
        return None


# -- reading off the GUI thread ------------------------------------------------------------


class _Delivery(QObject):
    """Carries the outcome of every background read to the GUI thread (a queued signal).

    One for the whole session, made on the GUI thread and never deleted: a worker only emits
    through it. (A QObject whose last reference went with a finished worker would be deleted
    on that thread, under the GUI thread's feet.)
    """

    arrived = Signal(int, object, object)

    def __init__(self) -> None:
        super().__init__()
        self.arrived.connect(self._dispatch)

    def _dispatch(self, token: int, result: Any, error: BaseException | None) -> None:
        read = _RUNNING.pop(token, None)
        if read is not None:
            read.arrived(result, error)


_delivery: _Delivery | None = None


def collect_garbage_on_the_gui_thread() -> None:
    """From now on, cyclic garbage is collected on the GUI thread only (call it there)."""
    global _collector
    if _collector is None:
        _collector = _GuiThreadCollector()


def _the_delivery() -> _Delivery:
    global _delivery
    if _delivery is None:
        _delivery = _Delivery()
        collect_garbage_on_the_gui_thread()
        # Wait for reads still running before the session ends (see ``wait_for_background_reads``).
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(wait_for_background_reads)
    return _delivery


class BackgroundRead:
    """``query`` run on Qt's global thread pool with a read-only connection of its own.

    The outcome comes back to the GUI thread as ``read`` gives it: ``on_result(result)``, or
    ``on_result(None)`` after a refusal was shown, a damaged file closed, or when the database
    was closed or replaced meanwhile. Any other error is raised again there, so the
    application's exception hook (or a smoke test) sees it. ``cancel`` drops an outcome that
    is no longer wanted.
    """

    def __init__(
        self,
        context: AppContext,
        on_result: Callable[[Any], None],
        parent: QWidget | None,
    ) -> None:
        self._context = context
        self._on_result = on_result
        self._parent = parent
        self._store = context.store
        self.cancelled = False
        self.delivered = False  # its outcome has reached the GUI thread
        self._query: tuple[Callable[..., Any], tuple, dict] | None = None

    def cancel(self) -> None:
        self.cancelled = True

    def start(self, query: Callable[..., Any], *args: Any, **kwargs: Any) -> None:
        source, delivery = self._store, _the_delivery()
        self._query = (query, args, kwargs)
        token = next(_tokens)

        def deliver(result: Any, error: BaseException | None) -> None:
            # At the very end of a session Qt may have gone before a read finished: then
            # nobody is left to tell.
            with suppress(RuntimeError):
                delivery.arrived.emit(token, result, error)

        def work() -> None:
            # No cyclic collection happens on this thread (``_GuiThreadCollector``).
            try:
                store = read_only_store(source)
            except (*all_errors(), StorageError) as error:
                deliver(None, _NoSecondConnection(error))
                return
            try:
                result = query(store, *args, **kwargs)
            except BaseException as error:  # handed to the GUI thread, which decides
                deliver(None, error)
            else:
                deliver(result, None)
            finally:
                store.close()

        _RUNNING[token] = self
        QThreadPool.globalInstance().start(work)

    def arrived(self, result: Any, error: BaseException | None) -> None:
        """The worker's outcome, on the GUI thread."""
        self.delivered = True
        # Dropped, or its screen deleted meanwhile (a window closed at the end of a session).
        if self.cancelled or (self._parent is not None and not shiboken6.isValid(self._parent)):
            return
        if not self._context.has_store or self._context.store is not self._store:
            # The database was closed or replaced meanwhile: the rows belong to another file.
            self._on_result(None)
            return
        if error is None:
            self._on_result(result)
            return
        if isinstance(error, _NoSecondConnection) and self._query is not None:
            # Not the file's fault (a folder that refuses the shared-memory file, say): the
            # main connection reads it, as before background reads.
            query, args, kwargs = self._query
            self._on_result(read(self._context, query, *args, parent=self._parent, **kwargs))
            return
        if isinstance(error, StorageError | DomainError):
            self._context.report_error(self._parent, str(error))
        elif isinstance(error, database_errors()):
            self._context.read_failed(self._parent, error)
        self._on_result(None)
        if not isinstance(error, (StorageError, DomainError, *database_errors())):
            raise error


class _NoSecondConnection(Exception):
    """The worker could not open its own connection to the file."""


# Reads (and jobs) in flight by token, kept until their outcome is delivered.
_RUNNING: dict[int, BackgroundRead | _BackgroundJob] = {}
_tokens = itertools.count(1)


def read_in_background(
    context: AppContext,
    query: Callable[..., Result],
    *args: Any,
    on_result: Callable[[Result | None], None],
    parent: QWidget | None = None,
    **kwargs: Any,
) -> BackgroundRead | None:
    """Start ``query(store, *args, **kwargs)`` off the GUI thread; ``on_result`` gets what
    ``read`` would return. A store that is no file on disk and no server (nothing a second
    connection could open) is read here and now instead, and None returned."""
    store = context.store
    if not getattr(store, "is_server", False) and (
        not Path(store.path).is_file() or store.copied_to_memory
    ):
        on_result(read(context, query, *args, parent=parent, **kwargs))
        return None
    background = BackgroundRead(context, on_result, parent)
    background.start(query, *args, **kwargs)
    return background


class _BackgroundJob:
    """A job's ``on_done`` waiting for its outcome (see ``work_in_background``)."""

    def __init__(self, on_done: Callable[[Any, BaseException | None], None]) -> None:
        self._on_done = on_done

    def arrived(self, result: Any, error: BaseException | None) -> None:
        self._on_done(result, error)


def work_in_background(
    job: Callable[[], Result],
    on_done: Callable[[Result | None, BaseException | None], None],
) -> None:
    """Run ``job()`` on Qt's thread pool and call ``on_done(result, error)`` with its outcome
    on the GUI thread (``error`` is None when it succeeded).

    The job must touch no Qt object and no connection of the GUI thread: it gets what it
    needs (a file's path, say) as plain values.
    """
    delivery = _the_delivery()
    token = next(_tokens)

    def work() -> None:
        try:
            result = job()
        except BaseException as error:  # handed to the GUI thread, which decides
            outcome: tuple[Any, BaseException | None] = (None, error)
        else:
            outcome = (result, None)
        with suppress(RuntimeError):
            delivery.arrived.emit(token, *outcome)

    _RUNNING[token] = _BackgroundJob(on_done)
    QThreadPool.globalInstance().start(work)


class LatestRead(QObject):
    """One read at a time off the GUI thread, for a screen that shows the latest: starting a
    read drops the answer of the one before; ``done`` carries a successful answer (a refusal
    is shown as ``read`` shows it, and nothing is emitted)."""

    done = Signal(object)

    def __init__(self, context: AppContext, parent: QWidget) -> None:
        super().__init__(parent)
        self._context = context
        self._parent = parent
        self._current: BackgroundRead | None = None
        self._token: object | None = None

    @property
    def pending(self) -> bool:
        """A read was started and its answer has not arrived (nor been cancelled)."""
        return self._token is not None

    def cancel(self) -> None:
        """Forget the read in progress: its answer will be dropped."""
        self._token = None
        if self._current is not None:
            self._current.cancel()
            self._current = None

    def start(self, query: Callable[..., Any], *args: Any) -> None:
        self.cancel()
        token = self._token = object()

        def arrived(value: Any) -> None:
            if self._token is not token:
                return
            self._token = self._current = None
            if value is not None:
                self.done.emit(value)

        self._current = read_in_background(
            self._context, query, *args, on_result=arrived, parent=self._parent
        )


def read_only_store(source: Store) -> Store:
    """A second, read-only connection to the database of ``source``, for one thread's reads.

    In write-ahead-log mode it reads the last committed state beside the main connection's
    writes and never blocks them; beside a store opened read-only it creates no file either.
    """
    from tracker.storage.database import Store

    connection = source.reader_connection()
    if connection is None:
        raise StorageError("the database is read from a copy in memory")
    return Store(
        connection,
        source.path,
        staff=None,
        clock=source.today,
        read_only=True,
        engine=source.engine.reader(),
    )


class _GuiThreadCollector(QObject):
    """Cyclic garbage collection on the GUI thread only, once background reads exist.

    Python collects cycles in whichever thread happens to allocate past the threshold. On a
    worker that would free whatever garbage the GUI thread left, Qt objects included, and a
    Qt object deleted off its own thread brings the process down. So automatic collection is
    off, and this timer on the GUI thread does what it would have done, by the same
    thresholds.
    """

    INTERVAL_MS = 250

    def __init__(self) -> None:
        super().__init__()
        gc.disable()
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.collect)
        self._timer.start(self.INTERVAL_MS)

    @staticmethod
    def collect() -> None:
        counts, thresholds = gc.get_count(), gc.get_threshold()
        if counts[0] < thresholds[0]:
            return
        generation = 2 if counts[2] >= thresholds[2] else 1 if counts[1] >= thresholds[1] else 0
        gc.collect(generation)


_collector: _GuiThreadCollector | None = None


def wait_for_background_reads() -> None:
    """Block until every background read has finished with its connection.

    SQLite folds its write-ahead log back into the file only when the last connection closes;
    a reader still open as the main connection closes would leave the log behind.
    """
    QThreadPool.globalInstance().waitForDone()
