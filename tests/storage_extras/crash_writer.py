"""Child process of the crash test: adds patients until killed, reporting each commit.

Usage: python crash_writer.py DATABASE
Each MRN is printed (and flushed) only after add_patient has returned, i.e. after the commit.
"""

from __future__ import annotations

import sys
from itertools import count

from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient


def main(path: str) -> None:
    store = open_database(path)
    for number in count(1):
        mrn = f"CRASH-{number:06d}"
        add_patient(store, mrn=mrn, name=f"Crash Test {number}", notes="x" * (number % 500))
        print(mrn, flush=True)


if __name__ == "__main__":
    main(sys.argv[1])
