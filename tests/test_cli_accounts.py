"""The command line on a database with staff accounts: signing in, ``tracker user``,
``tracker encrypt``, and a refusal that is one line, exit status 2 and nothing written."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from tests.accounts import PASSWORDS, encrypted_clinic
from tests.helpers import assert_cli_refusal, run_tracker
from tracker.storage.crypto import forget_keys
from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient


def as_user(name: str | None, password: str | None = None, **more: str) -> dict[str, str]:
    environment = {**os.environ, **more}
    for variable in ("RD_TRACKER_USER", "RD_TRACKER_PASSWORD", "RD_TRACKER_DATABASE"):
        environment.pop(variable, None)
    if name is not None:
        environment["RD_TRACKER_USER"] = name
    if password is not None:
        environment["RD_TRACKER_PASSWORD"] = password
    return environment


def staff(name: str) -> dict[str, str]:
    return as_user(name, PASSWORDS[name])


def fingerprint(path: Path) -> tuple[str, str]:
    """The database and its key file, byte for byte."""
    return tuple(
        hashlib.sha256(Path(f"{path}{suffix}").read_bytes()).hexdigest() for suffix in ("", "-keys")
    )


@pytest.fixture(scope="module")
def clinic(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("clinic") / "clinic.sqlite"
    with encrypted_clinic(path) as store:
        add_patient(store, mrn="CLI-1", name="Command, Line")
    forget_keys()
    return path


def test_status_signs_in_from_the_environment_or_with_user(clinic):
    result = run_tracker("status", "--db", clinic, "--mrn", "CLI-1", env=staff("vic"))
    assert result.returncode == 0, result.stderr
    assert "Command, Line (MRN CLI-1)" in result.stdout
    given = as_user(None, PASSWORDS["nina"])
    result = run_tracker("status", "--db", clinic, "--user", "nina", "--mrn", "CLI-1", env=given)
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("environment", "message"),
    [
        (as_user("doc", "not-the-password"), "user name or password is wrong"),
        (as_user("stranger", "whatever-1"), "user name or password is wrong"),
        (as_user(None), "sign in with --user NAME"),
        (as_user("doc"), "no password for doc"),
    ],
)
def test_a_failed_sign_in_is_one_line_and_writes_nothing(clinic, environment, message):
    before = fingerprint(clinic)
    result = run_tracker("export", "--db", clinic, "-o", clinic.parent / "never", env=environment)
    assert_cli_refusal(result, message)
    assert not (clinic.parent / "never").exists()
    # The wrong password counts towards the lockout, in the key file; the database is as it was.
    assert fingerprint(clinic)[0] == before[0]


def test_roles_hold_on_the_command_line(clinic, tmp_path):
    before = fingerprint(clinic)
    assert_cli_refusal(
        run_tracker("export", "--db", clinic, "-o", tmp_path / "x", env=staff("nina")),
        "nina signed in as nurse and may not export",
    )
    assert_cli_refusal(
        run_tracker("user", "list", "--db", clinic, env=staff("doc")),
        "may not manage staff accounts",
    )
    assert_cli_refusal(
        run_tracker("backup", "--db", clinic, "-o", tmp_path / "b.sqlite", env=staff("vic")),
        "may not back up",
    )
    # (The key file may have changed: a sign-in clears the failed attempts counted earlier.)
    assert fingerprint(clinic)[0] == before[0] and not (tmp_path / "b.sqlite").exists()


def test_accounts_are_managed_with_tracker_user(tmp_path):
    path = tmp_path / "clinic.sqlite"
    encrypted_clinic(path, staff=False).close()
    boss = staff("boss")
    added = run_tracker(
        "user", "add", "Kim", "--role", "nurse", "--full-name", "Kim Lee", "--db", path,
        env={**boss, "RD_TRACKER_NEW_PASSWORD": "kims-password-1"},
    )
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip() == "added kim (nurse)"
    kim = as_user("kim", "kims-password-1")
    assert_cli_refusal(run_tracker("status", "--db", path, "--mrn", "X", env=kim), "unknown MRN")
    assert run_tracker("user", "role", "kim", "clinician", "--db", path, env=boss).returncode == 0
    own = run_tracker(
        "user", "passwd", "--db", path, env={**kim, "RD_TRACKER_NEW_PASSWORD": "kims-new-pass"}
    )
    assert own.returncode == 0, own.stderr
    assert_cli_refusal(run_tracker("status", "--db", path, "--mrn", "X", env=kim), "wrong")
    listed = run_tracker("user", "list", "--db", path, env=boss).stdout.splitlines()
    assert listed[1:] == [
        "boss                 admin      enabled  ",
        "kim                  clinician  enabled  Kim Lee",
    ]
    assert run_tracker("user", "disable", "kim", "--db", path, env=boss).returncode == 0
    assert_cli_refusal(
        run_tracker("status", "--db", path, "--mrn", "X", env=as_user("kim", "kims-new-pass")),
        "wrong",
    )
    assert_cli_refusal(
        run_tracker("user", "disable", "boss", "--db", path, env=boss), "signed in with"
    )


def test_tracker_encrypt_converts_a_plaintext_database(tmp_path):
    path = tmp_path / "old.sqlite"
    with open_database(path) as store:
        add_patient(store, mrn="OLD-1", name="Plain, Text")
    admin = as_user("owner", "owner-password-1")
    result = run_tracker("encrypt", "--db", path, "--backup-dir", tmp_path / "backups", env=admin)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == f"encrypted {path}; its administrator is owner"
    assert lines[1].startswith("recovery key (shown once")
    assert "not encrypted, delete once no longer needed" in lines[3]
    assert b"Plain, Text" not in path.read_bytes()
    status = run_tracker("status", "--db", path, "--mrn", "OLD-1", env=admin)
    assert "Plain, Text (MRN OLD-1)" in status.stdout
    assert_cli_refusal(run_tracker("encrypt", "--db", path, env=admin), "encrypted already")


def test_demo_on_a_new_path_makes_its_user_the_administrator(tmp_path):
    path = tmp_path / "demo.sqlite"
    made = run_tracker("demo", "--db", path, "--patients", "3", env=as_user("dana", "dana-pass-1"))
    assert made.returncode == 0, made.stderr
    assert f"{path} is encrypted; its administrator is dana" in made.stdout
    listed = run_tracker("user", "list", "--db", path, env=as_user("dana", "dana-pass-1"))
    assert "dana                 admin" in listed.stdout
    # Without the variables: the documented demo / demo-password.
    default = tmp_path / "default.sqlite"
    assert run_tracker("demo", "--db", default, "--patients", "2", env=as_user(None)).returncode == 0
    status = run_tracker(
        "status", "--db", default, "--mrn", "DEMO-00001", env=as_user("demo", "demo-password")
    )
    assert status.returncode == 0, status.stderr
