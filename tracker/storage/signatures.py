"""Electronic signatures (21 CFR Part 11 §11.200): the password again, for what matters most.

Overriding a failed start check, ending a course, recording a death and restoring a backup
are signed: the signer types the password again (the screens ask for the user name too at
the first signing of a session), ``sign`` checks it against the key slot, and the change is
made under that signature (``signed``). Every audit row the change writes names the signer
and the signature's meaning; the operation refuses to run without it on a database with
accounts (``require_signature``). A database without accounts needs no signature.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from tracker.storage.access_errors import (
    SignatureRequiredError,
    SignInError,
    SignInRequiredError,
)
from tracker.storage.accounts import verify_password
from tracker.storage.database import Store
from tracker.storage.roles import has_accounts

OVERRIDE_START = "approved cycle start override"
END_COURSE = "ended the treatment course"
RECORD_DEATH = "recorded the death"
RESTORE_BACKUP = "restored a backup"

Result = TypeVar("Result")


@dataclass(frozen=True)
class Signature:
    """Who signed, what the signature means, and when (UTC)."""

    signer: str
    meaning: str
    signed_at: str


def sign(store: Store, name: str, password: str, meaning: str) -> Signature:
    """Check ``name`` and ``password`` again and return the signature meaning ``meaning``.

    Only the signed-in account signs its own changes; a wrong password counts towards the
    lockout as at sign-in.
    """
    if store.account is None:
        raise SignInRequiredError("sign in before signing")
    typed = " ".join(str(name or "").split()).lower()
    if typed != store.account.name:
        raise SignInError(f"sign as {store.account.name}, who is signed in")
    account = verify_password(store, typed, password)
    return Signature(signer=account.name, meaning=meaning, signed_at=utc_stamp())


def utc_stamp() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


@contextmanager
def signed_by(store: Store, signature: Signature | None) -> Iterator[None]:
    """Changes made inside carry ``signature`` (None: none, as on a database without
    accounts)."""
    previous = store.signature
    store.signature = signature
    try:
        yield
    finally:
        store.signature = previous


def signed(
    operation: Callable[..., Result], signature: Signature | None
) -> Callable[..., Result]:
    """``operation`` run under ``signature``, for ``AppContext.run`` and the commands."""

    def run_signed(store: Store, *args: Any, **kwargs: Any) -> Result:
        with signed_by(store, signature):
            return operation(store, *args, **kwargs)

    return run_signed


def require_signature(store: Store, *meanings: str) -> None:
    """Refuse unless the change in progress is signed by the signed-in account with one of
    ``meanings``; a database without accounts needs none."""
    if store.account is None and not has_accounts(store):
        return
    signature = store.signature
    if (
        signature is None
        or store.account is None
        or signature.signer != store.account.name
        or signature.meaning not in meanings
    ):
        raise SignatureRequiredError(
            f"this change needs an electronic signature ({meanings[0]}): "
            "enter your password to sign it"
        )
