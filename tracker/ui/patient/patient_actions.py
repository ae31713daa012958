"""The patient screen's commands and its toolbar.

The commands are exposed (``PatientActions``) so a main window can put them in its menus;
each carries its shortcut, which works anywhere on the screen.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QToolBar, QToolButton, QWidget

from tracker.ui.patient.patient_sheet_actions import SheetActions

Slot = Callable[[], object]


@dataclass(frozen=True)
class PatientActions:
    """The patient screen's commands, exposed so a main window can put them in its menus."""

    start_course: QAction
    next_cycle: QAction
    reduce_dose: QAction
    record_labs: QAction
    log_event: QAction
    record_response: QAction
    end_course: QAction
    pregnancy_prevention: QAction

    def all(self) -> list[QAction]:
        return [
            self.start_course,
            self.next_cycle,
            self.reduce_dose,
            self.record_labs,
            self.log_event,
            self.pregnancy_prevention,
            self.record_response,
            self.end_course,
        ]


@dataclass(frozen=True)
class PatientSlots:
    """What each command calls."""

    start_course: Slot
    next_cycle: Slot
    reduce_dose: Slot
    record_labs: Slot
    log_event: Slot
    record_response: Slot
    end_course: Slot
    pregnancy_prevention: Slot


def create_patient_actions(owner: QWidget, slots: PatientSlots) -> PatientActions:
    """The commands, owned by ``owner``, their shortcuts working anywhere inside it."""

    def action(name: str, text: str, shortcut: str, slot: Slot) -> QAction:
        made = QAction(text, owner)
        made.setObjectName(name)
        made.setShortcut(QKeySequence(shortcut))
        made.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        made.setToolTip(f"{text.replace('&', '').rstrip('…')} ({shortcut})")
        # A slot with a parameter would get triggered's 'checked' flag as its argument.
        made.triggered.connect(lambda _checked=False: slot())
        owner.addAction(made)
        return made

    return PatientActions(
        start_course=action(
            "startCourseAction", "&Start course…", "Ctrl+Shift+S", slots.start_course
        ),
        next_cycle=action("nextCycleAction", "Ne&xt cycle…", "Ctrl+Shift+N", slots.next_cycle),
        reduce_dose=action("reduceDoseAction", "&Reduce dose…", "Ctrl+Shift+D", slots.reduce_dose),
        record_labs=action("recordLabsAction", "Record &labs…", "Ctrl+L", slots.record_labs),
        log_event=action("logEventAction", "Log &event…", "Ctrl+E", slots.log_event),
        record_response=action(
            "recordResponseAction", "Res&ponse…", "Ctrl+Shift+R", slots.record_response
        ),
        end_course=action("endCourseAction", "E&nd course…", "Ctrl+Shift+E", slots.end_course),
        pregnancy_prevention=_with_tip(
            action("remsAction", "RE&MS…", "Ctrl+Shift+G", slots.pregnancy_prevention),
            "Pregnancy prevention (Lenalidomide REMS): pregnancy tests, contraception, a missed "
            "period, authorizations (Ctrl+Shift+G)",
        ),
    )


def _with_tip(action: QAction, tip: str) -> QAction:
    action.setToolTip(tip)
    return action


def sheet_button(sheets: SheetActions) -> QToolButton:
    """One button for the cycle sheet: a click prints, its menu previews or saves."""
    button = QToolButton(objectName="sheetButton")
    button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    menu = QMenu(button)
    menu.addActions(sheets.all())
    button.setMenu(menu)
    button.setDefaultAction(sheets.print_sheet)
    return button


def patient_toolbar(owner: QWidget, actions: PatientActions, sheets: SheetActions) -> QToolBar:
    """The commands, then the sheet button; the sheet shortcuts work anywhere in ``owner``."""
    toolbar = QToolBar(objectName="patientToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    toolbar.addActions(actions.all())
    owner.addActions(sheets.all())
    toolbar.addSeparator()
    toolbar.addWidget(sheet_button(sheets))
    return toolbar
