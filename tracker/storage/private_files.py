"""Files only their owner can read: 0600 files in 0700 folders, whatever the umask.

The program sets the process umask to 077 as it starts (``use_private_umask``), so whatever
it or a library writes (the database and its -wal and -shm files, backups, exports, sheets,
logs) is private; the storage functions also create their files 0600 themselves, so a
script using them directly gets the same. On Windows, files in the user's profile are
private to the user already, and modes are left alone.
"""

from __future__ import annotations

import os
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
PRIVATE_FOLDER_MODE = 0o700
PRIVATE_UMASK = 0o077
POSIX = os.name == "posix"


def use_private_umask() -> None:
    """From now on this process creates files 0600 and folders 0700 (POSIX)."""
    if POSIX:
        os.umask(PRIVATE_UMASK)


def private_folder(path: Path | str) -> Path:
    """``path`` as a folder, each level this call creates made 0700; returns it."""
    path = Path(path)
    missing = []
    probe = path
    while not probe.exists() and probe != probe.parent:
        missing.append(probe)
        probe = probe.parent
    for folder in reversed(missing):
        folder.mkdir(mode=PRIVATE_FOLDER_MODE, exist_ok=True)
        if POSIX:
            # mkdir's mode is filtered by the umask; chmod is not.
            os.chmod(folder, PRIVATE_FOLDER_MODE)
    return path


def create_private_file(path: Path | str) -> None:
    """Create ``path`` empty and 0600 if it does not exist (SQLite then writes into it, and
    gives its -wal and -shm files the same mode)."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    except FileExistsError:
        return
    os.close(descriptor)
    make_private(path)


def make_private(path: Path | str) -> None:
    """Make an existing file of ours readable by its owner only (POSIX); quietly leaves a
    file it cannot change (another user's) as it is."""
    if not POSIX:
        return
    try:
        if os.stat(path).st_mode & 0o077:
            os.chmod(path, PRIVATE_FILE_MODE)
    except OSError:
        pass


def write_private_file(path: Path | str, data: bytes) -> None:
    """Replace ``path`` with ``data`` in one rename, the new file 0600 and on disk first."""
    path = Path(path)
    partial = path.with_name(f".{path.name}.partial")
    partial.unlink(missing_ok=True)
    descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        make_private(partial)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    sync_directory(path.parent)


def sync_directory(folder: Path) -> None:
    """Make a rename inside ``folder`` survive a power cut (POSIX; a no-op elsewhere)."""
    if not POSIX:
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
