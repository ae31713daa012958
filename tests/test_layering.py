"""The domain and storage must run without Qt (and the domain without a database)."""

from tests.helpers import python_output


def _modules_loaded_by(imports: str) -> set[str]:
    code = f"{imports}\nimport sys\nprint('\\n'.join(sorted(sys.modules)))"
    return set(python_output(code).split())


def test_domain_imports_no_qt_and_no_sqlite():
    loaded = _modules_loaded_by(
        "import pkgutil, importlib, tracker.domain\n"
        "for m in pkgutil.walk_packages(tracker.domain.__path__, 'tracker.domain.'):\n"
        "    importlib.import_module(m.name)"
    )
    assert not {name for name in loaded if name.startswith("PySide6")}
    assert "sqlite3" not in loaded and "sqlite_utils" not in loaded
    assert "tracker.domain.calendar" in loaded


def test_storage_imports_no_qt():
    loaded = _modules_loaded_by(
        "import pkgutil, importlib, tracker.storage\n"
        "for m in pkgutil.walk_packages(tracker.storage.__path__, 'tracker.storage.'):\n"
        "    importlib.import_module(m.name)"
    )
    assert not {name for name in loaded if name.startswith("PySide6")}
