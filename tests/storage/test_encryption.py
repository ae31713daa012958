"""Encryption at rest: SQLCipher files, key slots per account, sign-in and its lockout, the
recovery key, bit flips, and encrypting a plaintext database."""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from datetime import UTC, date, datetime, timedelta

import pytest

from tests.accounts import PASSWORDS, SECRET_MRN, SECRET_NAME, encrypted_clinic
from tracker.storage import queries
from tracker.storage.access_errors import (
    AccountLockedError,
    KeyFileError,
    SignInError,
    SignInRequiredError,
)
from tracker.storage.account_admin import disable_account, reset_password_with_recovery
from tracker.storage.accounts import LOCKOUT, MAX_FAILED_SIGN_INS, failed_attempts, sign_in
from tracker.storage.backup import backup_database, check_tracker_database
from tracker.storage.connections import SQLITE_HEADER, is_encrypted, key_file_path
from tracker.storage.crypto import OWASP_ARGON2ID, forget_keys, read_key_file
from tracker.storage.database import open_database
from tracker.storage.encryption import create_encrypted_database, encrypt_database
from tracker.storage.errors import NotADatabaseError, ValidationError
from tracker.storage.operations.patients import add_patient
from tracker.storage.restore import restore_database

TODAY = date(2027, 6, 1)


@pytest.fixture
def clinic_path(tmp_path):
    path = tmp_path / "clinic.sqlite"
    store = encrypted_clinic(path, clock=lambda: TODAY)
    add_patient(store, mrn=SECRET_MRN, name=SECRET_NAME)
    store.close()
    forget_keys()  # as a new process: nothing unlocked
    return path


def test_a_new_encrypted_database_is_sqlcipher_with_slots_beside_it(clinic_path):
    assert clinic_path.read_bytes()[:16] != SQLITE_HEADER
    assert is_encrypted(clinic_path)
    keys = json.loads(key_file_path(clinic_path).read_text())
    assert sorted(keys["accounts"]) == ["boss", "doc", "nina", "vic"]
    assert keys["recovery"] is not None
    assert keys["accounts"]["doc"]["kdf"] == {
        "algorithm": "argon2id",
        "memory_kib": 47104,
        "iterations": 1,
        "parallelism": 1,
        "salt": keys["accounts"]["doc"]["kdf"]["salt"],
    }
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(clinic_path).execute("SELECT * FROM sqlite_master").fetchall()
    with pytest.raises(SignInRequiredError, match="sign in"):
        open_database(clinic_path)


def test_signing_in_opens_it_as_the_account_and_is_quick(clinic_path):
    started = time.perf_counter()
    store = sign_in(clinic_path, " Doc ", PASSWORDS["doc"])
    seconds = time.perf_counter() - started
    with store:
        assert store.account.name == "doc" and store.account.role == "clinician"
        assert queries.patient_by_mrn(store, SECRET_MRN).name == SECRET_NAME
    assert seconds < 1.0, seconds


def test_a_wrong_password_or_user_opens_nothing_and_says_the_same(clinic_path):
    for name, password in (("doc", "guess-guess"), ("nobody", "guess-guess")):
        with pytest.raises(SignInError, match="user name or password is wrong"):
            sign_in(clinic_path, name, password)
    with pytest.raises(SignInRequiredError):
        open_database(clinic_path)


def test_five_wrong_passwords_lock_the_account_for_five_minutes(clinic_path):
    now = datetime(2027, 6, 1, 9, 0, tzinfo=UTC)
    for attempt in range(1, MAX_FAILED_SIGN_INS):
        with pytest.raises(SignInError) as raised:
            sign_in(clinic_path, "nina", "wrong-password", now=lambda: now)
        assert not isinstance(raised.value, AccountLockedError)
        assert failed_attempts(clinic_path, "nina") == attempt
    with pytest.raises(AccountLockedError, match="try again in 5 minutes"):
        sign_in(clinic_path, "nina", "wrong-password", now=lambda: now)
    # Locked: even the right password waits, and others are not affected.
    later = now + LOCKOUT - timedelta(seconds=30)
    with pytest.raises(AccountLockedError, match="in 1 minute"):
        sign_in(clinic_path, "nina", PASSWORDS["nina"], now=lambda: later)
    sign_in(clinic_path, "doc", PASSWORDS["doc"], now=lambda: later).close()
    after = now + LOCKOUT + timedelta(seconds=1)
    with sign_in(clinic_path, "nina", PASSWORDS["nina"], now=lambda: after) as store:
        assert store.account.name == "nina"
    assert failed_attempts(clinic_path, "nina") == 0


def test_a_slot_copied_to_another_name_does_not_open(clinic_path):
    keys_path = key_file_path(clinic_path)
    keys = json.loads(keys_path.read_text())
    keys["accounts"]["boss"] = keys["accounts"]["vic"]  # the viewer's slot, as the admin's
    keys_path.write_text(json.dumps(keys))
    with pytest.raises(SignInError):
        sign_in(clinic_path, "boss", PASSWORDS["vic"])


def test_a_disabled_account_no_longer_opens_the_database(clinic_path):
    with sign_in(clinic_path, "boss", PASSWORDS["boss"]) as store:
        disable_account(store, "nina")
    assert "nina" not in read_key_file(clinic_path).accounts
    forget_keys()
    with pytest.raises(SignInError):
        sign_in(clinic_path, "nina", PASSWORDS["nina"])


