"""Signing in: to open an encrypted database, to switch user, to unlock a locked window.

One dialog, given what a sign-in attempt does; a wrong password says so in the dialog and
is counted by the storage (five in a row lock the account for five minutes).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.storage.access_errors import AccountLockedError, SignInError
from tracker.storage.accounts import sign_in
from tracker.storage.database import Store
from tracker.storage.errors import StorageError
from tracker.ui.common.context import as_sentence
from tracker.ui.common.settings import APPLICATION

Attempt = Callable[[str, str], Any]


class SignInDialog(QDialog):
    """User name and password; ``attempt(name, password)`` decides. ``value`` holds what the
    accepted attempt returned."""

    def __init__(
        self,
        attempt: Attempt,
        *,
        title: str,
        intro: str,
        user: str = "",
        user_fixed: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("signInDialog")
        self.setWindowTitle(title)
        self._attempt = attempt
        self.value: Any = None
        heading = QLabel(f"<b>{APPLICATION}</b>", objectName="signInHeading")
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.intro = QLabel(intro, objectName="signInIntro")
        self.intro.setWordWrap(True)
        self.user_edit = QLineEdit(user, objectName="signInUserEdit")
        self.user_edit.setReadOnly(user_fixed)
        self.user_edit.setPlaceholderText("user name")
        self.password_edit = QLineEdit(objectName="signInPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password")
        self.problem = QLabel(objectName="signInProblem")
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        form.addRow("&User", self.user_edit)
        form.addRow("&Password", self.password_edit)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.sign_in_button.setText("&Sign in")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(400)
        (self.password_edit if user else self.user_edit).setFocus()

    @property
    def sign_in_button(self):
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def accept(self) -> None:
        name, password = self.user_edit.text().strip(), self.password_edit.text()
        if not name:
            self._say("Type your user name.")
            self.user_edit.setFocus()
            return
        try:
            self.value = self._attempt(name, password)
        except AccountLockedError as error:
            self._say(str(error))
            self.password_edit.clear()
            return
        except SignInError as error:
            self._say(str(error))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        except StorageError as error:
            self._say(str(error))
            return
        self.password_edit.clear()
        super().accept()

    def _say(self, message: str) -> None:
        self.problem.setText(as_sentence(message) + ("" if message.endswith(".") else "."))
        self.problem.show()


def sign_in_dialog(
    path: Path,
    *,
    clock: Callable[[], date] = date.today,
    check_in_background: bool = False,
    read_only: bool = False,
    intro: str | None = None,
    parent: QWidget | None = None,
) -> SignInDialog:
    """The dialog that opens the encrypted database at ``path`` (its ``value``: the store)."""

    def attempt(name: str, password: str) -> Store:
        return sign_in(
            path,
            name,
            password,
            clock=clock,
            check_in_background=check_in_background,
            read_only=read_only,
        )

    return SignInDialog(
        attempt,
        title="Sign in",
        intro=intro or f"{path.name} is encrypted. Sign in with your own account to open it.",
        parent=parent,
    )


def ask_to_sign_in(
    parent: QWidget | None,
    path: Path,
    *,
    clock: Callable[[], date] = date.today,
    check_in_background: bool = False,
    read_only: bool = False,
    intro: str | None = None,
) -> Store | None:
    """Ask for a user and password until they open ``path``; None when cancelled."""
    dialog = sign_in_dialog(
        path,
        clock=clock,
        check_in_background=check_in_background,
        read_only=read_only,
        intro=intro,
        parent=parent,
    )
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.value
