"""One clinic day on one database from several workstations at once, each a process of its
own: writers record doses and labs for their patients and all race for the same few changes
(one new MRN, one cycle start, one patient's weight from the same version); readers run Today
and the cohort report until the writers are done.

``python -m tests.server.clinic_day DATABASE writer INDEX START_AT`` prints one JSON line:
what was acknowledged (ids), what was refused (messages) and each write's latency in ms.
``... reader INDEX START_AT STOP_FILE`` prints how many reads it made and any error.
The database is prepared by ``prepare``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from tracker.storage.database import Store
from tracker.storage.errors import StorageError
from tracker.storage.server import open_store

TODAY = date(2027, 4, 1)
COURSE_START = date(2027, 3, 4)  # cycle 2 is planned for TODAY
PATIENTS_PER_WRITER = 2
RACE_MRN = "RACE-0001"
WRITERS = 8
READERS = 2
OVERRIDE = "counts are not the subject of this test"
CONTESTED_VERSION_VARIABLE = "TRACKER_TEST_CONTESTED_VERSION"


def prepare(target: str | Path, writers: int = WRITERS) -> list[int]:
    """Patients (men: no pregnancy prevention in the way) with courses in cycle 1; returns
    the course ids, the first shared by every writer's races."""
    from tracker.storage.operations.courses import start_course
    from tracker.storage.operations.patients import add_patient

    courses = []
    with open_store(target, staff="SET", clock=lambda: TODAY) as store:
        for number in range(writers * PATIENTS_PER_WRITER):
            patient = add_patient(
                store,
                mrn=f"DAY-{number:04d}",
                name=f"Patient {number:04d}",
                date_of_birth=date(1950, 1, 1),
                sex="M",
                weight_kg=70.0,
                creatinine=0.9,
                rems_category="male_adult",
            )
            courses.append(
                start_course(
                    store,
                    patient,
                    COURSE_START,
                    thromboprophylaxis="aspirin",
                    override_reason=OVERRIDE,
                )
            )
    return courses


def _timed(latencies: list[float], action: Any) -> Any:
    started = time.perf_counter()
    result = action()
    latencies.append((time.perf_counter() - started) * 1000)
    return result


def writer(store: Store, index: int, start_at: float, days: int) -> dict[str, Any]:
    from tracker.storage.operations.courses import start_next_cycle
    from tracker.storage.operations.doses import record_dose
    from tracker.storage.operations.labs import record_labs
    from tracker.storage.operations.patients import add_patient, update_patient
    from tracker.storage.queries import get_patient, patient_by_mrn

    done: dict[str, Any] = {"doses": [], "labs": [], "refused": [], "latencies": []}
    latencies = done["latencies"]
    first = patient_by_mrn(store, "DAY-0000")
    # The version every writer saves from: read before any of them starts (on a busy machine
    # a writer may start after another has saved), given by the test.
    contested_version = int(
        os.environ.get(CONTESTED_VERSION_VARIABLE) or get_patient(store, first.id).version
    )
    mine = [
        patient_by_mrn(store, f"DAY-{index * PATIENTS_PER_WRITER + offset:04d}")
        for offset in range(PATIENTS_PER_WRITER)
    ]
    course_of = {
        patient.id: store.execute(
            "SELECT id FROM courses WHERE patient_id = ?", [patient.id]
        ).fetchone()[0]
        for patient in mine
    }
    shared_course = store.execute(
        "SELECT id FROM courses WHERE patient_id = ?", [first.id]
    ).fetchone()[0]
    time.sleep(max(0.0, start_at - time.time()))
    done["started"] = time.time()
    # The races: everyone at once.
    for name, action in (
        (
            "race_patient",
            lambda: add_patient(
                store, mrn=RACE_MRN, name=f"Race {index}", sex="M", rems_category="male_adult"
            ),
        ),
        (
            "cycle",
            lambda: start_next_cycle(store, shared_course, TODAY, override_reason=OVERRIDE),
        ),
        (
            "weight",
            lambda: update_patient(
                store,
                first.id,
                reason="weighed",
                version=contested_version,
                weight_kg=70.0 + index + 1,
            )
            or 70.0 + index + 1,
        ),
    ):
        try:
            done[name] = _timed(latencies, action)
        except StorageError as error:
            done[name] = None
            done["refused"].append(f"{name}: {error}")
    # The day's work: doses and labs for this writer's own patients.
    for offset in range(days):
        day = COURSE_START + timedelta(days=offset)
        for patient in mine:
            for drug in ("lenalidomide", "dexamethasone"):
                done["doses"].append(
                    _timed(
                        latencies,
                        lambda p=patient, d=day, g=drug: record_dose(
                            store,
                            course_of[p.id],
                            d,
                            g,
                            "taken",
                            # Given on a day off the pulse schedule: said with the dose.
                            dose_mg=40 if g == "dexamethasone" else None,
                        ),
                    )
                )
            done["labs"].append(
                _timed(
                    latencies,
                    lambda p=patient, d=day, anc=1.5 + offset / 10: record_labs(
                        store, p.id, d, anc=anc, platelets=150
                    ),
                )
            )
    done["finished"] = time.time()
    return done


def reader(store: Store, start_at: float, stop_file: Path) -> dict[str, Any]:
    from tracker.reports.cohort_report import cohort_report
    from tracker.storage.queries import today_rows

    time.sleep(max(0.0, start_at - time.time()))
    reads = 0
    while not stop_file.exists():
        today_rows(store, TODAY)
        cohort_report(store)
        reads += 1
    return {"reads": reads}


def main(arguments: list[str]) -> int:
    target, role, index, start_at = arguments[:4]
    with open_store(target, staff=f"W{index}", clock=lambda: TODAY) as store:
        if role == "writer":
            days = int(arguments[4]) if len(arguments) > 4 else 5
            answer = writer(store, int(index), float(start_at), days)
        else:
            answer = reader(store, float(start_at), Path(arguments[4]))
    print(json.dumps(answer))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
