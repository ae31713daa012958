"""Encrypted test clinics with one account of each role, shared by the storage, command-line
and screen tests of sign-in, roles and signatures."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from tracker.storage.account_admin import add_account
from tracker.storage.accounts import account_named
from tracker.storage.database import Store
from tracker.storage.encryption import create_encrypted_database
from tracker.storage.signatures import Signature, sign, signed_by

PASSWORDS = {
    "boss": "admin-password-1",
    "doc": "clinician-password-1",
    "nina": "nurse-password-1",
    "vic": "viewer-password-1",
}
ROLES = {"boss": "admin", "doc": "clinician", "nina": "nurse", "vic": "viewer"}
# Made up for these tests; the grep tests look for them in every byte written.
SECRET_NAME, SECRET_MRN = "Philippa Quarrington", "MRN-Q7731904"


def encrypted_clinic(
    path: Path, *, clock: Callable[[], date] = date.today, staff: bool = True
) -> Store:
    """A new encrypted database, the administrator ``boss`` signed in, and (with ``staff``)
    the clinician ``doc``, the nurse ``nina`` and the viewer ``vic``."""
    store, _recovery_key = create_encrypted_database(
        path, admin_name="boss", password=PASSWORDS["boss"], clinic_name="Test clinic", clock=clock
    )
    if staff:
        for name in ("doc", "nina", "vic"):
            add_account(store, name, ROLES[name], PASSWORDS[name], f"{name.title()} Tester")
    return store


def act_as(store: Store, name: str) -> None:
    """Make ``name`` the signed-in account (signing in itself is tested on its own)."""
    account = account_named(store, name)
    assert account is not None
    store.account = account


@contextmanager
def signed_as(store: Store, meaning: str) -> Iterator[Signature]:
    """Changes inside carry the signed-in account's signature meaning ``meaning``."""
    signature = sign(store, store.account.name, PASSWORDS[store.account.name], meaning)
    with signed_by(store, signature):
        yield signature
