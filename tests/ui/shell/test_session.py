"""The signed-in session in the window: the idle lock, switching user, what each role is
offered, encrypting a plaintext database, a signed restore and the accounts dialog."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog, QMenu

from tests.accounts import PASSWORDS, act_as, signed_as
from tests.ui.conftest import FIXED_TODAY, activate
from tests.ui.patient_fixtures import click_day, seed_course
from tests.ui.shell.signing import ModalAnswers, clinic, save_png, window_on
from tracker.storage import queries
from tracker.storage.backup import backup_database
from tracker.storage.connections import is_encrypted
from tracker.storage.database import open_database
from tracker.storage.operations.patients import add_patient
from tracker.storage.signatures import OVERRIDE_START
from tracker.ui.shell.first_run import NewDatabaseDialog, RecoveryKeyDialog
from tracker.ui.shell.sign_in import SignInDialog


def visible_names(window) -> set[str]:
    return {
        action.objectName()
        for action in window.findChildren(type(window.commands.backup))
        if action.objectName() and action.isVisible()
    }


def test_the_window_locks_when_idle_and_the_password_unlocks_it(qtbot, tmp_path):
    messages: list[str] = []
    store = clinic(tmp_path, signed_in="doc")
    add_patient(store, mrn="L-1", name="Locked, Away")
    window = window_on(qtbot, store, tmp_path, messages)
    activate(qtbot, window)
    window.show_patients()
    dialog = window.new_patient()
    assert window.session.idle.running  # 10 minutes unless the clinic says otherwise
    window.session.idle.start(150)
    qtbot.waitUntil(lambda: window.session.locked, timeout=3000)
    lock = window.session.lock_screen
    assert window.stack.currentWidget() is lock
    assert not dialog.isVisible()
    assert not window.menuBar().isEnabled() and not window.toolbar.isEnabled()
    save_png(window, "lock-screen")
    # No shortcut runs while locked: Ctrl+1 would show Today.
    qtbot.keyClick(lock.password_edit, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is lock

    lock.password_edit.setText("not-the-password")
    lock.unlock_button.click()
    assert window.session.locked and "wrong" in lock.problem.text()
    lock.password_edit.setText(PASSWORDS["doc"])
    lock.unlock_button.click()
    assert not window.session.locked
    assert window.stack.currentWidget() is window.patients_view
    assert dialog.isVisible() and window.menuBar().isEnabled()
    assert window.session.idle.running
    dialog.reject()
    store.close()


def test_switching_user_changes_the_account_and_what_it_may_do(qtbot, tmp_path):
    messages: list[str] = []
    store = clinic(tmp_path, signed_in="boss")
    window = window_on(qtbot, store, tmp_path, messages)
    window.show()
    assert {"accountsAction", "restoreAction", "exportAction", "preferencesAction"} <= (
        visible_names(window)
    )

    def as_viewer(dialog: SignInDialog) -> None:
        dialog.user_edit.setText("vic")
        dialog.password_edit.setText(PASSWORDS["vic"])
        dialog.sign_in_button.click()

    answers = ModalAnswers((SignInDialog, as_viewer))
    window.session.actions["switchUserAction"].trigger()
    answers.stop()
    assert store.account.name == "vic"
    shown = visible_names(window)
    assert not {"accountsAction", "newPatientAction", "backupAction", "exportAction"} & shown
    assert {"switchUserAction", "lockAction", "printWeekSheetsAction"} <= shown
    window.show_patients()
    patients = window.patients_view
    assert patients.new_button.isHidden() and patients.archive_button.isHidden()
    assert not patients.open_button.isHidden()
    # Ctrl+N, new patient, is gone with its action.
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not [w for w in QApplication.topLevelWidgets() if isinstance(w, QDialog) and w.isVisible()]
    store.close()


def test_a_nurse_gets_the_dose_menu_without_treatment_decisions(qtbot, tmp_path):
    messages: list[str] = []
    store = clinic(tmp_path, signed_in="doc")
    with signed_as(store, OVERRIDE_START):
        seeded = seed_course(store, days_ago=5)
    act_as(store, "nina")
    window = window_on(qtbot, store, tmp_path, messages)
    window.resize(1200, 800)
    window.show()
    window.open_patient(seeded.patient_id)
    view = window.patient_view
    qtbot.waitUntil(lambda: not view.loading)
    actions = view.patient_actions
    assert actions.record_labs.isVisible() and actions.log_event.isVisible()
    for hidden in (actions.start_course, actions.next_cycle, actions.reduce_dose, actions.end_course):
        assert not hidden.isVisible()
    menu: QMenu = click_day(qtbot, view, FIXED_TODAY - timedelta(days=1))
    names = {action.objectName() for action in menu.actions() if action.isVisible()}
    assert {"lenalidomide-taken", "lenalidomide-missed"} <= names
    assert "interrupt" not in names
    menu.close()
    store.close()


def test_a_plaintext_database_offers_encryption(qtbot, tmp_path):
    messages: list[str] = []
    path = tmp_path / "old.sqlite"
    store = open_database(path, clock=lambda: FIXED_TODAY)
    add_patient(store, mrn="E-1", name="Soon, Encrypted")
    window = window_on(qtbot, store, tmp_path, messages)
    window.show()
    button = window.session.encrypt_button
    assert button.isVisible() and "Not encrypted" in button.text()
    assert "accountsAction" not in visible_names(window)

    def administrator(dialog: NewDatabaseDialog) -> None:
        assert dialog.clinic_edit.isHidden()
        dialog.user_edit.setText("owner")
        dialog.password_edit.setText("owner-password-1")
        dialog.again_edit.setText("owner-password-1")
        dialog.create_button.click()

    def kept(dialog: RecoveryKeyDialog) -> None:
        dialog.kept_check.setChecked(True)
        dialog.continue_button.click()

    def note(dialog: QDialog) -> None:
        dialog.accept()

    answers = ModalAnswers(
        (NewDatabaseDialog, administrator), (RecoveryKeyDialog, kept), (QDialog, note)
    )
    button.click()
    answers.stop()
    assert messages == []
    encrypted = window.context.store
    assert is_encrypted(path) and encrypted is not store
    assert encrypted.account.name == "owner"
    assert queries.patient_by_mrn(encrypted, "E-1").name == "Soon, Encrypted"
    assert not button.isVisible()
    assert {"accountsAction", "switchUserAction"} <= visible_names(window)
    encrypted.close()


def test_restoring_a_backup_is_signed_and_audited(qtbot, tmp_path):
    messages: list[str] = []
    store = clinic(tmp_path, signed_in="boss")
    add_patient(store, mrn="B-1", name="In, Backup")
    backup = backup_database(store.path, tmp_path / "before.sqlite")
    add_patient(store, mrn="B-2", name="After, Backup")
    window = window_on(qtbot, store, tmp_path, messages)
    window.show()
    seen: list[str] = []

    def sign(dialog: SignInDialog) -> None:
        seen.append(dialog.intro.text())
        save_png(dialog, "restore-signature")
        dialog.user_edit.setText("boss")
        dialog.password_edit.setText("wrong-password")
        dialog.sign_in_button.click()
        seen.append(dialog.problem.text())
        dialog.password_edit.setText(PASSWORDS["boss"])
        dialog.sign_in_button.click()

    answers = ModalAnswers((SignInDialog, sign))
    assert window.session.files.restore_backup(backup) is True
    answers.stop()
    assert "Sign: restored a backup" in seen[0] and "wrong" in seen[1]
    restored = window.context.store
    assert restored.account.name == "boss"
    assert queries.count_patients(restored) == 1
    last = next(restored.query("SELECT * FROM audit_log ORDER BY id DESC LIMIT 1"))
    assert (last["action"], last["signer"], last["meaning"]) == (
        "restore",
        "boss",
        "restored a backup",
    )
    assert messages == []
    restored.close()


def test_the_accounts_dialog_adds_and_disables_staff(qtbot, tmp_path):
    messages: list[str] = []
    store = clinic(tmp_path, signed_in="boss")
    window = window_on(qtbot, store, tmp_path, messages)
    dialog = window.session.files.manage_accounts()
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == 4
    assert dialog.add("Kim", "nurse", "kims-password-1", "Kim Lee")
    dialog.select("vic")
    assert dialog.disable(dialog.selected())
    assert dialog.enable_button.isEnabled() and not dialog.disable_button.isEnabled()
    assert dialog.save_idle_minutes(3)
    assert window.session.idle.running
    save_png(dialog, "accounts")
    rows = [
        [dialog.table.item(row, column).text() for column in range(4)]
        for row in range(dialog.table.rowCount())
    ]
    assert ["kim", "Kim Lee", "Nurse", "enabled"] in rows
    assert ["vic", "Vic Tester", "Viewer", "disabled"] in rows
    assert not dialog.add("kim", "nurse", "another-pass-1")
    assert "already an account" in messages[-1]
    dialog.close()
    store.close()
