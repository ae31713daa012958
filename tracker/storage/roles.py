"""Roles and what each may do, checked at the top of every storage operation.

The rule: a database without staff accounts (every plaintext file made before accounts
existed, and the files the library makes by default) works as it always has, for whoever
opened it. Once a database has an account, every write needs a signed-in account
(``Store.account``) whose role allows it: the operation refuses otherwise, whatever screen or
script called it, and writes nothing.

Roles build on each other: a viewer reads and prints; a nurse also records patients, doses,
labs and events and takes backups; a clinician also makes treatment decisions (starts and
ends courses and cycles, interrupts, resumes and reduces doses, overrides a failed start
check, records responses and deaths) and exports; an administrator also manages accounts and
settings and restores backups.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from tracker.storage.access_errors import PermissionDeniedError, SignInRequiredError
from tracker.storage.connections import operational_errors

if TYPE_CHECKING:
    from tracker.storage.database import Store

ADMIN, CLINICIAN, NURSE, VIEWER = "admin", "clinician", "nurse", "viewer"
ROLES = (ADMIN, CLINICIAN, NURSE, VIEWER)
ROLE_TITLES = {
    ADMIN: "Administrator",
    CLINICIAN: "Clinician",
    NURSE: "Nurse",
    VIEWER: "Viewer",
}


@dataclass(frozen=True)
class Permission:
    name: str
    doing: str  # completes "may not ..."


PRINT = Permission("print", "print or save cycle sheets")
RECORD_CARE = Permission("record_care", "record patients, doses, labs or events")
BACKUP = Permission("backup", "back up the database")
DECIDE_TREATMENT = Permission(
    "decide_treatment", "start, change or end treatment, or record responses and deaths"
)
EXPORT = Permission("export", "export the database to unencrypted files")
CHANGE_SETTINGS = Permission("change_settings", "change the clinic's settings")
MANAGE_ACCOUNTS = Permission("manage_accounts", "manage staff accounts")
RESTORE = Permission("restore", "restore a backup")

_VIEWER = frozenset({PRINT})
_NURSE = _VIEWER | {RECORD_CARE, BACKUP}
_CLINICIAN = _NURSE | {DECIDE_TREATMENT, EXPORT}
_ADMIN = _CLINICIAN | {CHANGE_SETTINGS, MANAGE_ACCOUNTS, RESTORE}
PERMISSIONS: dict[str, frozenset[Permission]] = {
    VIEWER: _VIEWER,
    NURSE: _NURSE,
    CLINICIAN: _CLINICIAN,
    ADMIN: _ADMIN,
}

Operation = TypeVar("Operation", bound=Callable[..., Any])


def has_accounts(store: Store) -> bool:
    """Whether the database has staff accounts (asked once per open store)."""
    if store.has_accounts is None:
        if store.closed:
            return False  # the operation then refuses a closed database in its own words
        try:
            row = store.execute("SELECT EXISTS (SELECT 1 FROM accounts)").fetchone()
        except operational_errors():
            row = (0,)  # a file read before its accounts table exists has none
        store.has_accounts = bool(row[0])
    return store.has_accounts


def allows(store: Store, permission: Permission) -> bool:
    """Whether the store's signed-in account (or, without accounts, anyone) may."""
    account = store.account
    if account is None:
        return not has_accounts(store)
    return permission in PERMISSIONS.get(account.role, frozenset())


def check(store: Store, permission: Permission) -> None:
    """Refuse (PermissionDeniedError) what the signed-in account's role may not do."""
    account = store.account
    if account is None:
        if has_accounts(store):
            raise SignInRequiredError(
                f"this database has staff accounts: sign in to {permission.doing}"
            )
        return
    if permission not in PERMISSIONS.get(account.role, frozenset()):
        raise PermissionDeniedError(
            f"{account.name} signed in as {ROLE_TITLES.get(account.role, account.role).lower()}"
            f" and may not {permission.doing}"
        )


def check_signed_in(store: Store) -> None:
    """On a database with accounts, refuse anything done without a signed-in account."""
    if store.account is None and has_accounts(store):
        raise SignInRequiredError("this database has staff accounts: sign in first")


def check_writer(store: Store) -> None:
    """The last line, where every audit row is written: on a database with accounts no
    change is made without a signed-in account, nor by a viewer."""
    account = store.account
    if account is None:
        if has_accounts(store):
            raise SignInRequiredError("this database has staff accounts: sign in to change it")
        return
    if account.role == VIEWER:
        raise PermissionDeniedError(f"{account.name} signed in as viewer and may not change data")


def requires(permission: Permission) -> Callable[[Operation], Operation]:
    """Decorate an operation ``(store, ...)`` so its first act is ``check(store, permission)``."""

    def decorate(operation: Operation) -> Operation:
        @functools.wraps(operation)
        def checked(store: Store, *args: Any, **kwargs: Any) -> Any:
            check(store, permission)
            return operation(store, *args, **kwargs)

        checked.permission = permission  # type: ignore[attr-defined]
        return checked  # type: ignore[return-value]

    return decorate
