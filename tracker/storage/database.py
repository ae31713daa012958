"""Opening the database file: checks first, then PRAGMAs and migrations.

A file that is damaged, not SQLite, or written by a newer version is refused before anything
is written to it, so the checks run on a separate read-only connection.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.storage.connections import (
    all_errors,
    connect,
    database_errors,
    is_cipher_connection,
)
from tracker.storage.errors import NotADatabaseError, StorageError
from tracker.storage.failures import sqlite_write_failure, unusable_value
from tracker.storage.file_checks import (
    BUSY_TIMEOUT_MS,
    MIGRATIONS_TABLE,
    check_existing_file,
    connect_read_only,
    has_unfinished_change,
    refuse_unusable_file,
)
from tracker.storage.file_creation import complete_recovery, create_database_file
from tracker.storage.filesystems import refuse_network_drive
from tracker.storage.private_files import make_private
from tracker.storage.schema import apply_migrations

if TYPE_CHECKING:
    # Imported when a database is opened (see ``open_database``), not with this module.
    from sqlite_utils import Database

    from tracker.storage.accounts import Account
    from tracker.storage.engines import Engine
    from tracker.storage.signatures import Signature

APP_DIRECTORY = "rd-cycle-tracker"
DATABASE_FILE_NAME = "tracker.sqlite"
# Lets a clinic name the database file without a command-line flag (a local file: a database
# on a network drive is refused, see ``storage.filesystems``).
DATABASE_PATH_ENVIRONMENT = "RD_TRACKER_DATABASE"
__all__ = [
    "BUSY_TIMEOUT_MS",
    "MIGRATIONS_TABLE",
    "Store",
    "default_database_path",
    "open_database",
    "open_read_only",
]


def default_database_path() -> Path:
    """``$RD_TRACKER_DATABASE`` if set, else ``tracker.sqlite`` in the user's data folder."""
    override = os.environ.get(DATABASE_PATH_ENVIRONMENT)
    if override:
        return Path(override).expanduser()
    # Imported only when the default is needed: ``--db`` and the last database skip it.
    from platformdirs import user_data_path

    return user_data_path(APP_DIRECTORY, appauthor=False) / DATABASE_FILE_NAME


