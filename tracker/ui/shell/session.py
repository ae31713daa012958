"""Who is signed in to the window's database, and what follows from it.

On a database with staff accounts the signed-in account replaces staff initials: the status
bar names it, the File menu gains Restore backup…, Export tables…, Accounts…, Switch user…
and Lock, what the role may not do is hidden, and the window locks when left idle. A
plaintext database (no accounts) works as before, with an offer to encrypt it in the status
bar.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QLabel, QMenu, QToolButton, QWidget

from tracker.storage.access_errors import SignInRequiredError
from tracker.storage.access_settings import idle_lock_minutes
from tracker.storage.accounts import (
    PASSWORD_VARIABLE,
    USER_VARIABLE,
    sign_in,
    switch_account,
    verify_password,
)
from tracker.storage.connections import is_encrypted
from tracker.storage.database import Store
from tracker.storage.errors import StorageError
from tracker.storage.roles import has_accounts
from tracker.ui.common.role_access import show_what_the_role_may_do
from tracker.ui.common.signature_prompt import forget_signings
from tracker.ui.common.store_state import open_store
from tracker.ui.shell import database_files_actions
from tracker.ui.shell.idle_lock import IdleWatcher, LockScreen
from tracker.ui.shell.sign_in import SignInDialog, ask_to_sign_in

if TYPE_CHECKING:
    from tracker.ui.shell.main_window import MainWindow

MINUTE_MS = 60_000
SignInAsker = Callable[..., Store | None]


class Session(QObject):
    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.context = window.context
        # Replaced by tests, and by the smoke test's credentials (``preset``).
        self.ask_sign_in: SignInAsker = ask_to_sign_in
        self.preset: tuple[str, str] | None = None
        # False for a start that must ask nothing (the smoke test): no sign-in dialog then.
        self.interactive = True
        self.files = database_files_actions.DatabaseFiles(self)
        self.actions = self._make_actions()
        self._in_menu = False
        self.account_label = QLabel(objectName="accountLabel")
        self.encrypt_button = QToolButton(objectName="encryptButton")
        self.encrypt_button.setText("Not encrypted: Encrypt…")
        self.encrypt_button.setToolTip(
            "Anyone who can read this file reads every record: encrypt it and create its "
            "first administrator"
        )
        self.encrypt_button.setStyleSheet("color: #8a4b00; font-weight: bold;")
        self.encrypt_button.clicked.connect(self.files.encrypt_open_database)
        window.statusBar().addPermanentWidget(self.account_label)
        window.statusBar().addPermanentWidget(self.encrypt_button)
        self.idle = IdleWatcher(self)
        self.idle.idle.connect(self.lock)
        self.lock_screen: LockScreen | None = None
        self._before_lock: QWidget | None = None
        self._hidden_dialogs: list[QDialog] = []
        window.stack.currentChanged.connect(self.show_role)
        window.patient_menu.aboutToShow.connect(self.show_role)

    def _make_actions(self) -> dict[str, QAction]:
        made: dict[str, QAction] = {}
        for name, text, tip, slot, keys in (
            ("restoreAction", "&Restore backup…", "Replace the database with a backup (signed)",
             self.files.restore_backup, None),
            ("exportAction", "E&xport tables as CSV…", "Every table as an unencrypted CSV file",
             self.files.export_tables, None),
            ("accountsAction", "&Accounts…", "Staff accounts, roles and the idle lock",
             self.files.manage_accounts, None),
            ("switchUserAction", "S&witch user…", "Sign in as someone else", self.switch_user,
             None),
            ("lockAction", "&Lock", "Hide every record until the password is typed again",
             self.lock, "Ctrl+Shift+L"),
        ):
            action = QAction(text, self.window)
            action.setObjectName(name)
            action.setStatusTip(tip)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _checked=False, call=slot: call())
            made[name] = action
        return made

    # --- state ----------------------------------------------------------------------------

    @property
    def store(self) -> Store | None:
        return open_store(self.context)

    @property
    def has_accounts(self) -> bool:
        store = self.store
        return store is not None and (store.account is not None or has_accounts(store))

    @property
    def locked(self) -> bool:
        return self._before_lock is not None

    def store_replaced(self) -> None:
        store = self.store
        accounts = self.has_accounts
        self._set_menu(accounts)
        self.window.commands.set_staff.setVisible(not accounts)
        self.window.findChild(QLabel, "staffLabel").setVisible(not accounts)
        self.account_label.setVisible(accounts)
        # Offered for a plaintext file of this workstation: not for a server, nor for a file
        # open only to read (a server's downtime copy among them).
        self.encrypt_button.setVisible(
            store is not None
            and not store.is_server
            and not store.read_only
            and not is_encrypted(store.path)
        )
        if store is not None and store.account is not None:
            account = store.account
            self.account_label.setText(f"Signed in: {account.shown_name}, {account.role_title}")
        self.show_role()
        if accounts and store is not None:
            self.idle.start(idle_lock_minutes(store) * MINUTE_MS)
        else:
            self.idle.stop()

    def show_role(self, *_args: object) -> None:
        show_what_the_role_may_do(self.window, self.context)
        for action in self.actions.values():
            show_what_the_role_may_do(action, self.context)

    def _set_menu(self, accounts: bool) -> None:
        for action in self.actions.values():
            # Without accounts these are not offered at all (nor their shortcuts).
            action.setVisible(accounts)
            action.setEnabled(accounts)
        if accounts == self._in_menu:
            return
        file_menu = self.window.menuBar().findChild(QMenu, "fileMenu")
        commands = self.window.commands
        after_backup = [self.actions["restoreAction"], self.actions["exportAction"]]
        after_settings = [
            self.actions[name] for name in ("accountsAction", "switchUserAction", "lockAction")
        ]
        if accounts:
            following = _next_action(file_menu, commands.backup)
            file_menu.insertActions(following, after_backup)
            file_menu.insertActions(commands.set_staff, after_settings)
        else:
            for action in after_backup + after_settings:
                file_menu.removeAction(action)
        self._in_menu = accounts

    # --- signing in -----------------------------------------------------------------------

    def sign_in_to(
        self,
        path: Path,
        *,
        clock: Callable[[], date],
        check_in_background: bool = False,
        read_only: bool = False,
        intro: str | None = None,
    ) -> Store | None:
        """Open the encrypted ``path`` (a server, a server's downtime copy) signed in: the
        smoke test's credentials, else asked; ``read_only`` opens it only to read."""
        if self.preset is not None:
            name, password = self.preset
            return sign_in(
                path,
                name,
                password,
                clock=clock,
                check_in_background=check_in_background,
                read_only=read_only,
            )
        if not self.interactive:
            raise SignInRequiredError(
                f"{path} is encrypted: give the account in {USER_VARIABLE} and the password in "
                f"{PASSWORD_VARIABLE}"
            )
        return self.ask_sign_in(
            self.window,
            path,
            clock=clock,
            check_in_background=check_in_background,
            read_only=read_only,
            intro=intro,
        )

    def switch_user(self) -> bool:
        """Sign someone else in on the open database; open forms are closed first."""
        store = self.store
        if store is None or not self.has_accounts:
            return False
        if not self.locked:
            unsaved = self.window.dialogs_with_unsaved_input()
            if unsaved and not self.window.confirm(
                self.window,
                "Switch user",
                f"{', '.join(d.windowTitle() for d in unsaved)} has input that is not saved. "
                "Switch user anyway and lose it?",
            ):
                return False
        dialog = SignInDialog(
            lambda name, password: switch_account(store, name, password),
            title="Switch user",
            intro=f"Sign in to {store.path.name} with your own account.",
            parent=self.window,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        self._close_forms()
        self._end_lock()
        forget_signings(store)
        self.store_replaced()
        self.window.statusBar().showMessage(f"Signed in as {store.account.name}", 5000)
        return True

    # --- the idle lock --------------------------------------------------------------------

    def lock(self) -> None:
        store = self.store
        if store is None or store.account is None or self.locked:
            return
        window = self.window
        self._hidden_dialogs = [
            dialog for dialog in window.findChildren(QDialog) if dialog.isVisible()
        ]
        for dialog in self._hidden_dialogs:
            dialog.hide()
        if self.lock_screen is None:
            self.lock_screen = LockScreen()
            self.lock_screen.unlock_requested.connect(self.unlock)
            self.lock_screen.switch_requested.connect(self.switch_user)
            window.stack.addWidget(self.lock_screen)
        self._before_lock = window.stack.currentWidget()
        window.stack.setCurrentWidget(self.lock_screen)
        window.menuBar().setEnabled(False)
        window.toolbar.setEnabled(False)
        self.idle.blocking = True
        self.idle.stop()
        forget_signings(store)
        self.lock_screen.show_locked(store.account.shown_name, store.path.name)

    def unlock(self, password: str) -> bool:
        store = self.store
        if store is None or store.account is None or self.lock_screen is None:
            return False
        try:
            verify_password(store, store.account.name, password)
        except StorageError as error:
            self.lock_screen.say(str(error))
            return False
        hidden, self._hidden_dialogs = self._hidden_dialogs, []
        self._end_lock()
        for dialog in hidden:
            dialog.show()
        self.store_replaced()
        return True

    def _end_lock(self) -> None:
        if self._before_lock is None:
            return
        window = self.window
        window.stack.setCurrentWidget(self._before_lock)
        self._before_lock = None
        window.menuBar().setEnabled(True)
        window.toolbar.setEnabled(True)
        self.idle.blocking = False

    def _close_forms(self) -> None:
        """Another user takes over: the forms the last one left open are closed unsaved."""
        for dialog in [*self._hidden_dialogs, *self.window.findChildren(QDialog)]:
            if dialog.isVisible() or dialog in self._hidden_dialogs:
                dialog.reject()
        self._hidden_dialogs = []


def _next_action(menu: QMenu, action: QAction) -> QAction | None:
    actions = menu.actions()
    index = actions.index(action)
    return actions[index + 1] if index + 1 < len(actions) else None
