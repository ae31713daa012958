"""Child process of the SIGKILL trials: does one kind of work until it is killed.

Usage: python killed_child.py MODE DATABASE [TARGET [SECOND]]

MODE is ``write`` (records patients, labs and doses, printing each after its commit),
``backup`` (``rotate_backups`` into TARGET, over and over), ``backup-to`` (one backup to the
file TARGET), ``restore`` (TARGET restored over DATABASE, keeping the replaced one in SECOND)
or ``export`` (CSV files into the new folder TARGET). It prints ``ready`` once imports are
done, so the parent times its kill from the start of the work itself, and ``done`` (or each
commit) as the work completes.
"""

from __future__ import annotations

import sys
from datetime import date, timedelta
from itertools import count
from pathlib import Path


def _write(database: Path) -> None:
    from tests import starts
    from tracker.storage.database import open_database
    from tracker.storage.operations.doses import record_dose
    from tracker.storage.operations.labs import record_labs
    from tracker.storage.operations.patients import add_patient

    today = date(2026, 3, 2)
    store = open_database(database, clock=lambda: today)
    print("ready", flush=True)
    for number in count(1):
        mrn = f"KILL-{number:06d}"
        patient = add_patient(store, mrn=mrn, name=f"Killed Writer {number}", notes="x" * (number % 300))
        print(f"patient {mrn}", flush=True)
        labs = record_labs(store, patient, today - timedelta(days=3), anc=2.0, platelets=150.0)
        print(f"labs {labs}", flush=True)
        course = starts.start_course(store, patient, today - timedelta(days=2), thromboprophylaxis="aspirin")
        dose = record_dose(store, course, today - timedelta(days=1), "lenalidomide", "taken")
        print(f"dose {dose}", flush=True)


def main(mode: str, database: str, target: str = "", second: str = "") -> None:
    if mode == "write":
        _write(Path(database))
        return
    from tracker.storage.backup import backup_database, rotate_backups
    from tracker.storage.export import export_csv
    from tracker.storage.restore import restore_database

    print("ready", flush=True)
    if mode == "backup":
        while True:
            written = rotate_backups(database, target, keep=3)
            print(f"done {written}", flush=True)
    elif mode == "backup-to":
        backup_database(database, target)
    elif mode == "restore":
        restore_database(target, database, safety_dir=second)
    elif mode == "export":
        export_csv(database, target)
    else:
        raise SystemExit(f"unknown mode {mode}")
    print("done", flush=True)


if __name__ == "__main__":
    main(*sys.argv[1:])
