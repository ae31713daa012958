"""The ``--db`` option every database command shares."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tracker.cli.errors import CommandError
from tracker.cli.signing_in import add_user_option, signed_in_store, storage_refusals

if TYPE_CHECKING:
    from tracker.storage.database import Store


def add_database_option(parser: argparse.ArgumentParser, text: str = "database file") -> None:
    parser.add_argument("--db", type=Path, help=f"{text} (default: the application's database)")
    add_user_option(parser)


def database_path(args: argparse.Namespace) -> Path:
    from tracker.storage.database import default_database_path

    return (args.db or default_database_path()).expanduser()


def existing_database_path(args: argparse.Namespace) -> Path:
    """The --db file; a missing one is an error, never silently created."""
    path = database_path(args)
    if not path.is_file():
        raise CommandError(f"there is no database file at {path}")
    return path


@contextmanager
def open_existing_store(args: argparse.Namespace) -> Iterator[Store]:
    """Open the --db file, signed in as ``--user`` when it has accounts; refusals from
    storage or the clinical rules become CommandErrors."""
    path = existing_database_path(args)
    with storage_refusals(), signed_in_store(path, args) as store:
        yield store
