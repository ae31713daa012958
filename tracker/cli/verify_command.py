"""``tracker verify``: is the database's history intact? Exit 0 if so, 1 if not (the first
broken link named), 2 if the file cannot be checked at all."""

from __future__ import annotations

import argparse

from tracker.cli.database_option import add_database_option, database_path
from tracker.cli.errors import CommandError

NOT_INTACT = 1


def register(commands: argparse._SubParsersAction) -> None:
    verify = commands.add_parser(
        "verify",
        help="check the audit trail's hash chain, every record against it, the stored "
        "values and the triggers that guard them",
    )
    add_database_option(verify)
    verify.set_defaults(handler=run_verify)


def run_verify(args: argparse.Namespace) -> int:
    from tracker.storage.database import open_read_only
    from tracker.storage.engines import is_server_address
    from tracker.storage.errors import StorageError
    from tracker.storage.server import open_server
    from tracker.storage.verify import verify_store

    target = database_path(args)
    try:
        with (
            open_server(target, read_only=True)
            if is_server_address(target)
            else open_read_only(target)
        ) as store:
            report = verify_store(store)
    except StorageError as error:
        raise CommandError(str(error)) from error
    print("\n".join(report.lines()))
    return 0 if report.intact else NOT_INTACT
