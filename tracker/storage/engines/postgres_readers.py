"""Connections for the screens' background reads of a server database, kept open between
reads in a pool (``psycopg-pool``): a new connection to a server across the network costs
several round trips, and a TLS one more, every time Today or the cohort report is read."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg_pool import ConnectionPool, PoolTimeout

from tracker.storage.errors import ServerUnreachableError

READERS = 4


class ReaderPool:
    """Up to ``READERS`` reading connections to one server database, opened as needed."""

    def __init__(self, conninfo: str, shown: str, configure: Callable[[Any], None]) -> None:
        self._conninfo, self._shown, self._configure = conninfo, shown, configure
        self._pool: ConnectionPool | None = None
        self._lock = threading.Lock()

    def take(self, timeout_s: float) -> tuple[psycopg.Connection[Any], Callable[[Any], None]]:
        """A connection and the call that gives it back."""
        with self._lock:
            if self._pool is None:
                self._pool = ConnectionPool(
                    self._conninfo,
                    min_size=0,
                    max_size=READERS,
                    open=True,
                    kwargs={"autocommit": True},
                    configure=self._configure,
                    name="tracker-readers",
                )
            pool = self._pool
        try:
            return pool.getconn(timeout=timeout_s), pool.putconn
        except (PoolTimeout, psycopg.Error) as error:
            raise ServerUnreachableError(
                f"cannot reach the server database {self._shown} for reading ({error})"
            ) from error

    def close(self) -> None:
        with self._lock:
            if self._pool is not None:
                self._pool.close()
                self._pool = None
