"""Every table of a database as CSV files, for spreadsheets and statistics packages.

Nothing is left out: archived rows and the audit log are exported too, so the files are a
complete, readable copy of what the database holds.
"""

from __future__ import annotations

import csv
import sqlite3
from pathlib import Path

from tracker.storage.backup import check_tracker_database, open_read_only
from tracker.storage.errors import StorageError
from tracker.storage.private_files import create_private_file, make_private, private_folder


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
            writer.writerow(row)
            count += 1
    return count


def export_csv(
    database: Path | str, directory: Path | str, *, overwrite: bool = False
) -> dict[str, Path]:
    """Write ``<table>.csv`` for every table into ``directory``; returns table name -> file.

    The database is only read, in one transaction, so the files agree with each other even if
    the app is writing meanwhile. Existing CSV files are replaced only with ``overwrite``.
    Empty values are written as empty fields.
    """
    database, directory = Path(database), Path(directory)
    check_tracker_database(database)
    if directory.exists() and not directory.is_dir():
        raise StorageError(f"{directory} is a file, not a folder")
    with open_read_only(database) as connection:
        connection.execute("BEGIN")
        tables = _table_names(connection)
        targets = {table: directory / f"{table}.csv" for table in tables}
        clashes = [path.name for path in targets.values() if path.exists()]
        if clashes and not overwrite:
            raise StorageError(
                f"{directory} already has {', '.join(clashes)} (use --force to replace them)"
            )
        try:
            private_folder(directory)
            for table, path in targets.items():
                _write_table(connection, table, path)
        except OSError as error:
            raise StorageError(f"cannot write to {directory}: {error.strerror or error}") from None
        connection.execute("COMMIT")
    return targets
