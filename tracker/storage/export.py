"""Every table of a database as CSV files, for spreadsheets and statistics packages.

Nothing is left out: archived rows and the audit log are exported too, so the files are a
complete, readable copy of what the database holds. Text that a spreadsheet would run as a
formula is made safe (``csv_cells``, which also says how an import reverses it).

The files are written into a temporary folder beside (or, for a folder that exists, inside)
the target, each read back and its rows counted against the table, and only then renamed
into place: a killed or failed export leaves no file that looks complete and is not.
"""

from __future__ import annotations

import csv
import os
import sqlite3
from pathlib import Path

from tracker.storage.backup import check_tracker_database, open_read_only
from tracker.storage.csv_cells import spreadsheet_safe
from tracker.storage.errors import StorageError
from tracker.storage.failures import write_failed
from tracker.storage.output_files import (
    check_name,
    check_target,
    database_files,
    remove_leftovers,
    remove_quietly,
    sync_directory,
    sync_file,
    temporary_beside,
)
from tracker.storage.private_files import create_private_file, make_private, private_folder

# The rows of a big table are read back and counted at this many bytes a read.
_READ_BACK_BUFFER = 1 << 20


class ExportedFiles(dict[str, Path]):
    """Table name -> the CSV file written; ``rows`` holds table name -> rows written."""

    def __init__(self, files: dict[str, Path], rows: dict[str, int]) -> None:
        super().__init__(files)
        self.rows = rows


def _table_names(connection: sqlite3.Connection) -> list[str]:
    rows = connection.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    return [row[0] for row in rows]


def _write_table(connection: sqlite3.Connection, table: str, path: Path) -> int:
    cursor = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
    header = [column[0] for column in cursor.description]
    count = 0
    # Patient data in plain text: readable by its owner only (0600) from its first byte.
    create_private_file(path)
    make_private(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        for row in cursor:
            writer.writerow([spreadsheet_safe(value) for value in row])
            count += 1
        handle.flush()
        os.fsync(handle.fileno())
    return count


def _rows_in_file(path: Path) -> int:
    """The data rows of a written CSV file, as a reader parses them (the header not counted)."""
    with path.open(newline="", encoding="utf-8", buffering=_READ_BACK_BUFFER) as handle:
        return sum(1 for _row in csv.reader(handle)) - 1


def _check_written(connection: sqlite3.Connection, table: str, path: Path) -> int:
    expected = connection.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
    found = _rows_in_file(path)
    if found != expected:
        raise StorageError(
            f"{path.name} read back with {found} rows where {table} has {expected}; "
            "nothing was exported"
        )
    return found


def _refuse_clashes(
    targets: dict[str, Path], directory: Path, database: Path, *, overwrite: bool
) -> None:
    clashes = [path.name for path in targets.values() if os.path.lexists(path)]
    if clashes and not overwrite:
        raise StorageError(
            f"{directory} already has {', '.join(clashes)} (use --force to replace them)"
        )
    for path in targets.values():
        check_target(path, overwrite=True, guarded=database_files(database), what="CSV file")


def export_csv(
    database: Path | str, directory: Path | str, *, overwrite: bool = False
) -> ExportedFiles:
    """Write ``<table>.csv`` for every table into ``directory``; returns table name -> file.

    The database is only read, in one transaction, so the files agree with each other even if
    the app is writing meanwhile. Existing CSV files are replaced only with ``overwrite``, and
    never a database or anything but a regular file. Empty values are written as empty fields.
    """
    database, directory = Path(database), Path(directory)
    check_tracker_database(database)
    if os.path.lexists(directory) and not directory.is_dir():
        raise StorageError(f"{directory} is a file, not a folder")
    check_name(directory)
    with open_read_only(database) as connection:
        connection.execute("BEGIN")
        tables = _table_names(connection)
        targets = {table: directory / f"{table}.csv" for table in tables}
        exists = directory.is_dir()
        if exists:
            _refuse_clashes(targets, directory, database, overwrite=overwrite)
            staging = _staging_folder(directory / ".export")
        else:
            try:
                private_folder(directory.parent)
            except OSError as error:
                raise write_failed(error, directory) from None
            staging = _staging_folder(directory)
        try:
            rows = _write_and_check(connection, tables, staging)
            _move_into_place(staging, directory, list(targets.values()), whole=not exists)
        finally:
            remove_quietly(staging)
        connection.execute("COMMIT")
    return ExportedFiles(targets, rows)


def _staging_folder(beside: Path) -> Path:
    remove_leftovers(beside.parent)
    staging = temporary_beside(beside, folder=True)
    # The folder is renamed into place whole: it is made its owner's alone from the start.
    if os.name == "posix":
        os.chmod(staging, 0o700)
    return staging


def _write_and_check(
    connection: sqlite3.Connection, tables: list[str], staging: Path
) -> dict[str, int]:
    rows = {}
    try:
        for table in tables:
            written = staging / f"{table}.csv"
            _write_table(connection, table, written)
            make_private(written)
            rows[table] = _check_written(connection, table, written)
    except OSError as error:
        raise write_failed(error, staging.parent, left="nothing was exported") from None
    return rows


def _move_into_place(staging: Path, directory: Path, targets: list[Path], *, whole: bool) -> None:
    """A new folder is renamed into place whole; into an existing one each checked file is
    renamed over its name."""
    try:
        if whole:
            os.rename(staging, directory)
            sync_directory(directory.parent)
            return
        for target in targets:
            sync_file(staging / target.name)
            os.replace(staging / target.name, target)
        sync_directory(directory)
    except OSError as error:
        raise write_failed(error, directory, left="the files not yet moved were removed") from None
