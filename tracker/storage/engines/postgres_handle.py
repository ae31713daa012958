"""The few calls of sqlite-utils' Database a server database answers (``Store.db`` on a
server): reads by SQL, a table's rows and count, and rows added in bulk through the engine."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tracker.storage.database import Store


class ServerHandle:
    """Reads by SQL, and the tables by name."""

    def __init__(self, store: Store):
        self._store = store

    def execute(self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()) -> Any:
        return self._store.execute(sql, parameters)

    def query(
        self, sql: str, parameters: Sequence[Any] | Mapping[str, Any] = ()
    ) -> Iterator[dict[str, Any]]:
        return self._store.query(sql, parameters)

    def table_names(self) -> list[str]:
        return self._store.engine.table_names(self._store)

    def __getitem__(self, table: str) -> ServerTable:
        return ServerTable(self._store, table)


class ServerTable:
    """One table of a server database: its rows, its count, and rows added in bulk."""

    def __init__(self, store: Store, name: str):
        self._store, self.name = store, name

    @property
    def count(self) -> int:
        return int(self._store.execute(f"SELECT COUNT(*) FROM [{self.name}]").fetchone()[0])

    @property
    def rows(self) -> Iterator[dict[str, Any]]:
        return self.rows_where()

    def rows_where(
        self, where: str | None = None, parameters: Sequence[Any] = (), *, order_by: str | None = None
    ) -> Iterator[dict[str, Any]]:
        sql = f"SELECT * FROM [{self.name}]"
        if where:
            sql += f" WHERE {where}"
        if order_by:
            sql += f" ORDER BY {order_by}"
        return self._store.query(sql, parameters)

    def insert_all(self, rows: Any, batch_size: int = 1000) -> ServerTable:
        self._store.engine.insert_many(self._store, self.name, list(rows))
        return self
