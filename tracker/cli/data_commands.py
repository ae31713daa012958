"""``tracker backup``, ``restore``, ``export`` and ``demo``: the database file as a whole.

Storage is imported inside the handlers so other commands start quickly.
"""

from __future__ import annotations

import argparse
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from tracker.cli.arguments import positive_int
from tracker.cli.database_option import (
    add_database_option,
    database_path,
    existing_database_path,
    is_server,
    record_in_audit_trail,
)
from tracker.cli.errors import CommandError
from tracker.cli.signing_in import (
    DEMO_PASSWORD,
    DEMO_USER,
    PASSWORD_VARIABLE,
    allowed,
    credentials,
    is_encrypted,
    signed_in_server,
    storage_refusals,
    user_name,
)

DEFAULT_DEMO_PATIENTS = 200
Result = TypeVar("Result")


def register(commands: argparse._SubParsersAction) -> None:
    backup = commands.add_parser("backup", help="copy the database to a file, safely while in use")
    add_database_option(backup)
    target = backup.add_mutually_exclusive_group(required=True)
    target.add_argument("-o", "--output", type=Path, help="backup file to write")
    target.add_argument(
        "--rotate",
        action="store_true",
        help="write a timestamped backup into the backup folder and keep only the newest",
    )
    backup.add_argument("--force", action="store_true", help="replace an existing --output file")
    _backup_dir_argument(backup)
    backup.add_argument(
        "--keep", type=positive_int, default=10, help="backups kept by --rotate (default 10)"
    )
    backup.set_defaults(handler=run_backup)

    restore = commands.add_parser(
        "restore", help="replace the database with a backup (the current one is kept)"
    )
    add_database_option(restore)
    source = restore.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", type=Path, help="backup file to restore")
    source.add_argument("--from", dest="from_file", type=Path, help="backup file to restore")
    _backup_dir_argument(restore, "folder for the copy of the replaced database")
    restore.set_defaults(handler=run_restore)

    export = commands.add_parser("export", help="write every table as a CSV file")
    add_database_option(export)
    export.add_argument("--format", choices=("csv",), default="csv", help="file format (csv)")
    export.add_argument("-o", "--output", type=Path, required=True, help="folder to write into")
    export.add_argument("--force", action="store_true", help="replace existing CSV files")
    export.set_defaults(handler=run_export)

    demo = commands.add_parser(
        "demo", help="fill an empty database with a labelled synthetic cohort"
    )
    add_database_option(demo, "database file (created if missing; must hold no patients)")
    demo.add_argument(
        "--patients",
        type=positive_int,
        default=DEFAULT_DEMO_PATIENTS,
        help=f"number of demo patients (default {DEFAULT_DEMO_PATIENTS})",
    )
    demo.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    demo.set_defaults(handler=run_demo)


def _backup_dir_argument(
    parser: argparse.ArgumentParser, text: str = "backup folder for --rotate"
) -> None:
    parser.add_argument(
        "--backup-dir", type=Path, help=f"{text} (default: 'backups' beside the default database)"
    )


def _storage_call(action: Callable[[], Result]) -> Result:
    from tracker.storage.errors import StorageError

    try:
        return action()
    except StorageError as error:
        raise CommandError(str(error)) from None


def run_backup(args: argparse.Namespace) -> int:
    from tracker.storage.backup import backup_database, rotate_backups
    from tracker.storage.roles import BACKUP

    database = existing_database_path(args)
    if is_server(args):
        return _back_up_server(args)
    with allowed(database, args, BACKUP) as account:
        return _backup(args, database, account, backup_database, rotate_backups)


def _backup(
    args: argparse.Namespace, database: Path, account: str | None, backup_database, rotate_backups
) -> int:
    if args.rotate:
        written = _storage_call(lambda: rotate_backups(database, args.backup_dir, args.keep))
    else:
        written = _storage_call(
            lambda: backup_database(database, args.output, overwrite=args.force)
        )
    print(f"backed up {database} to {written} (checked: intact)")
    record_in_audit_trail(
        database,
        "backup",
        {"file": str(written.resolve()), "bytes": written.stat().st_size},
        account=account,
    )
    return 0


def _back_up_server(args: argparse.Namespace) -> int:
    """A server database backed up is a copy into a new file (``tracker copy`` restores it)."""
    from tracker.storage.copy import copy_database
    from tracker.storage.roles import BACKUP, check

    if args.rotate:
        raise CommandError("a server database is backed up with -o FILE (a new file)")
    # On a server with staff accounts, backing up is for those whose role allows it.
    with storage_refusals(), signed_in_server(args, read_only=True) as store:
        check(store, BACKUP)
    if args.force and args.output.exists():
        args.output.unlink()
    summary = _storage_call(lambda: copy_database(args.db, args.output))
    print(
        f"backed up {summary.source} to {args.output} (checked: {summary.total:,} rows and "
        "the audit trail match)"
    )
    record_in_audit_trail(
        args.db, "backup", {"file": str(args.output.resolve()), "bytes": args.output.stat().st_size}
    )
    return 0


