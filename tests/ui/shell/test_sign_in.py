"""Signing in to the window: at start, the lockout, the first run, and the dialogs drawn."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from tests.accounts import PASSWORDS, encrypted_clinic
from tests.ui.conftest import FIXED_TODAY
from tests.ui.shell.signing import ModalAnswers, save_png
from tracker.storage.connections import is_encrypted
from tracker.storage.crypto import forget_keys
from tracker.ui.app import launch
from tracker.ui.common.settings import AppSettings
from tracker.ui.shell.first_run import NewDatabaseDialog, RecoveryKeyDialog
from tracker.ui.shell.sign_in import SignInDialog, sign_in_dialog


def type_in(dialog: SignInDialog, name: str, password: str) -> None:
    dialog.user_edit.setText(name)
    dialog.password_edit.setText(password)
    dialog.sign_in_button.click()


def menu_texts(window) -> list[str]:
    menu = window.menuBar().actions()[0].menu()
    return [a.text().replace("&", "") for a in menu.actions() if a.text() and a.isVisible()]


def test_an_encrypted_database_asks_who_signs_in_at_start(qtbot, tmp_path):
    path = tmp_path / "clinic.sqlite"
    encrypted_clinic(path, clock=lambda: FIXED_TODAY).close()
    forget_keys()
    problems: list[str] = []

    def wrong_then_right(dialog: SignInDialog) -> None:
        type_in(dialog, "nina", "not-her-password")
        problems.append(dialog.problem.text())
        save_png(dialog, "sign-in")
        type_in(dialog, "nina", PASSWORDS["nina"])

    answers = ModalAnswers((SignInDialog, wrong_then_right))
    window = launch(path, AppSettings.in_file(tmp_path / "s.ini"), clock=lambda: FIXED_TODAY)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.context.has_store, timeout=10000)
    answers.stop()
    assert problems == ["The user name or password is wrong."]
    store = window.context.store
    assert store.account.name == "nina" and store.account.role == "nurse"
    label = window.statusBar().findChild(QLabel, "accountLabel")
    assert label.text() == "Signed in: Nina Tester (nina), Nurse"
    assert not window.statusBar().findChild(QLabel, "staffLabel").isVisibleTo(window)
    texts = menu_texts(window)
    assert "Set staff initials…" not in texts
    assert {"Switch user…", "Lock"} <= set(texts)
    # A nurse sees neither the accounts, nor the restore, the export or the settings.
    assert not {"Accounts…", "Restore backup…", "Export tables as CSV…", "Settings…"} & set(
        texts
    )
    store.close()


def test_five_wrong_passwords_lock_the_account_in_the_dialog(qtbot, tmp_path):
    path = tmp_path / "clinic.sqlite"
    encrypted_clinic(path, staff=False).close()
    forget_keys()
    dialog = sign_in_dialog(path)
    qtbot.addWidget(dialog)
    dialog.show()
    for _ in range(5):
        type_in(dialog, "boss", "guessing-wrong")
    assert "locked after 5 wrong passwords; try again in 5 minutes" in dialog.problem.text()
    type_in(dialog, "boss", PASSWORDS["boss"])  # the right one waits out the lockout too
    assert dialog.value is None and "locked" in dialog.problem.text()
    assert dialog.isVisible()


def test_the_first_run_creates_an_encrypted_database_and_its_administrator(qtbot, tmp_path):
    path = tmp_path / "data" / "tracker.sqlite"
    shown: dict[str, object] = {}

    def create(dialog: NewDatabaseDialog) -> None:
        dialog.clinic_edit.setText("Riverside Haematology")
        dialog.user_edit.setText("JDoe")
        dialog.full_name_edit.setText("Dr Jane Doe")
        dialog.password_edit.setText("first-admin-pass")
        dialog.again_edit.setText("first-admin-past")
        dialog.create_button.click()
        shown["mismatch"] = dialog.problem.text()
        save_png(dialog, "first-run")
        dialog.again_edit.setText("first-admin-pass")
        dialog.create_button.click()

    def keep_key(dialog: RecoveryKeyDialog) -> None:
        shown["key"] = dialog.key_label.text()
        shown["continue_enabled"] = dialog.continue_button.isEnabled()
        dialog.reject()  # Escape does not skip it
        shown["still_open"] = dialog.isVisible()
        save_png(dialog, "recovery-key")
        printed = []
        dialog.print_key = lambda document: printed.append(document.toPlainText()) or True
        dialog.print()
        shown["printed"] = printed[0]
        dialog.continue_button.click()

    answers = ModalAnswers((NewDatabaseDialog, create), (RecoveryKeyDialog, keep_key))
    window = launch(path, AppSettings.in_file(tmp_path / "s.ini"), clock=lambda: FIXED_TODAY)
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.context.has_store, timeout=10000)
    answers.stop()
    assert shown["mismatch"] == "The two passwords differ."
    assert shown["continue_enabled"] is False and shown["still_open"] is True
    assert len(str(shown["key"]).replace("-", "")) == 32
    assert str(shown["key"]) in str(shown["printed"])
    store = window.context.store
    assert is_encrypted(path) and store.path == path
    assert (store.account.name, store.account.role) == ("jdoe", "admin")
    assert store.execute("SELECT value FROM settings WHERE key = 'clinic_name'").fetchone() == (
        "Riverside Haematology",
    )
    assert window.windowTitle().startswith("tracker.sqlite")
    store.close()


def test_cancelling_the_sign_in_leaves_no_database_open(qtbot, tmp_path):
    path = tmp_path / "clinic.sqlite"
    encrypted_clinic(path, staff=False).close()
    forget_keys()
    messages: list[str] = []
    answers = ModalAnswers((SignInDialog, lambda dialog: dialog.reject()))
    window = launch(
        path,
        AppSettings.in_file(tmp_path / "s.ini"),
        report_error=lambda parent, message: messages.append(message),
    )
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: bool(messages), timeout=10000)
    answers.stop()
    assert "encrypted and nobody signed in" in messages[0]
    assert not window.context.has_store
    assert not window.commands.new_patient.isEnabled()


def test_a_start_that_asks_nothing_signs_in_with_the_given_account(qtbot, tmp_path):
    path = tmp_path / "clinic.sqlite"
    encrypted_clinic(path, staff=False).close()
    forget_keys()
    window = launch(
        path,
        AppSettings.in_file(tmp_path / "s.ini"),
        ask_staff=False,
        sign_in_as=("boss", PASSWORDS["boss"]),
    )
    qtbot.addWidget(window)
    qtbot.waitUntil(lambda: window.context.has_store, timeout=10000)
    assert window.context.store.account.name == "boss"
    assert window.findChild(type(window.session.encrypt_button), "encryptButton").isHidden()
    window.context.store.close()
    assert Qt.WindowType.Window  # the window was shown without a single question
