"""Copies of the database file: on request, automatically on close, and rotated.

Copies go through SQLite's online backup API, so a database that is open (even mid-write in
another process) is copied as one consistent snapshot, including changes still in its WAL.
A copy is only made of an intact database: the source passes ``PRAGMA integrity_check``
first (a damaged one is refused, and no older backup is removed for it), and each copy
passes it again, written under a temporary name, before it is renamed into place. Rotation
removes the oldest copies only after a new copy has passed, and never the newest copy that
passed, whatever ``keep`` says: a damaged database can never push the good copies out.

An encrypted database is copied encrypted, with the same data key, and its key file goes with
it (in place before the copy is): a backup opens with the same accounts' passwords and the
same recovery key. Copies and their folders are made readable by their owner only.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from tracker.storage.connections import (
    Connection,
    connect,
    database_errors,
    is_encrypted,
    key_file_path,
)
from tracker.storage.database import Store, default_database_path
from tracker.storage.errors import NotADatabaseError, StorageError
from tracker.storage.failures import os_error_text, sqlite_write_failure, write_failed
from tracker.storage.file_checks import (
    SQLITE_HEADER,
    check_intact,
    check_version,
    connect_read_only,
)
from tracker.storage.output_files import (
    check_target,
    database_files,
    put_in_place,
    remove_leftovers,
    remove_quietly,
    temporary_beside,
)
from tracker.storage.private_files import (
    create_private_file,
    make_private,
    private_folder,
    write_private_file,
)

DEFAULT_KEEP = 10
_STAMP_FORMAT = "%Y%m%d-%H%M%S-%f"
# <stem>-YYYYmmdd-HHMMSS-ffffff.sqlite: sorting the names sorts the backups by time.
_AUTOMATIC_GLOB = "-????????-??????-??????.sqlite"
_STAMP_PATTERN = r"-\d{8}-\d{6}-\d{6}\.sqlite"
RESTORE_SAFETY_SUFFIX = "-before-restore"

Clock = Callable[[], datetime]


def _utc_now() -> datetime:
    return datetime.now(UTC)


def default_backup_dir() -> Path:
    """``backups/`` beside the default database, in the user data directory."""
    return default_database_path().parent / "backups"


# --- reading a database file without changing it -------------------------------------------


@contextlib.contextmanager
def open_read_only(path: Path) -> Iterator[Connection]:
    """A read-only connection to an existing SQLite file, closed afterwards; it creates no
    file (not even the -wal and -shm of an idle WAL database)."""
    if not path.is_file():
        raise StorageError(f"{path} does not exist")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise StorageError(f"cannot read {path}: {error.strerror}") from None
    if not header:
        raise NotADatabaseError(f"{path}: empty file: not a tracker database")
    if header != SQLITE_HEADER and not is_encrypted(path):
        raise NotADatabaseError(f"{path} is not an SQLite database")
    try:
        connection = connect_read_only(path)
    except database_errors() as error:
        raise NotADatabaseError(f"{path} is not a readable SQLite database ({error})") from None
    try:
        yield connection
    finally:
        connection.close()


def _check_connection(connection: Connection, path: Path, *, thorough: bool) -> None:
    try:
        check_intact(connection, path, thorough=thorough)
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except database_errors() as error:
        raise NotADatabaseError(f"{path} is not a readable SQLite database ({error})") from None
    if "_sqlite_migrations" not in tables or "patients" not in tables:
        raise NotADatabaseError(f"{path} is not a tracker database")
    check_version(connection, path)


def check_tracker_database(path: Path | str, *, thorough: bool = False) -> None:
    """Refuse a file that is not an intact tracker database this version can read.

    Raises NotADatabaseError (not SQLite, damaged, or some other program's database) or
    DatabaseTooNewError (written by a newer version). The file is only read. ``thorough``
    runs ``PRAGMA integrity_check`` (every index against its table) instead of quick_check.
    """
    path = Path(path)
    with open_read_only(path) as connection:
        _check_connection(connection, path, thorough=thorough)


# --- writing copies --------------------------------------------------------------------------


def _snapshot(reader: Connection, source: Path, partial: Path) -> None:
    """Copy what ``reader`` sees into the (new, empty) file ``partial``; an encrypted source's
    copy is encrypted with its key and gets its key file."""
    from tracker.storage.crypto import unlocked_key

    encrypted = is_encrypted(source)
    try:
        create_private_file(partial)
        make_private(partial)  # the temporary name may have been taken as an empty file
        if encrypted:
            write_private_file(key_file_path(partial), key_file_path(source).read_bytes())
        writer = connect(partial, key=unlocked_key(source) if encrypted else None)
        try:
            reader.backup(writer)
            # The copy keeps the source's WAL flag; a backup should be one self-contained file.
            writer.execute("PRAGMA journal_mode=DELETE")
        finally:
            writer.close()
    except database_errors() as error:
        failure = sqlite_write_failure(error, partial.parent, left="no backup was written")
        raise failure or NotADatabaseError(f"cannot copy {source}: {error}") from None


def _write_verified_copy(
    source: Path, destination: Path, *, overwrite: bool, check_source: bool = True
) -> None:
    """Copy ``source`` to ``destination`` through a checked temporary file beside it.

    With ``check_source`` the source passes ``PRAGMA integrity_check`` in the same read
    transaction that copies it, so what is checked is what is copied.
    """
    partial = temporary_beside(destination)
    try:
        with open_read_only(source) as reader:
            if check_source:
                try:
                    reader.execute("BEGIN")
                    _check_connection(reader, source, thorough=True)
                except NotADatabaseError as error:
                    raise NotADatabaseError(
                        f"{error}; no backup was made and no earlier backup was removed"
                    ) from None
            _snapshot(reader, source, partial)
        try:
            check_tracker_database(partial, thorough=True)
        except StorageError as error:
            raise StorageError(
                f"the copy written for {destination.name} failed its check ({error}); it was "
                "removed and nothing else changed"
            ) from None
        if key_file_path(partial).exists():
            # The keys first: a database in place without them could not be opened.
            put_in_place(key_file_path(partial), key_file_path(destination), overwrite=True)
        put_in_place(partial, destination, overwrite=overwrite)
    except OSError as error:
        raise write_failed(error, destination, left="no backup was written") from None
    finally:
        remove_quietly(partial)
        remove_quietly(key_file_path(partial))


def _is_kept_copy_of(source: Path, name: str) -> bool:
    """Whether ``name`` is one of the rotating backups or restore safety copies of ``source``."""
    stem = re.escape(source.stem)
    return re.fullmatch(rf"{stem}(?:{RESTORE_SAFETY_SUFFIX})?{_STAMP_PATTERN}", name) is not None


def backup_database(
    source: Path | str, destination: Path | str, *, overwrite: bool = False
) -> Path:
    """Copy the database at ``source`` to ``destination``; refuse to replace a file unless told.

    Never replaces the database itself, its -wal/-shm/-journal, its rotating backups, or
    anything but a regular file.
    """
    source, destination = Path(source), Path(destination)
    if destination.is_dir():
        raise StorageError(f"{destination} is a folder; name the backup file to write")
    if _is_kept_copy_of(source, destination.name) and destination.exists():
        raise StorageError(
            f"{destination} is one of the kept backups of {source.name}; choose another name"
        )
    check_target(
        destination,
        overwrite=overwrite,
        guarded=database_files(source),
        replace_databases=True,
        what="backup",
    )
    remove_leftovers(destination.parent)
    _write_verified_copy(source, destination, overwrite=overwrite)
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


def make_backup_dir(backup_dir: Path | str | None) -> Path:
    folder = Path(backup_dir) if backup_dir is not None else default_backup_dir()
    try:
        private_folder(folder)
    except OSError as error:
        raise StorageError(f"cannot create {folder}: {os_error_text(error)}") from None
    if not folder.is_dir():
        raise StorageError(f"{folder} is not a folder")
    return folder


def rotate_backups(
    store_path: Path | str,
    backup_dir: Path | str | None = None,
    keep: int = DEFAULT_KEEP,
    *,
    now: Clock = _utc_now,
) -> Path:
    """Write a timestamped, checked backup of ``store_path``; then delete the oldest beyond
    ``keep``, never the copy just written (the newest that passed its check)."""
    if keep < 1:
        raise StorageError("keep at least one backup")
    folder = Path(backup_dir) if backup_dir is not None else default_backup_dir()
    made_folder = not folder.exists()
    backup_dir = make_backup_dir(folder)
    store_path = Path(store_path)
    remove_leftovers(backup_dir)
    written = _stamped_name(store_path.stem, now(), backup_dir)
    try:
        _write_verified_copy(store_path, written, overwrite=False)
    except StorageError:
        if made_folder:
            # A refused backup leaves no trace, not even the folder made for it.
            with contextlib.suppress(OSError):
                backup_dir.rmdir()
        raise
    existing = automatic_backups(store_path, backup_dir)
    for stale in existing[: max(0, len(existing) - keep)]:
        # A clock set back gives the new copy the oldest name; it is kept all the same.
        if stale != written:
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


def check_and_copy(source: Path, destination: Path, *, check_source: bool = True) -> None:
    """Copy an intact ``source`` to a new ``destination`` through a checked temporary file
    (for restoring: the copy staged before the swap, the safety copy of the replaced file)."""
    _write_verified_copy(source, destination, overwrite=False, check_source=check_source)
