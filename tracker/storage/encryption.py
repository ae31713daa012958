"""Encrypted databases: creating one, and encrypting a plaintext one in place.

Both make a random data key, an administrator's key slot and a recovery key (returned once,
to be printed or written down: nothing else can open the file when every password is lost),
and write the key file before the database, so an encrypted file never exists without it.

Encrypting a plaintext database first takes a backup of it while holding it (no other
program may write meanwhile), checks the backup (intact, the same rows), writes an encrypted
copy of that backup beside the database, checks the copy the same way, and only then renames
the copy over the database. The plaintext backup is kept: it is the way back, and it is not
encrypted, so the caller says where it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tracker.storage.accounts import ACCOUNTS_TABLE, Account, account_name, check_new_password
from tracker.storage.audit import insert_row, write_audit
from tracker.storage.backup import (
    Clock,
    _snapshot,
    _stamped_name,
    _utc_now,
    check_tracker_database,
    default_backup_dir,
    open_read_only,
)
from tracker.storage.connections import (
    SQLITE_HEADER,
    connection_to_copy,
    file_header,
    is_encrypted,
    key_file_path,
)
from tracker.storage.crypto import (
    CIPHER,
    KeyFile,
    new_data_key,
    new_recovery_key,
    remember_key,
    unlocked_key,
    write_key_file,
)
from tracker.storage.database import Store, open_database
from tracker.storage.errors import StorageError, ValidationError
from tracker.storage.operations.settings import CLINIC_NAME_KEY, set_setting
from tracker.storage.private_files import create_private_file, private_folder, sync_directory
from tracker.storage.restore import _held
from tracker.storage.roles import ADMIN
from tracker.storage.validation import optional_text

ENCRYPT_ACTION = "encrypt"
DATABASE_ROW = "database"  # audit rows about the file as a whole


@dataclass(frozen=True)
class Encrypted:
    """What ``encrypt_database`` did: the file, the plaintext backup it kept, the recovery
    key to print, and every plaintext copy of the database left in the backup folder."""

    database: Path
    backup: Path
    recovery_key: str
    plaintext_copies: list[Path]


def _new_keys(path: Path, name: str, password: str) -> tuple[bytes, str]:
    data_key, recovery_key = new_data_key(), new_recovery_key()
    keys = KeyFile.new(data_key)
    keys.set_account(name, password, data_key)
    keys.set_recovery(recovery_key, data_key)
    write_key_file(path, keys)
    remember_key(data_key)
    return data_key, recovery_key


def _first_admin(store: Store, name: str, full_name: str) -> Account:
    """Sign the first administrator in and add the account (the one write allowed to a
    database before it has accounts)."""
    account = Account(name=name, role=ADMIN, full_name=full_name)
    store.account = account
    row_id = insert_row(
        store,
        ACCOUNTS_TABLE,
        {"name": name, "role": ADMIN, "full_name": full_name, "disabled": 0},
        patient_id=None,
    )
    store.has_accounts = True
    store.account = Account(name=name, role=ADMIN, full_name=full_name, id=row_id)
    return store.account


def _checked_admin(admin_name: str, password: str, full_name: str) -> tuple[str, str]:
    name = account_name(admin_name)
    check_new_password(password, name)
    return name, optional_text(full_name, "full name", max_length=100) or ""


def _remove(path: Path) -> None:
    for leftover in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{leftover}").unlink(missing_ok=True)
    key_file_path(path).unlink(missing_ok=True)


def create_encrypted_database(
    path: Path | str,
    *,
    admin_name: str,
    password: str,
    full_name: str = "",
    clinic_name: str = "",
    clock: Callable[[], date] = date.today,
) -> tuple[Store, str]:
    """A new encrypted database at ``path`` with its first administrator signed in;
    returns the store and the recovery key (shown once)."""
    path = Path(path).expanduser()
    if path.exists() and path.stat().st_size > 0:
        raise ValidationError(f"{path} already exists")
    name, full_name = _checked_admin(admin_name, password, full_name)
    clinic_name = optional_text(clinic_name, "clinic name", max_length=100) or ""
    private_folder(path.parent)
    _, recovery_key = _new_keys(path, name, password)
    try:
        store = open_database(path, clock=clock)
        try:
            with store.transaction():
                _first_admin(store, name, full_name)
                if clinic_name:
                    set_setting(store, CLINIC_NAME_KEY, clinic_name)
        except BaseException:
            store.close()
            raise
    except BaseException:
        _remove(path)
        raise
    return store, recovery_key


def _row_counts(connection) -> dict[str, int]:
    tables = [
        row[0]
        for row in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    return {
        table: connection.execute(f"SELECT COUNT(*) FROM [{table}]").fetchone()[0]
        for table in tables
    }


def _same_rows(expected: dict[str, int], copy: Path, *, grown: tuple[str, ...] = ()) -> None:
    with open_read_only(copy) as connection:
        found = _row_counts(connection)
    for table, count in expected.items():
        if table not in grown and found.get(table) != count:
            raise StorageError(
                f"the copy {copy.name} holds {found.get(table)} rows of {table}, not {count}; "
                "the database was left unchanged"
            )


def plaintext_copies(database: Path, backup_dir: Path) -> list[Path]:
    """The plaintext copies of ``database`` in ``backup_dir`` (backups, safety copies)."""
    return [
        path
        for path in sorted(backup_dir.glob(f"{database.stem}*.sqlite"))
        if file_header(path) == SQLITE_HEADER
    ]


def encrypt_database(
    path: Path | str,
    *,
    admin_name: str,
    password: str,
    full_name: str = "",
    backup_dir: Path | str | None = None,
    clock: Callable[[], date] = date.today,
    now: Clock = _utc_now,
) -> Encrypted:
    """Encrypt the plaintext database at ``path``, after a checked backup (kept in
    ``backup_dir``, default the backup folder); ``admin_name`` becomes its administrator."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise StorageError(f"there is no database file at {path}")
    if is_encrypted(path):
        raise ValidationError(f"{path} is encrypted already")
    name, full_name = _checked_admin(admin_name, password, full_name)
    # Brought up to this version (and checked intact and ours) before anything is copied.
    open_database(path, clock=clock).close()
    directory = private_folder(Path(backup_dir) if backup_dir is not None else default_backup_dir())
    backup = _stamped_name(path.stem, now(), directory, suffix="-before-encryption")
    partial = path.with_name(f".{path.name}.encrypting")
    _remove(partial)
    try:
        with _held(path) as holder:
            counts = _row_counts(holder)
            _snapshot(holder, path, backup)
            check_tracker_database(backup)
            _same_rows(counts, backup)
            _, recovery_key = _new_keys(partial, name, password)
            _write_encrypted_copy(backup, partial)
            with open_database(partial, clock=clock) as store, store.transaction():
                _first_admin(store, name, full_name)
                write_audit(
                    store,
                    table=DATABASE_ROW,
                    row_id=None,
                    patient_id=None,
                    action=ENCRYPT_ACTION,
                    before=None,
                    after={"cipher": CIPHER, "plaintext_backup": backup.name},
                )
            check_tracker_database(partial)
            _same_rows(counts, partial, grown=(ACCOUNTS_TABLE, "audit_log", "_sqlite_migrations"))
            os.replace(key_file_path(partial), key_file_path(path))
            if os.name == "posix":
                os.replace(partial, path)
        if os.name != "posix":
            # Windows renames over a file only once nobody has it open.
            os.replace(partial, path)
    finally:
        _remove(partial)
    sync_directory(path.parent)
    return Encrypted(path, backup, recovery_key, plaintext_copies(path, directory))


def _write_encrypted_copy(plaintext: Path, encrypted: Path) -> None:
    """``sqlcipher_export`` of the plaintext file into the new encrypted one (whose key file
    is in place); the plaintext file is only read."""
    create_private_file(encrypted)
    connection = connection_to_copy(plaintext)
    try:
        connection.execute(
            "ATTACH DATABASE ? AS encrypted KEY ?",
            [str(encrypted), f"x'{unlocked_key(encrypted).hex()}'"],
        )
        connection.execute("SELECT sqlcipher_export('encrypted')").fetchall()
        connection.execute("DETACH DATABASE encrypted")
    finally:
        connection.close()
