"""What the signed-in account's role may do, shown on screen: commands it may not use are
hidden (their shortcuts with them). The storage operations refuse them all the same; this
keeps a viewer or a nurse from being offered what would be refused.

Commands are known by their object names, wherever they live: the main window's actions,
the patient screen's, the buttons of the Patients and events screens, the day menu's.
"""

from __future__ import annotations

import re

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton

from tracker.storage.roles import (
    BACKUP,
    CHANGE_SETTINGS,
    DECIDE_TREATMENT,
    EXPORT,
    MANAGE_ACCOUNTS,
    RECORD_CARE,
    RESTORE,
    Permission,
    allows,
)
from tracker.ui.common.context import AppContext

COMMAND_PERMISSIONS: dict[str, Permission] = {
    # main window
    "newPatientAction": RECORD_CARE,
    "backupAction": BACKUP,
    "preferencesAction": CHANGE_SETTINGS,
    "accountsAction": MANAGE_ACCOUNTS,
    "exportAction": EXPORT,
    "restoreAction": RESTORE,
    # patient screen
    "startCourseAction": DECIDE_TREATMENT,
    "nextCycleAction": DECIDE_TREATMENT,
    "reduceDoseAction": DECIDE_TREATMENT,
    "recordLabsAction": RECORD_CARE,
    "logEventAction": RECORD_CARE,
    "recordResponseAction": DECIDE_TREATMENT,
    "endCourseAction": DECIDE_TREATMENT,
    "logEventButton": RECORD_CARE,
    "editEventButton": RECORD_CARE,
    # Patients screen
    "newPatientButton": RECORD_CARE,
    "editPatientButton": RECORD_CARE,
    "archivePatientButton": DECIDE_TREATMENT,
    # the day menu
    "interrupt": DECIDE_TREATMENT,
    "resume": DECIDE_TREATMENT,
}
_DOSE_COMMAND = re.compile(r"(lenalidomide|dexamethasone|both)-(taken|missed|clear)")
_HIDDEN_BY_ROLE = "hiddenByRole"


def permission_of(name: str) -> Permission | None:
    """The permission the command called ``name`` needs, or None (anyone may)."""
    if _DOSE_COMMAND.fullmatch(name):
        return RECORD_CARE
    return COMMAND_PERMISSIONS.get(name)


def may(context: AppContext, permission: Permission) -> bool:
    """Whether the open database's signed-in account may (True without a database: other
    rules then disable what needs one)."""
    return not context.has_store or allows(context.store, permission)


def show_what_the_role_may_do(root: QObject, context: AppContext) -> None:
    """Hide the commands under ``root`` that the signed-in account may not use, and show
    again those hidden for a role before (never one hidden for another reason)."""
    commands = [*root.findChildren(QAction), *root.findChildren(QAbstractButton)]
    if isinstance(root, QAction | QAbstractButton):
        commands.append(root)
    for command in commands:
        permission = permission_of(command.objectName())
        if permission is None:
            continue
        allowed = may(context, permission)
        if not allowed:
            if not _hidden(command):
                command.setProperty(_HIDDEN_BY_ROLE, True)
                command.setVisible(False)
        elif command.property(_HIDDEN_BY_ROLE):
            command.setProperty(_HIDDEN_BY_ROLE, False)
            command.setVisible(True)


def _hidden(command: QAction | QAbstractButton) -> bool:
    """Hidden on purpose (a button of a screen not shown yet is not hidden)."""
    return command.isHidden() if isinstance(command, QAbstractButton) else not command.isVisible()
