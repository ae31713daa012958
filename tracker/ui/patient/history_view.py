"""The History tab: every audited change to the patient's records, newest first."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHeaderView, QVBoxLayout, QWidget

from tracker.domain.errors import DomainError
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, Regimen, format_mg, load_regimen
from tracker.domain.rems_rules import FEMALE_NOT_REPRODUCTIVE, rems_rules
from tracker.storage import queries
from tracker.ui.common.context import AppContext
from tracker.ui.forms.event_dialog import ACTIONS as EVENT_ACTIONS
from tracker.ui.forms.event_dialog import event_label
from tracker.ui.widgets.table_model import ReadOnlyTableModel, record_table

if TYPE_CHECKING:
    from tracker.storage.records import AuditEntry

# Bookkeeping columns, links between records and the patient (whose history this is) say
# nothing to a reader of the change list.
_HIDDEN = {
    "id", "created_at", "updated_at", "version", "patient_id", "course_id", "cycle_id", "lab_id",
}  # fmt: skip
TABLE_LABELS = {
    "patients": "Patient",
    "courses": "Course",
    "cycles": "Cycle",
    "level_changes": "Dose level",
    "dose_records": "Dose",
    "labs": "Labs",
    "adverse_events": "Adverse event",
    "responses": "Response",
    "settings": "Setting",
    "pregnancy_tests": "Pregnancy test",
    "contraception": "Contraception",
    "menstrual_reports": "Missed period / bleeding",
    "prescriptions": "Prescription (REMS)",
}
ACTION_LABELS = {"insert": "added", "update": "changed", "archive": "archived"}
# Field -> what the reader sees, in the order a form shows them.
FIELD_LABELS = {
    "mrn": "MRN",
    "name": "Name",
    "date_of_birth": "Date of birth",
    "sex": "Sex",
    "weight_kg": "Weight",
    "on_dialysis": "On dialysis",
    "reproductive_potential": "Reproductive potential",
    "rems_category": "REMS category",
    "rems_category_reason": "Not of reproductive potential",
    "irregular_cycles": "Irregular menstrual cycles",
    "regimen_id": "Regimen",
    "number": "Cycle",
    "start_date": "Start date",
    "planned_start": "Planned start",
    "actual_start": "Started",
    "delay_reason": "Delay reason",
    "effective_date": "From",
    "date": "Date",
    "assessed_on": "Assessed on",
    "drug": "Drug",
    "len_start_level": "Lenalidomide",
    "len_level": "Lenalidomide",
    "len_every_days": "Lenalidomide schedule",
    "dex_start_level": "Dexamethasone",
    "dex_level": "Dexamethasone",
    "level": "Dose",
    "dose_mg": "Dose",
    "status": "Status",
    "renal_band": "Renal band (CrCl mL/min)",
    "thromboprophylaxis": "Thromboprophylaxis",
    "anc": "ANC",
    "platelets": "Platelets",
    "creatinine": "Creatinine",
    "event_type": "Event",
    "term": "Term",
    "grade": "Grade",
    "ctcae_version": "Grading",
    "onset_date": "Onset",
    "resolution_date": "Resolved",
    "action": "Action",
    "response": "Response",
    "progression_date": "Progression date",
    "end_date": "End date",
    "end_reason": "End reason",
    "end_note": "End note",
    "reason": "Reason",
    "key": "Setting",
    "value": "Value",
    "time": "Time",
    "kind": "Kind",
    "sensitivity_miu_ml": "Sensitivity (mIU/mL)",
    "result": "Result",
    "counselled_on": "Counselled on",
    "method_1": "Method",
    "method_2": "Second method",
    "abstinence": "Continuous abstinence",
    "reported_on": "Reported on",
    "cleared_on": "Cleared on",
    "clearance": "Cleared because",
    "authorization_number": "REMS authorization",
    "authorized_on": "Authorized on",
    "authorized_at": "Authorized at",
    "capsules": "Capsules",
    "days_supply": "Days of supply",
    "note": "Note",
    "notes": "Notes",
    "archived": "Archived",
}
_ORDER = {field: place for place, field in enumerate(FIELD_LABELS)}
UNIT_LABELS = {"10^9/L": "×10⁹/L", "/mm3": "/mm³", "umol/L": "µmol/L"}
_YES_NO = {"on_dialysis", "reproductive_potential", "irregular_cycles", "abstinence", "archived"}
# Stored codes whose meaning the forms spell out.
_WORDS = {
    "sex": {"F": "Female", "M": "Male"},
    "drug": {LENALIDOMIDE: "Lenalidomide", DEXAMETHASONE: "Dexamethasone"},
    "action": dict(EVENT_ACTIONS),
    "rems_category": {key: c.label for key, c in rems_rules().categories.items()},
    "rems_category_reason": rems_rules().category(FEMALE_NOT_REPRODUCTIVE).reasons,
}
# Level fields and the drug whose ladder they index.
_LEVEL_DRUGS = {
    "len_start_level": LENALIDOMIDE,
    "len_level": LENALIDOMIDE,
    "dex_start_level": DEXAMETHASONE,
    "dex_level": DEXAMETHASONE,
}


def local_time(stamp: str) -> str:
    """UTC ISO stamp -> local 'YYYY-MM-DD HH:MM'; unparsable stamps are shown as stored."""
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        return stamp
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def _plain(value: Any) -> str:
    if value is None or value == "":
        return "–"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Reader:
    """Turns one audit entry's stored values into words, doses in mg and units attached."""

    def __init__(self, entry: AuditEntry, regimens: Mapping[int, Regimen]) -> None:
        values = {**(entry.before or {}), **(entry.after or {})}
        self.values = values
        regimen_id = values.get("regimen_id") if entry.table_name == "courses" else None
        self.regimen = _regimen(regimen_id) if regimen_id else regimens.get(values.get("course_id"))

    def shown(self, field: str, value: Any) -> str:
        if value is None or value == "":
            return "–"
        if field in _YES_NO:
            return "yes" if value else "no"
        if field == "len_every_days":
            return "daily" if value == 1 else f"every {24 * int(value)} h"
        if field == "weight_kg":
            return f"{_plain(value)} kg"
        if field in _WORDS:
            return _WORDS[field].get(value, _plain(value))
        if field == "event_type":
            return event_label(value)
        if field == "regimen_id":
            regimen = _regimen(value)
            return regimen.name if regimen is not None else _plain(value)
        if field in ("dose_mg",):
            return f"{_plain(value)} mg"
        drug = _LEVEL_DRUGS.get(field) or (self.values.get("drug") if field == "level" else None)
        if drug and self.regimen is not None:
            try:
                return f"{format_mg(self.regimen.drug(drug).dose_for_level(int(value)))} mg"
            except (DomainError, KeyError, ValueError):
                return f"level {_plain(value)}"
        unit = self.values.get(f"{field}_unit")
        if unit and isinstance(value, (int, float)):
            return f"{_plain(value)} {UNIT_LABELS.get(unit, unit)}"
        return _plain(value)


