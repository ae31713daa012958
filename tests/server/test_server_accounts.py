"""Staff accounts on a server database: the same accounts and roles as an encrypted file,
each password checked by the server, the lockout shared by every workstation."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.helpers import assert_cli_refusal, run_tracker
from tracker.storage.access_errors import AccountLockedError, SignInError, SignInRequiredError
from tracker.storage.account_admin import add_account, disable_account
from tracker.storage.accounts import sign_in, verify_password
from tracker.storage.errors import StorageError
from tracker.storage.operations.patients import add_patient
from tracker.storage.server import open_server

ADMIN_PASSWORD = "admin-password-1"
NURSE_PASSWORD = "nurse-password-1"
VIEWER_PASSWORD = "viewer-password-1"
TODAY = date(2027, 6, 1)


@pytest.fixture
def staffed_server(server_database: str) -> str:
    """A server database with an administrator, a nurse and a viewer."""
    with open_server(server_database) as store:
        add_account(store, "ada", "admin", ADMIN_PASSWORD, "Ada Admin")
    with sign_in(server_database, "ada", ADMIN_PASSWORD) as admin:
        add_account(admin, "nina", "nurse", NURSE_PASSWORD)
        add_account(admin, "vic", "viewer", VIEWER_PASSWORD)
    return server_database


def test_the_roles_hold_on_the_server(staffed_server: str) -> None:
    with open_server(staffed_server) as nobody, pytest.raises(SignInRequiredError):
        add_patient(nobody, mrn="S-1", name="Nobody Signed In")
    with sign_in(staffed_server, "vic", VIEWER_PASSWORD, clock=lambda: TODAY) as viewer:
        assert viewer.account.role == "viewer"
        with pytest.raises(StorageError, match="record patients"):
            add_patient(viewer, mrn="S-1", name="A Viewer's Try")
    with sign_in(staffed_server, "nina", NURSE_PASSWORD, clock=lambda: TODAY) as nurse:
        add_patient(nurse, mrn="S-1", name="Recorded By The Nurse")
        audit = nurse.execute(
            "SELECT account FROM audit_log WHERE table_name = 'patients'"
        ).fetchone()
        assert audit[0] == "nina"
    with open_server(staffed_server) as store:
        names = {row[0] for row in store.execute("SELECT name FROM account_passwords")}
        assert names == {"ada", "nina", "vic"}
        # The server keeps verifiers, never the passwords.
        dumped = " ".join(str(row) for row in store.execute("SELECT * FROM account_passwords"))
        assert NURSE_PASSWORD not in dumped


def test_wrong_passwords_lock_the_account_for_every_workstation(staffed_server: str) -> None:
    moment = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    for _ in range(4):
        with pytest.raises(SignInError, match="wrong"):
            sign_in(staffed_server, "nina", "not-her-password", now=lambda: moment)
    with pytest.raises(AccountLockedError, match="locked"):
        sign_in(staffed_server, "nina", "not-her-password", now=lambda: moment)
    # Another workstation, the right password, still within the five minutes.
    with pytest.raises(AccountLockedError):
        sign_in(staffed_server, "nina", NURSE_PASSWORD, now=lambda: moment + timedelta(minutes=2))
    later = moment + timedelta(minutes=6)
    with sign_in(staffed_server, "nina", NURSE_PASSWORD, now=lambda: later) as nurse:
        assert nurse.account.name == "nina"
        assert verify_password(nurse, "nina", NURSE_PASSWORD, now=lambda: later).role == "nurse"


def test_a_disabled_account_cannot_sign_in(staffed_server: str) -> None:
    with sign_in(staffed_server, "ada", ADMIN_PASSWORD) as admin:
        disable_account(admin, "vic")
    with pytest.raises(SignInError):
        sign_in(staffed_server, "vic", VIEWER_PASSWORD)


def test_the_command_line_signs_in_to_the_server(staffed_server: str) -> None:
    environment = {**os.environ, "RD_TRACKER_PASSWORD": ADMIN_PASSWORD}
    listed = run_tracker("user", "list", "--db", staffed_server, "--user", "ada", env=environment)
    assert listed.returncode == 0, listed.stderr
    assert "nina" in listed.stdout and "vic" in listed.stdout
    wrong = {**os.environ, "RD_TRACKER_PASSWORD": "wrong-password"}
    assert_cli_refusal(
        run_tracker("report", "--db", staffed_server, "--user", "ada", env=wrong), "wrong"
    )
    viewer = {**os.environ, "RD_TRACKER_PASSWORD": VIEWER_PASSWORD}
    refused = run_tracker(
        "backup", "--db", staffed_server, "--user", "vic", "-o", "/nonexistent/x.sqlite",
        env=viewer,
    )  # fmt: skip
    assert_cli_refusal(refused, "back up")
