"""The idle lock: after a quiet spell the window hides every record and asks the signed-in
user's password again (or another user's sign-in)."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tracker.ui.common.context import as_sentence

_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` once no key, click, move or scroll reached the application for
    ``interval_ms``; any of them starts the wait again. While ``blocking``, shortcuts are
    swallowed, so a locked window runs no command."""

    idle = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self, singleShot=True)
        self._timer.timeout.connect(self.idle)
        self.blocking = False
        self._installed = False

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)
        self._timer.start()
        application = QApplication.instance()
        if not self._installed and application is not None:
            application.installEventFilter(self)
            self._installed = True

    def stop(self) -> None:
        self._timer.stop()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if self.blocking and kind in (QEvent.Type.Shortcut, QEvent.Type.ShortcutOverride):
            return kind == QEvent.Type.Shortcut
        if kind in _ACTIVITY and self._timer.isActive():
            self._timer.start()
        return False


class LockScreen(QFrame):
    """Shown in place of every screen while the window is locked."""

    unlock_requested = Signal(str)
    switch_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("lockScreen")
        self.title = QLabel(objectName="lockTitle")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setWordWrap(True)
        self.password_edit = QLineEdit(objectName="lockPasswordEdit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("password")
        self.password_edit.returnPressed.connect(self._unlock)
        self.problem = QLabel(objectName="lockProblem")
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setWordWrap(True)
        self.problem.hide()
        self.unlock_button = QPushButton("&Unlock", objectName="unlockButton")
        self.unlock_button.setDefault(True)
        self.unlock_button.clicked.connect(self._unlock)
        self.switch_button = QPushButton("S&witch user…", objectName="lockSwitchUserButton")
        self.switch_button.clicked.connect(self.switch_requested)
        form = QFormLayout()
        form.addRow("&Password", self.password_edit)
        buttons = QHBoxLayout()
        buttons.addWidget(self.switch_button)
        buttons.addStretch(1)
        buttons.addWidget(self.unlock_button)
        box = QFrame(objectName="lockBox")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        box.setMinimumWidth(360)
        box.setMaximumWidth(440)
        inner = QVBoxLayout(box)
        inner.addWidget(self.title)
        inner.addLayout(form)
        inner.addWidget(self.problem)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box)
        row.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def show_locked(self, who: str, database: str) -> None:
        self.title.setText(
            f"<b>Locked</b><br>{database} is open for {who}.<br>"
            "Type the password to go on, or switch user."
        )
        self.problem.hide()
        self.password_edit.clear()
        self.password_edit.setFocus()

    def say(self, message: str) -> None:
        self.problem.setText(as_sentence(message) + ("" if message.endswith(".") else "."))
        self.problem.show()
        self.password_edit.clear()
        self.password_edit.setFocus()

    def _unlock(self) -> None:
        self.unlock_requested.emit(self.password_edit.text())
