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
    operational_errors,
)
from tracker.storage.errors import (
    DatabaseBusyError,
    DatabaseTooNewError,
    NotADatabaseError,
    StorageError,
)
from tracker.storage.filesystems import network_filesystem
from tracker.storage.private_files import create_private_file, make_private, private_folder
from tracker.storage.schema import MIGRATION_SET, apply_migrations, known_migration_names

if TYPE_CHECKING:
    # Imported when a database is opened (see ``open_database``), not with this module.
    from sqlite_utils import Database

    from tracker.storage.accounts import Account
    from tracker.storage.signatures import Signature

APP_DIRECTORY = "rd-cycle-tracker"
DATABASE_FILE_NAME = "tracker.sqlite"
# Lets a clinic name the database file without a command-line flag (a local file: a database
# on a network drive is refused, see ``storage.filesystems``).
DATABASE_PATH_ENVIRONMENT = "RD_TRACKER_DATABASE"
BUSY_TIMEOUT_MS = 5000
MIGRATIONS_TABLE = "_sqlite_migrations"


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
    ):
        if isinstance(db, sqlite3.Connection) or is_cipher_connection(db):
            self.connection = db
            self._db: Database | None = None
        else:
            self.connection = db.conn
            self._db = db
        self.path = path
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
        """The sqlite-utils handle on the same connection."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.connection, execute_plugins=False)
        return self._db

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> sqlite3.Cursor:
        return self.connection.execute(sql, parameters)

    def query(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        """Each row of ``sql`` as a dict of column name to value."""
        cursor = self.connection.execute(sql, parameters)
        names = [column[0] for column in cursor.description or ()]
        for row in cursor:
            yield dict(zip(names, row, strict=True))

    def _check_integrity_in_background(self) -> None:
        """Run the whole-file check on its own read-only connection while reads go on here.

        Writes wait for its verdict (see ``transaction``), so a damaged file is never written.
        """

        def check() -> None:
            try:
                _check_existing_file(self.path, integrity=True)
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
        connection = self.connection
        outermost = not connection.in_transaction
        if outermost:
            self.wait_for_integrity()
        self._depth += 1
        try:
            if outermost:
                # IMMEDIATE takes the write lock up front, so a second writer waits out the
                # busy timeout instead of failing when its read turns into a write.
                try:
                    connection.execute("BEGIN IMMEDIATE")
                except operational_errors() as error:
                    raise DatabaseBusyError(
                        f"the database {self.path} is busy in another program ({error}); "
                        "try again in a moment"
                    ) from error
            try:
                with self.db.atomic():
                    yield self.db
            except BaseException:
                if outermost and connection.in_transaction:
                    connection.execute("ROLLBACK")
                raise
            if outermost:
                connection.execute("COMMIT")
        finally:
            self._depth -= 1
        if self._depth == 0:
            self._changed = True

    def close(self) -> None:
        if self._integrity_thread is not None:
            self._integrity_thread.join()
        if not self._closed:
            self.connection.close()
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
) -> Store:
    """Open (creating or upgrading) the database at ``path``.

    Raises NotADatabaseError or DatabaseTooNewError without writing a byte to the file.
    With ``check_in_background`` the slow whole-file integrity check of a current-version
    file runs beside the first reads instead of before them (a large file takes a second);
    the first write waits for it, and ``wait_for_integrity`` reports its verdict.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file")
    network = network_filesystem(path)
    if network is not None:
        raise NotADatabaseError(
            f"{path} is on a network drive ({network}); an SQLite database shared over a network "
            "can be corrupted. Keep the database on this computer, or run the clinic on one "
            "server database for several workstations"
        )
    check_later = False
    if path.exists() and path.stat().st_size > 0:
        # A file that still needs a schema change is written at once, so it is checked first.
        up_to_date = _check_existing_file(path, integrity=not check_in_background)
        check_later = check_in_background and up_to_date
        if check_in_background and not up_to_date:
            _check_existing_file(path, integrity=True)
    else:
        try:
            private_folder(path.parent)
            # Made 0600 before SQLite writes a byte; its -wal and -shm files take that mode.
            create_private_file(path)
        except OSError as error:
            raise NotADatabaseError(f"cannot create {path}: {error.strerror or error}") from None
        up_to_date = False
    make_private(path)
    try:
        connection = connect(path)
        _configure(connection)
        store = Store(connection, path, staff=staff, clock=clock)
        # A file of this version needs no schema change, and reading it needs no sqlite-utils:
        # its import (a tenth of a second) waits for the first write.
        if not up_to_date:
            apply_migrations(store.db)
    except database_errors() as error:
        raise NotADatabaseError(f"cannot open {path} as a database: {error}") from error
    if check_later:
        store._check_integrity_in_background()
    return store


