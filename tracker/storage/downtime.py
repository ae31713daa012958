"""The workstation's downtime copy of a server database: a local file, refreshed while the
server can be reached (every 15 minutes by default), opened read-only when it cannot be, so
today's sheets can still be printed. Writing waits for the server.

One copy per server address, in the user's data folder. Each refresh is a whole, checked
``tracker copy`` into a new file beside the last one, put in its place only once complete, so
a refresh cut short leaves the previous copy as it was.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tracker.storage.copy import copy_database
from tracker.storage.database import APP_DIRECTORY, Store, open_database
from tracker.storage.errors import StorageError
from tracker.storage.private_files import make_private, private_folder

DOWNTIME_FOLDER = "downtime"
REFRESH_MINUTES = 15


def downtime_folder() -> Path:
    from platformdirs import user_data_path

    return user_data_path(APP_DIRECTORY, appauthor=False) / DOWNTIME_FOLDER


def downtime_path(address: str, folder: Path | None = None) -> Path:
    """The copy of the server database at ``address`` (its password left out of the name)."""
    from tracker.storage.engines.addresses import ServerAddress

    name = hashlib.sha256(ServerAddress(address).display.encode()).hexdigest()[:16]
    return (folder or downtime_folder()) / f"server-{name}.sqlite"


@dataclass(frozen=True)
class DowntimeCopy:
    path: Path
    made: datetime  # UTC
    address: str  # the server database it is a copy of

    def age_text(self, now: datetime | None = None) -> str:
        minutes = int(((now or datetime.now(UTC)) - self.made).total_seconds() // 60)
        if minutes < 1:
            return "less than a minute old"
        if minutes < 120:
            return f"{minutes} minute{'s' if minutes != 1 else ''} old"
        hours = minutes // 60
        if hours < 48:
            return f"{hours} hours old"
        return f"{hours // 24} days old"


def server_reachable(address: str) -> bool:
    """True if a connection to the server database at ``address`` can be made now (it is
    closed at once); ServerUnreachableError otherwise."""
    from tracker.storage.engines.addresses import ServerAddress
    from tracker.storage.engines.postgres import connect

    connect(ServerAddress(address)).close()
    return True


def refresh_downtime_copy(
    address: str, folder: Path | None = None, *, stop: Callable[[], bool] | None = None
) -> DowntimeCopy:
    """Copy the server database into its downtime file (replacing the last copy once the new
    one is complete and checked). ``stop()`` true between batches abandons the copy (the last
    one stays), so a program quitting need not wait for a large clinic's copy."""

    def stopping(_table: str, _rows: int) -> None:
        if stop is not None and stop():
            raise StorageError("the downtime copy was stopped; the previous one is kept")

    target = downtime_path(address, folder)
    private_folder(target.parent)
    partial = target.with_name(f"{target.stem}.{os.getpid()}.{time.monotonic_ns()}.partial")
    try:
        copy_database(address, partial, progress=stopping)
        _copy_password_verifiers(address, partial)
        for side in ("-wal", "-shm"):
            Path(f"{partial}{side}").unlink(missing_ok=True)
        make_private(partial)
        os.replace(partial, target)
    finally:
        for leftover in ("", "-wal", "-shm", "-journal"):
            Path(f"{partial}{leftover}").unlink(missing_ok=True)
    return latest_downtime_copy(address, folder)  # type: ignore[return-value]


def _copy_password_verifiers(address: str, partial: Path) -> None:
    """The server's argon2id verifiers of its accounts' passwords go with the copy, so that
    staff sign in to it in downtime as they would to the server (passwords as last copied)."""
    import sqlite3

    from tracker.storage.server import open_server
    from tracker.storage.server_accounts import PASSWORDS_DDL, PASSWORDS_TABLE

    with open_server(address) as server:
        present = server.execute(
            "SELECT COUNT(*) FROM information_schema.tables "
            "WHERE table_schema = current_schema() AND table_name = ?",
            [PASSWORDS_TABLE],
        ).fetchone()[0]
        if not present:
            return
        rows = list(server.query(f"SELECT * FROM {PASSWORDS_TABLE} ORDER BY name"))
    if not rows:
        return
    columns = list(rows[0])
    connection = sqlite3.connect(partial)
    try:
        with connection:
            connection.execute(PASSWORDS_DDL)
            connection.executemany(
                f"INSERT INTO {PASSWORDS_TABLE} ({', '.join(columns)}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                [[row[column] for column in columns] for row in rows],
            )
    finally:
        connection.close()


def latest_downtime_copy(address: str, folder: Path | None = None) -> DowntimeCopy | None:
    path = downtime_path(address, folder)
    if not path.is_file():
        return None
    return DowntimeCopy(path, datetime.fromtimestamp(path.stat().st_mtime, UTC), address)


def open_downtime_copy(copy: DowntimeCopy, **options: object) -> Store:
    """The copy, open for reading only (its file left as it was)."""
    store = open_database(copy.path, read_only=True, **options)  # type: ignore[arg-type]
    store.downtime = copy
    return store