def test_the_recovery_key_resets_a_forgotten_password(tmp_path):
    path = tmp_path / "clinic.sqlite"
    store, recovery_key = create_encrypted_database(
        path, admin_name="boss", password="forgotten-1", clinic_name="C", clock=lambda: TODAY
    )
    store.close()
    forget_keys()
    with pytest.raises(SignInError, match="recovery key is wrong"):
        reset_password_with_recovery(path, "AAAA-" * 7 + "AAAA", "boss", "remembered-1")
    typed = recovery_key.lower().replace("-", " ")
    reset_password_with_recovery(path, typed, "boss", "remembered-1", clock=lambda: TODAY)
    forget_keys()
    with pytest.raises(SignInError):
        sign_in(path, "boss", "forgotten-1")
    with sign_in(path, "boss", "remembered-1") as store:
        row = next(store.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1"))
    assert (row["action"], row["account"], row["meaning"]) == (
        "password",
        "boss",
        "reset the password with the recovery key",
    )


def test_weak_or_odd_accounts_are_refused(tmp_path):
    for name, password, message in (
        ("boss", "short", "at least 8"),
        ("boss", "boss", "at least 8"),
        ("bossbossy", "bossbossy", "not be the user name"),
        ("9lives", "long-enough-1", "cannot be a user name"),
    ):
        with pytest.raises(ValidationError, match=message):
            create_encrypted_database(tmp_path / "x.sqlite", admin_name=name, password=password)
    assert list(tmp_path.iterdir()) == []


def test_argon2id_follows_owasp():
    assert (OWASP_ARGON2ID.memory_kib, OWASP_ARGON2ID.iterations) == (47104, 1)


# --- page HMACs: a changed bit anywhere is found ---------------------------------------------


def test_every_flipped_bit_is_detected(clinic_path, tmp_path):
    """The bit-flip test: 200 single bits flipped at random places (one per copy), each copy
    opened with its whole-file check. SQLCipher's page HMACs catch every one."""
    with sign_in(clinic_path, "boss", PASSWORDS["boss"]) as store:
        for number in range(200):
            add_patient(store, mrn=f"F-{number:04d}", name=f"Flip {number}")
    original = clinic_path.read_bytes()
    rng = random.Random(15)
    undetected = []
    trial = tmp_path / "trial" / "clinic.sqlite"
    trial.parent.mkdir()
    shutil.copyfile(key_file_path(clinic_path), key_file_path(trial))
    for _ in range(200):
        data = bytearray(original)
        position = rng.randrange(len(data))
        data[position] ^= 1 << rng.randrange(8)
        trial.write_bytes(bytes(data))
        for leftover in ("-wal", "-shm"):
            trial.with_name(trial.name + leftover).unlink(missing_ok=True)
        try:
            open_database(trial).close()
        except NotADatabaseError:
            continue
        undetected.append(position)
    assert undetected == []


def test_a_damaged_backup_is_refused_before_it_replaces_anything(clinic_path, tmp_path):
    with sign_in(clinic_path, "boss", PASSWORDS["boss"]):
        backup = backup_database(clinic_path, tmp_path / "copy.sqlite")
        check_tracker_database(backup)
        data = bytearray(backup.read_bytes())
        data[len(data) // 2] ^= 0x10
        backup.write_bytes(bytes(data))
        with pytest.raises(NotADatabaseError):
            restore_database(backup, clinic_path, safety_dir=tmp_path / "safety")


def test_a_backup_is_encrypted_and_carries_its_key_file(clinic_path, tmp_path):
    (tmp_path / "elsewhere").mkdir()
    with sign_in(clinic_path, "boss", PASSWORDS["boss"]):
        backup = backup_database(clinic_path, tmp_path / "elsewhere" / "copy.sqlite")
    assert backup.read_bytes()[:16] != SQLITE_HEADER
    assert key_file_path(backup).read_bytes() == key_file_path(clinic_path).read_bytes()
    forget_keys()
    with sign_in(backup, "nina", PASSWORDS["nina"]) as copy:
        assert queries.patient_by_mrn(copy, SECRET_MRN).name == SECRET_NAME
    key_file_path(backup).unlink()
    with pytest.raises(NotADatabaseError):
        open_database(backup)
    with pytest.raises(KeyFileError):
        read_key_file(backup)


# --- encrypting a plaintext database ---------------------------------------------------------


def test_encrypting_a_plaintext_database_keeps_every_row(tmp_path):
    path = tmp_path / "old.sqlite"
    with open_database(path, clock=lambda: TODAY) as store:
        for number in range(30):
            add_patient(store, mrn=f"OLD-{number}", name=f"Old patient {number}")
        before = list(store.query("SELECT * FROM patients ORDER BY id"))
    done = encrypt_database(
        path, admin_name="Boss", password="admin-password-1", backup_dir=tmp_path / "backups"
    )
    assert done.backup.parent == tmp_path / "backups"
    assert done.backup.read_bytes()[:16] == SQLITE_HEADER  # the way back, not encrypted
    assert done.plaintext_copies == [done.backup]
    assert path.read_bytes()[:16] != SQLITE_HEADER
    assert not list(tmp_path.glob(".old.sqlite.encrypting*"))
    forget_keys()
    with sign_in(path, "boss", "admin-password-1") as store:
        assert list(store.query("SELECT * FROM patients ORDER BY id")) == before
        last = next(store.query("SELECT action, account FROM audit_log ORDER BY id DESC"))
        assert (last["action"], last["account"]) == ("encrypt", "boss")
        assert store.account.role == "admin"
    with pytest.raises(ValidationError, match="encrypted already"):
        encrypt_database(path, admin_name="boss", password="admin-password-1")
