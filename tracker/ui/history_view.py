"""The History tab: every audited change to the patient's records, newest first."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget

from tracker.storage import queries
from tracker.ui.context import AppContext
from tracker.ui.table_model import ReadOnlyTableModel, record_table

if TYPE_CHECKING:
    from tracker.storage.records import AuditEntry

# Bookkeeping columns (and the patient, whose history this is) say nothing in a change list.
_BOOKKEEPING = {"id", "created_at", "updated_at", "patient_id"}
TABLE_LABELS = {
    "patients": "Patient",
    "courses": "Course",
    "cycles": "Cycle",
    "level_changes": "Dose level",
    "dose_records": "Dose record",
    "labs": "Labs",
    "adverse_events": "Adverse event",
    "responses": "Response",
    "settings": "Setting",
}
ACTION_LABELS = {"insert": "added", "update": "changed", "archive": "archived"}


def local_time(stamp: str) -> str:
    """UTC ISO stamp -> local 'YYYY-MM-DD HH:MM'; unparsable stamps are shown as stored."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def describe_changes(entry: AuditEntry) -> list[str]:
    """One line per field: 'field: before → after' (inserts list the values recorded)."""
    before = entry.before or {}
    after = entry.after or {}
    if entry.action == "archive":
        return ["archived (kept for history)"]
    lines = []
    for field in sorted(set(before) | set(after)):
        if field in _BOOKKEEPING or (field == "archived" and entry.action == "insert"):
            continue
        old, new = before.get(field), after.get(field)
        if entry.action == "insert":
            if new not in (None, ""):
                lines.append(f"{field}: {_shown(new)}")
        elif old != new:
            lines.append(f"{field}: {_shown(old)} → {_shown(new)}")
    return lines


def who(entry: AuditEntry) -> str:
    if entry.staff:
        return f"{entry.staff} ({entry.os_user})"
    return entry.os_user


class AuditTableModel(ReadOnlyTableModel["AuditEntry"]):
    HEADERS = ("When", "Who", "Record", "Action", "Changes")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._changes: dict[int, str] = {}

    def set_entries(self, entries: Sequence[AuditEntry]) -> None:
        self.beginResetModel()
        self._rows = list(entries)
        self._changes = {entry.id: "\n".join(describe_changes(entry)) for entry in self._rows}
        self.endResetModel()

    def entry(self, row: int) -> AuditEntry:
        return self._rows[row]

    def row_data(self, entry: AuditEntry, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return local_time(entry.at)
            if column == 1:
                return who(entry)
            if column == 2:
                label = TABLE_LABELS.get(entry.table_name, entry.table_name)
                return f"{label} #{entry.row_id}" if entry.row_id is not None else label
            if column == 3:
                return ACTION_LABELS.get(entry.action, entry.action)
            if column == 4:
                return self._changes[entry.id]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{entry.at} (UTC)"
        if role == Qt.ItemDataRole.ToolTipRole and column == 4:
            return self._changes[entry.id] or None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        return None


class HistoryView(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("historyView")
        self.context = context
        self.patient_id: int | None = None
        self.model = AuditTableModel(self)
        self.table = record_table(self.model, "historyTable")
        self.table.setWordWrap(True)
        header = self.table.horizontalHeader()
        for column in range(4):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)

    def show_patient(self, patient_id: int | None) -> None:
        self.patient_id = patient_id
        self.refresh()

    def refresh(self) -> None:
        if self.patient_id is None or not self.context.has_store:
            self.model.set_entries([])
            return
        self.model.set_entries(queries.audit_of_patient(self.context.store, self.patient_id))
