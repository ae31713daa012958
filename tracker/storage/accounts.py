"""Staff accounts: signing in, checking a password again, and the lockout.

A sign-in unwraps the database's data key from the account's slot in the key file
(``tracker.storage.crypto``): a wrong password opens nothing, and five wrong passwords in a
row lock the account for five minutes (the count lives in the key file, which is readable
before the database is). The account must then exist, enabled, in the database's
``accounts`` table, which holds its role; the store it opens carries it as ``Store.account``,
and the storage operations check that account's role (``tracker.storage.roles``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tracker.storage.access_errors import AccountLockedError, SignInError, SignInRequiredError
from tracker.storage.connections import is_encrypted
from tracker.storage.crypto import read_key_file, remember_key, write_key_file
from tracker.storage.database import Store, open_database
from tracker.storage.engines import is_server_address
from tracker.storage.errors import ValidationError
from tracker.storage.roles import ROLE_TITLES, ROLES

# Where scripts, the command line and the smoke test find who signs in, and the password.
USER_VARIABLE = "RD_TRACKER_USER"
PASSWORD_VARIABLE = "RD_TRACKER_PASSWORD"
MAX_FAILED_SIGN_INS = 5
LOCKOUT = timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256
ACCOUNTS_TABLE = "accounts"
_NAME = re.compile(r"[a-z][a-z0-9._-]{1,31}")

Now = Callable[[], datetime]


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Account:
    """A staff member's account: a unique name, the name in full, one role."""

    name: str
    role: str
    full_name: str = ""
    disabled: bool = False
    id: int | None = None

    @property
    def role_title(self) -> str:
        return ROLE_TITLES.get(self.role, self.role)

    @property
    def shown_name(self) -> str:
        return f"{self.full_name} ({self.name})" if self.full_name else self.name


def account_name(text: str) -> str:
    """A new account's name: 2 to 32 lower-case letters, digits, '.', '_' or '-'."""
    name = " ".join(str(text or "").split()).lower()
    if not _NAME.fullmatch(name):
        raise ValidationError(
            f"{text!r} cannot be a user name: use 2 to 32 letters, digits, '.', '_' or '-', "
            "starting with a letter"
        )
    return name


def role_named(text: str) -> str:
    role = str(text or "").strip().lower()
    if role not in ROLES:
        raise ValidationError(f"{text!r} is not a role: choose one of {', '.join(ROLES)}")
    return role


