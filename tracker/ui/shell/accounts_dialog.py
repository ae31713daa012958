"""File > Accounts… (administrators): the staff accounts, their roles, and the idle lock.

Every change goes through the storage's account operations, which check the role, audit it
and keep the key slots beside the file in step; a refusal is shown and nothing changes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tracker.storage import account_admin
from tracker.storage.access_settings import (
    MAX_IDLE_LOCK_MINUTES,
    idle_lock_minutes,
    set_idle_lock_minutes,
)
from tracker.storage.accounts import Account
from tracker.storage.roles import ROLE_TITLES, ROLES
from tracker.ui.common.context import AppContext

COLUMNS = ("User", "Name", "Role", "Status")


class AccountsDialog(QDialog):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("accountsDialog")
        self.setWindowTitle("Staff accounts")
        self.context = context
        self.accounts: list[Account] = []
        intro = QLabel(
            "Each person signs in with an account of their own. Administrators manage accounts "
            "and settings; clinicians make treatment decisions; nurses record doses, labs and "
            "events; viewers read and print. Disabling an account keeps its name in the audit "
            "log and its password opens nothing.",
            objectName="accountsIntro",
        )
        intro.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), objectName="accountsTable")
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.add_button = QPushButton("&Add…", objectName="addAccountButton")
        self.role_button = QPushButton("&Role…", objectName="accountRoleButton")
        self.password_button = QPushButton("Set &password…", objectName="accountPasswordButton")
        self.disable_button = QPushButton("&Disable", objectName="disableAccountButton")
        self.enable_button = QPushButton("&Enable…", objectName="enableAccountButton")
        self.add_button.clicked.connect(self.ask_add)
        self.role_button.clicked.connect(self.ask_role)
        self.password_button.clicked.connect(self.ask_password)
        self.disable_button.clicked.connect(lambda: self.disable(self.selected()))
        self.enable_button.clicked.connect(self.ask_enable)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        row = QHBoxLayout()
        for button in (
            self.add_button,
            self.role_button,
            self.password_button,
            self.disable_button,
            self.enable_button,
        ):
            row.addWidget(button)
        row.addStretch(1)
        self.idle_spin = QSpinBox(objectName="idleLockSpin")
        self.idle_spin.setRange(1, MAX_IDLE_LOCK_MINUTES)
        self.idle_spin.setSuffix(" minutes")
        idle_save = QPushButton("Sa&ve", objectName="saveIdleLockButton")
        idle_save.clicked.connect(lambda: self.save_idle_minutes(self.idle_spin.value()))
        idle_row = QHBoxLayout()
        idle_row.addWidget(QLabel("Lock an idle window after"))
        idle_row.addWidget(self.idle_spin)
        idle_row.addWidget(idle_save)
        idle_row.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addLayout(row)
        layout.addLayout(idle_row)
        layout.addWidget(close)
        self.resize(640, 420)
        self.reload()

    # --- reading --------------------------------------------------------------------------

    def reload(self) -> None:
        store = self.context.store
        listed = self.context.run(account_admin.list_accounts, parent=self)
        self.accounts = listed or []
        self.table.setRowCount(len(self.accounts))
        for row, account in enumerate(self.accounts):
            cells = (
                account.name,
                account.full_name,
                account.role_title,
                "disabled" if account.disabled else "enabled",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if account.disabled:
                    item.setForeground(Qt.GlobalColor.gray)
                self.table.setItem(row, column, item)
        self.table.resizeColumnToContents(0)
        self.idle_spin.setValue(idle_lock_minutes(store))
        self._update_buttons()

    def selected(self) -> Account | None:
        rows = self.table.selectionModel().selectedRows()
        return self.accounts[rows[0].row()] if rows else None

    def select(self, name: str) -> None:
        for row, account in enumerate(self.accounts):
            if account.name == name:
                self.table.selectRow(row)

    def _update_buttons(self) -> None:
        account = self.selected()
        for button in (self.role_button, self.password_button):
            button.setEnabled(account is not None and not account.disabled)
        self.disable_button.setEnabled(account is not None and not account.disabled)
        self.enable_button.setEnabled(account is not None and account.disabled)

    # --- changes (the buttons ask, then call these) ---------------------------------------

    def add(self, name: str, role: str, password: str, full_name: str = "") -> bool:
        added = self.context.run(
            account_admin.add_account, name, role, password, full_name, parent=self
        )
        return self._done(added)

    def set_role(self, account: Account | None, role: str) -> bool:
        if account is None:
            return False
        return self._done(self.context.run(account_admin.set_role, account.name, role, parent=self))

    def set_password(self, account: Account | None, password: str) -> bool:
        if account is None:
            return False
        changed = self.context.run(
            account_admin.set_password, account.name, password, parent=self
        )
        return self._done(changed)

    def disable(self, account: Account | None) -> bool:
        if account is None:
            return False
        done = self.context.run(account_admin.disable_account, account.name, parent=self)
        return self._done(done)

    def enable(self, account: Account | None, password: str) -> bool:
        if account is None:
            return False
        done = self.context.run(account_admin.enable_account, account.name, password, parent=self)
        return self._done(done)

    def save_idle_minutes(self, minutes: int) -> bool:
        return self.context.run(set_idle_lock_minutes, minutes, parent=self) is not None

    def _done(self, result: object) -> bool:
        chosen = self.selected()
        self.reload()
        if isinstance(result, Account):
            self.select(result.name)
        elif chosen is not None:
            self.select(chosen.name)
        return result is not None

    # --- asking ---------------------------------------------------------------------------

    def ask_add(self) -> None:
        form = AccountForm("Add an account", parent=self, new=True)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.add(form.user_edit.text(), form.role(), form.password(), form.full_name())

    def ask_role(self) -> None:
        account = self.selected()
        if account is None:
            return
        form = AccountForm(f"Role of {account.name}", parent=self, role=account.role)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.set_role(account, form.role())

    def ask_password(self) -> None:
        account = self.selected()
        if account is None:
            return
        form = AccountForm(f"New password for {account.name}", parent=self, password=True)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.set_password(account, form.password())

    def ask_enable(self) -> None:
        account = self.selected()
        if account is None:
            return
        form = AccountForm(f"Enable {account.name}", parent=self, password=True)
        if form.exec() == QDialog.DialogCode.Accepted:
            self.enable(account, form.password())


class AccountForm(QDialog):
    """A new account (``new``), a role (``role``) or a new password (``password``)."""

    def __init__(
        self,
        title: str,
        *,
        parent: QWidget | None = None,
        new: bool = False,
        role: str | None = None,
        password: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("accountForm")
        self.setWindowTitle(title)
        self.user_edit = QLineEdit(objectName="accountUserEdit")
        self.full_name_edit = QLineEdit(objectName="accountFullNameEdit")
        self.role_combo = QComboBox(objectName="accountRoleCombo")
        for key in ROLES:
            self.role_combo.addItem(ROLE_TITLES[key], key)
        self.role_combo.setCurrentIndex(ROLES.index(role or "nurse"))
        self.password_edit = QLineEdit(objectName="accountPasswordEdit")
        self.again_edit = QLineEdit(objectName="accountPasswordAgainEdit")
        for box in (self.password_edit, self.again_edit):
            box.setEchoMode(QLineEdit.EchoMode.Password)
        self.problem = QLabel(objectName="accountFormProblem")
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.hide()
        form = QFormLayout()
        if new:
            form.addRow("&User name", self.user_edit)
            form.addRow("&Full name", self.full_name_edit)
        if new or role is not None:
            form.addRow("&Role", self.role_combo)
        self._asks_password = new or password
        if self._asks_password:
            form.addRow("&Password", self.password_edit)
            form.addRow("Password &again", self.again_edit)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.setMinimumWidth(380)

    def role(self) -> str:
        return self.role_combo.currentData()

    def password(self) -> str:
        return self.password_edit.text()

    def full_name(self) -> str:
        return self.full_name_edit.text().strip()

    def accept(self) -> None:
        if self._asks_password and self.password_edit.text() != self.again_edit.text():
            self.problem.setText("The two passwords differ.")
            self.problem.show()
            return
        super().accept()
