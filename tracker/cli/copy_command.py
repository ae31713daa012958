"""``tracker copy``: a whole database between a file and a server database, either way."""

from __future__ import annotations

import argparse
import sys

from tracker.cli.database_option import database_target
from tracker.cli.errors import CommandError
from tracker.cli.signing_in import add_user_option, signed_in_server, storage_refusals


def register(commands: argparse._SubParsersAction) -> None:
    copy = commands.add_parser(
        "copy",
        help="copy a whole database (every row and the audit trail) between a file and a "
        "server database, either way, and check the copy",
    )
    copy.add_argument(
        "--from",
        dest="source",
        type=database_target,
        required=True,
        help="database to copy: a file, or postgresql://user@host:port/dbname",
    )
    copy.add_argument(
        "--to",
        dest="target",
        type=database_target,
        required=True,
        help="where the copy goes: a new file, or a server database holding no records",
    )
    add_user_option(copy)
    copy.set_defaults(handler=run_copy)


def run_copy(args: argparse.Namespace) -> int:
    from tracker.storage.copy import copy_database
    from tracker.storage.errors import StorageError
    from tracker.storage.roles import BACKUP, check

    for end in (args.source, args.target):
        if isinstance(end, str):
            # A server with staff accounts is copied from or into by a role that may back up.
            signing = argparse.Namespace(db=end, user=args.user)
            with storage_refusals(), signed_in_server(signing, read_only=True) as store:
                check(store, BACKUP)
    try:
        summary = copy_database(args.source, args.target, progress=_progress)
    except StorageError as error:
        raise CommandError(str(error)) from None
    print(
        f"copied {summary.source} to {summary.target}: {summary.total:,} rows in "
        f"{len(summary.rows)} tables, {summary.seconds:.1f} s"
    )
    print(
        f"checked: every table's rows and content match, audit trail of "
        f"{summary.rows.get('audit_log', 0):,} rows chains to {summary.head}"
    )
    return 0


def _progress(table: str, rows: int) -> None:
    if sys.stderr.isatty():
        print(f"\r{table}: {rows:,} rows", end="", file=sys.stderr, flush=True)
