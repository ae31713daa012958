"""Server mode in the window: connecting, other workstations' changes on screen within two
seconds, and the downtime copy opened read-only with its age when the server is gone."""

from __future__ import annotations

import time
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QLabel

from tests.postgres_server import PostgresServer
from tests.ui.conftest import FIXED_TODAY
from tracker.storage.downtime import latest_downtime_copy
from tracker.storage.errors import StorageError
from tracker.storage.operations.patients import add_patient
from tracker.storage.server import open_server
from tracker.ui.app import startup_database
from tracker.ui.common.context import AppContext
from tracker.ui.common.settings import AppSettings
from tracker.ui.shell.server_connection import ConnectDialog


@pytest.fixture
def server_window(qtbot, tmp_path: Path, server_database: str, messages: list[str]):
    from tracker.ui.shell.main_window import MainWindow

    context = AppContext()
    context.report_error = lambda parent, message: messages.append(message)
    settings = AppSettings.in_file(tmp_path / "settings.ini")
    window = MainWindow(context, settings, automatic_backup_dir=tmp_path / "backups")
    qtbot.addWidget(window)
    window.server_mode.ask_address = lambda: server_database
    yield window
    if context.has_store:
        context.replace_store(None)


def _look(window, path: Path) -> None:
    window.show()
    for _ in range(5):
        QApplication.processEvents()
    window.grab().save(str(path))


def test_connect_to_server_opens_it_and_remembers_it(
    qtbot, server_window, server_database: str, tmp_path: Path
) -> None:
    assert server_window.server_mode.action in server_window.menuBar().actions()[0].menu().actions()
    server_window.server_mode.action.trigger()
    store = server_window.context.store
    assert store.is_server and store.path == server_database
    database = server_database.rsplit("/", 1)[1]
    assert server_window.windowTitle().startswith(f"{database} on 127.0.0.1")
    assert startup_database(None, server_window.settings) == (server_database, None)
    # A workstation new to the server makes its downtime copy at once.
    qtbot.waitUntil(lambda: latest_downtime_copy(server_database) is not None, timeout=10_000)
    _look(server_window, tmp_path / "server-window.png")


def test_another_workstations_change_is_on_screen_within_two_seconds(
    qtbot, server_window, server_database: str
) -> None:
    server_window.server_mode.connect_to_server()
    view = server_window.patients_view
    server_window.show()
    server_window.show_patients()
    qtbot.waitUntil(lambda: view.model.rowCount() == 0, timeout=5000)
    with open_server(server_database, staff="NS", clock=lambda: FIXED_TODAY) as nurse_station:
        add_patient(nurse_station, mrn="W2-1", name="From The Nurse Station")
    started = time.monotonic()
    qtbot.waitUntil(lambda: view.model.rowCount() == 1, timeout=2000)
    assert time.monotonic() - started < 2.0


def test_an_unreachable_server_opens_the_downtime_copy_read_only_with_its_age(
    qtbot, server_window, postgres_server: PostgresServer, tmp_path: Path, messages: list[str]
) -> None:
    address = postgres_server.new_database()
    with open_server(address, staff="JD", clock=lambda: FIXED_TODAY) as store:
        add_patient(store, mrn="DT-1", name="Printed In Downtime")
    server_window.server_mode.connect_to_server(address)
    qtbot.waitUntil(lambda: latest_downtime_copy(address) is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not server_window.server_mode.refreshing, timeout=10_000)
    server_window.context.replace_store(None)
    postgres_server.drop(address)  # the server no longer answers for it

    assert server_window.server_mode.connect_to_server(address)
    store = server_window.context.store
    assert store.downtime is not None and store.read_only and not store.is_server
    banner = server_window.server_mode.banner_label.text()
    assert "cannot be reached" in banner and "minute" in banner and "read-only" in banner
    assert not server_window.server_mode.banner.isHidden()
    assert [row["mrn"] for row in store.query("SELECT mrn FROM patients")] == ["DT-1"]
    with pytest.raises(StorageError, match="reading only"):
        add_patient(store, mrn="DT-2", name="Waits For The Server")
    # The address stays the one remembered, not the copy.
    assert server_window.settings.last_database() == address
    assert messages == []
    _look(server_window, tmp_path / "downtime-window.png")


def test_no_server_and_no_downtime_copy_is_said_and_the_open_database_stays(
    server_window, messages: list[str]
) -> None:
    from tests.postgres_server import free_port

    assert not server_window.server_mode.connect_to_server(
        f"postgresql://tracker@127.0.0.1:{free_port()}/nowhere"
    )
    assert "cannot reach the server database" in messages[0]
    assert "no downtime copy" in messages[0]


