"""Refusals of the access layer: sign-in, roles, e-signatures, keys. Messages fit a dialog
or one command-line line, and never name a patient."""

from tracker.storage.errors import StorageError


class SignInRequiredError(StorageError):
    """The database has staff accounts (its data key is locked): sign in first."""


class SignInError(StorageError):
    """The user name or password is wrong, or the account may not sign in."""


class AccountLockedError(SignInError):
    """Too many wrong passwords: the account waits out its lockout."""


class PermissionDeniedError(StorageError):
    """The signed-in account's role may not do this; nothing was written."""


class SignatureRequiredError(PermissionDeniedError):
    """The change needs the signer's electronic signature (password again)."""


class KeyFileError(StorageError):
    """The key file beside an encrypted database is missing, damaged or not for it."""