def _configure(connection: sqlite3.Connection) -> None:
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA foreign_keys = ON")
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("PRAGMA synchronous = FULL")


def _check_existing_file(path: Path, *, integrity: bool = True) -> bool:
    """Refuse a damaged, foreign or too-new file, reading it through a read-only connection.

    Returns whether every migration of this version is already applied.
    """
    # Without a write-ahead log beside it the file holds every committed change, and
    # "immutable" reads it without creating -wal/-shm files; with one, read through the log.
    has_log = Path(f"{path}-wal").exists()
    options = "mode=ro" if has_log else "mode=ro&immutable=1"
    try:
        connection = connect(path, uri_options=options)
    except all_errors() as error:
        raise NotADatabaseError(f"cannot read {path}: {error}") from error
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if integrity:
            _check_intact(connection, path)
        else:
            _check_readable(connection, path)
        return _check_version(connection, path)
    finally:
        connection.close()


def _check_readable(connection: sqlite3.Connection, path: Path) -> None:
    """The cheap part of the check: the header and schema parse as SQLite."""
    try:
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except database_errors() as error:
        raise NotADatabaseError(
            f"{path} is not an Rd Cycle Tracker database or is damaged ({error}); "
            "it was left unchanged"
        ) from error


def _check_intact(connection: sqlite3.Connection, path: Path) -> None:
    try:
        problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
        if is_cipher_connection(connection):
            # Every page's HMAC, free pages too: one changed bit anywhere is reported.
            problems += [row[0] for row in connection.execute("PRAGMA cipher_integrity_check")]
    except (*database_errors(), MemoryError) as error:
        # A damaged length field can make SQLite ask for an absurd allocation.
        raise NotADatabaseError(
            f"{path} is not an Rd Cycle Tracker database or is damaged ({error}); "
            "it was left unchanged"
        ) from error
    problems = [problem for problem in problems if problem != "ok"]
    if problems:
        detail = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
        raise NotADatabaseError(
            f"{path} is damaged and was left unchanged; restore it from a backup "
            f"(integrity check: {_shorten(detail)})"
        )


def _shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def _check_version(connection: sqlite3.Connection, path: Path) -> bool:
    tables = {
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    applied: set[str] = set()
    if MIGRATIONS_TABLE in tables:
        applied = {
            row[0]
            for row in connection.execute(
                f"SELECT name FROM {MIGRATIONS_TABLE} WHERE migration_set = ?", [MIGRATION_SET]
            )
        }
    unknown = applied - known_migration_names()
    if unknown:
        raise DatabaseTooNewError(
            f"{path} was written by a newer version of Rd Cycle Tracker "
            f"(it has schema change {sorted(unknown)[0]!r}); install the newer version to open "
            "it. The file was left unchanged."
        )
    # A first run cut short leaves only the migrations table; that file is still ours.
    if tables - {MIGRATIONS_TABLE} and not applied:
        raise NotADatabaseError(
            f"{path} is an SQLite database of another program, not Rd Cycle Tracker; "
            "it was left unchanged"
        )
    return applied == known_migration_names()
