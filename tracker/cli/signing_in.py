"""Signing in from the command line, on a database with staff accounts.

The account is ``--user NAME`` or ``$RD_TRACKER_USER``; the password is
``$RD_TRACKER_PASSWORD``, or asked on the terminal when there is one. A wrong password, an
unknown user or a locked account is one line on stderr and exit status 2, and nothing is
written. A database without accounts (plaintext) needs none of it and works as before.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.cli.errors import CommandError
from tracker.storage.accounts import PASSWORD_VARIABLE, USER_VARIABLE

if TYPE_CHECKING:
    from tracker.storage.database import Store
    from tracker.storage.roles import Permission

NEW_PASSWORD_VARIABLE = "RD_TRACKER_NEW_PASSWORD"
RECOVERY_KEY_VARIABLE = "RD_TRACKER_RECOVERY_KEY"
# ``tracker demo`` on a new file without the variables makes this administrator: demo data
# only, documented in the README, so a fresh checkout's examples run as they are.
DEMO_USER, DEMO_PASSWORD = "demo", "demo-password"


def add_user_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--user",
        metavar="NAME",
        help=f"staff account to sign in with (default: ${USER_VARIABLE}); the password is "
        f"${PASSWORD_VARIABLE}, or asked on a terminal",
    )


def _on_a_terminal() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def user_name(args: argparse.Namespace) -> str | None:
    return getattr(args, "user", None) or os.environ.get(USER_VARIABLE) or None


def credentials(args: argparse.Namespace, database: Path) -> tuple[str, str]:
    """The account and password to sign in to ``database`` with."""
    name = user_name(args)
    if name is None and _on_a_terminal():
        name = input(f"User for {database.name}: ").strip() or None
    if name is None:
        raise CommandError(
            f"{database} has staff accounts: sign in with --user NAME (or {USER_VARIABLE}) "
            f"and the password in {PASSWORD_VARIABLE}"
        )
    password = os.environ.get(PASSWORD_VARIABLE)
    if password is None and _on_a_terminal():
        password = getpass.getpass(f"Password for {name}: ")
    if password is None:
        raise CommandError(
            f"no password for {name}: set {PASSWORD_VARIABLE}, or run on a terminal to be asked"
        )
    return name, password


def new_password(name: str, *, variable: str = NEW_PASSWORD_VARIABLE) -> str:
    """A new password for ``name``: ``$variable``, or asked twice on a terminal."""
    password = os.environ.get(variable)
    if password is not None:
        return password
    if not _on_a_terminal():
        raise CommandError(f"give the new password for {name} in {variable}")
    first = getpass.getpass(f"New password for {name}: ")
    if getpass.getpass("The same again: ") != first:
        raise CommandError("the two passwords differ; nothing was changed")
    return first


def secret_from(variable: str, prompt: str) -> str:
    value = os.environ.get(variable)
    if value is None and _on_a_terminal():
        value = getpass.getpass(prompt)
    if value is None:
        raise CommandError(f"give it in {variable}, or run on a terminal to be asked")
    return value


def is_encrypted(path: Path) -> bool:
    from tracker.storage.connections import is_encrypted as encrypted

    return encrypted(path)


def signed_in_store(path: Path, args: argparse.Namespace, *, read_only: bool = False) -> Store:
    """The database at ``path`` opened, signed in when it has accounts."""
    from tracker.storage.accounts import sign_in
    from tracker.storage.database import open_database

    if not is_encrypted(path):
        return open_database(path, read_only=read_only)
    name, password = credentials(args, path)
    return sign_in(path, name, password, read_only=read_only)


def signed_in_server(args: argparse.Namespace, *, read_only: bool = False) -> Store:
    """The server database ``--db`` names, signed in when it has accounts (the same accounts
    and roles as an encrypted file; ``storage.server_accounts``)."""
    from tracker.storage.accounts import sign_in
    from tracker.storage.engines.addresses import ServerAddress, ServerLocation
    from tracker.storage.roles import has_accounts
    from tracker.storage.server import open_server

    store = open_server(args.db, read_only=read_only)
    if not has_accounts(store):
        return store
    store.close()
    name, password = credentials(args, ServerLocation(ServerAddress(args.db).display))
    return sign_in(args.db, name, password, read_only=read_only)


@contextmanager
def storage_refusals() -> Iterator[None]:
    """Refusals of storage and of the clinical rules, as one command-line error each."""
    from tracker.domain.errors import DomainError
    from tracker.storage.errors import StorageError

    try:
        yield
    except (StorageError, DomainError) as error:
        raise CommandError(str(error)) from error


@contextmanager
def allowed(
    path: Path, args: argparse.Namespace, permission: Permission
) -> Iterator[str | None]:
    """For a command that works on the file itself (backup, export): on a database with
    accounts, sign in and check the role first, giving the account's name; a plaintext file
    is left unopened, as before (None)."""
    from tracker.storage.roles import check

    if not is_encrypted(path):
        yield None
        return
    with storage_refusals():
        store = signed_in_store(path, args, read_only=True)
    try:
        with storage_refusals():
            check(store, permission)
        account = store.account.name if store.account else None
    finally:
        store.close()
    yield account
