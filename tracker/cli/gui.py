"""``tracker gui``: open the desktop application, or check that it starts (``--smoke-test``)."""

from __future__ import annotations

import argparse

from tracker.cli.database_option import database_target, existing_database_path
from tracker.cli.errors import CommandError

SMOKE_TEST_TIMEOUT_S = 60.0


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("gui", help="open the desktop application (the default)")
    parser.add_argument(
        "--db",
        type=database_target,
        metavar="PATH",
        help="database file to open, created if it does not exist, or a server database "
        "postgresql://user@host:port/dbname (default: the one used last, else the default "
        "database)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="open the window on the database (which must exist), wait until Today is "
        "filled, draw the window once and quit: status 0, or one line on stderr and "
        "non-zero; asks nothing and leaves the preferences as they were",
    )
    parser.add_argument(
        "--smoke-test-timeout",
        type=float,
        default=SMOKE_TEST_TIMEOUT_S,
        metavar="SECONDS",
        help=f"give up the smoke test after this long (default {SMOKE_TEST_TIMEOUT_S:g})",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    if not args.smoke_test_timeout > 0:
        raise CommandError("--smoke-test-timeout must be a positive number of seconds")
    # Qt loads only for this command, so the other commands start quickly and run headless.
    if args.smoke_test:
        # Checked here, not left to the window: a smoke test never creates a database.
        database = existing_database_path(args)
        from tracker.ui.smoke_test import run_smoke_test

        return run_smoke_test(database, timeout_s=args.smoke_test_timeout)
    from tracker.ui.app import run_app

    return run_app(args.db)
