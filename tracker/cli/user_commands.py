"""``tracker user`` (staff accounts) and ``tracker encrypt`` (encrypt a plaintext database).

New passwords come from ``$RD_TRACKER_NEW_PASSWORD`` or are asked twice on a terminal; the
recovery key from ``$RD_TRACKER_RECOVERY_KEY`` or a prompt. Storage is imported inside the
handlers so other commands start quickly.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.database_option import (
    add_database_option,
    existing_database_path,
    open_existing_store,
    open_store_to_change,
)
from tracker.cli.errors import CommandError
from tracker.cli.signing_in import (
    PASSWORD_VARIABLE,
    RECOVERY_KEY_VARIABLE,
    USER_VARIABLE,
    new_password,
    secret_from,
    storage_refusals,
    user_name,
)

ROLE_CHOICES = ("admin", "clinician", "nurse", "viewer")


def register(commands: argparse._SubParsersAction) -> None:
    user = commands.add_parser("user", help="staff accounts of an encrypted database")
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)

    add = actions.add_parser("add", help="add an account (an administrator's task)")
    add_database_option(add)
    add.add_argument("name", help="user name: 2 to 32 letters, digits, '.', '_' or '-'")
    add.add_argument("--role", choices=ROLE_CHOICES, required=True, help="the account's role")
    add.add_argument("--full-name", default="", help="the person's name, as shown")
    add.set_defaults(handler=run_add)

    listing = actions.add_parser("list", help="every account with its role")
    add_database_option(listing)
    listing.set_defaults(handler=run_list)

    disable = actions.add_parser("disable", help="stop an account signing in")
    add_database_option(disable)
    disable.add_argument("name")
    disable.set_defaults(handler=run_disable)

    enable = actions.add_parser("enable", help="let a disabled account sign in again")
    add_database_option(enable)
    enable.add_argument("name")
    enable.set_defaults(handler=run_enable)

    passwd = actions.add_parser(
        "passwd", help="set a password: your own, anyone's as an administrator"
    )
    add_database_option(passwd)
    passwd.add_argument("name", nargs="?", help="the account (default: the one signed in)")
    passwd.add_argument(
        "--recovery-key",
        action="store_true",
        help=f"prove it with the recovery key (${RECOVERY_KEY_VARIABLE}) instead of signing in",
    )
    passwd.set_defaults(handler=run_passwd)

    role = actions.add_parser("role", help="give an account another role")
    add_database_option(role)
    role.add_argument("name")
    role.add_argument("role", choices=ROLE_CHOICES)
    role.set_defaults(handler=run_role)

    encrypt = commands.add_parser(
        "encrypt",
        help="encrypt a plaintext database (after a checked backup) and make --user its "
        "administrator",
    )
    add_database_option(encrypt)
    encrypt.add_argument("--full-name", default="", help="the administrator's name, as shown")
    encrypt.add_argument(
        "--backup-dir",
        type=Path,
        help="folder for the plaintext backup taken first (default: the backup folder)",
    )
    encrypt.set_defaults(handler=run_encrypt)


def run_add(args: argparse.Namespace) -> int:
    from tracker.storage.account_admin import add_account

    with open_store_to_change(args) as store:
        password = new_password(args.name)
        account = add_account(store, args.name, args.role, password, args.full_name)
    print(f"added {account.name} ({account.role_title.lower()})")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from tracker.storage.account_admin import list_accounts

    with open_existing_store(args) as store:
        accounts = list_accounts(store)
    print(f"{'user':<20} {'role':<10} {'status':<8} name")
    for account in accounts:
        status = "disabled" if account.disabled else "enabled"
        print(f"{account.name:<20} {account.role:<10} {status:<8} {account.full_name}")
    return 0


def run_disable(args: argparse.Namespace) -> int:
    from tracker.storage.account_admin import disable_account

    with open_store_to_change(args) as store:
        account = disable_account(store, args.name)
    print(f"disabled {account.name}: its password no longer opens the database")
    return 0


def run_enable(args: argparse.Namespace) -> int:
    from tracker.storage.account_admin import enable_account

    with open_store_to_change(args) as store:
        account = enable_account(store, args.name, new_password(args.name))
    print(f"enabled {account.name} with a new password")
    return 0


def run_passwd(args: argparse.Namespace) -> int:
    from tracker.storage.account_admin import reset_password_with_recovery, set_password

    if args.recovery_key:
        name = args.name or user_name(args)
        if not name:
            raise CommandError("name the account whose password the recovery key resets")
        database = existing_database_path(args)
        recovery_key = secret_from(RECOVERY_KEY_VARIABLE, "Recovery key: ")
        password = new_password(name)
        with storage_refusals():
            account = reset_password_with_recovery(database, recovery_key, name, password)
        print(f"set a new password for {account.name} with the recovery key")
        return 0
    with open_store_to_change(args) as store:
        if store.account is None:
            raise CommandError(f"{store.path} has no staff accounts")
        name = args.name or store.account.name
        set_password(store, name, new_password(name))
    print(f"set a new password for {name}")
    return 0


def run_role(args: argparse.Namespace) -> int:
    from tracker.storage.account_admin import set_role

    with open_store_to_change(args) as store:
        account = set_role(store, args.name, args.role)
    print(f"{account.name} is now {account.role_title.lower()}")
    return 0


def run_encrypt(args: argparse.Namespace) -> int:
    from tracker.storage.encryption import encrypt_database

    database = existing_database_path(args)
    name = user_name(args)
    if not name:
        raise CommandError(
            f"name the administrator with --user NAME (or {USER_VARIABLE}); the password "
            f"comes from {PASSWORD_VARIABLE} or is asked"
        )
    password = new_password(name, variable=PASSWORD_VARIABLE)
    with storage_refusals():
        done = encrypt_database(
            database,
            admin_name=name,
            password=password,
            full_name=args.full_name,
            backup_dir=args.backup_dir,
        )
    print(f"encrypted {done.database}; its administrator is {name.lower()}")
    print(f"recovery key (shown once; print it and keep it apart from the database): "
          f"{done.recovery_key}")
    print(f"the plaintext backup taken first is {done.backup}")
    copies = ", ".join(str(path) for path in done.plaintext_copies)
    print(f"not encrypted, delete once no longer needed: {copies}")
    return 0