class Store:
    """An open tracker database: its connection, who is working and what day it is.

    Reads go through ``query`` and ``execute`` on the plain connection; the sqlite-utils handle
    (``db``, for writes and schema work) is made on first use, so a screen that only reads
    never waits for sqlite-utils to load (a tenth of a second with what it imports).
    """

    def __init__(
        self,
        db: Database | sqlite3.Connection,
        path: Path,
        *,
        staff: str | None,
        clock: Callable[[], date],
        read_only: bool = False,
        engine: Engine | None = None,
    ):
        if engine is None:
            from tracker.storage.engines.sqlite import SqliteEngine

            engine = SqliteEngine()
        # What differs between the embedded file and a server database (``engines``).
        self.engine: Engine = engine
        if isinstance(db, sqlite3.Connection) or is_cipher_connection(db) or engine.name != "sqlite":
            self.connection = db
            self._db: Database | None = None
        else:
            self.connection = db.conn
            self._db = db
        self.path = path
        self.read_only = read_only
        # A file of an older version opened for reading is upgraded in a copy in memory.
        self.copied_to_memory = False
        # Set on a server's downtime copy opened in its place (``downtime.DowntimeCopy``).
        self.downtime: Any = None
        self.staff = staff
        self._clock = clock
        self._changed = False
        self._depth = 0
        self._closed = False
        self._integrity_thread: threading.Thread | None = None
        self._integrity_error: StorageError | None = None
        # Access (tracker.storage.accounts, roles, signatures): the signed-in account, the
        # electronic signature the change in progress carries, and whether the file has
        # accounts at all (None until first asked).
        self.account: Account | None = None
        self.signature: Signature | None = None
        self.has_accounts: bool | None = None

    @property
    def db(self) -> Database:
        """The sqlite-utils handle on the same connection (on a server database, a handle
        that reads by SQL: ``engines.postgres_handle``)."""
        if self._db is None:
            if self.is_server:
                return self.engine.handle(self)  # type: ignore[attr-defined]
            from sqlite_utils import Database

            self._db = Database(self.connection, execute_plugins=False)
        return self._db

    @property
    def is_server(self) -> bool:
        """True for a server database shared by several workstations."""
        return self.engine.name != "sqlite"

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        try:
            return self.connection.execute(sql, parameters)
        except (OverflowError, *self.engine.binding_errors) as error:
            refusal = unusable_value(error)
            if refusal is None:
                raise
            raise refusal from error

    def query(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        """Each row of ``sql`` as a dict of column name to value."""
        cursor = self.execute(sql, parameters)
        names = [column[0] for column in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def _check_integrity_in_background(self) -> None:
        """Run the whole-file check on its own read-only connection while reads go on here.

        Writes wait for its verdict (see ``transaction``), so a damaged file is never written.
        """

        def check() -> None:
            try:
                check_existing_file(self.path, integrity=True)
            except StorageError as error:
                self._integrity_error = error

        self._integrity_thread = threading.Thread(
            target=check, name="tracker-integrity-check", daemon=True
        )
        self._integrity_thread.start()

    @property
    def integrity_pending(self) -> bool:
        """True while a background integrity check is still reading the file."""
        return self._integrity_thread is not None and self._integrity_thread.is_alive()

    def wait_for_integrity(self) -> None:
        """Block until the integrity check is done; raise NotADatabaseError if it failed."""
        if self._integrity_thread is not None:
            self._integrity_thread.join()
        if self._integrity_error is not None:
            raise self._integrity_error

    def reader_connection(self) -> sqlite3.Connection | None:
        """A second connection reading what this one reads, for another thread; None where
        there can be none (a file upgraded in memory for reading)."""
        if self.is_server:
            return self.engine.reader_connection()
        if self.copied_to_memory:
            return None
        if self.read_only:
            return connect_read_only(self.path)
        connection = connect(self.path, uri_options="mode=ro")
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        return connection

    def data_version(self) -> int | None:
        """A number that moves when another connection commits a change (None if unknown)."""
        return self.engine.data_version(self)

    @property
    def staff(self) -> str | None:
        """Initials of the staff member recorded in the audit log, or None."""
        return self._staff

    @staff.setter
    def staff(self, initials: str | None) -> None:
        cleaned = (initials or "").strip()
        self._staff = cleaned or None

    def today(self) -> date:
        return self._clock()

    @property
    def changed(self) -> bool:
        """True once any change has been committed since the database was opened."""
        return self._changed

    @property
    def closed(self) -> bool:
        return self._closed

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One atomic change; nested calls join the outer transaction (as savepoints)."""
        if self._closed:
            raise StorageError(f"the database {self.path} is closed")
        if self.read_only:
            raise StorageError(f"{self.path} is open for reading only; nothing was changed")
        connection = self.connection
        engine = self.engine
        outermost = not connection.in_transaction
        if outermost:
            self.wait_for_integrity()
        self._depth += 1
        try:
            if outermost:
                engine.begin(self)
            try:
                with engine.nested(self):
                    yield self.db
                if outermost:
                    engine.commit(self)
            except BaseException as error:
                if outermost:
                    engine.rollback(self)
                failure = engine.write_failure(error, self) if outermost else None
                if failure is not None:
                    raise failure from error
                raise
        finally:
            self._depth -= 1
        if self._depth == 0:
            self._changed = True

    def close(self) -> None:
        if self._integrity_thread is not None:
            self._integrity_thread.join()
        if not self._closed:
            self.connection.close()
            if hasattr(self.engine, "close"):
                self.engine.close()
            self._closed = True

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Store {self.path}>"


def open_database(
    path: Path | str,
    *,
    staff: str | None = None,
    clock: Callable[[], date] = date.today,
    check_in_background: bool = False,
    read_only: bool = False,
) -> Store:
    """Open (creating or upgrading) the database at ``path``.

    Raises NotADatabaseError or DatabaseTooNewError without writing a byte to the file; an
    existing empty file is refused too (only a path with no file is made a new database).
    With ``check_in_background`` the slow whole-file integrity check of a current-version
    file runs beside the first reads instead of before them (a large file takes a second);
    the first write waits for it, and ``wait_for_integrity`` reports its verdict.

    ``read_only`` opens an existing file for reading only and leaves it byte for byte as it
    was, with no -wal or -shm file made beside it; see ``_open_for_reading``.
    """
    path = Path(path).expanduser()
    refuse_network_drive(path)
    if read_only:
        return _open_for_reading(
            path, staff=staff, clock=clock, check_in_background=check_in_background
        )
    if not path.exists() and not path.is_symlink():
        create_database_file(path, _configure)
    make_private(path)
    refuse_unusable_file(path)
    if has_unfinished_change(path):
        complete_recovery(path)
    # A file that still needs a schema change is written at once, so it is checked first.
    up_to_date = check_existing_file(path, integrity=not check_in_background)
    check_later = check_in_background and up_to_date
    if check_in_background and not up_to_date:
        check_existing_file(path, integrity=True)
    try:
        connection = connect(path)
        _configure(connection)
        store = Store(connection, path, staff=staff, clock=clock)
        # A file of this version needs no schema change, and reading it needs no sqlite-utils:
        # its import (a tenth of a second) waits for the first write.
        if not up_to_date:
            apply_migrations(store.db)
    except database_errors() as error:
        failure = sqlite_write_failure(error, path, left="the file was not changed")
        raise failure or NotADatabaseError(f"cannot open {path} as a database: {error}") from error
    if check_later:
        store._check_integrity_in_background()
    return store


def _open_for_reading(
    path: Path, *, staff: str | None, clock: Callable[[], date], check_in_background: bool
) -> Store:
    """An existing file opened so that nothing can change it (``PRAGMA query_only``).

    A file of an older version cannot be upgraded without writing to it: it is copied into
    memory and upgraded there, so the reader sees the current schema and the file stays as
    it was.
    """
    refuse_unusable_file(path)
    up_to_date = check_existing_file(path, integrity=not check_in_background)
    if check_in_background and not up_to_date:
        check_existing_file(path, integrity=True)
    try:
        connection = connect_read_only(path)
        if not up_to_date:
            if is_cipher_connection(connection):
                # Encrypted files are all of a version that needs no upgrade to be read; a
                # later one would need its copy in memory encrypted too.
                connection.close()
                raise NotADatabaseError(
                    f"{path} was written by an older version of Rd Cycle Tracker; open it once "
                    "in the application to bring it up to date (its records are kept)"
                )
            memory = sqlite3.connect(":memory:")
            connection.backup(memory)
            connection.close()
            connection = memory
            apply_migrations(Store(connection, path, staff=None, clock=clock).db)
            connection.execute("PRAGMA query_only = ON")
    except database_errors() as error:
        raise NotADatabaseError(f"cannot read {path} as a database: {error}") from error
    store = Store(connection, path, staff=staff, clock=clock, read_only=True)
    store.copied_to_memory = not up_to_date
    if check_in_background and up_to_date:
        store._check_integrity_in_background()
    return store


def open_read_only(path: Path | str, *, clock: Callable[[], date] = date.today) -> Store:
    """A Store on a read-only connection to the intact, up-to-date database at ``path``, for
    checks that must leave the file exactly as it was and see it as it is (an older file is
    refused rather than upgraded in memory, as ``open_database(read_only=True)`` would).

    Raises NotADatabaseError for a missing, empty, damaged or foreign file, and for one that
    an older version wrote (it needs opening once to be brought up to date).
    """
    path = Path(path).expanduser()
    refuse_network_drive(path)
    if not path.exists():
        raise NotADatabaseError(f"there is no database file at {path}")
    refuse_unusable_file(path)
    if not check_existing_file(path, integrity=True):
        raise NotADatabaseError(
            f"{path} was written by an older version of Rd Cycle Tracker; open it once with "
            "this version to bring it up to date (its records are kept), then check it"
        )
    try:
        connection = connect_read_only(path)
    except all_errors() as error:
        raise NotADatabaseError(f"cannot read {path}: {error}") from error
    return Store(connection, path, staff=None, clock=clock, read_only=True)


def _configure(connection: sqlite3.Connection) -> None:
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")