def check_new_password(password: str, name: str) -> str:
    """A password for ``name``: 8 to 256 characters, not the user name itself."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    if len(password) > MAX_PASSWORD_LENGTH:
        raise ValidationError(f"a password has at most {MAX_PASSWORD_LENGTH} characters")
    if password.strip().lower() == name:
        raise ValidationError("the password must not be the user name")
    return password


def _typed_name(text: str) -> str:
    return " ".join(str(text or "").split()).lower()


# --- the key slot and its lockout -----------------------------------------------------------


def unlock(database: Path | str, name: str, password: str, *, now: Now = utc_now) -> bytes:
    """The data key from ``name``'s slot, kept for this process; counts a wrong password.

    SignInError for a wrong name or password, AccountLockedError while locked out.
    """
    name = _typed_name(name)
    keys = read_key_file(database)
    slot = keys.accounts.get(name)
    if slot is not None and slot.locked_until:
        until = datetime.fromisoformat(slot.locked_until)
        if now() < until:
            raise AccountLockedError(_locked_message(name, until - now()))
    try:
        data_key = keys.open_account(name, password)
    except SignInError:
        if slot is not None:
            _count_failure(database, name, now)
        raise
    if slot is not None and (slot.failed_attempts or slot.locked_until):
        _set_lockout(database, name, failures=0, until=None)
    remember_key(data_key)
    return data_key


def _locked_message(name: str, left: timedelta) -> str:
    minutes = max(1, math.ceil(left.total_seconds() / 60))
    return (
        f"{name} is locked after {MAX_FAILED_SIGN_INS} wrong passwords; try again in "
        f"{minutes} minute{'s' if minutes != 1 else ''}"
    )


def _count_failure(database: Path | str, name: str, now: Now) -> None:
    keys = read_key_file(database)  # read again: another program may have counted meanwhile
    slot = keys.accounts.get(name)
    if slot is None:
        return
    failures = slot.failed_attempts + 1
    if failures >= MAX_FAILED_SIGN_INS:
        _set_lockout(database, name, failures=0, until=(now() + LOCKOUT).isoformat())
        raise AccountLockedError(_locked_message(name, LOCKOUT))
    _set_lockout(database, name, failures=failures, until=None)


def _set_lockout(database: Path | str, name: str, *, failures: int, until: str | None) -> None:
    keys = read_key_file(database)
    slot = keys.accounts.get(name)
    if slot is None:
        return
    slot.failed_attempts, slot.locked_until = failures, until
    write_key_file(database, keys)


def failed_attempts(database: Path | str, name: str) -> int:
    slot = read_key_file(database).accounts.get(_typed_name(name))
    return 0 if slot is None else slot.failed_attempts


# --- accounts in the database ---------------------------------------------------------------


def account_named(store: Store, name: str) -> Account | None:
    rows = list(
        store.query(
            "SELECT id, name, role, full_name, disabled FROM accounts WHERE name = ?",
            [_typed_name(name)],
        )
    )
    if not rows:
        return None
    row = rows[0]
    return Account(
        name=row["name"],
        role=row["role"],
        full_name=row["full_name"] or "",
        disabled=bool(row["disabled"]),
        id=row["id"],
    )


def enabled_account(store: Store, name: str) -> Account:
    account = account_named(store, name)
    if account is None:
        raise SignInError("the user name or password is wrong")
    if account.disabled:
        raise SignInError(f"the account {account.name} is disabled; ask an administrator")
    return account


def sign_in(
    database: Path | str,
    name: str,
    password: str,
    *,
    clock: Callable[[], date] = date.today,
    check_in_background: bool = False,
    now: Now = utc_now,
    read_only: bool = False,
) -> Store:
    """Open the encrypted ``database`` as ``name``: the store carries the account.

    A plaintext database has no accounts and opens as it always has (the name is unused).
    """
    if is_server_address(database):
        from tracker.storage.server_accounts import sign_in_server

        return sign_in_server(str(database), name, password, clock=clock, now=now, read_only=read_only)
    database = Path(database).expanduser()
    opening = {"clock": clock, "check_in_background": check_in_background, "read_only": read_only}
    if not is_encrypted(database):
        store = open_database(database, **opening)
        from tracker.storage.server_accounts import has_server_passwords, signed_in_on_copy

        if has_server_passwords(store):
            # A server's downtime copy: its accounts sign in with their server passwords.
            return signed_in_on_copy(store, name, password, now=now)
        return store
    unlock(database, name, password, now=now)
    return signed_in_as(open_database(database, **opening), name)


def signed_in_as(store: Store, name: str) -> Store:
    """``store`` (of an encrypted file, its key unlocked) with ``name``'s enabled account
    signed in; closed, and the refusal raised, when that account cannot sign in."""
    try:
        store.account = enabled_account(store, name)
    except BaseException:
        store.close()
        raise
    store.has_accounts = True
    return store


def verify_password(store: Store, name: str, password: str, *, now: Now = utc_now) -> Account:
    """``name`` and ``password`` are right for an enabled account of the open ``store``
    (counted towards the lockout like a sign-in); returns the account."""
    if store.is_server:
        from tracker.storage.server_accounts import check_server_password

        check_server_password(store, _typed_name(name), password, now=now)
        return enabled_account(store, _typed_name(name))
    if not is_encrypted(store.path):
        raise SignInRequiredError("this database has no staff accounts")
    unlock(store.path, name, password, now=now)
    return enabled_account(store, name)


def switch_account(store: Store, name: str, password: str, *, now: Now = utc_now) -> Account:
    """Sign ``name`` in on the open store in place of whoever was signed in."""
    account = verify_password(store, name, password, now=now)
    store.account = account
    store.signature = None
    return account
