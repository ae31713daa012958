"""The domain and storage must run without Qt (and the domain without a database)."""

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
    assert "tracker.domain.calendar" in loaded


def test_storage_imports_no_qt():
    loaded = _modules_loaded_by_all_of("tracker.storage")
    assert not {name for name in loaded if name.startswith("PySide6")}
