"""The electronic signature prompt: the password again, before a signed change.

21 CFR Part 11 §11.200(a)(1): the first signing of a continuous session takes every part of
the signature (user name and password), later ones at least the password. A session here
runs from signing in to switching user or the window locking (``forget_signings``).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

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
from tracker.storage.database import Store
from tracker.storage.errors import StorageError
from tracker.storage.roles import has_accounts
from tracker.storage.signatures import Signature, sign
from tracker.ui.common.context import AppContext

# The stores whose signed-in account has signed once in this session.
_signed_once: WeakKeyDictionary[Store, str] = WeakKeyDictionary()


class NotSigned(Exception):
    """The signature was cancelled: nothing is to be changed."""


def forget_signings(store: Store | None) -> None:
    """The session ends (another user, the window locked): the next signing takes all."""
    if store is not None:
        _signed_once.pop(store, None)


def first_signing(store: Store) -> bool:
    return store.account is None or _signed_once.get(store) != store.account.name


class SignatureDialog(QDialog):
    """Asks the signer's password (and at a session's first signing, the user name)."""

    def __init__(self, store: Store, meaning: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("signatureDialog")
        self.setWindowTitle("Electronic signature")
        self.store = store
        self.meaning = meaning
        self.signature: Signature | None = None
        account = store.account
        name = account.name if account is not None else ""
        intro = QLabel(
            f"<b>Sign: {meaning}</b><br>Your signature, with this meaning, the time and your "
            "name, is kept with the change in the audit log. It counts as your handwritten "
            "signature (21 CFR Part 11).",
            objectName="signatureMeaning",
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.user_edit = QLineEdit(objectName="signatureUserEdit")
        self.user_edit.setPlaceholderText("your user name")
        self.password_edit = QLineEdit(objectName="signaturePasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel(objectName="signatureProblem")
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        if first_signing(store):
            form.addRow("&User name", self.user_edit)
        else:
            self.user_edit.setText(name)
            self.user_edit.hide()
            form.addRow("Signer", QLabel(account.shown_name if account else name))
        form.addRow("&Password", self.password_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Sign")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.user_edit if self.user_edit.isVisibleTo(self) else self.password_edit).setFocus()

    def accept(self) -> None:
        try:
            self.signature = sign(
                self.store, self.user_edit.text(), self.password_edit.text(), self.meaning
            )
        except AccountLockedError as error:
            self._say(str(error))
            self.password_edit.setEnabled(False)
            return
        except SignInError as error:
            self._say(str(error))
            self.password_edit.clear()
            self.password_edit.setFocus()
            return
        except StorageError as error:
            self._say(str(error))
            return
        _signed_once[self.store] = self.signature.signer
        super().accept()

    def _say(self, message: str) -> None:
        self.problem.setText(message[:1].upper() + message[1:])
        self.problem.show()


def ask_signature(context: AppContext, parent: QWidget | None, meaning: str) -> Signature | None:
    """The signer's signature meaning ``meaning``; None where none is needed (a database
    without accounts). Raises NotSigned when the signer cancels."""
    store = context.store
    if store.account is None and not has_accounts(store):
        return None
    dialog = SignatureDialog(store, meaning, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.signature is None:
        raise NotSigned(meaning)
    return dialog.signature
