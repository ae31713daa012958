"""``tracker copy`` and ``tracker backup`` between the embedded file and a server database."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import assert_cli_refusal, run_tracker
from tests.postgres_server import PostgresServer
from tests.storage_extras.demo_cohort import make_demo
from tracker.storage.audit_chain import walk_chain
from tracker.storage.copy import copy_database, table_digest
from tracker.storage.database import open_read_only
from tracker.storage.engines.postgres_schema import table_names
from tracker.storage.errors import StorageError
from tracker.storage.operations.patients import add_patient
from tracker.storage.server import open_server


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite", patients=25)


def _digests(store) -> dict[str, tuple[int, str]]:
    return {table: table_digest(store, table) for table in table_names()}


def test_a_file_copied_to_a_server_and_back_is_the_same_row_for_row(
    demo: Path, server_database: str, tmp_path: Path
) -> None:
    there = run_tracker("copy", "--from", demo, "--to", server_database)
    assert there.returncode == 0, there.stderr
    assert "checked: every table's rows and content match" in there.stdout
    back = tmp_path / "back.sqlite"
    result = run_tracker("copy", "--from", server_database, "--to", back)
    assert result.returncode == 0, result.stderr
    with (
        open_read_only(demo) as original,
        open_server(server_database) as server,
        open_read_only(back) as returned,
    ):
        expected = _digests(original)
        assert expected["dose_records"][0] > 1000
        assert _digests(server) == expected
        assert _digests(returned) == expected
        head = walk_chain(original.connection).head
        assert walk_chain(server.connection).head == head
        assert walk_chain(returned.connection).head == head
    for target in (server_database, back):
        verified = run_tracker("verify", "--db", target)
        assert verified.returncode == 0, verified.stdout
        assert "All intact" in verified.stdout


def test_ids_continue_after_the_copied_rows_on_the_server(
    demo: Path, server_database: str
) -> None:
    copy_database(demo, server_database)
    with open_server(server_database, staff="JD") as server:
        highest = server.execute("SELECT MAX(id) FROM patients").fetchone()[0]
        added = add_patient(server, mrn="NEW-1", name="After The Copy")
        assert added == highest + 1
        assert walk_chain(server.connection).broken_count == 0


def test_a_copy_into_a_database_holding_records_is_refused_and_changes_nothing(
    demo: Path, server_database: str, tmp_path: Path
) -> None:
    with open_server(server_database, staff="JD") as server:
        add_patient(server, mrn="KEEP-1", name="Already Here")
        before = _digests(server)
    result = run_tracker("copy", "--from", demo, "--to", server_database)
    assert_cli_refusal(result, "already holds records")
    with open_server(server_database) as server:
        assert _digests(server) == before
    existing = tmp_path / "existing.sqlite"
    existing.write_bytes(b"")
    assert_cli_refusal(run_tracker("copy", "--from", demo, "--to", existing), "exists")
    assert existing.read_bytes() == b""


def test_a_server_backup_is_a_file_that_copy_restores(
    demo: Path, server_database: str, postgres_server: PostgresServer, tmp_path: Path
) -> None:
    copy_database(demo, server_database)
    backup = tmp_path / "server-backup.sqlite"
    result = run_tracker("backup", "--db", server_database, "-o", backup)
    assert result.returncode == 0, result.stderr
    restored = postgres_server.new_database()
    try:
        assert run_tracker("copy", "--from", backup, "--to", restored).returncode == 0
        with open_server(restored) as again, open_read_only(demo) as original:
            assert _digests(again) == _digests(original)
            # The backup itself is in the server's audit trail, not in the file it wrote.
            assert again.execute(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'backup'"
            ).fetchone()[0] == 0
        with open_server(server_database) as server:
            assert server.execute(
                "SELECT COUNT(*) FROM audit_log WHERE action = 'backup'"
            ).fetchone()[0] == 1
    finally:
        postgres_server.drop(restored)


def test_a_copy_to_the_same_database_is_refused(server_database: str) -> None:
    with pytest.raises(StorageError, match="the same database"):
        copy_database(server_database, server_database)


@pytest.mark.parametrize(
    ("command", "message"),
    [
        (("restore", "backup.sqlite"), "tracker copy --from FILE --to SERVER"),
        (("export", "-o", "out"), "copy it to a file first"),
        (("demo",), "write the demo to a file"),
        (("backup", "--rotate"), "-o FILE"),
    ],
)
def test_file_commands_on_a_server_say_what_to_do_instead(
    server_database: str, command: tuple[str, ...], message: str
) -> None:
    result = run_tracker(command[0], "--db", server_database, *command[1:])
    assert_cli_refusal(result, message)


def test_an_unreachable_server_is_one_line(postgres_server: PostgresServer) -> None:
    from tests.postgres_server import free_port

    result = run_tracker(
        "status", "--db", f"postgresql://tracker@127.0.0.1:{free_port()}/none", "--mrn", "X"
    )
    assert_cli_refusal(result, "cannot reach the server database")


def test_the_application_starts_on_a_server_database(demo: Path, server_database: str) -> None:
    copy_database(demo, server_database)
    result = run_tracker("gui", "--db", server_database, "--smoke-test")
    assert result.returncode == 0, result.stderr
    assert f"opened {server_database}" in result.stdout


def test_a_copy_that_fails_leaves_no_new_file(server_database: str, tmp_path: Path) -> None:
    with open_server(server_database, staff="JD") as server:
        add_patient(server, mrn="KEEP-1", name="On The Server")
        # A row no file can take: its value breaks the rule the file's triggers keep.
        server.execute("ALTER TABLE patients DISABLE TRIGGER USER")
        server.execute("UPDATE patients SET sex = 'X', version = version + 1")
    target = tmp_path / "copy.sqlite"
    with pytest.raises(StorageError, match=r"refused a row of patients .*patients\.sex"):
        copy_database(server_database, target)
    assert sorted(tmp_path.iterdir()) == []


def test_a_copy_reads_the_source_as_of_one_moment_while_others_write(
    demo: Path, server_database: str, tmp_path: Path
) -> None:
    copy_database(demo, server_database)
    with open_server(server_database) as server:
        before = _digests(server)
    writes: list[str] = []

    def another_workstation_writes(table: str, rows: int) -> None:
        # Between the copy's batches, another workstation adds a patient (and its audit row).
        if len(writes) < 3:
            with open_server(server_database, staff="WS") as other:
                add_patient(other, mrn=f"MID-{len(writes)}", name="Added Mid-Copy")
            writes.append(table)

    target = tmp_path / "snapshot.sqlite"
    summary = copy_database(server_database, target, progress=another_workstation_writes)
    assert len(writes) == 3
    with open_read_only(target) as copied:
        assert _digests(copied) == before
        assert walk_chain(copied.connection).broken_count == 0
    assert summary.rows["patients"] == before["patients"][0]


def test_a_downtime_refresh_stopped_midway_keeps_the_previous_copy(
    demo: Path, server_database: str, tmp_path: Path
) -> None:
    from tracker.storage.downtime import latest_downtime_copy, refresh_downtime_copy

    copy_database(demo, server_database)
    first = refresh_downtime_copy(server_database, tmp_path)
    before = first.path.read_bytes()
    with pytest.raises(StorageError, match="stopped"):
        refresh_downtime_copy(server_database, tmp_path, stop=lambda: True)
    assert latest_downtime_copy(server_database, tmp_path).path.read_bytes() == before
    assert [path.name for path in tmp_path.iterdir()] == [first.path.name]


def test_the_downtime_copy_is_the_workstation_users_alone(
    server_database: str, tmp_path: Path
) -> None:
    from tracker.storage.downtime import refresh_downtime_copy

    copy = refresh_downtime_copy(server_database, tmp_path / "downtime")
    assert copy.path.stat().st_mode & 0o777 == 0o600
    assert copy.path.parent.stat().st_mode & 0o777 == 0o700
    assert copy.address == server_database
