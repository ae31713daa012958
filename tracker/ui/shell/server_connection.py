"""Server mode in the window: File > Connect to server…, the database named in the title and
status bar, the downtime copy refreshed while connected, and the banner shown over a downtime
copy opened because the server could not be reached.

Other workstations' changes reach the screens through ``AppContext``'s one-second look for
outside writes, which on a server counts the notices their commits send.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlsplit

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QSpinBox,
    QToolBar,
    QWidget,
)

from tracker.ui.common.reads import work_in_background
from tracker.ui.common.settings import APPLICATION
from tracker.ui.shell import database_actions

if TYPE_CHECKING:
    from tracker.storage.database import Store
    from tracker.ui.shell.main_window import MainWindow

DEFAULT_PORT = 5432
_BANNER_STYLE = "background: #fff3cd; color: #5c4400; padding: 6px; font-weight: bold;"


def show_database(window: MainWindow, store: Store, label: QLabel) -> None:
    """Name the open database in the title and status bar, and remember it for next time (a
    downtime copy is not remembered: the server is)."""
    if store.downtime is not None:
        label.setText(f"Downtime copy: {store.path}")
        label.setToolTip("A read-only copy of the server database kept on this computer")
        window.setWindowTitle(f"Downtime copy (read-only) — {APPLICATION}")
        return
    window.settings.set_last_database(store.path)
    label.setText(str(store.path))
    label.setToolTip(
        "The server database in use, shared with other workstations"
        if store.is_server
        else "The database file in use"
    )
    # A server database's ``name`` is "<database> on <server>".
    window.setWindowTitle(f"{store.path.name} — {APPLICATION}")


class ConnectDialog(QDialog):
    """Host, port, database, account and (optionally) password of a server database."""

    def __init__(self, parent: QWidget | None, remembered: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("connectServerDialog")
        self.setWindowTitle("Connect to server")
        self.host = QLineEdit(objectName="serverHost")
        self.port = QSpinBox(objectName="serverPort", minimum=1, maximum=65535, value=DEFAULT_PORT)
        self.database = QLineEdit(objectName="serverDatabase")
        self.user = QLineEdit(objectName="serverUser")
        self.password = QLineEdit(objectName="serverPassword")
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("if the server asks for one")
        note = QLabel(
            "Any server that is not this computer is reached over TLS (encrypted).",
            objectName="serverNote",
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Connect")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow("Server:", self.host)
        form.addRow("Port:", self.port)
        form.addRow("Database:", self.database)
        form.addRow("User:", self.user)
        form.addRow("Password:", self.password)
        form.addRow(note)
        form.addRow(buttons)
        if remembered:
            self._fill(remembered)

    def _fill(self, address: str) -> None:
        parts = urlsplit(address)
        self.host.setText(parts.hostname or "")
        self.port.setValue(parts.port or DEFAULT_PORT)
        self.database.setText(parts.path.lstrip("/"))
        self.user.setText(parts.username or "")

    def address(self) -> str:
        """The ``postgresql://`` address the fields give."""
        user = quote(self.user.text().strip(), safe="")
        password = self.password.text()
        account = f"{user}:{quote(password, safe='')}" if password else user
        host = self.host.text().strip()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        at = f"{account}@" if account else ""
        return f"postgresql://{at}{host}:{self.port.value()}/{self.database.text().strip()}"


class ServerMode(QObject):
    """The window's server mode: its menu command, downtime refresh and banner."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        # Replaced by tests to answer without a modal dialog: returns an address or None.
        self.ask_address = self._ask_address
        self.action = QAction("Connect to &server…", window)
        self.action.setObjectName("connectServerAction")
        self.action.setStatusTip("Open a server database shared by several workstations")
        self.action.triggered.connect(lambda: self.connect_to_server())
        file_menu: QMenu = window.menuBar().findChild(QMenu, "fileMenu")
        file_menu.insertAction(window.commands.backup, self.action)
        self.banner_label = QLabel(objectName="downtimeBannerText")
        self.banner_label.setStyleSheet(_BANNER_STYLE)
        self.banner = QToolBar("Downtime", window)
        self.banner.setObjectName("downtimeBanner")
        self.banner.setMovable(False)
        self.banner.addWidget(self.banner_label)
        window.addToolBarBreak()
        window.addToolBar(self.banner)
        self.banner.hide()
        self.refresh_timer = QTimer(self)
        self.refresh_timer.timeout.connect(self.refresh_downtime_copy)
        self.refreshing = False
        self.last_refresh_error: str | None = None
        # Set as the application quits: a copy under way stops at its next batch.
        self.stop_refreshing = threading.Event()
        application = QCoreApplication.instance()
        if application is not None:
            application.aboutToQuit.connect(self.stop_refreshing.set)
        window.context.store_replaced.connect(self._store_replaced)
        from tracker.ui.shell.server_watch import ServerWatch

        self.watch = ServerWatch(window)

    def _ask_address(self) -> str | None:
        remembered = self.window.settings.last_database()
        dialog = ConnectDialog(self.window, remembered if isinstance(remembered, str) else None)
        return dialog.address() if dialog.exec() == QDialog.DialogCode.Accepted else None

    def connect_to_server(self, address: str | None = None) -> bool:
        """File > Connect to server…: switch to the server database (the current database
        stays open if it cannot be reached and has no downtime copy)."""
        address = address or self.ask_address()
        if not address:
            return False
        return database_actions.open_existing(
            self.window.context,
            address,
            staff=self.window.staff_initials,
            parent=self.window,
            sign_in=self.window.session.sign_in_to,
        )

    def _store_replaced(self) -> None:
        context = self.window.context
        store = context.store if context.has_store else None
        downtime = store.downtime if store is not None else None
        if downtime is not None:
            self.banner_label.setText(
                f"The server cannot be reached: this is the downtime copy of "
                f"{downtime.made.astimezone():%Y-%m-%d %H:%M} ({downtime.age_text()}), "
                "read-only. Sheets can be printed; changes wait for the server."
            )
            self.banner.show()
        else:
            self.banner.hide()
        # A session opened only to read (the smoke test) leaves this workstation's files alone.
        if store is not None and store.is_server and downtime is None and not store.read_only:
            self.refresh_timer.start(self.window.settings.downtime_minutes() * 60_000)
            # A first copy at once, so a workstation new to the server has one.
            QTimer.singleShot(0, self.refresh_downtime_copy)
        else:
            self.refresh_timer.stop()

    def refresh_downtime_copy(self) -> bool:
        """Refresh the downtime copy off the GUI thread; False if none was started."""
        context = self.window.context
        if self.refreshing or not context.has_store or not context.store.is_server:
            return False
        from tracker.storage.downtime import refresh_downtime_copy

        address = context.store.engine.address.url
        self.refreshing = True

        def done(copy: Any, error: BaseException | None) -> None:
            self.refreshing = False
            self.last_refresh_error = None if error is None else str(error)

        stop = self.stop_refreshing.is_set
        work_in_background(lambda: refresh_downtime_copy(address, stop=stop), done)
        return True
