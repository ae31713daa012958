"""Managing staff accounts: add, change role, disable, enable, set a password, recover.

Each change is audited, and needs an administrator signed in, except that everyone may
change their own password. An account's row (name, role, enabled) is in the database; its
key slot is in the key file: the database is written first, so a slot never outlives a
refused change, and disabling deletes the slot, so the old password opens nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from tracker.storage.access_errors import SignInError
from tracker.storage.accounts import (
    ACCOUNTS_TABLE,
    Account,
    account_name,
    account_named,
    check_new_password,
    role_named,
)
from tracker.storage.audit import insert_row, update_row, write_audit
from tracker.storage.connections import is_encrypted
from tracker.storage.crypto import (
    read_key_file,
    remember_key,
    unlocked_key,
    write_key_file,
)
from tracker.storage.database import Store, open_database
from tracker.storage.errors import ValidationError
from tracker.storage.roles import ADMIN, MANAGE_ACCOUNTS, check, requires
from tracker.storage.server_accounts import remove_server_password, set_server_password
from tracker.storage.signatures import Signature, signed_by, utc_stamp
from tracker.storage.validation import optional_text

RECOVERY_MEANING = "reset the password with the recovery key"
PASSWORD_ACTION = "password"


def list_accounts(store: Store) -> list[Account]:
    """Every account, enabled or not, by name (for an administrator)."""
    check(store, MANAGE_ACCOUNTS)
    rows = store.query("SELECT name FROM accounts ORDER BY name")
    return [account for row in rows if (account := account_named(store, row["name"]))]


def _existing(store: Store, name: str) -> Account:
    account = account_named(store, name)
    if account is None:
        raise ValidationError(f"there is no account {name!r}")
    return account


def _need_encryption(store: Store) -> None:
    if store.is_server:
        return  # a server database keeps its accounts' passwords itself (server_accounts)
    if not is_encrypted(store.path):
        raise ValidationError(
            f"{store.path.name} is not encrypted and has no accounts; encrypt it first "
            "(tracker encrypt, or File > Encrypt database…), which creates its administrator"
        )


def _keep_an_admin(store: Store, account: Account, doing: str) -> None:
    if account.role != ADMIN or account.disabled:
        return
    admins = store.execute(
        "SELECT COUNT(*) FROM accounts WHERE role = ? AND disabled = 0", [ADMIN]
    ).fetchone()[0]
    if admins <= 1:
        raise ValidationError(f"{account.name} is the last administrator and cannot be {doing}")


def _set_slot(store: Store, name: str, password: str) -> None:
    if store.is_server:
        set_server_password(store, name, password)
        return
    keys = read_key_file(store.path)
    keys.set_account(name, password, unlocked_key(store.path))
    write_key_file(store.path, keys)


@requires(MANAGE_ACCOUNTS)
def add_account(
    store: Store, name: str, role: str, password: str, full_name: str = ""
) -> Account:
    """A new account with its own password and one role."""
    _need_encryption(store)
    name = account_name(name)
    role = role_named(role)
    check_new_password(password, name)
    full_name = optional_text(full_name, "full name", max_length=100) or ""
    if account_named(store, name) is not None:
        raise ValidationError(f"there is already an account {name!r}")
    with store.transaction():
        row_id = insert_row(
            store,
            ACCOUNTS_TABLE,
            {"name": name, "role": role, "full_name": full_name, "disabled": 0},
            patient_id=None,
        )
        # Last, inside the transaction: a slot write that fails takes the row back with it.
        _set_slot(store, name, password)
    store.has_accounts = True
    return Account(name=name, role=role, full_name=full_name, id=row_id)


@requires(MANAGE_ACCOUNTS)
def set_role(store: Store, name: str, role: str) -> Account:
    account = _existing(store, name)
    role = role_named(role)
    if role != account.role:
        _keep_an_admin(store, account, "given another role")
        update_row(store, ACCOUNTS_TABLE, account.id, {"role": role}, patient_id=None)
    if store.account is not None and store.account.name == account.name:
        store.account = _existing(store, name)
    return _existing(store, name)


@requires(MANAGE_ACCOUNTS)
def disable_account(store: Store, name: str) -> Account:
    """The account can no longer sign in: its row is kept for the audit, its slot deleted."""
    account = _existing(store, name)
    if store.account is not None and account.name == store.account.name:
        raise ValidationError("you cannot disable the account you are signed in with")
    _keep_an_admin(store, account, "disabled")
    update_row(store, ACCOUNTS_TABLE, account.id, {"disabled": 1}, patient_id=None)
    if store.is_server:
        remove_server_password(store, account.name)
        return _existing(store, name)
    keys = read_key_file(store.path)
    if keys.accounts.pop(account.name, None) is not None:
        write_key_file(store.path, keys)
    return _existing(store, name)


@requires(MANAGE_ACCOUNTS)
def enable_account(store: Store, name: str, password: str) -> Account:
    """A disabled account may sign in again, with a new password."""
    account = _existing(store, name)
    check_new_password(password, account.name)
    with store.transaction():
        update_row(store, ACCOUNTS_TABLE, account.id, {"disabled": 0}, patient_id=None)
        _set_slot(store, account.name, password)
    return _existing(store, name)


def set_password(store: Store, name: str, password: str) -> Account:
    """A new password for ``name``: one's own, or anyone's for an administrator. The old
    password opens nothing afterwards, and the account's lockout is lifted."""
    _need_encryption(store)
    account = _existing(store, name)
    if store.account is None or store.account.name != account.name:
        check(store, MANAGE_ACCOUNTS)
    if account.disabled:
        raise ValidationError(f"{account.name} is disabled; enable it with a new password")
    check_new_password(password, account.name)
    with store.transaction():
        write_audit(
            store,
            table=ACCOUNTS_TABLE,
            row_id=account.id,
            patient_id=None,
            action=PASSWORD_ACTION,
            before=None,
            after={"name": account.name, "password": "changed"},
        )
        _set_slot(store, account.name, password)
    return account


def reset_password_with_recovery(
    database: Path | str,
    recovery_key: str,
    name: str,
    password: str,
    *,
    clock: Callable[[], date] = date.today,
) -> Account:
    """Set ``name``'s password with the recovery key (a forgotten administrator password):
    audited as done by that account under the meaning ``RECOVERY_MEANING``."""
    database = Path(database).expanduser()
    if not is_encrypted(database):
        raise ValidationError(f"{database} is not encrypted and has no recovery key")
    keys = read_key_file(database)
    try:
        remember_key(keys.open_recovery(recovery_key))
    except SignInError:
        raise SignInError("the recovery key is wrong") from None
    with open_database(database, clock=clock) as store:
        account = _existing(store, name)
        if account.disabled:
            raise ValidationError(f"{account.name} is disabled; an administrator can enable it")
        store.account = account
        signature = Signature(account.name, RECOVERY_MEANING, utc_stamp())
        with signed_by(store, signature):
            set_password(store, account.name, password)
    return account
