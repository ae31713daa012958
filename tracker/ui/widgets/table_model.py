"""The read-only table model the list screens share (a list of rows, one column per title),
and the table view that shows one.

A subclass sets ``HEADERS``, fills ``_rows`` inside a model reset and says in ``row_data`` what
a row shows in each column and role.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QAbstractItemView, QTableView

Index = QModelIndex | QPersistentModelIndex
PATIENT_ID_ROLE = Qt.ItemDataRole.UserRole + 1

Row = TypeVar("Row")


@dataclass(frozen=True)
class Column(Generic[Row]):
    """A sortable column: its title, the text a row shows in it and the key it sorts by."""

    title: str
    text: Callable[[Row], str]
    key: Callable[[Row], Any]


class ReadOnlyTableModel(QAbstractTableModel, Generic[Row]):
    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []

    def row_data(self, row: Row, column: int, role: int) -> Any:
        """What ``row`` shows in ``column`` for ``role``; None for nothing."""
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt signature)
        return 0 if parent.isValid() else len(self.HEADERS)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self.row_data(self._rows[index.row()], index.column(), role)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section] if 0 <= section < len(self.HEADERS) else None
        return super().headerData(section, orientation, role)

    def _rearrange(self, reorder: Callable[[], None]) -> None:
        """Runs ``reorder`` on ``_rows`` with the persistent indexes (selection, current cell)
        following their rows to where they moved."""
        before = list(self._rows)
        reorder()
        rows, self._rows = self._rows, before
        self._show_rows(rows)

    def _show_rows(self, rows: list[Row]) -> None:
        """Show ``rows`` instead of the current ones in one layout change, as a sort does.

        Persistent indexes (selection, current cell) follow their rows to where they are now;
        those of rows no longer shown become invalid. One signal, however many rows come and
        go, where row removals and insertions would have the view relayout once per run.
        """
        self.layoutAboutToBeChanged.emit()
        before = self.persistentIndexList()
        kept = [id(self._rows[index.row()]) for index in before]
        self._rows = rows
        if before:
            # Few rows are held (the current and selected ones): each is found by identity
            # in a list of plain numbers, which compares them without calling Python.
            identities = list(map(id, rows))
            new_row_of = {}
            for identity in set(kept):
                with contextlib.suppress(ValueError):
                    new_row_of[identity] = identities.index(identity)
            self.changePersistentIndexList(
                before,
                [
                    self.index(new_row_of[row], index.column())
                    if row in new_row_of
                    else QModelIndex()
                    for index, row in zip(before, kept, strict=True)
                ],
            )
        self.layoutChanged.emit()


def record_table(model: QAbstractItemModel, object_name: str) -> QTableView:
    """A table showing ``model`` read-only, selected by whole rows, without row numbers."""
    table = QTableView(objectName=object_name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    return table


def open_on_enter(table: QTableView, open_selected: Callable[[], None]) -> None:
    """Return and Enter in ``table`` call ``open_selected``, the keyboard's double-click."""
    for key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        enter = QShortcut(QKeySequence(key), table, open_selected)
        enter.setContext(Qt.ShortcutContext.WidgetShortcut)