def _server_refusal(args: argparse.Namespace, command: str, instead: str) -> None:
    if is_server(args):
        raise CommandError(f"{command} works on a database file; for a server database, {instead}")


def run_restore(args: argparse.Namespace) -> int:
    from tracker.storage.database_files import restore_signed
    from tracker.storage.restore import restore_database

    _server_refusal(
        args, "restore", "copy the backup into an empty one: tracker copy --from FILE --to SERVER"
    )
    database = database_path(args)
    source = args.file or args.from_file
    if is_encrypted(database) or is_encrypted(source):
        # Signed: the password given is the administrator's electronic signature; the
        # restored database's audit trail records it.
        name, password = credentials(args, database)
        safety = _storage_call(
            lambda: restore_signed(source, database, name, password, safety_dir=args.backup_dir)
        )
        _say_restored(database, source, safety)
        return 0
    safety = _storage_call(lambda: restore_database(source, database, safety_dir=args.backup_dir))
    _say_restored(database, source, safety)
    record_in_audit_trail(
        database,
        "restore",
        {
            "from": str(Path(source).resolve()),
            "replaced_database_kept_as": None if safety is None else str(safety.resolve()),
        },
    )
    return 0


def _say_restored(database: Path, source: Path, safety: Path | None) -> None:
    print(f"restored {database} from {source}")
    if safety is not None:
        print(f"the database it replaced is kept as {safety}")


def run_export(args: argparse.Namespace) -> int:
    from tracker.storage.database_files import NOT_ENCRYPTED_NOTE, export_detail
    from tracker.storage.export import export_csv
    from tracker.storage.roles import EXPORT

    _server_refusal(args, "export", "copy it to a file first (tracker copy) and export that")
    database = existing_database_path(args)
    with allowed(database, args, EXPORT) as account:
        written = _storage_call(lambda: export_csv(database, args.output, overwrite=args.force))
    rows = sum(written.rows.values())
    print(f"wrote {len(written)} CSV files ({rows} rows, each file checked) to {args.output}")
    print(f"note: {NOT_ENCRYPTED_NOTE}")
    record_in_audit_trail(
        database, "export", export_detail(Path(args.output), written), account=account
    )
    return 0


def run_demo(args: argparse.Namespace) -> int:
    from tracker.storage.demo import MAX_PATIENTS, fill_demo_database

    _server_refusal(args, "demo", "write the demo to a file and copy it (tracker copy)")
    if args.patients > MAX_PATIENTS:
        raise CommandError(f"--patients must be at most {MAX_PATIENTS}")
    database = database_path(args)
    created = not database.exists()
    started = time.perf_counter()
    try:
        with _storage_call(lambda: _demo_store(database, args, created)) as store:
            summary = _storage_call(
                lambda: fill_demo_database(store, args.patients, seed=args.seed)
            )
    except BaseException:
        # A refused demo leaves no empty database behind where there was none.
        if created:
            for leftover in ("", "-wal", "-shm", "-keys"):
                Path(f"{database}{leftover}").unlink(missing_ok=True)
        raise
    seconds = time.perf_counter() - started
    counts = ", ".join(f"{count} {table}" for table, count in summary.rows.items())
    print(f"wrote a demo cohort of {summary.patients} patients (seed {summary.seed}) to {database}")
    print(f"{counts}; {seconds:.1f} s")
    return 0


def _demo_store(database: Path, args: argparse.Namespace, created: bool):
    """A new file is encrypted, its administrator ``--user`` (or ``$RD_TRACKER_USER``, else
    ``demo``) with ``$RD_TRACKER_PASSWORD`` (else ``demo-password``); an existing encrypted
    one is signed in to with the same."""
    from tracker.storage.accounts import sign_in
    from tracker.storage.encryption import create_encrypted_database

    name = user_name(args) or DEMO_USER
    password = os.environ.get(PASSWORD_VARIABLE) or DEMO_PASSWORD
    if not created:
        return sign_in(database, name, password)
    store, recovery_key = create_encrypted_database(
        database, admin_name=name, password=password, clinic_name="Demo clinic"
    )
    print(f"{database} is encrypted; its administrator is {store.account.name}")
    print(f"recovery key (shown once; keep it apart from the database): {recovery_key}")
    return store
