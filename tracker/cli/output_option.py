"""Checking an ``-o`` output file before a command does any work for it."""

from __future__ import annotations

import argparse
from pathlib import Path

from tracker.cli.database_option import database_path
from tracker.cli.errors import CommandError


def checked_output(args: argparse.Namespace, *, what: str) -> Path:
    """``args.output``, refused (CommandError) when it exists and ``--force`` was not given,
    is not a regular file, is a database or the --db file or its -wal/-shm, or has no folder.

    The same checks run again when the file is put in place; these only save the work.
    """
    from tracker.storage.errors import StorageError
    from tracker.storage.output_files import check_target, database_files

    path: Path = args.output
    if not str(path.parent):
        path = Path(".") / path
    try:
        check_target(
            path,
            overwrite=args.force,
            guarded=database_files(database_path(args)),
            what=what,
        )
    except StorageError as error:
        raise CommandError(str(error)) from None
    return args.output
