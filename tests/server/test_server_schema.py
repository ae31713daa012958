"""The server database's schema: made from the same migrations as the file, upgraded by what
a later migration adds, refused when a newer version has been there."""

from __future__ import annotations

import psycopg
import pytest

from tests.postgres_server import PostgresServer
from tracker.storage.engines.postgres_schema import MIGRATIONS_TABLE, model
from tracker.storage.errors import DatabaseTooNewError
from tracker.storage.schema import known_migration_names
from tracker.storage.server import open_server


def _columns(url: str) -> dict[str, set[str]]:
    with psycopg.connect(url) as connection:
        found: dict[str, set[str]] = {}
        for table, column in connection.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public'"
        ):
            found.setdefault(table, set()).add(column)
        return found


def test_an_empty_server_database_gets_every_table_column_and_migration(
    postgres_server: PostgresServer,
) -> None:
    url = postgres_server.empty_database()
    try:
        open_server(url).close()
        columns = _columns(url)
        for table in model():
            assert columns[table.name] == {column.name for column in table.columns}
        with psycopg.connect(url) as connection:
            names = {row[0] for row in connection.execute(f"SELECT name FROM {MIGRATIONS_TABLE}")}
        assert names == known_migration_names()
    finally:
        postgres_server.drop(url)


def test_a_database_made_before_a_migration_gets_what_it_adds(server_database: str) -> None:
    with psycopg.connect(server_database, autocommit=True) as connection:
        connection.execute("ALTER TABLE courses DROP COLUMN vte_risk_factors")
        connection.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = 'm005_vte_risk_factors'")
    with open_server(server_database) as store:
        assert "vte_risk_factors" in {
            row["name"] for row in store.query("PRAGMA table_info([courses])")
        }
        assert store.execute(
            f"SELECT COUNT(*) FROM {MIGRATIONS_TABLE} WHERE name = 'm005_vte_risk_factors'"
        ).fetchone()[0] == 1


def test_a_database_a_newer_version_migrated_is_refused_untouched(server_database: str) -> None:
    with psycopg.connect(server_database, autocommit=True) as connection:
        connection.execute(
            f"INSERT INTO {MIGRATIONS_TABLE} VALUES ('tracker', 'm999_from_the_future', 'now')"
        )
    with pytest.raises(DatabaseTooNewError, match="m999_from_the_future"):
        open_server(server_database)


def test_two_workstations_opening_a_new_database_at_once_make_one_schema(
    postgres_server: PostgresServer,
) -> None:
    import threading

    url = postgres_server.empty_database()
    errors: list[BaseException] = []

    def open_it() -> None:
        try:
            open_server(url).close()
        except BaseException as error:
            errors.append(error)

    try:
        threads = [threading.Thread(target=open_it) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert errors == []
        with psycopg.connect(url) as connection:
            count = connection.execute(f"SELECT COUNT(*) FROM {MIGRATIONS_TABLE}").fetchone()[0]
        assert count == len(known_migration_names())
    finally:
        postgres_server.drop(url)
