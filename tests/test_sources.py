"""Every clinical data file names its source, down to the section; none leans on practice."""

from __future__ import annotations

import tomllib

import pytest

from tracker.resources import resources_dir

DATA_FILES = sorted(resources_dir().rglob("*.toml"))


def _sources(data: dict) -> list[str]:
    found = []
    for key, value in data.items():
        if isinstance(value, dict):
            found += _sources(value)
        elif key in ("source", "citation") or key.endswith("_source"):
            found.append(str(value))
    return found


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda path: path.name)
def test_each_data_file_names_its_source(path) -> None:
    data = tomllib.loads(path.read_text())
    sources = _sources(data)
    assert sources, f"{path.name} names no source"
    for source in sources:
        assert "clinical practice" not in source.lower(), source
        if "REVLIMID" in source:
            assert "section" in source and "revised" in source, source
