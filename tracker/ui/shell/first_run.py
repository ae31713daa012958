"""A new encrypted database (first run, File > New database…, or encrypting a plaintext
one): the clinic's name and its first administrator; then the recovery key, shown once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication, QTextDocument
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.storage.accounts import MIN_PASSWORD_LENGTH
from tracker.storage.errors import StorageError
from tracker.ui.common.context import as_sentence
from tracker.ui.common.settings import APPLICATION


@dataclass(frozen=True)
class FirstAdmin:
    """What the form asks: the clinic, and who administers the database."""

    clinic_name: str
    name: str
    full_name: str
    password: str


class NewDatabaseDialog(QDialog):
    """The clinic's name (unless ``ask_clinic`` is False) and the first administrator;
    ``create(FirstAdmin)`` does the work, and its result is kept in ``value``."""

    def __init__(
        self,
        create: Callable[[FirstAdmin], Any],
        *,
        title: str,
        intro: str,
        ask_clinic: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("newDatabaseDialog")
        self.setWindowTitle(title)
        self._create = create
        self.value: Any = None
        heading = QLabel(f"<b>{APPLICATION}</b>", objectName="newDatabaseHeading")
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.intro = QLabel(intro, objectName="newDatabaseIntro")
        self.intro.setWordWrap(True)
        self.clinic_edit = QLineEdit(objectName="clinicNameEdit")
        self.clinic_edit.setPlaceholderText("printed on the cycle sheets")
        self.user_edit = QLineEdit(objectName="adminUserEdit")
        self.user_edit.setPlaceholderText("e.g. jdoe")
        self.full_name_edit = QLineEdit(objectName="adminFullNameEdit")
        self.full_name_edit.setPlaceholderText("e.g. Dr Jane Doe")
        self.password_edit = _password_box("adminPasswordEdit")
        self.password_edit.setPlaceholderText(f"at least {MIN_PASSWORD_LENGTH} characters")
        self.again_edit = _password_box("adminPasswordAgainEdit")
        self.problem = QLabel(objectName="newDatabaseProblem")
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        form = QFormLayout()
        if ask_clinic:
            form.addRow("&Clinic name", self.clinic_edit)
        form.addRow("Administrator's &user name", self.user_edit)
        form.addRow("&Full name", self.full_name_edit)
        form.addRow("&Password", self.password_edit)
        form.addRow("Password &again", self.again_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.create_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.create_button.setText("&Create")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.intro)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)
        (self.clinic_edit if ask_clinic else self.user_edit).setFocus()

    def answers(self) -> FirstAdmin:
        return FirstAdmin(
            clinic_name=self.clinic_edit.text().strip(),
            name=self.user_edit.text().strip(),
            full_name=self.full_name_edit.text().strip(),
            password=self.password_edit.text(),
        )

    def accept(self) -> None:
        if self.password_edit.text() != self.again_edit.text():
            self._say("The two passwords differ.")
            self.again_edit.clear()
            self.again_edit.setFocus()
            return
        try:
            self.value = self._create(self.answers())
        except StorageError as error:
            self._say(as_sentence(str(error)) + ".")
            return
        self.password_edit.clear()
        self.again_edit.clear()
        super().accept()

    def _say(self, message: str) -> None:
        self.problem.setText(message)
        self.problem.show()


def _password_box(name: str) -> QLineEdit:
    box = QLineEdit(objectName=name)
    box.setEchoMode(QLineEdit.EchoMode.Password)
    return box


FIRST_RUN_INTRO = (
    "Welcome. The clinic's records are kept in one encrypted database on this computer; "
    "only staff signed in with their own account can open it. Create the first "
    "administrator now: the administrator adds the clinicians, nurses and viewers."
)
NEW_DATABASE_INTRO = (
    "The new database is encrypted; only staff signed in with their own account can open it. "
    "Create its first administrator."
)
ENCRYPT_INTRO = (
    "Anyone who can read this database file can read every record in it. Encrypting it "
    "takes a backup first (kept, not encrypted: delete it once you no longer need it), then "
    "makes the file readable only by staff who sign in. Create its first administrator; "
    "you are signed in as them afterwards."
)


class RecoveryKeyDialog(QDialog):
    """The recovery key, shown once: print it or write it down before going on."""

    def __init__(self, recovery_key: str, database_name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("recoveryKeyDialog")
        self.setWindowTitle("Recovery key")
        self.recovery_key = recovery_key
        self.database_name = database_name
        # Replaced by tests; shows the print dialog otherwise.
        self.print_key: Callable[[QTextDocument], bool] = _print_document
        explanation = QLabel(
            f"This is the recovery key of <b>{database_name}</b>. It opens the database when "
            "every administrator's password is lost (<tt>tracker user passwd NAME "
            "--recovery-key</tt>). It is shown only now: print it or write it down, and keep "
            "it locked away, apart from this computer.",
            objectName="recoveryExplanation",
        )
        explanation.setWordWrap(True)
        explanation.setTextFormat(Qt.TextFormat.RichText)
        self.key_label = QLabel(recovery_key, objectName="recoveryKeyLabel")
        font = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setWeight(QFont.Weight.Bold)
        self.key_label.setFont(font)
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setStyleSheet("padding: 12px; border: 1px solid #888; background: #fff;")
        print_button = QPushButton("&Print…", objectName="printRecoveryKeyButton")
        print_button.clicked.connect(self.print)
        copy_button = QPushButton("&Copy", objectName="copyRecoveryKeyButton")
        copy_button.clicked.connect(self.copy)
        self.kept_check = QCheckBox(
            "I have printed or written down the recovery key", objectName="recoveryKeptCheck"
        )
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok)
        self.continue_button = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.continue_button.setText("C&ontinue")
        self.continue_button.setEnabled(False)
        self.kept_check.toggled.connect(self.continue_button.setEnabled)
        buttons.accepted.connect(self.accept)
        row = QHBoxLayout()
        row.addWidget(print_button)
        row.addWidget(copy_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(self.key_label)
        layout.addLayout(row)
        layout.addWidget(self.kept_check)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

    def document(self) -> QTextDocument:
        document = QTextDocument()
        document.setHtml(
            f"<h2>{APPLICATION}: recovery key</h2><p>Database: {self.database_name}</p>"
            f"<p style='font-family: monospace; font-size: 20pt'><b>{self.recovery_key}</b></p>"
            "<p>It opens the database when every administrator's password is lost. Keep it "
            "locked away, apart from the computer.</p>"
        )
        return document

    def print(self) -> None:
        if self.print_key(self.document()):
            self.kept_check.setChecked(True)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.recovery_key)

    def reject(self) -> None:
        # Closing the window (Escape) must not skip the one chance to keep the key.
        if self.kept_check.isChecked():
            super().reject()


def _print_document(document: QTextDocument) -> bool:
    from PySide6.QtPrintSupport import QPrintDialog, QPrinter

    printer = QPrinter()
    dialog = QPrintDialog(printer)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    document.print_(printer)
    return True
