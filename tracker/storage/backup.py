"""Copies of the database file: on request, automatically on close, and restoring one.

Copies go through SQLite's online backup API, so a database that is open (even mid-write in
another process) is copied as one consistent snapshot, including changes still in its WAL.
Every copy is written beside its final name and renamed into place, so a crash never leaves a
half-written file under the final name.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.storage.connections import (
    connect,
    database_errors,
    is_cipher_connection,
    is_encrypted,
    key_file_path,
    operational_errors,
)
from tracker.storage.crypto import unlocked_key
from tracker.storage.database import Store, default_database_path
from tracker.storage.errors import DatabaseTooNewError, NotADatabaseError, StorageError
from tracker.storage.private_files import create_private_file, make_private, private_folder
from tracker.storage.schema import MIGRATION_SET, known_migration_names

DEFAULT_KEEP = 10
SQLITE_HEADER = b"SQLite format 3\x00"
_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
# <stem>-YYYYmmdd-HHMMSS-ffffff.sqlite: sorting the names sorts the backups by time.
_AUTOMATIC_GLOB = "-????????-??????-??????.sqlite"
# How long a restore waits for another program to let go of the database it replaces.
_RELEASE_TIMEOUT_SECONDS = 2.0
_RENAME_OVER_OPEN_FILES = os.name == "posix"

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def default_backup_dir() -> Path:
    """``backups/`` beside the default database, in the user data directory."""
    return default_database_path().parent / "backups"


# --- reading a database file without changing it -------------------------------------------


def _read_only_options(path: Path, *, untouched: bool) -> str:
    # Copies use plain "mode=ro": the file may be the live database, written meanwhile. A
    # check of a file with no write-ahead log beside it reads it "immutable", which creates
    # no -wal or -shm files, so a refused file is left exactly as it was.
    idle = untouched and not Path(f"{path}-wal").exists()
    return "mode=ro&immutable=1" if idle else "mode=ro"


@contextlib.contextmanager
def open_read_only(path: Path, *, untouched: bool = False) -> Iterator[sqlite3.Connection]:
    """A read-only connection to an existing file, closed afterwards; never creates the file.

    With ``untouched`` it does not create the -wal and -shm files of a WAL database either
    (unless the database is in use, when they are there already)."""
    if not path.is_file():
        raise StorageError(f"{path} does not exist")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror}") from None
    if header != SQLITE_HEADER and not is_encrypted(path):
        raise NotADatabaseError(f"{path} is not an SQLite database")
    connection = connect(path, uri_options=_read_only_options(path, untouched=untouched))
    try:
        yield connection
    finally:
        connection.close()


def check_tracker_database(path: Path | str) -> None:
    """Refuse a file that is not an intact tracker database this version can read.

    Raises NotADatabaseError (not SQLite, damaged, or some other program's database) or
    DatabaseTooNewError (written by a newer version). The file is only read.
    """
    path = Path(path)
    with open_read_only(path, untouched=True) as connection:
        try:
            problems = [row[0] for row in connection.execute("PRAGMA quick_check")]
            if is_cipher_connection(connection):
                # Every page's HMAC (a changed bit anywhere), reported before the rest.
                damage = [row[0] for row in connection.execute("PRAGMA cipher_integrity_check")]
                problems = damage + problems
            tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        except database_errors() as error:
            raise NotADatabaseError(f"{path} is not a readable SQLite database ({error})") from None
        if problems != ["ok"]:
            raise NotADatabaseError(f"{path} is damaged: {problems[0]}")
        if "_sqlite_migrations" not in tables or "patients" not in tables:
            raise NotADatabaseError(f"{path} is not a tracker database")
        applied = {
            row[0]
            for row in connection.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
            )
        }
    if not applied:
        raise NotADatabaseError(f"{path} is not a tracker database")
    unknown = applied - known_migration_names()
    if unknown:
        raise DatabaseTooNewError(
            f"{path} was written by a newer version of the tracker "
            f"(unknown migrations: {', '.join(sorted(unknown))})"
        )


# --- writing copies --------------------------------------------------------------------------


def _sync_directory(directory: Path) -> None:
    """Make a rename inside ``directory`` survive a power cut (POSIX; a no-op elsewhere)."""
    if os.name != "posix":
        return
    descriptor = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _copy_database(source: Path, destination: Path) -> None:
    """Snapshot ``source`` into a new single-file ``destination`` (no -wal needed to read it)."""
    try:
        with open_read_only(source) as reader:
            _snapshot(reader, source, destination)
    except database_errors() as error:
        raise NotADatabaseError(f"cannot copy {source}: {error}") from None


def _snapshot(reader: sqlite3.Connection, source: Path, destination: Path) -> None:
    partial = destination.with_name(f".{destination.name}.partial")
    partial.unlink(missing_ok=True)
    encrypted = is_encrypted(source)
    try:
        create_private_file(partial)
        # An encrypted database is copied encrypted, with the same key, and its key file
        # goes with it (in place before the copy is).
        writer = connect(partial, key=unlocked_key(source) if encrypted else None)
        try:
            reader.backup(writer)
            # The copy keeps the source's WAL flag; a backup should be one self-contained file.
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
        if encrypted:
            shutil.copyfile(key_file_path(source), key_file_path(partial))
            make_private(key_file_path(partial))
            os.replace(key_file_path(partial), key_file_path(destination))
        os.replace(partial, destination)
    except database_errors() as error:
        raise NotADatabaseError(f"cannot copy {source}: {error}") from None
    except OSError as error:
        raise StorageError(f"cannot write {destination}: {error.strerror or error}") from None
    finally:
        partial.unlink(missing_ok=True)
        key_file_path(partial).unlink(missing_ok=True)
    _sync_directory(destination.parent)


def backup_database(
    source: Path | str, destination: Path | str, *, overwrite: bool = False
) -> Path:
    """Copy the database at ``source`` to ``destination``; refuse to replace a file unless told."""
    source, destination = Path(source), Path(destination)
    if destination.is_dir():
        raise StorageError(f"{destination} is a folder; name the backup file to write")
    if destination.exists() and not overwrite:
        raise StorageError(f"{destination} already exists (use --force to replace it)")
    if destination.exists() and destination.resolve() == source.resolve():
        raise StorageError("the backup file must not be the database itself")
    if not destination.parent.is_dir():
        raise StorageError(f"folder {destination.parent} does not exist")
    _copy_database(source, destination)
    return destination


def _stamped_name(stem: str, when: datetime, directory: Path, suffix: str = "") -> Path:
    when = when.astimezone(UTC)
    while True:
        candidate = directory / f"{stem}{suffix}-{when.strftime(_STAMP_FORMAT)}.sqlite"
        if not candidate.exists():
            return candidate
        # Two backups in the same microsecond (a coarse clock) must not overwrite each other.
        when += timedelta(microseconds=1)


def automatic_backups(store_path: Path | str, backup_dir: Path | str) -> list[Path]:
    """The rotating backups of the database at ``store_path``, oldest first."""
    backup_dir = Path(backup_dir)
    return sorted(backup_dir.glob(Path(store_path).stem + _AUTOMATIC_GLOB))


def rotate_backups(
    store_path: Path | str,
    backup_dir: Path | str | None = None,
    keep: int = DEFAULT_KEEP,
    *,
    now: Clock = _utc_now,
) -> Path:
    """Write a timestamped backup of ``store_path`` and delete the oldest beyond ``keep``."""
    if keep < 1:
        raise StorageError("keep at least one backup")
    backup_dir = Path(backup_dir) if backup_dir is not None else default_backup_dir()
    try:
        private_folder(backup_dir)
    except OSError as error:
        raise StorageError(f"cannot create {backup_dir}: {error.strerror or error}") from None
    store_path = Path(store_path)
    written = _stamped_name(store_path.stem, now(), backup_dir)
    _copy_database(store_path, written)
    existing = automatic_backups(store_path, backup_dir)
    for stale in existing[: max(0, len(existing) - keep)]:
        stale.unlink(missing_ok=True)
        key_file_path(stale).unlink(missing_ok=True)
    return written


def automatic_backup(
    store: Store, backup_dir: Path | str | None = None, keep: int = DEFAULT_KEEP
) -> Path | None:
    """On closing the app: a rotating backup if anything changed since the store was opened."""
    if not store.changed:
        return None
    return rotate_backups(store.path, backup_dir, keep)


# --- restoring -------------------------------------------------------------------------------


_SIDECARS = ("-wal", "-shm", "-journal")
_KEYS = key_file_path("")


def _readable(path: Path) -> bool:
    """Whether SQLite can read ``path``; checked read-only, so a damaged file's WAL stays as is."""
    try:
        with open_read_only(path) as connection:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except (StorageError, *database_errors()):
        return False
    return True


@contextlib.contextmanager
def _held(target: Path) -> Iterator[sqlite3.Connection]:
    """The target with its WAL folded in and a read lock held, so nobody writes until we let go.

    Refuses (StorageError) if another program has the database open.
    """
    connection = connect(target, timeout=_RELEASE_TIMEOUT_SECONDS, isolation_level=None)
    try:
        try:
            # Leaving WAL mode needs every other connection gone, so this doubles as the check;
            # in rollback mode our read lock then keeps any other writer from committing.
            connection.execute("PRAGMA journal_mode=DELETE")
            connection.execute("BEGIN EXCLUSIVE")
            connection.execute("ROLLBACK")
            connection.execute("BEGIN")
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        except operational_errors() as error:
            if "locked" in str(error) or "busy" in str(error):
                raise StorageError(
                    f"{target} is in use by another program; close it and restore again"
                ) from None
            raise StorageError(f"cannot take over {target}: {error}") from None
        yield connection
    finally:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        connection.close()


def _keep_raw_files(target: Path, safety: Path) -> None:
    """A damaged database is often the reason for restoring: keep it byte for byte, WAL included."""
    try:
        for extension in ("", *_SIDECARS, str(_KEYS)):
            original = Path(f"{target}{extension}")
            if original.exists():
                shutil.copy2(original, f"{safety}{extension}")
    except OSError as error:
        raise StorageError(f"cannot keep a copy of {target}: {error.strerror or error}") from None


def _swap(staged: Path, target: Path) -> None:
    try:
        for sidecar in _SIDECARS:
            # Only a damaged target can still have these; a stale WAL must never meet the new file.
            Path(f"{target}{sidecar}").unlink(missing_ok=True)
        # The keys of the backup come with it (a plaintext backup leaves the target's keys,
        # which a plaintext file does not use, in place).
        if key_file_path(staged).exists():
            os.replace(key_file_path(staged), key_file_path(target))
        os.replace(staged, target)
    except OSError as error:
        raise StorageError(f"cannot replace {target}: {error.strerror or error}") from None
    _sync_directory(target.parent)


def restore_database(
    backup_file: Path | str,
    target: Path | str,
    *,
    safety_dir: Path | str | None = None,
    now: Clock = _utc_now,
) -> Path | None:
    """Replace the database at ``target`` with ``backup_file``.

    The backup is checked first (intact, a tracker database, not from a newer version); if it
    fails, nothing changes. The current target is kept as ``<stem>-before-restore-<time>.sqlite``
    in ``safety_dir`` (default: the backup folder) and its path returned (None if there was no
    target). The swap itself is one rename, so the target is either the old or the new file.
    """
    backup_file, target = Path(backup_file), Path(target)
    if target.is_dir():
        raise StorageError(f"{target} is a folder; name the database file to restore into")
    check_tracker_database(backup_file)
    if target.exists() and backup_file.resolve() == target.resolve():
        raise StorageError("the backup file is the database itself")
    if not target.parent.is_dir():
        raise StorageError(f"folder {target.parent} does not exist")
    staged = target.with_name(f".{target.name}.restoring")
    try:
        _copy_database(backup_file, staged)
        check_tracker_database(staged)
        if not target.exists():
            _swap(staged, target)
            return None
        directory = Path(safety_dir) if safety_dir is not None else default_backup_dir()
        try:
            private_folder(directory)
        except OSError as error:
            raise StorageError(f"cannot create {directory}: {error.strerror or error}") from None
        safety = _stamped_name(target.stem, now(), directory, suffix="-before-restore")
        if _readable(target):
            # Held from the safety copy to the swap: no change can slip in between and be lost.
            with _held(target) as holder:
                _snapshot(holder, target, safety)
                if _RENAME_OVER_OPEN_FILES:
                    _swap(staged, target)
            if not _RENAME_OVER_OPEN_FILES:
                # Windows cannot rename over an open file: swap right after letting go.
                _swap(staged, target)
        else:
            _keep_raw_files(target, safety)
            _swap(staged, target)
    finally:
        staged.unlink(missing_ok=True)
        key_file_path(staged).unlink(missing_ok=True)
    return safety
