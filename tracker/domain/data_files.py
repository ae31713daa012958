"""The data files a kind of record is kept in, one TOML file per id."""

from __future__ import annotations

from typing import Any

from tracker.domain.errors import DomainError
from tracker.resources import read_toml, resource_path, resources_dir


def known_ids(folder: str) -> list[str]:
    """The ids of the records kept in ``resources/<folder>``: the names of its TOML files."""
    return sorted(path.stem for path in resources_dir().joinpath(folder).glob("*.toml"))


def load_data_file(folder: str, record_id: str, kind: str) -> dict[str, Any]:
    """``resources/<folder>/<record_id>.toml``, parsed; a DomainError naming the ``kind`` of
    record when there is no such file.

    Only the ids of the folder's own files are accepted, never a path: an id such as
    ``../advice/lenalidomide-label`` would otherwise read another kind of data file.
    """
    known = known_ids(folder)
    if record_id not in known:
        listed = ", ".join(known) or "none"
        raise DomainError(f"unknown {kind} {record_id!r} (known: {listed})")
    try:
        path = resource_path(folder, f"{record_id}.toml")
    except FileNotFoundError:
        raise DomainError(f"unknown {kind} {record_id!r}") from None
    return read_toml(path)
