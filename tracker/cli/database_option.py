"""The ``--db`` option every database command shares, and opening the database for a command.

``--db`` takes a file path or a server address (``postgresql://user@host:port/dbname``).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker.cli.errors import CommandError
from tracker.cli.signing_in import (
    add_user_option,
    signed_in_server,
    signed_in_store,
    storage_refusals,
)

if TYPE_CHECKING:
    from tracker.storage.database import Store


def database_target(text: str) -> Path | str:
    """A ``--db`` value: a server address as given, anything else a file path."""
    from tracker.storage.engines import is_server_address

    return text if is_server_address(text) else Path(text)


def add_database_option(parser: argparse.ArgumentParser, text: str = "database file") -> None:
    parser.add_argument(
        "--db",
        type=database_target,
        help=f"{text}, or a server database postgresql://user@host:port/dbname "
        "(default: the application's database)",
    )
    add_user_option(parser)


def is_server(args: argparse.Namespace) -> bool:
    return isinstance(getattr(args, "db", None), str)


def database_path(args: argparse.Namespace) -> Path:
    """The --db file (or server address, as given)."""
    from tracker.storage.database import default_database_path

    if is_server(args):
        return args.db
    return (args.db or default_database_path()).expanduser()


def existing_database_path(args: argparse.Namespace) -> Path:
    """The --db file; a missing one is an error, never silently created."""
    path = database_path(args)
    if is_server(args):
        return path
    if not path.is_file():
        raise CommandError(f"there is no database file at {path}")
    return path


def _fingerprint(path: Path) -> tuple[int, int]:
    status = path.stat()
    return status.st_size, status.st_mtime_ns


@contextmanager
def open_existing_store(args: argparse.Namespace) -> Iterator[Store]:
    """Open the --db file for reading only, signed in as ``--user`` when it has accounts; it
    is left byte for byte as it was, with no -wal or -shm file made beside it. Refusals from
    storage or the clinical rules become CommandErrors."""
    if is_server(args):
        with storage_refusals(), signed_in_server(args, read_only=True) as store:
            yield store
        return
    path = existing_database_path(args)
    # Without a write-ahead log beside it the file is read without locks ("immutable"): a
    # program that wrote to it meanwhile would make the answer unreliable, so that is checked.
    unlocked = not Path(f"{path}-wal").exists()
    before = _fingerprint(path)
    with storage_refusals(), signed_in_store(path, args, read_only=True) as store:
        yield store
    if unlocked and _fingerprint(path) != before:
        raise CommandError(
            f"{path} was changed by another program while it was read; run the command again"
        )


@contextmanager
def open_store_to_change(args: argparse.Namespace) -> Iterator[Store]:
    """Open the --db file to change it, signed in as ``--user`` when it has accounts;
    refusals from storage or the clinical rules become CommandErrors."""
    if is_server(args):
        with storage_refusals(), signed_in_server(args) as store:
            yield store
        return
    path = existing_database_path(args)
    with storage_refusals(), signed_in_store(path, args) as store:
        yield store


def record_in_audit_trail(
    database: Path | str, action: str, detail: dict[str, Any], *, account: str | None = None
) -> None:
    """Record an export, backup or restore in the database's audit trail, under ``account``
    (signed in already) when the database has accounts.

    What was asked is done by then; a database that cannot take the record (read-only, in
    use too long) is said in a warning, and the command still succeeds.
    """
    from tracker.storage.audit import record_action
    from tracker.storage.database_files import open_as
    from tracker.storage.engines import is_server_address
    from tracker.storage.errors import StorageError
    from tracker.storage.file_checks import check_existing_file

    try:
        if is_server_address(database):
            from tracker.storage.server import open_server

            with open_server(str(database)) as store:
                record_action(store, action, detail)
            return
        if not check_existing_file(database, integrity=False):
            # Recording would upgrade the file, which the version that wrote it could then
            # no longer open: a copy or an export must not do that behind the clinic's back.
            raise StorageError("the database is of an older version; open it in the application")
        with open_as(database, account or "") as store:
            record_action(store, action, detail)
    except StorageError as error:
        print(
            f"tracker: warning: the {action} is done but could not be recorded in the "
            f"database's audit trail: {' '.join(str(error).split())}",
            file=sys.stderr,
        )