def test_the_connect_dialog_builds_the_address(qtbot, tmp_path: Path) -> None:
    dialog = ConnectDialog(None, "postgresql://pharmacy@db.clinic.example:5433/tracker")
    qtbot.addWidget(dialog)
    assert (dialog.host.text(), dialog.port.value(), dialog.database.text()) == (
        "db.clinic.example",
        5433,
        "tracker",
    )
    assert dialog.user.text() == "pharmacy"
    dialog.password.setText("p@ss word")
    assert dialog.address() == "postgresql://pharmacy:p%40ss%20word@db.clinic.example:5433/tracker"
    dialog.show()
    for _ in range(5):
        QApplication.processEvents()
    dialog.grab().save(str(tmp_path / "connect-dialog.png"))


def test_a_conflict_refreshes_the_screens(qtbot, context: AppContext, messages: list[str]) -> None:
    from tracker.storage.errors import ConflictError

    def loses(store) -> None:
        raise ConflictError("this cycle was started on another workstation at the same moment")

    with qtbot.waitSignal(context.data_changed, timeout=1000):
        assert context.run(loses) is None
    assert "another workstation" in messages[0]


def test_days_are_sent_as_text(server_database: str) -> None:
    with open_server(server_database, staff="JD", clock=lambda: date(2027, 1, 2)) as store:
        assert store.execute("SELECT ?", [date(2027, 1, 2)]).fetchone()[0] == "2027-01-02"


