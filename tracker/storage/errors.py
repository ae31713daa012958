"""Errors the storage layer raises; every message is written to be shown to a clinic user."""


class StorageError(Exception):
    """A request the storage refuses; the message fits a dialog or one CLI line."""


class ValidationError(StorageError):
    """Bad input: the change was refused and nothing was written."""


class NotADatabaseError(StorageError):
    """The file is not an intact Rd Cycle Tracker database; it was left untouched."""


class DatabaseTooNewError(StorageError):
    """The database was written by a newer version of the program; it was left untouched."""


class NotFoundError(ValidationError):
    """An unknown MRN, id or cycle number."""


class DatabaseBusyError(StorageError):
    """Another program held the write lock for longer than the busy timeout."""


class StaleRecordError(ValidationError):
    """The record was changed by someone else after the caller read it; nothing was saved."""


class BadStoredValueError(StorageError):
    """A row holds a value no rule allows (written outside the program, or by an older
    version); the message names the table, the row and the value."""


class ConflictError(ValidationError):
    """Another workstation saved a clashing change at the same moment; nothing was saved.

    ``retryable``: the change may simply be made again (``conflicts.retrying``), its checks
    reading what the other workstation saved."""

    def __init__(self, message: str, *, retryable: bool = True) -> None:
        super().__init__(message)
        self.retryable = retryable


class ServerUnreachableError(StorageError):
    """The server database cannot be reached (or refused the connection)."""
