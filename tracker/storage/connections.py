"""Connections to a database file, plaintext SQLite or SQLCipher 4, as the file requires.

An encrypted database is an SQLCipher 4 file (every page AES-256 encrypted and carrying an
HMAC-SHA512, so a changed bit is found) whose random data key is kept, wrapped once per staff
account and once by the recovery key, in its key file beside it: ``<database>-keys``
(``tracker.storage.crypto``). A file that starts with SQLite's plaintext header is plaintext,
whatever lies beside it; any other file with a key file beside it, or a file not written yet
whose key file exists, is encrypted and opened with the data key a sign-in unlocked.

SQLCipher is a separate library with exception classes of its own: ``database_errors()``
and friends name both kinds for an ``except`` clause, without importing SQLCipher for a
program that never met an encrypted file.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path
from typing import Any

SQLITE_HEADER = b"SQLite format 3\x00"
KEY_FILE_SUFFIX = "-keys"
DECRYPTED_CACHE_KIB = 64 * 1024
Connection = Any  # sqlite3.Connection or sqlcipher3's connection: the same DB-API


def key_file_path(database: Path | str) -> Path:
    """Where the wrapped keys of ``database`` live: ``<database>-keys`` beside it."""
    return Path(f"{database}{KEY_FILE_SUFFIX}")


def file_header(path: Path | str) -> bytes:
    """The first bytes of ``path`` (empty for a missing or empty file)."""
    try:
        with Path(path).open("rb") as handle:
            return handle.read(len(SQLITE_HEADER))
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return b""


def is_encrypted(database: Path | str) -> bool:
    """Whether ``database`` is (or, not written yet, will be) an SQLCipher file."""
    if not key_file_path(database).is_file():
        return False
    try:
        return file_header(database) != SQLITE_HEADER
    except OSError:
        return False


def connect(
    database: Path | str,
    *,
    uri_options: str = "",
    key: bytes | None = None,
    **options: Any,
) -> Connection:
    """A connection to ``database``: SQLCipher with the unlocked data key when the file is
    encrypted (or when ``key`` is given, for a new copy of an encrypted file), else SQLite.

    ``uri_options`` ("mode=ro", "mode=ro&immutable=1") open the file by URI; ``options`` go to
    ``connect`` (timeout, isolation_level, check_same_thread).
    """
    path = Path(database)
    target = f"{path.resolve().as_uri()}?{uri_options}" if uri_options else str(path)
    if key is None:
        if not is_encrypted(path):
            return sqlite3.connect(target, uri=bool(uri_options), **options)
        from tracker.storage.crypto import unlocked_key

        key = unlocked_key(path)
    return _cipher_connection(target, key, uri=bool(uri_options), **options)


def _cipher_connection(target: str, key: bytes, *, uri: bool, **options: Any) -> Connection:
    import sqlcipher3

    connection = sqlcipher3.connect(target, uri=uri, **options)
    # SQLCipher writes its own log lines to stderr (a wrong key, a failed page HMAC); the
    # program reports such files in one message of its own instead.
    connection.execute("PRAGMA cipher_log_level = NONE")
    # A raw 256-bit key: SQLCipher skips its own passphrase derivation (the password was
    # stretched once, by argon2id, to unwrap this key).
    connection.execute(f"PRAGMA key = \"x'{key.hex()}'\"")
    # Sorts and temporary tables stay in memory, never in a plaintext temporary file.
    connection.execute("PRAGMA temp_store = MEMORY")
    # Every page read from the file is decrypted and its HMAC checked, where a plaintext file
    # is served by the system's cache for free: keeping up to 64 MiB of decrypted pages makes
    # a second look at the same records (a report run again, Today refreshed) cost no more
    # than in plaintext.
    connection.execute(f"PRAGMA cache_size = -{DECRYPTED_CACHE_KIB}")
    return connection


def connection_to_copy(plaintext: Path | str) -> Connection:
    """An SQLCipher connection to a plaintext file (no key), which ``sqlcipher_export``
    copies into an attached encrypted one. Nothing else in this process may have the file
    open meanwhile: two SQLite libraries must never share a file's locks."""
    import sqlcipher3

    connection = sqlcipher3.connect(str(plaintext))
    connection.execute("PRAGMA cipher_log_level = NONE")
    return connection


def is_cipher_connection(connection: Connection) -> bool:
    """Whether ``connection`` is an SQLCipher connection (so it reads an encrypted file)."""
    return type(connection).__module__.startswith("sqlcipher3")


def _both(name: str) -> tuple[type[Exception], ...]:
    kinds: list[type[Exception]] = [getattr(sqlite3, name)]
    cipher = sys.modules.get("sqlcipher3.dbapi2")
    if cipher is not None:
        kinds.append(getattr(cipher, name))
    return tuple(kinds)


def database_errors() -> tuple[type[Exception], ...]:
    """``sqlite3.DatabaseError`` and, once loaded, SQLCipher's: for ``except`` clauses."""
    return _both("DatabaseError")


def operational_errors() -> tuple[type[Exception], ...]:
    return _both("OperationalError")


def integrity_errors() -> tuple[type[Exception], ...]:
    return _both("IntegrityError")


def programming_errors() -> tuple[type[Exception], ...]:
    return _both("ProgrammingError")


def all_errors() -> tuple[type[Exception], ...]:
    """``sqlite3.Error`` and, once loaded, SQLCipher's."""
    return _both("Error")
