"""The patient list as a Qt table model, and the proxy that filters it as the user types.

All patients are read in one query and kept as plain tuples; filtering and sorting happen in
memory, so ten thousand patients stay instant to search.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, QSortFilterProxyModel, Qt

from tracker.storage.records import Patient
from tracker.ui.table_model import PATIENT_ID_ROLE, Column, Index, ReadOnlyTableModel

SEARCH_TEXT_ROLE = Qt.ItemDataRole.UserRole + 2
SORT_KEY_ROLE = Qt.ItemDataRole.UserRole + 3

_SEX_LABELS = {"F": "Female", "M": "Male"}


@dataclass(frozen=True)
class PatientRow:
    id: int
    mrn: str
    name: str
    date_of_birth: date | None
    sex: str | None
    weight_kg: float | None
    on_dialysis: bool
    search_text: str

    @classmethod
    def from_patient(cls, patient: Patient) -> PatientRow:
        return cls(
            id=patient.id,
            mrn=patient.mrn,
            name=patient.name,
            date_of_birth=patient.date_of_birth,
            sex=patient.sex,
            weight_kg=patient.weight_kg,
            on_dialysis=bool(patient.on_dialysis),
            search_text=f"{patient.mrn}\n{patient.name}".casefold(),
        )


def _birth_text(row: PatientRow) -> str:
    return row.date_of_birth.isoformat() if row.date_of_birth else ""


def _weight_text(row: PatientRow) -> str:
    return f"{row.weight_kg:g} kg" if row.weight_kg is not None else ""


COLUMNS: tuple[Column[PatientRow], ...] = (
    Column("MRN", lambda row: row.mrn, lambda row: row.mrn.casefold()),
    Column("Name", lambda row: row.name, lambda row: row.name.casefold()),
    Column("Date of birth", _birth_text, lambda row: row.date_of_birth or date.min),
    Column("Sex", lambda row: _SEX_LABELS.get(row.sex or "", ""), lambda row: row.sex or ""),
    Column(
        "Weight",
        _weight_text,
        lambda row: row.weight_kg if row.weight_kg is not None else -1.0,
    ),
    Column("Dialysis", lambda row: "yes" if row.on_dialysis else "", lambda row: row.on_dialysis),
)
MRN_COLUMN, NAME_COLUMN = 0, 1


class PatientsModel(ReadOnlyTableModel[PatientRow]):
    """Read-only rows of patients; ``set_patients`` swaps the whole list in one reset."""

    HEADERS = tuple(column.title for column in COLUMNS)

    def set_patients(self, patients: list[Patient]) -> None:
        self.beginResetModel()
        self._rows = [PatientRow.from_patient(patient) for patient in patients]
        self.endResetModel()

    def row_at(self, row: int) -> PatientRow:
        return self._rows[row]

    def row_of_patient(self, patient_id: int) -> int | None:
        for number, row in enumerate(self._rows):
            if row.id == patient_id:
                return number
        return None

    def row_data(self, row: PatientRow, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[column].text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.name} ({row.mrn}) — double-click to open"
        if role == PATIENT_ID_ROLE:
            return row.id
        if role == SEARCH_TEXT_ROLE:
            return row.search_text
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort in Python with precomputed keys: one key per row, not one call per comparison."""
        if not 0 <= column < len(COLUMNS):
            return
        key = COLUMNS[column].key
        self._rearrange(
            lambda: self._rows.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        )


class PatientsFilter(QSortFilterProxyModel):
    """Keeps rows whose MRN or name contains every word of the search text (any case).

    Sorting is handed to the source model, which sorts its list once in Python; sorting in the
    proxy would call back into Python for every comparison.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""
        self._words: list[str] = []
        self.setFilterRole(SEARCH_TEXT_ROLE)

    def set_search(self, text: str) -> None:
        needle = " ".join(text.split()).casefold()
        if needle == self._needle:
            return
        self.beginFilterChange()
        self._needle = needle
        self._words = needle.split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    @property
    def search(self) -> str:
        return self._needle

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        if isinstance(model, PatientsModel):
            text = model.row_at(source_row).search_text
            return all(word in text for word in self._words)
        return super().filterAcceptsRow(source_row, source_parent)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        model = self.sourceModel()
        if model is not None:
            model.sort(column, order)

    def patient_id_at(self, index: QModelIndex) -> int | None:
        if not index.isValid():
            return None
        return self.data(index, PATIENT_ID_ROLE)
