"""Shared fixtures. Qt runs offscreen unless a display is asked for explicitly."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

# Preferences, the default database, backups and logs of every test, and of every process a
# test starts, go to a throwaway folder rather than the user's own.
_USER_FOLDERS = tempfile.mkdtemp(prefix="tracker-tests-")
atexit.register(shutil.rmtree, _USER_FOLDERS, ignore_errors=True)
for _variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME"):
    os.environ[_variable] = os.path.join(_USER_FOLDERS, _variable.lower())


import pytest  # noqa: E402

from tests.postgres_server import PostgresServer, start_server  # noqa: E402

ENGINES = ("sqlite", "postgres")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One real PostgreSQL server for the whole run; a failure to start fails the tests."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def server_database(postgres_server: PostgresServer) -> Iterator[str]:
    """The address of a fresh server database, dropped after the test."""
    url = postgres_server.new_database()
    yield url
    postgres_server.drop(url)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """``engine`` runs a test on both engines, unless it is about the embedded file: it
    asks for ``db_path`` (the file itself) or is marked ``file_only``."""
    if "engine" not in metafunc.fixturenames:
        return
    file_only = "db_path" in metafunc.fixturenames or metafunc.definition.get_closest_marker(
        "file_only"
    )
    # Module scope, so a module's own database (made once for its tests) can be on either.
    metafunc.parametrize("engine", ["sqlite"] if file_only else list(ENGINES), scope="module")


@pytest.fixture
def db_target(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> str | Path:
    """Where the test's database is: a file in tmp_path, or a fresh server database."""
    if engine == "sqlite":
        return tmp_path / "clinic.sqlite"
    return request.getfixturevalue("server_database")


def module_database(
    engine: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> str | Path:
    """A database for a module-scoped fixture: a file, or a fresh server database."""
    if engine == "sqlite":
        return tmp_path_factory.mktemp("clinic") / "clinic.sqlite"
    server: PostgresServer = request.getfixturevalue("postgres_server")
    url = server.new_database()
    request.addfinalizer(lambda: server.drop(url))
    return url
