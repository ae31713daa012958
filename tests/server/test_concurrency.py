"""Several workstations on one server database at once: every acknowledged write is there,
the races (one new MRN, one cycle start, one patient's details from the same version) have
one winner and clear refusals for the rest, and nothing is lost or doubled."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.server import clinic_day
from tracker.domain.identifiers import mrn_key
from tracker.storage.audit_chain import walk_chain
from tracker.storage.server import open_store

DAYS = 6


def run_clinic_day(
    target: str | Path, tmp_path: Path, *, writers: int, readers: int, days: int
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Start the workstations, wait for the writers, stop the readers; their JSON answers."""
    start_at = time.time() + 4  # every process imported and connected by then
    stop_file = tmp_path / "writers-done"
    with open_store(target) as store:
        version = store.execute("SELECT version FROM patients WHERE mrn = 'DAY-0000'").fetchone()
    environment = {**os.environ, clinic_day.CONTESTED_VERSION_VARIABLE: str(version[0])}
    command = [sys.executable, "-m", "tests.server.clinic_day", str(target)]
    writing = [
        subprocess.Popen(
            [*command, "writer", str(index), str(start_at), str(days)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for index in range(writers)
    ]
    reading = [
        subprocess.Popen(
            [*command, "reader", str(index), str(start_at), str(stop_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for index in range(readers)
    ]
    written = [_answer(process) for process in writing]
    stop_file.touch()
    read = [_answer(process) for process in reading]
    return written, read


def _answer(process: subprocess.Popen) -> dict[str, Any]:
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return json.loads(out.strip().splitlines()[-1])


@pytest.mark.slow
def test_eight_workstations_and_two_readers_lose_nothing(
    server_database: str, tmp_path: Path
) -> None:
    clinic_day.prepare(server_database)
    written, read = run_clinic_day(
        server_database, tmp_path, writers=clinic_day.WRITERS, readers=clinic_day.READERS, days=DAYS
    )
    assert all(answer["reads"] > 0 for answer in read)
    with open_store(server_database) as store:
        # Every acknowledged dose and lab is there, once.
        doses = [dose for answer in written for dose in answer["doses"]]
        labs = [lab for answer in written for lab in answer["labs"]]
        assert len(doses) == clinic_day.WRITERS * clinic_day.PATIENTS_PER_WRITER * DAYS * 2
        assert len(set(doses)) == len(doses) and len(set(labs)) == len(labs)
        stored = {row[0] for row in store.execute("SELECT id FROM dose_records WHERE archived = 0")}
        assert set(doses) <= stored
        assert set(labs) <= {row[0] for row in store.execute("SELECT id FROM labs")}
        # One new patient with the contested MRN; everyone else told so.
        winners = [answer["race_patient"] for answer in written if answer["race_patient"]]
        assert len(winners) == 1
        assert store.execute(
            "SELECT COUNT(*) FROM patients WHERE mrn_key = ?", [mrn_key(clinic_day.RACE_MRN)]
        ).fetchone()[0] == 1
        refusals = [text for answer in written for text in answer["refused"]]
        assert sum(text.startswith("race_patient: ") for text in refusals) == clinic_day.WRITERS - 1
        # The losers were told, each in a sentence; no dose or lab was refused.
        assert all(text.split(": ")[0] in {"race_patient", "cycle", "weight"} for text in refusals)
        # One cycle 2 for the shared course, and no two cycles of a course overlap.
        assert sum(1 for answer in written if answer["cycle"]) == 1
        cycles = list(
            store.query("SELECT course_id, number, actual_start FROM cycles ORDER BY course_id, number")
        )
        keys = [(row["course_id"], row["number"]) for row in cycles]
        assert len(keys) == len(set(keys))
        for earlier, later in itertools.pairwise(cycles):
            if earlier["course_id"] == later["course_id"]:
                assert later["actual_start"] > earlier["actual_start"]
        # The weight: saved from the version everyone read by exactly one; no lost update.
        weights = [answer["weight"] for answer in written if answer["weight"]]
        assert len(weights) == 1
        first = next(store.query("SELECT * FROM patients WHERE mrn = 'DAY-0000'"))
        assert first["version"] == 2 and first["weight_kg"] == weights[0]
        assert store.execute(
            "SELECT COUNT(*) FROM audit_log WHERE table_name = 'patients' AND row_id = ? "
            "AND reason = 'weighed'",
            [first["id"]],
        ).fetchone()[0] == 1
        # Every write left its audit row, in one unbroken chain.
        chain = walk_chain(store.connection)
        assert chain.broken_count == 0
        assert chain.rows >= len(doses) + len(labs)
