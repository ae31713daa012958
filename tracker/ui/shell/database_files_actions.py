"""The session's work on whole database files: a new encrypted database (first run, File >
New database…), encrypting the open plaintext one, exporting its tables, restoring a backup
under an electronic signature, and the accounts dialog.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QFileDialog, QMessageBox

from tracker.storage.access_errors import SignInError
from tracker.storage.database_files import (
    NOT_ENCRYPTED_NOTE,
    export_tables,
    open_as,
    restore_signed,
)
from tracker.storage.encryption import create_encrypted_database, encrypt_database
from tracker.storage.signatures import RESTORE_BACKUP
from tracker.ui.common.context import as_sentence
from tracker.ui.common.signature_prompt import first_signing
from tracker.ui.shell import database_actions
from tracker.ui.shell.first_run import (
    ENCRYPT_INTRO,
    FIRST_RUN_INTRO,
    NEW_DATABASE_INTRO,
    FirstAdmin,
    NewDatabaseDialog,
    RecoveryKeyDialog,
)
from tracker.ui.shell.sign_in import SignInDialog

if TYPE_CHECKING:
    from tracker.ui.shell.session import Session


class DatabaseFiles:
    def __init__(self, session: Session) -> None:
        self.session = session
        # Tests replace these to answer without modal dialogs.
        self.show_recovery_key = self._show_recovery_key
        self.choose_folder = self._choose_folder
        self.choose_backup = self._choose_backup

    @property
    def window(self):
        return self.session.window

    @property
    def context(self):
        return self.session.context

    # --- new and encrypted databases ------------------------------------------------------

    def create_encrypted(
        self, path: Path, *, first_run: bool = False, clock=date.today
    ) -> bool:
        """Ask the clinic and its first administrator, create the encrypted database at
        ``path``, show its recovery key and open it."""
        if path.suffix == "":
            path = path.with_suffix(database_actions.DATABASE_SUFFIX)
        if path.exists():
            self.context.report_error(
                self.window, f"{path} already exists. Use File > Open database… to open it."
            )
            return False

        def create(answers: FirstAdmin):
            return create_encrypted_database(
                path,
                admin_name=answers.name,
                password=answers.password,
                full_name=answers.full_name,
                clinic_name=answers.clinic_name,
                clock=clock,
            )

        dialog = NewDatabaseDialog(
            create,
            title="Welcome" if first_run else "New database",
            intro=FIRST_RUN_INTRO if first_run else NEW_DATABASE_INTRO,
            parent=self.window,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        store, recovery_key = dialog.value
        self.show_recovery_key(recovery_key, path.name)
        self.context.replace_store(store)
        return True

    def encrypt_open_database(self) -> bool:
        """Encrypt the open plaintext database, after a backup; its new administrator is
        signed in afterwards."""
        store = self.session.store
        if store is None:
            return False
        path = store.path
        folder = self.window.closing_backup.backup_dir

        def encrypt(answers: FirstAdmin):
            # The file must be closed (background reads included) while it is rewritten.
            self.context.replace_store(None)
            try:
                done = encrypt_database(
                    path,
                    admin_name=answers.name,
                    password=answers.password,
                    full_name=answers.full_name,
                    backup_dir=folder,
                )
            except BaseException:
                reopened, _ = database_actions.try_open(path, staff=self.window.staff_initials)
                self.context.replace_store(reopened)
                raise
            return done, open_as(path, answers.name, clock=store.today)

        dialog = NewDatabaseDialog(
            encrypt, title="Encrypt the database", intro=ENCRYPT_INTRO, ask_clinic=False,
            parent=self.window,
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        done, encrypted = dialog.value
        self.show_recovery_key(done.recovery_key, path.name)
        self.context.replace_store(encrypted)
        copies = "\n".join(str(copy) for copy in done.plaintext_copies)
        QMessageBox.information(
            self.window,
            "Encrypted",
            f"{path.name} is encrypted. These copies are not, and hold every record: delete "
            f"them once you no longer need them.\n\n{copies}",
        )
        return True

    def _show_recovery_key(self, recovery_key: str, database_name: str) -> None:
        RecoveryKeyDialog(recovery_key, database_name, self.window).exec()

    # --- export, restore, accounts ------------------------------------------------------

    def export_tables(self) -> dict[str, Path] | None:
        folder = self.choose_folder()
        if folder is None:
            return None
        if not self.window.confirm(
            self.window, "Export tables", f"{as_sentence(NOT_ENCRYPTED_NOTE)}. Export to {folder}?"
        ):
            return None
        written = self.context.run(export_tables, folder, parent=self.window)
        if written is not None:
            self.window.statusBar().showMessage(
                f"Wrote {len(written)} CSV files to {folder} (not encrypted)", 10000
            )
        return written

    def restore_backup(self, backup: Path | None = None) -> bool:
        """Replace the open database with a backup, signed by an administrator."""
        store = self.session.store
        if store is None or store.account is None:
            return False
        backup = backup or self.choose_backup(store.path)
        if backup is None:
            return False
        target, account, clock = store.path, store.account, store.today
        if not self.window.confirm(
            self.window,
            "Restore backup",
            f"Replace every record of {target.name} with the backup {backup.name}? The current "
            "database is kept as a copy in the backup folder.",
        ):
            return False

        def restore(name: str, password: str):
            if " ".join(name.split()).lower() != account.name:
                raise SignInError(f"sign as {account.name}, who is signed in")
            self.context.replace_store(None)
            try:
                restore_signed(
                    backup, target, name, password, safety_dir=self.window.closing_backup.backup_dir
                )
            finally:
                # The restored file, or the old one if the restore was refused.
                self.context.replace_store(open_as(target, account.name, clock=clock))
            return True

        dialog = SignInDialog(
            restore,
            title="Electronic signature",
            intro=f"Sign: {RESTORE_BACKUP}. Your signature, with this meaning, is kept in the "
            "audit log of the restored database (21 CFR Part 11).",
            user="" if first_signing(store) else account.name,
            user_fixed=not first_signing(store),
            parent=self.window,
        )
        dialog.setObjectName("restoreSignatureDialog")
        dialog.sign_in_button.setText("&Sign and restore")
        return dialog.exec() == QDialog.DialogCode.Accepted

    def manage_accounts(self) -> QDialog | None:
        if self.session.store is None:
            return None
        from tracker.ui.shell.accounts_dialog import AccountsDialog

        dialog = AccountsDialog(self.context, self.window)
        dialog.open()
        return dialog

    def _choose_folder(self) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self.window, "Export tables to a folder")
        return Path(chosen) if chosen else None

    def _choose_backup(self, database: Path) -> Path | None:
        chosen, _ = QFileDialog.getOpenFileName(
            self.window, "Restore backup", str(database.parent), database_actions.DATABASE_FILTER
        )
        return Path(chosen) if chosen else None
