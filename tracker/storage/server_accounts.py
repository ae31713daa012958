"""Staff accounts on a server database: the same ``accounts`` table and roles as an encrypted
file, with each password checked against the server's ``account_passwords`` table.

A file's passwords unlock key slots beside it (``crypto``); a server database is not
encrypted by the program (the server keeps it, and TLS carries it), so each account's row
there holds a verifier instead: argon2id of the password with a salt of its own, at the cost
the key slots use. Five wrong passwords in a row lock the account for five minutes, counted
on the server, so every workstation sees the same lockout. A server database with no
accounts opens as a file without accounts does.
"""

from __future__ import annotations

import hmac
import json
import secrets
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

from tracker.storage.access_errors import AccountLockedError, SignInError
from tracker.storage.crypto import OWASP_ARGON2ID, SALT_BYTES, KdfParameters, derive_key
from tracker.storage.database import Store

PASSWORDS_TABLE = "account_passwords"
PASSWORDS_DDL = (
    f"CREATE TABLE IF NOT EXISTS {PASSWORDS_TABLE} (name text PRIMARY KEY, salt text NOT NULL, "
    "verifier text NOT NULL, kdf text NOT NULL, failed_attempts integer NOT NULL DEFAULT 0, "
    "locked_until text)"
)
Now = Callable[[], datetime]


def _verifier(password: str, salt: bytes, kdf: KdfParameters) -> str:
    return derive_key(password.encode("utf-8"), salt, kdf).hex()


def set_server_password(store: Store, name: str, password: str) -> None:
    """``name``'s password from now on (any lockout lifted); inside the caller's transaction
    when there is one."""
    salt = secrets.token_bytes(SALT_BYTES)
    row = {
        "name": name,
        "salt": salt.hex(),
        "verifier": _verifier(password, salt, OWASP_ARGON2ID),
        "kdf": json.dumps(OWASP_ARGON2ID.as_json()),
        "failed_attempts": 0,
        "locked_until": None,
    }
    store.engine.upsert(store, PASSWORDS_TABLE, row, "name")


def remove_server_password(store: Store, name: str) -> None:
    store.execute(f"DELETE FROM {PASSWORDS_TABLE} WHERE name = ?", [name])


def check_server_password(store: Store, name: str, password: str, *, now: Now) -> None:
    """Refuse a wrong password (SignInError, counted) or a locked account (AccountLockedError)."""
    from tracker.storage.accounts import LOCKOUT, MAX_FAILED_SIGN_INS, _locked_message

    rows = list(store.query(f"SELECT * FROM {PASSWORDS_TABLE} WHERE name = ?", [name]))
    if not rows:
        raise SignInError("the user name or password is wrong")
    row = rows[0]
    if row["locked_until"]:
        until = datetime.fromisoformat(row["locked_until"])
        if now() < until:
            raise AccountLockedError(_locked_message(name, until - now()))
    kdf = KdfParameters.from_json(json.loads(row["kdf"]))
    right = hmac.compare_digest(
        _verifier(password, bytes.fromhex(row["salt"]), kdf), row["verifier"]
    )
    if right:
        if (row["failed_attempts"] or row["locked_until"]) and not store.read_only:
            _set_lockout(store, name, 0, None)
        return
    if store.read_only:
        # A downtime copy is only read: its lockout is the server's, as last copied.
        raise SignInError("the user name or password is wrong")
    failures = row["failed_attempts"] + 1
    if failures >= MAX_FAILED_SIGN_INS:
        _set_lockout(store, name, 0, (now() + LOCKOUT).isoformat())
        raise AccountLockedError(_locked_message(name, LOCKOUT))
    _set_lockout(store, name, failures, None)
    raise SignInError("the user name or password is wrong")


def _set_lockout(store: Store, name: str, failures: int, until: str | None) -> None:
    # Its own statement, committed at once (autocommit): a refused sign-in changes nothing else.
    store.execute(
        f"UPDATE {PASSWORDS_TABLE} SET failed_attempts = ?, locked_until = ? WHERE name = ?",
        [failures, until, name],
    )


def sign_in_server(
    address: str,
    name: str,
    password: str,
    *,
    clock: Callable[[], date] = date.today,
    now: Now,
    read_only: bool = False,
    **_options: Any,
) -> Store:
    """The server database at ``address`` opened as ``name`` (the store carries the
    account); without accounts on the server it opens as before."""
    from tracker.storage.accounts import _typed_name, enabled_account
    from tracker.storage.roles import has_accounts
    from tracker.storage.server import open_server

    # Opened to write: a wrong password is counted even by a session that only reads.
    store = open_server(address, clock=clock)
    try:
        if has_accounts(store):
            name = _typed_name(name)
            check_server_password(store, name, password, now=now)
            store.account = enabled_account(store, name)
        if read_only:
            store.read_only = True
            store.connection.execute("SET default_transaction_read_only = on")
    except BaseException:
        store.close()
        raise
    return store


def has_server_passwords(store: Store) -> bool:
    """Whether ``store`` (a file) holds a server's accounts with their password verifiers:
    a downtime copy of a server database with staff accounts."""
    from tracker.storage.connections import all_errors
    from tracker.storage.roles import has_accounts

    try:
        rows = store.execute(f"SELECT COUNT(*) FROM {PASSWORDS_TABLE}").fetchone()
    except all_errors():  # every other file has no such table
        return False
    return bool(rows[0]) and has_accounts(store)


def signed_in_on_copy(store: Store, name: str, password: str, *, now: Now) -> Store:
    """The downtime copy ``store`` with ``name`` signed in, the password checked against the
    server's verifier as last copied; closed, and the refusal raised, otherwise."""
    from tracker.storage.accounts import _typed_name, signed_in_as

    try:
        name = _typed_name(name)
        check_server_password(store, name, password, now=now)
    except BaseException:
        store.close()
        raise
    return signed_in_as(store, name)
