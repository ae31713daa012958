"""Server database addresses: ``postgresql://user@host:port/dbname``, with TLS required for
any host that is not this computer, and the address as shown (without its password)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from tracker.storage.errors import StorageError

CONNECT_TIMEOUT_S = 5
_LOCAL_HOSTS = {"", "localhost", "127.0.0.1", "::1"}


@dataclass(frozen=True)
class ServerAddress:
    """A ``postgresql://user@host:port/dbname`` address, with TLS required off this computer."""

    url: str

    @property
    def parameters(self) -> dict[str, Any]:
        try:
            parameters = conninfo_to_dict(self.url)
        except psycopg.ProgrammingError as error:
            raise StorageError(f"{self.display} is not a server address: {error}") from error
        host = str(parameters.get("host") or "")
        if not is_local_host(host):
            parameters.setdefault("sslmode", "require")
        parameters.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
        parameters.setdefault("application_name", "rd-cycle-tracker")
        return parameters

    @property
    def conninfo(self) -> str:
        return make_conninfo(**self.parameters)

    @property
    def display(self) -> str:
        """The address without its password, for messages and the audit log."""
        return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1@", self.url)

    def __str__(self) -> str:
        return self.display


class ServerLocation(str):
    """A server database's address (without its password) where a Store keeps its path:
    ``name`` says which database on which server, as a file's name says which file."""

    @property
    def name(self) -> str:
        parts = urlsplit(str(self))
        database = parts.path.lstrip("/") or "the default database"
        return f"{database} on {parts.hostname or 'this computer'}"

    @property
    def stem(self) -> str:
        return self.name


def is_local_host(host: str) -> bool:
    """True for this computer: no host, a unix socket folder, localhost or a loopback address."""
    return all(part in _LOCAL_HOSTS or part.startswith("/") for part in host.split(","))
