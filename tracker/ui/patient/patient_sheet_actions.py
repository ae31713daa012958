"""The patient screen's cycle sheet commands: print, preview or save one cycle's sheet.

The sheet is that of the cycle picked on the calendar (clicked, or reached with the arrow
keys: see ``CycleCalendar.cursor_cycle``), else the one the patient needs today.
Sheets are built from the patient's current course only (as on the command line), so the
commands are off while an earlier course is shown.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QWidget

from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import read
from tracker.ui.common.settings import AppSettings
from tracker.ui.common.store_state import open_store

if TYPE_CHECKING:
    from PySide6.QtPrintSupport import QPrintPreviewDialog

    from tracker.reports.sheet_model import CycleSheet
    from tracker.storage.database import Store


@dataclass(frozen=True)
class SheetTarget:
    """Whose sheet, and which cycle (None: the cycle the patient needs today)."""

    mrn: str
    cycle: int | None


def load_sheet(store: Store, target: SheetTarget) -> CycleSheet:
    from tracker.reports.sheet_load import load_current_cycle_sheet, load_cycle_sheet

    if target.cycle is None:
        return load_current_cycle_sheet(store, target.mrn, store.today())
    return load_cycle_sheet(store, target.mrn, target.cycle)


@dataclass(frozen=True)
class SheetActions:
    print_sheet: QAction
    preview_sheet: QAction
    save_pdf: QAction

    def all(self) -> list[QAction]:
        return [self.print_sheet, self.preview_sheet, self.save_pdf]


class CycleSheetCommands(QObject):
    """Owns the three sheet actions and carries them out for ``target()``."""

    def __init__(
        self,
        owner: QWidget,
        context: AppContext,
        settings: AppSettings,
        target: Callable[[], SheetTarget | None],
    ) -> None:
        super().__init__(owner)
        self._owner = owner
        self._context = context
        self._settings = settings
        self._target = target
        self.actions = SheetActions(
            print_sheet=self._action("printSheetAction", "Ctrl+P", self.print_sheet),
            preview_sheet=self._action("previewSheetAction", "Ctrl+Shift+P", self.preview_sheet),
            save_pdf=self._action("saveSheetPdfAction", None, self.save_pdf),
        )
        self.preview_dialog: QPrintPreviewDialog | None = None
        self.update(None, available=False)

    def _action(self, name: str, shortcut: str | None, slot: Callable[[], object]) -> QAction:
        made = QAction(self._owner)
        made.setObjectName(name)
        if shortcut:
            made.setShortcut(QKeySequence(shortcut))
        made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        # A slot with a parameter would get triggered's 'checked' flag as its argument.
        made.triggered.connect(lambda _checked=False: slot())
        return made

    def update(self, cycle: int | None, *, available: bool, why_not: str = "") -> None:
        """Name the cycle in the action texts; enable them when a sheet can be made."""
        which = "current cycle" if cycle is None else f"cycle {cycle}"
        texts = {
            self.actions.print_sheet: (f"Pr&int {which} sheet…", f"Print the {which} sheet"),
            self.actions.preview_sheet: (f"Pre&view {which} sheet…", f"Preview the {which} sheet"),
            self.actions.save_pdf: (
                f"Save {which} sheet as P&DF…",
                f"Save the {which} sheet as PDF",
            ),
        }
        for action, (text, purpose) in texts.items():
            action.setText(text)
            action.setEnabled(available)
            shortcut = action.shortcut().toString()
            tip = why_not or purpose + (f" ({shortcut})" if shortcut else "")
            action.setToolTip(tip)
            action.setStatusTip(tip)

    def sheet(self) -> CycleSheet | None:
        """The sheet to print, or None (and a message) when it cannot be made."""
        target = self._target()
        if target is None or open_store(self._context) is None:
            return None
        return read(self._context, load_sheet, target, parent=self._owner)

    def print_sheet(self) -> bool:
        sheet = self.sheet()
        if sheet is None:
            return False
        from tracker.ui.common.sheet_actions import print_sheets

        return print_sheets(self._owner, [sheet], context=self._context)

    def preview_sheet(self) -> QPrintPreviewDialog | None:
        """Open the print preview (window-modal) and return it at once."""
        sheet = self.sheet()
        if sheet is None:
            return None
        from tracker.ui.common.sheet_actions import open_sheet_preview

        self.preview_dialog = open_sheet_preview(self._owner, [sheet], context=self._context)
        return self.preview_dialog

    def save_pdf(self, path: Path | str | None = None) -> Path | None:
        """Save the sheet as a PDF at ``path``, or where the user chooses when it is None."""
        sheet = self.sheet()
        if sheet is None:
            return None
        from tracker.ui.common.sheet_actions import save_sheets_pdf

        return save_sheets_pdf(
            self._owner, [sheet], self._settings, context=self._context, path=path
        )
