"""Answering the modal dialogs of signing in (they run their own event loop, so the answer
is given from a timer while they are up), and windows on encrypted test clinics."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from tests.accounts import act_as, encrypted_clinic
from tests.ui.conftest import FIXED_TODAY
from tracker.storage.database import Store
from tracker.ui.common.context import AppContext
from tracker.ui.common.settings import AppSettings
from tracker.ui.shell.main_window import MainWindow

PNG_FOLDER = Path("/tmp")


class ModalAnswers:
    """Each time a modal dialog of one of the given kinds is shown, the next answer is
    called with it (in order); what was shown is kept in ``seen``."""

    def __init__(self, *answers: tuple[type[QDialog], Callable[[QDialog], None]]) -> None:
        self.answers = list(answers)
        self.seen: list[QDialog] = []
        self._timer = QTimer(interval=20)
        self._timer.timeout.connect(self._look)
        self._timer.start()

    def _look(self) -> None:
        modal = QApplication.activeModalWidget()
        if not self.answers or modal is None or (self.seen and modal is self.seen[-1]):
            return
        kind, answer = self.answers[0]
        if isinstance(modal, kind):
            self.answers.pop(0)
            self.seen.append(modal)
            answer(modal)
        if not self.answers:
            self._timer.stop()

    def stop(self) -> None:
        self._timer.stop()


def save_png(widget: QWidget, name: str) -> Path:
    """Draw ``widget`` as shown into /tmp/private-<name>.png, to look at."""
    widget.show()
    for _ in range(3):
        QApplication.processEvents()
    path = PNG_FOLDER / f"private-{name}.png"
    widget.grab().save(str(path))
    return path


def clinic(tmp_path: Path, *, signed_in: str = "boss") -> Store:
    store = encrypted_clinic(tmp_path / "clinic.sqlite", clock=lambda: FIXED_TODAY)
    act_as(store, signed_in)
    return store


def window_on(qtbot, store: Store, tmp_path: Path, messages: list[str]) -> MainWindow:
    context = AppContext(store)
    context.report_error = lambda parent, message: messages.append(message)
    window = MainWindow(
        context, AppSettings.in_file(tmp_path / "settings.ini"), automatic_backup_dir=tmp_path / "b"
    )
    qtbot.addWidget(window)
    window.confirm = lambda parent, title, question: True
    return window
