"""The database file as a whole under the signed-in account: exports and restores.

An export writes patient data in plain text, so only a clinician or an administrator may
export, and each export is audited. A restore replaces every record, so only an
administrator may restore, with an electronic signature, and only a backup the same
administrator can sign in to (its accounts become the database's); it is audited in the
restored database. A plaintext backup never replaces an encrypted database: that would
take the encryption and the accounts away. A database without accounts works as before.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from tracker.storage.access_errors import PermissionDeniedError, SignInError
from tracker.storage.accounts import signed_in_as, unlock
from tracker.storage.audit import ACTIONS_TABLE, record_action, write_audit
from tracker.storage.backup import open_read_only
from tracker.storage.connections import is_encrypted
from tracker.storage.database import Store, open_database
from tracker.storage.errors import StorageError, ValidationError
from tracker.storage.export import ExportedFiles, export_csv
from tracker.storage.restore import restore_database
from tracker.storage.roles import ADMIN, EXPORT, check
from tracker.storage.signatures import RESTORE_BACKUP, Signature, signed_by, utc_stamp

EXPORT_ACTION, RESTORE_ACTION = "export", "restore"
NOT_ENCRYPTED_NOTE = (
    "the exported files are not encrypted: anyone who can read them reads every record"
)


def export_tables(
    store: Store, directory: Path | str, *, overwrite: bool = False
) -> ExportedFiles:
    """Every table as CSV in ``directory`` (files 0600), audited; clinicians and admins."""
    check(store, EXPORT)
    directory = Path(directory)
    written = export_csv(store.path, directory, overwrite=overwrite)
    record_action(store, EXPORT_ACTION, export_detail(directory, written))
    return written


def export_detail(directory: Path, written: ExportedFiles) -> dict[str, object]:
    """What the audit row of an export keeps."""
    return {
        "format": "csv",
        "folder": str(directory.resolve()),
        "files": len(written),
        "rows": sum(written.rows.values()),
    }


def open_as(
    database: Path | str, name: str, *, clock: Callable[[], date] = date.today
) -> Store:
    """Open a database whose key this process has unlocked, with ``name`` signed in."""
    store = open_database(database, clock=clock)
    return signed_in_as(store, name) if is_encrypted(store.path) else store


def _admin_of(database: Path, name: str, password: str) -> None:
    """``name`` signs in to the encrypted ``database`` as an enabled administrator."""
    try:
        unlock(database, name, password)
    except SignInError as error:
        raise SignInError(f"{database.name} does not open for {name}: {error}") from None
    # Read only: the backup is not changed by being looked at.
    with open_read_only(database) as connection:
        rows = connection.execute(
            "SELECT role, disabled FROM accounts WHERE name = ?", [name]
        ).fetchall()
    if not rows or rows[0][1]:
        raise SignInError(f"{name} has no enabled account in {database.name}")
    if rows[0][0] != ADMIN:
        raise PermissionDeniedError(f"{name} is not an administrator of {database.name}")


def restore_signed(
    backup_file: Path | str,
    target: Path | str,
    name: str,
    password: str,
    *,
    safety_dir: Path | str | None = None,
    clock: Callable[[], date] = date.today,
) -> Path | None:
    """Restore ``backup_file`` over ``target`` as ``name``, signed with ``password``.

    The signer must be an administrator of the target (when it has accounts) and of the
    backup (when it is encrypted). Returns the safety copy of the replaced database.
    """
    backup_file, target = Path(backup_file).expanduser(), Path(target).expanduser()
    name = " ".join(str(name or "").split()).lower()
    if not backup_file.is_file():
        raise StorageError(f"{backup_file} does not exist")
    target_encrypted = target.is_file() and is_encrypted(target)
    if target_encrypted:
        _admin_of(target, name, password)
        if not is_encrypted(backup_file):
            raise ValidationError(
                f"{backup_file.name} is not encrypted: restoring it would take the encryption "
                f"and the staff accounts away from {target.name}; encrypt it first"
            )
    if is_encrypted(backup_file):
        _admin_of(backup_file, name, password)
    safety = restore_database(backup_file, target, safety_dir=safety_dir)
    if is_encrypted(target):
        with open_as(target, name, clock=clock) as store:
            signature = Signature(name, RESTORE_BACKUP, utc_stamp())
            with signed_by(store, signature), store.transaction():
                write_audit(
                    store,
                    table=ACTIONS_TABLE,
                    row_id=None,
                    patient_id=None,
                    action=RESTORE_ACTION,
                    before=None,
                    after={
                        "from": str(backup_file.resolve()),
                        "replaced_database_kept_as": None if safety is None else str(safety),
                    },
                )
    return safety
