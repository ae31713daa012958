"""Looking at a database file without changing it: read-only connections and the checks a file
passes before the tracker opens, copies or restores it.

A read-only connection must not leave anything behind either: SQLite opens a write-ahead-log
database read-only by creating its -wal and -shm files (and leaves them when it closes), so a
file with no -wal beside it (nobody has it open) is read "immutable", which creates nothing.
"""

from __future__ import annotations

from pathlib import Path

from tracker.storage.connections import (
    Connection,
    all_errors,
    connect,
    database_errors,
    is_cipher_connection,
    key_file_path,
)
from tracker.storage.errors import DatabaseTooNewError, NotADatabaseError, StorageError
from tracker.storage.schema import MIGRATION_SET, known_migration_names

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
MIGRATIONS_TABLE = "_sqlite_migrations"
EMPTY_FILE_MESSAGE = "empty file: not a tracker database"


def read_only_uri(path: Path) -> str:
    """The URI of a read-only connection that creates no file beside ``path``.

    With a -wal beside it the database is in use (or was left by a crash with changes still in
    the log): read through the log, whose -shm is there already. A rollback journal left by a
    crash must be rolled back before the file can be trusted: SQLite is left to say that it
    cannot do so read-only. Without either, nothing can be pending, and "immutable" reads the
    file alone.
    """
    return f"{path.resolve().as_uri()}?{read_only_options(path)}"


def read_only_options(path: Path) -> str:
    """The URI options of ``read_only_uri``."""
    pending = Path(f"{path}-wal").exists() or has_unfinished_change(path)
    return "mode=ro" if pending else "mode=ro&immutable=1"


def connect_read_only(path: Path) -> Connection:
    """A connection that can only read ``path`` and leaves it and its folder as they were
    (SQLCipher's, with the unlocked data key, for an encrypted file)."""
    connection = connect(path, uri_options=read_only_options(path))
    connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    connection.execute("PRAGMA query_only = ON")
    return connection


def refuse_unusable_file(path: Path) -> None:
    """Refuse a missing path, a folder, something other than a file, or an empty file.

    An empty file is never taken for a new database: it is what a database truncated to
    nothing looks like, and making a fresh one there would hide the loss.
    """
    if path.is_dir():
        raise NotADatabaseError(f"{path} is a folder, not a database file")
    if not path.exists():
        raise StorageError(f"there is no database file at {path}")
    if not path.is_file():
        raise NotADatabaseError(f"{path} is not a regular file")
    if path.stat().st_size == 0:
        raise NotADatabaseError(f"{path}: {EMPTY_FILE_MESSAGE}; it was left unchanged")


def has_unfinished_change(path: Path) -> bool:
    """A rollback journal left beside the file by a program that stopped mid-change (SQLite
    rolls it back the next time the file is opened for writing)."""
    journal = Path(f"{path}-journal")
    return journal.is_file() and journal.stat().st_size > 0


def check_existing_file(path: Path, *, integrity: bool = True) -> bool:
    """Refuse a damaged, foreign or too-new file, reading it through a read-only connection.

    Returns whether every migration of this version is already applied.
    """
    try:
        connection = connect_read_only(path)
    except all_errors() as error:
        raise NotADatabaseError(f"cannot read {path}: {error}") from error
    try:
        if integrity:
            check_intact(connection, path)
        else:
            _check_readable(connection, path)
        return check_version(connection, path)
    except NotADatabaseError:
        if has_unfinished_change(path):
            raise NotADatabaseError(
                f"{path} has an unfinished change left by a program that stopped (its "
                "-journal file); open it in the application once, which completes the "
                "recovery, then try again. The file was left unchanged."
            ) from None
        raise
    finally:
        connection.close()


def _check_readable(connection: Connection, path: Path) -> None:
    """The cheap part of the check: the header and schema parse as SQLite."""
    try:
        connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except database_errors() as error:
        raise NotADatabaseError(
            f"{path} is not an Rd Cycle Tracker database or is damaged ({error}); "
            "it was left unchanged"
        ) from error


def check_intact(connection: Connection, path: Path, *, thorough: bool = False) -> None:
    """``PRAGMA quick_check`` (or, ``thorough``, ``integrity_check``, which also compares every
    index with its table); NotADatabaseError naming the first problem."""
    pragma = "integrity_check" if thorough else "quick_check"
    try:
        problems = [row[0] for row in connection.execute(f"PRAGMA {pragma}")]
        if is_cipher_connection(connection):
            # Every page's HMAC, free pages too: one changed bit anywhere is reported.
            problems += [
                row[0]
                for row in connection.execute("PRAGMA cipher_integrity_check")
                if row[0] != "ok"
            ]
    except (*database_errors(), MemoryError) as error:
        # A damaged length field can make SQLite ask for an absurd allocation.
        raise NotADatabaseError(
            f"{path} is not an Rd Cycle Tracker database or is damaged ({error}); "
            "it was left unchanged"
        ) from error
    if problems != ["ok"]:
        detail = " ".join(" ".join(problems).replace("*** in database main ***", "").split())
        raise NotADatabaseError(
            f"{path} is damaged and was left unchanged; restore it from a backup "
            f"(integrity check: {shorten(detail)})"
        )


def shorten(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 3].rstrip() + "..."


def check_version(connection: Connection, path: Path) -> bool:
    """Refuse a file of a newer version or of another program; whether it is up to date."""
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


def is_sqlite_file(path: Path) -> bool:
    """Whether ``path`` is a file that begins as every SQLite database does, or an encrypted
    database (its key file beside it)."""
    if key_file_path(path).is_file() and path.is_file():
        return True
    try:
        with path.open("rb") as handle:
            return handle.read(len(SQLITE_HEADER)) == SQLITE_HEADER
    except OSError:
        return False
