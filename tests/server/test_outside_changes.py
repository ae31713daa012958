"""Another workstation's commit is noticed (SQLite's data_version, the server's notices); the
workstation's own commits are not announced back to it."""

from __future__ import annotations

import time
from pathlib import Path

from tracker.storage.operations.patients import add_patient
from tracker.storage.server import open_store


def _settled(store, wait_s: float = 1.0) -> int | None:
    """The store's data version once notices in flight have arrived."""
    deadline = time.monotonic() + wait_s
    version = store.data_version()
    while time.monotonic() < deadline:
        time.sleep(0.05)
        again = store.data_version()
        if again != version:
            version = again
            deadline = time.monotonic() + 0.3
    return version


def test_only_other_connections_commits_move_the_data_version(
    engine: str, db_target: Path | str
) -> None:
    with (
        open_store(db_target, staff="A") as mine,
        open_store(db_target, staff="B") as other,
    ):
        start = _settled(mine)
        assert start is not None
        add_patient(mine, mrn="OWN-1", name="My Own Change")
        assert _settled(mine) == start
        add_patient(other, mrn="OTHER-1", name="Another Workstation's")
        moved = _settled(mine)
        assert moved is not None and moved != start
        # Reading does not move it.
        list(other.query("SELECT * FROM patients"))
        assert _settled(mine) == moved


def test_background_reads_reuse_their_connections_and_the_pool_closes_with_the_store(
    server_database: str,
) -> None:
    import psycopg

    from tracker.storage.database import Store

    with open_store(server_database) as store:
        pids = []
        for _ in range(3):
            reader = Store(
                store.reader_connection(), store.path, staff=None, clock=store.today,
                read_only=True, engine=store.engine.reader(),
            )  # fmt: skip
            pids.append(reader.execute("SELECT pg_backend_pid()").fetchone()[0])
            reader.close()
        assert len(set(pids)) == 1
        assert pids[0] != store.execute("SELECT pg_backend_pid()").fetchone()[0]
    with psycopg.connect(server_database) as watcher:
        deadline = time.monotonic() + 5
        while watcher.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE pid = %s", [pids[0]]
        ).fetchone()[0]:
            assert time.monotonic() < deadline, "the pooled connection outlived its store"
            time.sleep(0.05)
