"""What the operating system or SQLite says when a write fails, said for a clinic user.

A full disk, a read-only folder or a name too long reach the storage layer as ``OSError`` or
``sqlite3.OperationalError``; each becomes a StorageError whose message says what happened
and that nothing was changed, instead of a traceback or "Something went wrong".
"""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path

from tracker.storage.errors import StorageError, ValidationError

# SQLite's primary result codes (the low byte of an extended code).
SQLITE_READONLY = 8
SQLITE_IOERR = 10
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14

_DISK_FULL = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
_NOT_ALLOWED = {errno.EACCES, errno.EPERM, errno.EROFS}


class DiskFullError(StorageError):
    """The disk (or the user's quota) is full: the write was undone."""


def os_error_within(error: BaseException) -> OSError | None:
    """The OSError behind ``error``, if one led to it (a library may fail while cleaning up
    after the disk filled, and raise something else with the OSError as its context)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, OSError):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def os_error_text(error: OSError) -> str:
    """The reason in a few words: 'the disk is full', 'permission denied', ..."""
    if error.errno in _DISK_FULL:
        return "the disk is full"
    if error.errno == errno.EROFS:
        return "the disk is read-only"
    if error.errno in _NOT_ALLOWED:
        return "permission denied"
    if error.errno == errno.ENAMETOOLONG:
        return "the file name is too long"
    return error.strerror or str(error)


def write_failed(error: OSError, target: Path | str, *, left: str = "nothing was written") -> StorageError:
    """A StorageError for an OSError met while writing ``target``."""
    kind = DiskFullError if error.errno in _DISK_FULL else StorageError
    return kind(f"cannot write {target}: {os_error_text(error)}; {left}")


def sqlite_write_failure(
    error: sqlite3.Error, path: Path | str, *, left: str = "the change was not saved"
) -> StorageError | None:
    """A StorageError for SQLite failing to write for want of room or permission; None for
    any other error, which the caller raises as it is."""
    code = (getattr(error, "sqlite_errorcode", 0) or 0) & 0xFF
    text = str(error).lower()
    if code == SQLITE_FULL or "disk is full" in text:
        return DiskFullError(f"the disk holding {path} is full: {left}; free some space and try again")
    if code == SQLITE_READONLY or "readonly database" in text:
        return StorageError(f"{path} cannot be written (read-only file or folder): {left}")
    if code == SQLITE_IOERR or "disk i/o error" in text:
        return StorageError(f"the disk holding {path} failed to write ({error}): {left}")
    if code == SQLITE_CANTOPEN:
        return StorageError(f"{path} cannot be opened for writing ({error}): {left}")
    return None


def unusable_value(error: Exception) -> ValidationError | None:
    """A value no SQLite column can hold (an id beyond 64 bits, a list) is bad input, said as
    such; None for any other programming error, which stays what it is."""
    if isinstance(error, OverflowError):
        return ValidationError("a number given is too large to be stored or looked up")
    if "binding parameter" in str(error) or "not supported" in str(error):
        return ValidationError(f"a value given cannot be stored or looked up ({error})")
    return None
