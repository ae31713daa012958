"""Opening a server database (``postgresql://user@host:port/dbname``) as a Store, and opening
whichever of the two a target names: an address or a file path."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from tracker.storage.database import Store, open_database
from tracker.storage.engines import is_server_address
from tracker.storage.errors import StorageError

# Two workstations opening a new server database at once make its schema one after the other.
_SCHEMA_LOCK = 0x7264_7472  # "rdtr"


def open_server(
    address: str,
    *,
    staff: str | None = None,
    clock: Callable[[], date] = date.today,
    read_only: bool = False,
) -> Store:
    """Connect to the server database at ``address``, making or upgrading its schema.

    Raises ServerUnreachableError when the server cannot be reached or refuses the account.
    """
    from tracker.storage.engines.addresses import ServerAddress, ServerLocation
    from tracker.storage.engines.postgres import PostgresEngine, connect

    server = ServerAddress(address)
    connection = connect(server)
    store = Store(
        connection,
        ServerLocation(server.display),  # type: ignore[arg-type]
        staff=staff,
        clock=clock,
        read_only=read_only,
        engine=PostgresEngine(server),
    )
    try:
        migrate_server(store)
        if read_only:
            # Refused by the server too, not only by Store.transaction.
            connection.execute("SET default_transaction_read_only = on")
    except BaseException:
        store.close()
        raise
    return store


def migrate_server(store: Store) -> bool:
    """Bring the server database's schema up to date; True if it changed."""
    from tracker.storage.engines.postgres_schema import migrate

    connection = store.connection
    connection.execute("BEGIN ISOLATION LEVEL READ COMMITTED")
    try:
        connection.execute("SELECT pg_advisory_xact_lock(?)", [_SCHEMA_LOCK])
        changed = migrate(lambda sql, parameters=(): connection.execute(sql, parameters))
        connection.execute("COMMIT")
    except BaseException as error:
        store.engine.rollback(store)
        failure = store.engine.write_failure(error, store)
        if failure is not None:
            raise failure from error
        raise
    return changed


def open_store(
    target: str | Path,
    *,
    staff: str | None = None,
    clock: Callable[[], date] = date.today,
    read_only: bool = False,
    check_in_background: bool = False,
) -> Store:
    """The database ``target`` names: a server address, or a file path."""
    if is_server_address(target):
        return open_server(str(target), staff=staff, clock=clock, read_only=read_only)
    if isinstance(target, str) and "://" in target:
        raise StorageError(
            f"{target.split('://')[0]}:// is not a database address; give a file path or "
            "postgresql://user@host:port/dbname"
        )
    return open_database(
        target,
        staff=staff,
        clock=clock,
        read_only=read_only,
        check_in_background=check_in_background,
    )