@cache
def _regimen(regimen_id: str) -> Regimen | None:
    try:
        return load_regimen(regimen_id)
    except DomainError:
        return None


def _field_order(field: str) -> tuple[int, str]:
    return (_ORDER.get(field, len(_ORDER)), field)


def describe_changes(entry: AuditEntry, regimens: Mapping[int, Regimen] | None = None) -> list[str]:
    """One line per field: 'Field: before → after' (inserts list the values recorded).

    ``regimens`` maps course ids to their regimen, to show dose levels in mg.
    """
    before = entry.before or {}
    after = entry.after or {}
    if entry.action == "archive":
        return ["archived (kept for history)"]
    reader = _Reader(entry, regimens or {})
    lines = []
    for field in sorted(set(before) | set(after), key=_field_order):
        if field in _HIDDEN or field.endswith("_unit"):
            continue
        if field == "archived" and entry.action == "insert":
            continue
        label = FIELD_LABELS.get(field, field.replace("_", " ").capitalize())
        old, new = before.get(field), after.get(field)
        unit_changed = before.get(f"{field}_unit") != after.get(f"{field}_unit")
        if entry.action == "insert":
            if new not in (None, ""):
                lines.append(f"{label}: {reader.shown(field, new)}")
        elif old != new or unit_changed:
            old_reader = _Reader(_with_values(entry, before), regimens or {})
            old_text, new_text = old_reader.shown(field, old), reader.shown(field, new)
            if old_text != new_text:  # None and "" both read as nothing
                lines.append(f"{label}: {old_text} → {new_text}")
    return lines


def _with_values(entry: AuditEntry, values: dict) -> AuditEntry:
    """The entry as it stood before the change, so old values read with their old units."""
    return replace(entry, before=None, after=values)


def record_label(entry: AuditEntry) -> str:
    """What was changed, in words: 'Dose 2026-10-13', 'Cycle 2', 'Event: Neutropenia'."""
    values = {**(entry.before or {}), **(entry.after or {})}
    label = TABLE_LABELS.get(entry.table_name, entry.table_name)
    drug = _WORDS["drug"].get(values.get("drug"), "")
    named = {
        "courses": values.get("start_date") and f"Course started {values['start_date']}",
        "cycles": values.get("number") and f"Cycle {values['number']}",
        "level_changes": drug and f"{drug} dose level",
        "dose_records": values.get("date") and f"{drug or label} {values['date']}",
        "labs": values.get("date") and f"Labs {values['date']}",
        "adverse_events": values.get("event_type")
        and f"Event: {event_label(values['event_type'], values.get('term'))}",
        "responses": values.get("assessed_on") and f"Response {values['assessed_on']}",
        "settings": values.get("key") and f"Setting {values['key']}",
    }.get(entry.table_name)
    return named or label


def why_changed(entry: AuditEntry) -> list[str]:
    """The reason given for correcting or withdrawing a saved record, as the last line."""
    return [f"Why: {entry.reason}"] if entry.reason else []


def who(entry: AuditEntry) -> str:
    if entry.staff:
        return f"{entry.staff} ({entry.os_user})"
    return entry.os_user


class AuditTableModel(ReadOnlyTableModel["AuditEntry"]):
    HEADERS = ("When", "Who", "Record", "Action", "Changes")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._changes: dict[int, str] = {}

    def set_entries(
        self, entries: Sequence[AuditEntry], regimens: Mapping[int, Regimen] | None = None
    ) -> None:
        """``regimens``: course id -> regimen, to show dose levels in mg."""
        self.beginResetModel()
        self._rows = list(entries)
        self._changes = {
            entry.id: "\n".join(
                [*describe_changes(entry, regimens), *why_changed(entry)]
            )
            for entry in self._rows
        }
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
                return record_label(entry)
            if column == 3:
                return ACTION_LABELS.get(entry.action, entry.action)
            if column == 4:
                return self._changes[entry.id]
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"{entry.at} (UTC)"
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return f"{entry.table_name} row {entry.row_id}"
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
        store = self.context.store
        regimens = {
            course.id: regimen
            for course in queries.courses_of(store, self.patient_id)
            if (regimen := _regimen(course.regimen_id)) is not None
        }
        self.model.set_entries(queries.audit_of_patient(store, self.patient_id), regimens)
