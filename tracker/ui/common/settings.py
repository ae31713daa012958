"""What the application remembers between sessions: window layout, the last database (a file
or a server address) and how often a server's downtime copy is refreshed.

Everything goes through ``AppSettings`` so tests can hand in a QSettings that writes to a
temporary INI file instead of the user's real preferences.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "RdCycleTracker"
APPLICATION = "Rd Cycle Tracker"

_LAST_DATABASE = "database/last_path"
_DOWNTIME_MINUTES = "server/downtime_copy_minutes"
_DEFAULT_DOWNTIME = 15
_SERVER_SCHEMES = ("postgresql://", "postgres://")
_GEOMETRY = "window/geometry"
_STATE = "window/state"


class AppSettings:
    def __init__(self, qsettings: QSettings | None = None) -> None:
        self._qsettings = (
            qsettings if qsettings is not None else QSettings(ORGANIZATION, APPLICATION)
        )

    @classmethod
    def in_file(cls, path: Path | str) -> AppSettings:
        """Settings kept in one INI file (used by tests and portable installs)."""
        return cls(QSettings(str(path), QSettings.Format.IniFormat))

    @property
    def qsettings(self) -> QSettings:
        return self._qsettings

    def last_database(self) -> Path | str | None:
        """The file used last, or the server address (``postgresql://...``) connected to."""
        value = self._qsettings.value(_LAST_DATABASE, "")
        if value and str(value).lower().startswith(_SERVER_SCHEMES):
            return str(value)
        return Path(str(value)) if value else None

    def set_last_database(self, path: Path | str) -> None:
        if str(path).lower().startswith(_SERVER_SCHEMES):
            self._qsettings.setValue(_LAST_DATABASE, str(path))
            return
        self._qsettings.setValue(_LAST_DATABASE, str(Path(path).resolve()))

    def downtime_minutes(self) -> int:
        """How often the downtime copy of a server database is refreshed."""
        try:
            return max(1, int(self._qsettings.value(_DOWNTIME_MINUTES, _DEFAULT_DOWNTIME)))
        except (TypeError, ValueError):
            return _DEFAULT_DOWNTIME

    def set_downtime_minutes(self, minutes: int) -> None:
        self._qsettings.setValue(_DOWNTIME_MINUTES, int(minutes))

    def window_geometry(self) -> QByteArray | None:
        return self._bytes(_GEOMETRY)

    def window_state(self) -> QByteArray | None:
        return self._bytes(_STATE)

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self._qsettings.setValue(_GEOMETRY, geometry)
        self._qsettings.setValue(_STATE, state)

    def sync(self) -> None:
        self._qsettings.sync()

    def _bytes(self, key: str) -> QByteArray | None:
        value = self._qsettings.value(key)
        if isinstance(value, QByteArray) and not value.isEmpty():
            return value
        return None