def test_the_workstation_that_loses_a_cycle_start_is_told_and_its_screens_refresh(
    qtbot, server_database: str, messages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both workstations read cycle 1 as the last; the first saves cycle 2; the second's
    save meets the unique index: a message, nothing saved, and a refresh."""
    from tests.starts import start_course, start_next_cycle
    from tracker.storage.operations.courses import start_next_cycle as start_next

    with open_server(server_database, staff="A", clock=lambda: FIXED_TODAY) as first:
        patient = add_patient(first, mrn="CY-1", name="Shared", sex="M", rems_category="male_adult")
        course = start_course(first, patient, date(2026, 2, 2))
    losing = AppContext(open_server(server_database, staff="B", clock=lambda: FIXED_TODAY))
    losing.report_error = lambda parent, message: messages.append(message)
    try:
        from tracker.storage import queries

        real_cycles_of = queries.cycles_of

        def cycles_then_the_other_wins(store, course_id):
            read = real_cycles_of(store, course_id)
            if not messages and store.staff == "B":
                with open_server(server_database, staff="A", clock=lambda: FIXED_TODAY) as other:
                    start_next_cycle(other, course, FIXED_TODAY)
            return read

        # The other workstation saves cycle 2 just after this one has read the cycles.
        monkeypatch.setattr(
            "tracker.storage.operations.courses.cycles_of", cycles_then_the_other_wins
        )
        with qtbot.waitSignal(losing.data_changed, timeout=2000):
            assert losing.run(start_next, course, FIXED_TODAY, override_reason="x") is None
        assert messages == [
            "this cycle was started on another workstation at the same moment; nothing was "
            "saved here. The view is read again: look, then try again"
        ]
        numbers = [row[0] for row in losing.store.execute("SELECT number FROM cycles ORDER BY number")]
        assert numbers == [1, 2]
    finally:
        losing.replace_store(None)


def test_verify_and_settings_name_the_server_database(
    qtbot, server_window, server_database: str, messages: list[str]
) -> None:
    server_window.server_mode.connect_to_server()
    add_patient(server_window.context.store, mrn="V-1", name="Checked On The Server")
    dialog = server_window.verify_records()
    qtbot.waitUntil(lambda: dialog.finished_checking, timeout=10_000)
    assert "intact" in dialog.headline.text().lower(), dialog.headline.text()
    preferences = server_window.show_preferences()
    database = server_database.rsplit("/", 1)[1]
    assert any(
        f"{database} on 127.0.0.1 sees the same" in label.text()
        for label in preferences.findChildren(QLabel)
    )
    assert messages == []


def test_the_downtime_copy_is_refreshed_as_often_as_the_setting_says(
    qtbot, server_window, server_database: str
) -> None:
    assert server_window.settings.downtime_minutes() == 15
    server_window.settings.set_downtime_minutes(5)
    server_window.server_mode.connect_to_server()
    timer = server_window.server_mode.refresh_timer
    assert timer.isActive() and timer.interval() == 5 * 60_000
    qtbot.waitUntil(lambda: not server_window.server_mode.refreshing, timeout=10_000)
    assert server_window.server_mode.last_refresh_error is None
    server_window.context.replace_store(None)
    assert not timer.isActive()


def test_a_server_lost_while_working_opens_the_downtime_copy_and_its_return_reopens_it(
    qtbot, server_window, postgres_server: PostgresServer
) -> None:
    from tests.postgres_server import TEMPLATE

    address = postgres_server.new_database()
    name = address.rsplit("/", 1)[1]
    try:
        mode = server_window.server_mode
        mode.connect_to_server(address)
        qtbot.waitUntil(lambda: latest_downtime_copy(address) is not None, timeout=10_000)
        qtbot.waitUntil(lambda: not mode.refreshing, timeout=10_000)
        postgres_server.drop(address)  # the server goes away mid-session
        assert mode.watch.look()
        qtbot.waitUntil(lambda: server_window.context.store.downtime is not None, timeout=10_000)
        assert not mode.banner.isHidden()
        postgres_server.run_sql(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
        assert mode.watch.look()
        qtbot.waitUntil(lambda: server_window.context.store.is_server, timeout=10_000)
        assert mode.banner.isHidden()
        assert "server is back" in server_window.statusBar().currentMessage()
    finally:
        server_window.context.replace_store(None)
        postgres_server.drop(address)


def test_connecting_to_a_server_with_accounts_signs_in(
    server_window, server_database: str, messages: list[str]
) -> None:
    from tracker.storage.account_admin import add_account

    with open_server(server_database) as store:
        add_account(store, "ada", "admin", "admin-password-1")
    server_window.session.interactive = False
    assert not server_window.server_mode.connect_to_server()
    assert "sign in" in messages[-1].lower() or "account" in messages[-1].lower()
    server_window.session.preset = ("ada", "admin-password-1")
    assert server_window.server_mode.connect_to_server()
    store = server_window.context.store
    assert store.is_server and store.account is not None and store.account.name == "ada"


def test_the_account_signed_in_on_the_server_keeps_its_role_on_the_downtime_copy(
    qtbot, server_window, postgres_server: PostgresServer
) -> None:
    from tracker.storage.account_admin import add_account
    from tracker.storage.roles import PRINT, allows

    address = postgres_server.new_database()
    try:
        with open_server(address) as store:
            add_account(store, "nina", "nurse", "nurse-password-1")
        server_window.session.preset = ("nina", "nurse-password-1")
        mode = server_window.server_mode
        assert mode.connect_to_server(address)
        qtbot.waitUntil(lambda: latest_downtime_copy(address) is not None, timeout=10_000)
        qtbot.waitUntil(lambda: not mode.refreshing, timeout=10_000)
        postgres_server.drop(address)
        assert mode.watch.look()
        qtbot.waitUntil(lambda: server_window.context.store.downtime is not None, timeout=10_000)
        copy = server_window.context.store
        assert copy.account.name == "nina" and allows(copy, PRINT) and copy.read_only
    finally:
        server_window.context.replace_store(None)
        postgres_server.drop(address)


def test_a_server_down_at_start_opens_its_copy_signed_in_with_the_server_password(
    qtbot, server_window, postgres_server: PostgresServer, messages: list[str]
) -> None:
    from tracker.storage.account_admin import add_account
    from tracker.storage.roles import PRINT, RECORD_CARE, allows

    address = postgres_server.new_database()
    try:
        with open_server(address) as store:
            add_account(store, "nina", "nurse", "nurse-password-1")
        session, mode = server_window.session, server_window.server_mode
        session.preset = ("nina", "nurse-password-1")
        assert mode.connect_to_server(address)
        qtbot.waitUntil(lambda: latest_downtime_copy(address) is not None, timeout=10_000)
        qtbot.waitUntil(lambda: not mode.refreshing, timeout=10_000)
        server_window.context.replace_store(None)
        postgres_server.drop(address)

        # The next morning the server is down: the copy asks who signs in, as the server would.
        session.preset = ("nina", "not-her-password")
        assert not mode.connect_to_server(address)
        assert "password is wrong" in messages[-1]
        session.preset = ("nina", "nurse-password-1")
        assert mode.connect_to_server(address)
        copy = server_window.context.store
        assert copy.downtime is not None and copy.read_only
        assert copy.account.name == "nina" and allows(copy, PRINT)
        # Printing is allowed; recording waits for the server.
        assert allows(copy, RECORD_CARE)
        with pytest.raises(StorageError, match="reading only"):
            add_patient(copy, mrn="DT-9", name="Waits, Server")
    finally:
        server_window.context.replace_store(None)
        postgres_server.drop(address)
