"""Two workstations starting the same cycle at the same moment, on either engine: the one that
reaches the database second is refused with a clear message, and nothing of its is saved."""

from __future__ import annotations

import threading
import time
from datetime import date
from pathlib import Path

import pytest

from tests.starts import start_course, start_next_cycle
from tracker.storage.database import Store
from tracker.storage.errors import ConflictError, ValidationError
from tracker.storage.operations.patients import add_patient
from tracker.storage.server import open_store

TODAY = date(2027, 4, 1)


def _waiting_for_the_lock(watcher: Store, engine: str, thread: threading.Thread) -> bool:
    """True once the second writer is held at the write lock (or, on the file, has had time
    to reach its busy wait)."""
    if engine == "sqlite":
        time.sleep(0.5)
        return True
    return watcher.execute("SELECT COUNT(*) FROM pg_locks WHERE NOT granted").fetchone()[0] > 0


@pytest.mark.parametrize("contested", ["cycle", "mrn"])
def test_of_two_at_the_same_moment_one_wins_and_the_other_is_told(
    engine: str, db_target: Path | str, contested: str
) -> None:
    with open_store(db_target, staff="A", clock=lambda: TODAY) as first:
        patient = add_patient(first, mrn="R-1", name="Shared Patient", sex="M", rems_category="male_adult")
        course = start_course(first, patient, date(2027, 3, 4))
    first = open_store(db_target, staff="A", clock=lambda: TODAY)
    watcher = open_store(db_target, clock=lambda: TODAY)

    def change(store: Store) -> int:
        if contested == "cycle":
            return start_next_cycle(store, course, TODAY)
        return add_patient(store, mrn="NEW-7", name=f"New by {store.staff}", sex="M", rems_category="male_adult")

    outcome: dict[str, object] = {}

    def second_workstation() -> None:
        # A connection of its own, opened in its own thread (as SQLite wants).
        with open_store(db_target, staff="B", clock=lambda: TODAY) as second:
            try:
                outcome["saved"] = change(second)
            except ValidationError as error:
                outcome["refused"] = str(error)
            except Exception as error:
                outcome["failed"] = repr(error)

    try:
        with first.transaction():
            won = change(first)
            # The second reads the records as they were (the first has not committed) and
            # then waits for the write lock the first holds.
            thread = threading.Thread(target=second_workstation)
            thread.start()
            deadline = time.monotonic() + 10
            while not _waiting_for_the_lock(watcher, engine, thread):
                assert time.monotonic() < deadline, "the second workstation never waited"
                time.sleep(0.02)
        thread.join(timeout=30)
        assert "saved" not in outcome and "failed" not in outcome, outcome
        if contested == "cycle":
            # Its checks read before the first committed; the unique index refuses it.
            assert "this cycle was started on another workstation at the same moment" in str(
                outcome["refused"]
            )
            assert "nothing was saved here" in str(outcome["refused"])
            rows = list(watcher.query("SELECT id, number FROM cycles WHERE course_id = ?", [course]))
            assert sorted(row["number"] for row in rows) == [1, 2]
            assert won in {row["id"] for row in rows}
        else:
            # The MRN is checked inside the transaction, after the write lock: it sees the first.
            assert "MRN 'NEW-7' already belongs to another patient" in str(outcome["refused"])
            names = [row["name"] for row in watcher.query("SELECT name FROM patients WHERE mrn = 'NEW-7'")]
            assert names == ["New by A"]
        staff = {row[0] for row in watcher.execute("SELECT DISTINCT staff FROM audit_log")}
        assert "B" not in staff
    finally:
        for store in (first, watcher):
            store.close()


def test_a_change_that_loses_a_serialization_race_is_made_again(server_database: str) -> None:
    """Another client (one that does not take the audit trail's lock first) changes a row
    this change has read: the server refuses this change at its write, which is then made
    again from the new state and succeeds."""
    import psycopg

    from tracker.storage.conflicts import retrying
    from tracker.storage.operations.patients import update_patient

    with open_store(server_database, staff="A", clock=lambda: TODAY) as store:
        patient = add_patient(store, mrn="S-1", name="Read Then Changed", sex="M", rems_category="male_adult")
        attempts: list[int] = []

        def reweigh(store: Store, weight: float) -> None:
            attempts.append(len(attempts) + 1)
            with store.transaction():
                store.execute("SELECT * FROM patients WHERE id = ?", [patient]).fetchall()
                if len(attempts) == 1:
                    with psycopg.connect(server_database, autocommit=True) as other:
                        other.execute(
                            "UPDATE patients SET notes = 'other client', version = version + 1 "
                            "WHERE id = %s",
                            [patient],
                        )
                update_patient(store, patient, reason="weighed", weight_kg=weight)

        retrying(reweigh, store, 72.5)
        assert attempts == [1, 2]
        row = next(store.query("SELECT * FROM patients WHERE id = ?", [patient]))
        assert (row["weight_kg"], row["notes"], row["version"]) == (72.5, "other client", 3)


def test_a_conflict_inside_a_callers_transaction_is_not_made_again_in_part(
    server_database: str,
) -> None:
    from tracker.storage.conflicts import retrying

    calls: list[int] = []

    def loses(store: Store) -> None:
        calls.append(1)
        raise ConflictError("another workstation changed these records at the same moment")

    with open_store(server_database, clock=lambda: TODAY) as store:
        with pytest.raises(ConflictError):
            retrying(loses, store)
        assert len(calls) == 4
        calls.clear()
        with pytest.raises(ConflictError), store.transaction():
            retrying(loses, store)
        assert len(calls) == 1
