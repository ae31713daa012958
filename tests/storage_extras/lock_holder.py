"""Child process of the concurrency test: holds the write lock for a while.

Usage: python lock_holder.py DATABASE SECONDS
Takes the write lock (BEGIN IMMEDIATE), writes a setting, prints "locked" (flushed), sleeps,
then commits, so another writer has to wait or give up.
"""

from __future__ import annotations

import sqlite3
import sys
import time


def main(path: str, seconds: float) -> None:
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT OR REPLACE INTO settings (key, value) VALUES ('held by', 'lock_holder')"
    )
    print("locked", flush=True)
    time.sleep(seconds)
    connection.execute("COMMIT")
    connection.close()
    print("released", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
