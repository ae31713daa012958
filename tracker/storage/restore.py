"""Restoring a backup over the database, keeping the database it replaces.

The backup is checked whole (``PRAGMA integrity_check``) and copied to a temporary file
beside the target, which is checked again; only then is the target kept as a safety copy and
replaced, by one rename, so the target is always either the old or the new file. Temporary
files a killed restore left are removed by the next one.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from tracker.storage.backup import (
    RESTORE_SAFETY_SUFFIX,
    Clock,
    _snapshot,
    _stamped_name,
    _utc_now,
    check_and_copy,
    check_tracker_database,
    make_backup_dir,
    open_read_only,
)
from tracker.storage.connections import (
    Connection,
    connect,
    database_errors,
    key_file_path,
    operational_errors,
)
from tracker.storage.errors import StorageError
from tracker.storage.output_files import (
    put_in_place,
    remove_leftovers,
    remove_quietly,
    sync_directory,
    temporary_beside,
)

# How long a restore waits for another program to let go of the database it replaces.
_RELEASE_TIMEOUT_SECONDS = 2.0
_RENAME_OVER_OPEN_FILES = os.name == "posix"
_SIDECARS = ("-wal", "-shm", "-journal")


def _readable(path: Path) -> bool:
    """Whether SQLite can read ``path``; checked read-only, so a damaged file's WAL stays as is."""
    try:
        with open_read_only(path) as connection:
            connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except (StorageError, *database_errors()):
        return False
    return True


@contextlib.contextmanager
def _held(target: Path) -> Iterator[Connection]:
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


def _keep_snapshot(holder: Connection, target: Path, safety: Path) -> None:
    """The replaced database as it is, whole (it is kept even if damaged: it is evidence),
    with its key file when it is encrypted."""
    partial = temporary_beside(safety)
    try:
        _snapshot(holder, target, partial)
        if key_file_path(partial).exists():
            put_in_place(key_file_path(partial), key_file_path(safety), overwrite=True)
        put_in_place(partial, safety, overwrite=False)
    finally:
        remove_quietly(partial)
        remove_quietly(key_file_path(partial))


def _keep_raw_files(target: Path, safety: Path) -> None:
    """A damaged database is often the reason for restoring: keep it byte for byte, WAL included."""
    try:
        for extension in ("", *_SIDECARS, "-keys"):
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
    sync_directory(target.parent)


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
    if target.exists() and not target.is_file():
        raise StorageError(f"{target} is not a regular file; it was left alone")
    check_tracker_database(backup_file, thorough=True)
    if target.exists() and backup_file.resolve() == target.resolve():
        raise StorageError("the backup file is the database itself")
    if not target.parent.is_dir():
        raise StorageError(f"folder {target.parent} does not exist")
    remove_leftovers(target.parent)
    # A name of its own beside the target (so the swap is one rename), free for the copy.
    staged = temporary_beside(target, tag="restoring")
    staged.unlink()
    try:
        # The backup was checked whole just now; the staged copy is checked again.
        check_and_copy(backup_file, staged, check_source=False)
        if not target.exists():
            _swap(staged, target)
            return None
        directory = make_backup_dir(safety_dir)
        remove_leftovers(directory)
        safety = _stamped_name(target.stem, now(), directory, suffix=RESTORE_SAFETY_SUFFIX)
        if _readable(target):
            # Held from the safety copy to the swap: no change can slip in between and be lost.
            with _held(target) as holder:
                _keep_snapshot(holder, target, safety)
                if _RENAME_OVER_OPEN_FILES:
                    _swap(staged, target)
            if not _RENAME_OVER_OPEN_FILES:
                # Windows cannot rename over an open file: swap right after letting go.
                _swap(staged, target)
        else:
            _keep_raw_files(target, safety)
            _swap(staged, target)
    finally:
        remove_quietly(staged)
        remove_quietly(key_file_path(staged))
    return safety
