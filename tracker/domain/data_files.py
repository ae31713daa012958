"""The data files a kind of record is kept in, one TOML file per id."""

from __future__ import annotations

from typing import Any

from tracker.domain.errors import DomainError
from tracker.resources import read_toml, resource_path


def load_data_file(folder: str, record_id: str, kind: str) -> dict[str, Any]:
    """``resources/<folder>/<record_id>.toml``, parsed; a DomainError naming the ``kind`` of
    record when there is no such file."""
    try:
        path = resource_path(folder, f"{record_id}.toml")
    except FileNotFoundError:
        raise DomainError(f"unknown {kind} {record_id!r}") from None
    return read_toml(path)
