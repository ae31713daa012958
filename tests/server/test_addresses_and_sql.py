"""Server addresses (TLS off this computer) and SQLite's dialect as PostgreSQL reads it."""

from __future__ import annotations

import pytest

from tracker.storage.engines import is_server_address
from tracker.storage.engines.addresses import ServerAddress
from tracker.storage.engines.postgres_sql import to_postgres


@pytest.mark.parametrize(
    ("url", "tls"),
    [
        ("postgresql://nurse@db.clinic.example:5432/tracker", "require"),
        ("postgresql://nurse@10.1.2.3/tracker", "require"),
        ("postgresql://nurse@localhost/tracker", None),
        ("postgresql://nurse@127.0.0.1:5433/tracker", None),
        ("postgresql:///tracker?host=/run/postgresql", None),
        ("postgresql://nurse@db.clinic.example/tracker?sslmode=verify-full", "verify-full"),
    ],
)
def test_tls_is_required_for_any_host_that_is_not_this_computer(url: str, tls: str | None):
    assert ServerAddress(url).parameters.get("sslmode") == tls


def test_the_shown_address_leaves_out_the_password() -> None:
    address = ServerAddress("postgresql://nurse:s3cret@db.example:5432/tracker")
    assert address.display == "postgresql://nurse@db.example:5432/tracker"
    assert "s3cret" not in str(address)


def test_only_postgresql_addresses_are_servers() -> None:
    assert is_server_address("postgresql://a@b/c") and is_server_address("postgres://a@b/c")
    assert not is_server_address("clinic.sqlite") and not is_server_address(None)


@pytest.mark.parametrize(
    ("sqlite", "postgres"),
    [
        ("SELECT * FROM [patients] WHERE id = ?", 'SELECT * FROM "patients" WHERE id = %s'),
        ("SELECT :from_vte, x::text", "SELECT %(from_vte)s, x::text"),
        ("WHERE a IS ? AND b IS NOT ? AND c IS NULL", "WHERE a IS NOT DISTINCT FROM %s AND b IS DISTINCT FROM %s AND c IS NULL"),
        ("mrn LIKE ? ESCAPE '\\'", "mrn ILIKE %s ESCAPE '\\'"),
        ("ORDER BY name COLLATE NOCASE, id", "ORDER BY lower(name), id"),
        ("SELECT MAX(MAX(a, b), MAX(c)), MIN(d, e)", "SELECT GREATEST(GREATEST(a, b), MAX(c)), LEAST(d, e)"),
        ("x < 9e999 LIMIT -1 OFFSET ?", "x < 'Infinity'::float8 LIMIT ALL OFFSET %s"),
        ("SELECT '50% ?[a] IS b LIKE :c'", "SELECT '50%% ?[a] IS b LIKE :c'"),
        ("SELECT IFNULL(a, 0)", "SELECT COALESCE(a, 0)"),
    ],
)
def test_statements_are_translated_once_in_one_place(sqlite: str, postgres: str) -> None:
    assert to_postgres(sqlite) == postgres
