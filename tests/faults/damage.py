"""Files as a hostile or unlucky clinic has them: bit flips, truncation, foreign databases.

``verify_database`` is where the whole-file check of a damaged copy is asked for; it runs
``PRAGMA integrity_check``, the tracker's own opening checks and ``tracker verify``'s check
of the audit chain, the records against it and the stored values.
"""

from __future__ import annotations

import hashlib
import random
import sqlite3
from pathlib import Path

from tracker.storage.database import open_database
from tracker.storage.errors import StorageError
from tracker.storage.file_checks import read_only_uri
from tracker.storage.verify import verify_store

PAGE_HEADER_BYTES = 100  # the database header on page 1: flips there are a different test


def page_size_and_count(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    page_size = int.from_bytes(data[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    return page_size, len(data) // page_size


def used_pages(path: Path) -> list[int]:
    """The pages (1-based) that hold a table or an index, from SQLite's own page map."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        return [row[0] for row in connection.execute("SELECT pageno FROM dbstat")]
    finally:
        connection.close()


def flip_bit(path: Path, rng: random.Random, pages: list[int] | None = None) -> tuple[int, int]:
    """Flip one random bit in a random page of ``path`` (past the file header); returns the
    (page, byte offset in the file) flipped."""
    page_size, count = page_size_and_count(path)
    page = rng.choice(pages or list(range(1, count + 1)))
    start = (page - 1) * page_size + (PAGE_HEADER_BYTES if page == 1 else 0)
    offset = rng.randrange(start, page * page_size)
    with path.open("r+b") as handle:
        handle.seek(offset)
        byte = handle.read(1)[0]
        handle.seek(offset)
        handle.write(bytes([byte ^ (1 << rng.randrange(8))]))
    return page, offset


def integrity_problems(path: Path) -> list[str]:
    """``PRAGMA integrity_check`` of ``path``, read without changing it; [] when intact."""
    try:
        # Through the -wal when there is one (a checkpoint a full disk cut short keeps it).
        connection = sqlite3.connect(read_only_uri(path), uri=True)
        try:
            rows = [row[0] for row in connection.execute("PRAGMA integrity_check")]
        finally:
            connection.close()
    except (sqlite3.DatabaseError, MemoryError) as error:
        return [str(error)]
    return [] if rows == ["ok"] else rows


def verify_database(path: Path) -> list[str]:
    """Every problem found with the file: [] when it is intact.

    The file is checked with ``PRAGMA integrity_check`` and opened for reading as the tracker
    opens it (a damaged page met there is a problem too), then verified as ``tracker verify``
    does, so a flip that only changed a stored value is found by the audit chain.
    """
    problems = integrity_problems(path)
    try:
        with open_database(path, read_only=True) as store:
            for (table,) in store.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            ).fetchall():
                store.execute(f'SELECT * FROM "{table}"').fetchall()
            report = verify_store(store)
            if not report.intact:
                problems.extend(report.lines())
    except (StorageError, sqlite3.DatabaseError) as error:
        problems.append(str(error))
    return problems


def truncate(path: Path, fraction: float = 0.5) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * fraction)])


def make_foreign_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipes (name TEXT)")
    connection.execute("INSERT INTO recipes VALUES ('soup')")
    connection.commit()
    connection.close()


def mark_too_new(path: Path) -> None:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
            "VALUES ('tracker', 'm999_from_the_future', '2030-01-01')"
        )
    connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()


def folder_digest(folder: Path) -> dict[str, str]:
    """Relative path -> sha256 of every file under ``folder`` (folders listed as such)."""
    digests = {}
    for path in sorted(folder.rglob("*")):
        key = str(path.relative_to(folder))
        if path.is_symlink():
            digests[key] = f"link to {path.readlink()}"
        elif path.is_dir():
            digests[key] = "folder"
        elif path.is_file():
            digests[key] = hashlib.sha256(path.read_bytes()).hexdigest()
        else:
            digests[key] = "special"
    return digests
