"""Writing an output (a backup copy, a PDF, a chart, CSV files) whole or not at all.

Every output is written under a temporary name beside its target, checked by its writer (the
pages of a PDF read back, the rows of a CSV counted), and only then renamed over the target:
a crash, a kill or a full disk never leaves a half-written file under the final name, nor
destroys the file that was there. The target is checked first: nothing is replaced without
being asked to, only regular files are ever replaced, and never the database being read, its
-wal/-shm/-journal files, or any SQLite database.

Temporary names are ``.<name>.<process id>.<random>.partial``: a later run removes those whose
process has ended (``remove_leftovers``), and leaves alone the ones still being written.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import shutil
import stat
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from tracker.storage.errors import StorageError
from tracker.storage.failures import write_failed
from tracker.storage.file_checks import is_sqlite_file
from tracker.storage.private_files import sync_directory

PARTIAL = "partial"
MAX_NAME_BYTES = 255
# Room the temporary name needs around the target's name: ".", ".<pid>.<random>.partial".
_TEMPORARY_OVERHEAD = 40
TAGS = (PARTIAL, "restoring", "creating")
_LEFTOVER = re.compile(rf"^\..+\.(?P<pid>\d+)\.[a-z0-9_]{{8}}\.(?:{'|'.join(TAGS)})$")
# What earlier versions left: ".<name>.partial" and ".<name>.restoring", without a process id.
_OLD_LEFTOVER = re.compile(r"^\..+\.sqlite\.(partial|restoring)$")
# Where a process cannot be asked whether it still runs, a leftover this old is abandoned.
_ABANDONED_AFTER_SECONDS = 3600.0
# The key file of an encrypted database is as much a part of it as its log.
_SIDE_FILES = ("-wal", "-shm", "-journal", "-keys")


def database_files(database: Path | str | None) -> list[Path]:
    """The database and the files SQLite keeps beside it: never an output's target."""
    if database is None:
        return []
    database = Path(database)
    return [database, *(Path(f"{database}{side}") for side in _SIDE_FILES)]


def _same_file(first: Path, second: Path) -> bool:
    try:
        return first.resolve() == second.resolve() or first.samefile(second)
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link that loops
        return False


def check_name(target: Path) -> None:
    """Refuse a name the file system would refuse, before any work is done for it."""
    size = len(os.fsencode(target.name))
    if size > MAX_NAME_BYTES - _TEMPORARY_OVERHEAD:
        raise StorageError(
            f"the file name {target.name[:40]}... is too long ({size} bytes; at most "
            f"{MAX_NAME_BYTES - _TEMPORARY_OVERHEAD}); nothing was written"
        )


def check_target(
    target: Path,
    *,
    overwrite: bool,
    guarded: Iterable[Path] = (),
    replace_databases: bool = False,
    what: str = "file",
) -> None:
    """Refuse a target that must not be written (see the module's note); nothing is touched.

    ``guarded`` are files never to be replaced (the database read and its side files).
    ``replace_databases`` lets a backup replace an older copy (an SQLite file) with --force.
    """
    check_name(target)
    for protected in guarded:
        if _same_file(target, Path(protected)):
            raise StorageError(
                f"{target} is the database being read (or one of its files); "
                f"choose another name for the {what}"
            )
    folder = target.parent
    if not folder.is_dir():
        raise StorageError(f"there is no folder {folder} to write {target.name} in")
    try:
        status = target.lstat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise write_failed(error, target) from None
    if stat.S_ISDIR(status.st_mode):
        raise StorageError(f"{target} is a folder; give the name of the {what} to write")
    if not stat.S_ISREG(status.st_mode):
        raise StorageError(f"{target} is not a regular file (a link or a device); it was left alone")
    if not overwrite:
        raise StorageError(f"{target} already exists (use --force to replace it)")
    if not replace_databases and is_sqlite_file(target):
        raise StorageError(
            f"{target} is a database; a {what} is never written over one (choose another name)"
        )


def temporary_beside(target: Path, *, tag: str = PARTIAL, folder: bool = False) -> Path:
    """A new, empty temporary file (or folder) in the target's folder, named as a leftover.

    Made with the permissions a new file gets there (the umask applies, as it would to the
    target written directly), not the owner-only ones of ``tempfile``.
    """
    stem = target.name[: MAX_NAME_BYTES - _TEMPORARY_OVERHEAD]
    for _attempt in range(100):
        path = target.parent / f".{stem}.{os.getpid()}.{secrets.token_hex(4)}.{tag}"
        try:
            if folder:
                os.mkdir(path, 0o777)
            else:
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        except OSError as error:
            raise write_failed(error, target) from None
        return path
    raise StorageError(f"cannot find a free temporary name beside {target}")


def sync_file(path: Path) -> None:
    """Make the bytes of ``path`` reach the disk (so a rename cannot outrun them)."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def remove_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink(missing_ok=True)


def put_in_place(temporary: Path, target: Path, *, overwrite: bool) -> None:
    """Rename the checked ``temporary`` over ``target`` (which must not have appeared meanwhile
    unless replacing was asked for), durably."""
    if not overwrite and os.path.lexists(target):
        raise StorageError(f"{target} appeared while it was being written; it was left alone")
    try:
        sync_file(temporary)
        os.replace(temporary, target)
        sync_directory(target.parent)
    except OSError as error:
        raise write_failed(error, target) from None


@contextlib.contextmanager
def written_atomically(
    target: Path | str,
    *,
    overwrite: bool = False,
    guarded: Iterable[Path] = (),
    replace_databases: bool = False,
    what: str = "file",
) -> Iterator[Path]:
    """Check ``target``, then give a temporary path beside it to write and check; when the
    block ends without an error the file is renamed into place, otherwise removed.

    OSErrors from the block (a full disk, a read-only folder) become StorageErrors.
    """
    target = Path(target)
    check_target(
        target, overwrite=overwrite, guarded=guarded, replace_databases=replace_databases,
        what=what,
    )
    temporary = temporary_beside(target)
    try:
        try:
            yield temporary
        except OSError as error:
            raise write_failed(error, target) from None
        put_in_place(temporary, target, overwrite=overwrite)
    finally:
        remove_quietly(temporary)


def _process_has_ended(pid: int) -> bool | None:
    """True or False where the system can say; None where it cannot (Windows)."""
    if os.name != "posix":
        return None
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def is_abandoned(path: Path) -> bool:
    """Whether ``path`` is the temporary file of an interrupted write, no longer written."""
    match = _LEFTOVER.match(path.name)
    if match is None:
        return _OLD_LEFTOVER.match(path.name) is not None
    ended = _process_has_ended(int(match["pid"]))
    if ended is not None:
        return ended
    try:
        return time.time() - path.lstat().st_mtime > _ABANDONED_AFTER_SECONDS
    except OSError:
        return False


def remove_leftovers(folder: Path | str) -> list[Path]:
    """Remove the temporary files and folders interrupted writes left in ``folder``."""
    folder = Path(folder)
    removed = []
    try:
        candidates = [path for path in folder.iterdir() if path.name.startswith(".")]
    except OSError:
        return removed
    for path in candidates:
        if is_abandoned(path):
            remove_quietly(path)
            if not os.path.lexists(path):
                removed.append(path)
    return removed
