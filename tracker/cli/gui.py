"""``tracker gui``: open the desktop application."""

from __future__ import annotations

import argparse
from pathlib import Path


def register(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("gui", help="open the desktop application (the default)")
    parser.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="database file to open, created if it does not exist "
        "(default: the one used last, else the default database)",
    )
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    # Qt loads only for this command, so the other commands start quickly and run headless.
    from tracker.ui.app import run_app

    return run_app(args.db)
