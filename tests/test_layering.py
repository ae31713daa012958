"""The layers: the domain and storage run without Qt (the domain without a database), and the
GUI keeps its house rules."""

import re
from pathlib import Path

from tests.helpers import python_output


def _modules_loaded_by_all_of(package: str) -> set[str]:
    """Every module in ``sys.modules`` once each module of ``package`` is imported."""
    code = (
        f"import pkgutil, importlib, sys, {package}\n"
        f"for m in pkgutil.walk_packages({package}.__path__, '{package}.'):\n"
        "    importlib.import_module(m.name)\n"
        "print('\\n'.join(sorted(sys.modules)))"
    )
    return set(python_output(code).split())


def test_domain_imports_no_qt_and_no_sqlite():
    loaded = _modules_loaded_by_all_of("tracker.domain")
    assert not {name for name in loaded if name.startswith("PySide6")}
    assert "sqlite3" not in loaded and "sqlite_utils" not in loaded
    assert not {name for name in loaded if name.startswith("psycopg")}
    assert "tracker.domain.calendar" in loaded


def test_storage_imports_no_qt():
    loaded = _modules_loaded_by_all_of("tracker.storage")
    assert not {name for name in loaded if name.startswith("PySide6")}


# -- the house rules that import-linter cannot express -----------------------------------------

TRACKER = Path(__file__).resolve().parent.parent / "tracker"
MOST_LINES = 400


def test_no_module_is_over_400_lines():
    long = {
        str(path.relative_to(TRACKER)): lines
        for path in TRACKER.rglob("*.py")
        if (lines := len(path.read_text().splitlines())) > MOST_LINES
    }
    assert long == {}


def test_the_gui_never_opens_a_transaction():
    # Every write that touches more than one row is one storage operation (one transaction,
    # its audit rows); the GUI calls it in one line.
    opening = re.compile(r"\.transaction\(\)")
    found = [
        f"{path.relative_to(TRACKER)}:{number}"
        for path in (TRACKER / "ui").rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if opening.search(line)
    ]
    assert found == []


def test_each_gui_package_states_its_import_rule():
    for package in (TRACKER / "ui").iterdir():
        if (package / "__init__.py").exists():
            text = (package / "__init__.py").read_text()
            assert text.startswith('"""') and "import" in text.lower(), package.name
