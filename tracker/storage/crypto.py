"""Key slots: one random data key, wrapped once per staff account and once by a recovery key.

As in LUKS, the database is encrypted with a random 256-bit data key that never changes with
a password; each account's slot holds that key encrypted (AES-256-GCM) under a key derived
from the account's password with argon2id (OWASP's parameters: 46 MiB, one pass, one lane;
about 0.07 s here), and one more slot holds it under the recovery key shown once when the
database was made. Changing a password rewrites one slot; disabling an account deletes its
slot, after which its password opens nothing.

The slots live in the key file beside the database (``<database>-keys``, JSON), readable
before the database is: a sign-in must find the slot before it has a key. The file holds no
patient data: account names, salts, wrapped keys and the failed sign-ins that lock an
account. Every slot is bound to its account name and to the key's id (GCM's associated
data), so a slot copied to another name does not open. Backups carry a copy of the file.

Unlocked keys are kept for the rest of the process by their id, so the connections a session
opens (background reads, backups of the same database) find the key without the password.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tracker.storage.access_errors import KeyFileError, SignInError, SignInRequiredError
from tracker.storage.connections import key_file_path
from tracker.storage.private_files import write_private_file

FORMAT = "rd-cycle-tracker key slots"
VERSION = 1
CIPHER = "SQLCipher 4: AES-256-CBC pages, HMAC-SHA512 per page"
DATA_KEY_BYTES = 32
SALT_BYTES = 16
NONCE_BYTES = 12
RECOVERY_KEY_BYTES = 20  # 160 bits, 32 base32 characters
_BASE32_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


@dataclass(frozen=True)
class KdfParameters:
    """argon2id's cost. OWASP Password Storage Cheat Sheet: m=47104 KiB, t=1, p=1."""

    memory_kib: int = 47104
    iterations: int = 1
    parallelism: int = 1

    def as_json(self) -> dict[str, Any]:
        return {
            "algorithm": "argon2id",
            "memory_kib": self.memory_kib,
            "iterations": self.iterations,
            "parallelism": self.parallelism,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KdfParameters:
        if data.get("algorithm") != "argon2id":
            raise KeyFileError(f"unknown key derivation {data.get('algorithm')!r}")
        return cls(int(data["memory_kib"]), int(data["iterations"]), int(data["parallelism"]))


OWASP_ARGON2ID = KdfParameters()


@dataclass
class Slot:
    """The data key wrapped under one secret, and the failed attempts counted against it."""

    salt: bytes
    nonce: bytes
    wrapped_key: bytes
    kdf: KdfParameters = OWASP_ARGON2ID
    failed_attempts: int = 0
    locked_until: str | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "kdf": {**self.kdf.as_json(), "salt": _b64(self.salt)},
            "nonce": _b64(self.nonce),
            "wrapped_key": _b64(self.wrapped_key),
            "failed_attempts": self.failed_attempts,
            "locked_until": self.locked_until,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Slot:
        return cls(
            salt=_unb64(data["kdf"]["salt"]),
            nonce=_unb64(data["nonce"]),
            wrapped_key=_unb64(data["wrapped_key"]),
            kdf=KdfParameters.from_json(data["kdf"]),
            failed_attempts=int(data.get("failed_attempts", 0)),
            locked_until=data.get("locked_until"),
        )


@dataclass
class KeyFile:
    """The key file of one database: its key id, one slot per account, the recovery slot."""

    key_id: str
    accounts: dict[str, Slot] = field(default_factory=dict)
    recovery: Slot | None = None

    @classmethod
    def new(cls, data_key: bytes) -> KeyFile:
        return cls(key_id=key_id_of(data_key))

    # --- slots ----------------------------------------------------------------------------

    def set_account(
        self, name: str, password: str, data_key: bytes, kdf: KdfParameters = OWASP_ARGON2ID
    ) -> None:
        self.accounts[name] = _wrap(data_key, password.encode(), self._bound(name), kdf)

    def set_recovery(self, recovery_key: str, data_key: bytes) -> None:
        secret = normalise_recovery_key(recovery_key).encode()
        self.recovery = _wrap(data_key, secret, self._bound(None), OWASP_ARGON2ID)

    def open_account(self, name: str, password: str) -> bytes:
        """The data key from ``name``'s slot; SignInError for a wrong password."""
        slot = self.accounts.get(name)
        if slot is None:
            # As slow as a real attempt, so timing does not tell which names exist.
            derive_key(password.encode(), bytes(SALT_BYTES), OWASP_ARGON2ID)
            raise SignInError("the user name or password is wrong")
        return self._open(slot, password.encode(), self._bound(name))

    def open_recovery(self, recovery_key: str) -> bytes:
        if self.recovery is None:
            raise SignInError("this database has no recovery key")
        secret = normalise_recovery_key(recovery_key).encode()
        return self._open(self.recovery, secret, self._bound(None))

    def _open(self, slot: Slot, secret: bytes, bound: bytes) -> bytes:
        from cryptography.exceptions import InvalidTag
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        wrapping = derive_key(secret, slot.salt, slot.kdf)
        try:
            data_key = AESGCM(wrapping).decrypt(slot.nonce, slot.wrapped_key, bound)
        except InvalidTag:
            raise SignInError("the user name or password is wrong") from None
        if not hmac.compare_digest(key_id_of(data_key), self.key_id):
            raise KeyFileError("the key file does not belong to this database")
        return data_key

    def _bound(self, name: str | None) -> bytes:
        role = "recovery" if name is None else f"account:{name}"
        return f"{FORMAT}|{self.key_id}|{role}".encode()

    # --- the file -------------------------------------------------------------------------

    def as_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "version": VERSION,
            "cipher": CIPHER,
            "key_id": self.key_id,
            "accounts": {name: slot.as_json() for name, slot in sorted(self.accounts.items())},
            "recovery": None if self.recovery is None else self.recovery.as_json(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> KeyFile:
        if data.get("format") != FORMAT:
            raise KeyFileError("not a key file of Rd Cycle Tracker")
        if int(data.get("version", 0)) > VERSION:
            raise KeyFileError("the key file was written by a newer version of the tracker")
        recovery = data.get("recovery")
        return cls(
            key_id=str(data["key_id"]),
            accounts={name: Slot.from_json(slot) for name, slot in data["accounts"].items()},
            recovery=None if recovery is None else Slot.from_json(recovery),
        )


def read_key_file(database: Path | str) -> KeyFile:
    """The key file beside ``database``; KeyFileError when it is missing or damaged."""
    path = key_file_path(database)
    try:
        return KeyFile.from_json(json.loads(path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        raise KeyFileError(
            f"{database} is encrypted but its key file {path.name} is not beside it; "
            "copy the key file from where the database came from, or restore a backup"
        ) from None
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise KeyFileError(f"the key file {path} cannot be read ({error})") from None


def write_key_file(database: Path | str, keys: KeyFile) -> None:
    """Write the key file beside ``database`` (0600, replaced in one rename)."""
    text = json.dumps(keys.as_json(), indent=1) + "\n"
    write_private_file(key_file_path(database), text.encode("utf-8"))


# --- keys ------------------------------------------------------------------------------------


def new_data_key() -> bytes:
    return secrets.token_bytes(DATA_KEY_BYTES)


def key_id_of(data_key: bytes) -> str:
    """A name for the key that reveals nothing of it."""
    return hmac.new(data_key, b"rd-cycle-tracker key id", hashlib.sha256).hexdigest()[:32]


def derive_key(secret: bytes, salt: bytes, kdf: KdfParameters) -> bytes:
    from argon2.low_level import Type, hash_secret_raw

    return hash_secret_raw(
        secret,
        salt,
        time_cost=kdf.iterations,
        memory_cost=kdf.memory_kib,
        parallelism=kdf.parallelism,
        hash_len=32,
        type=Type.ID,
    )


def _wrap(data_key: bytes, secret: bytes, bound: bytes, kdf: KdfParameters) -> Slot:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce = secrets.token_bytes(SALT_BYTES), secrets.token_bytes(NONCE_BYTES)
    wrapped = AESGCM(derive_key(secret, salt, kdf)).encrypt(nonce, data_key, bound)
    return Slot(salt=salt, nonce=nonce, wrapped_key=wrapped, kdf=kdf)


def new_recovery_key() -> str:
    """A random recovery key, written in eight groups of four letters and digits."""
    text = base64.b32encode(secrets.token_bytes(RECOVERY_KEY_BYTES)).decode("ascii")
    return "-".join(text[start : start + 4] for start in range(0, len(text), 4))


def normalise_recovery_key(text: str) -> str:
    """The recovery key as typed, without dashes, spaces or case, and with 0, 1 and 8 read
    as the O, I and B they are mistaken for (base32 has no 0, 1 or 8)."""
    return "".join(text.upper().split()).replace("-", "").translate(_BASE32_LOOKALIKES)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


# --- the keys this process has unlocked -----------------------------------------------------

_unlocked: dict[str, bytes] = {}
_unlocked_lock = threading.Lock()


def remember_key(data_key: bytes) -> None:
    """Keep ``data_key`` for this process, so every file it encrypts opens without asking."""
    with _unlocked_lock:
        _unlocked[key_id_of(data_key)] = data_key


def forget_keys() -> None:
    with _unlocked_lock:
        _unlocked.clear()


def unlocked_key(database: Path | str) -> bytes:
    """The data key of the encrypted ``database``, if a sign-in unlocked it in this process."""
    key_id = read_key_file(database).key_id
    with _unlocked_lock:
        data_key = _unlocked.get(key_id)
    if data_key is None:
        raise SignInRequiredError(
            f"{database} is encrypted and has staff accounts: sign in to open it"
        )
    return data_key
