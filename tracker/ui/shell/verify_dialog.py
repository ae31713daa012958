"""Tools > Verify records…: the whole check of ``tracker verify``, read off the GUI thread on
a connection of its own, its findings in a dialog. And the check of the newest changes the
window makes of each database it opens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QStatusBar,
    QVBoxLayout,
    QWidget,
)

from tracker.storage.verify import verify_recent, verify_store
from tracker.ui.common.context import AppContext
from tracker.ui.common.reads import BackgroundRead, read_in_background

if TYPE_CHECKING:
    from tracker.storage.verify import VerifyReport

INTACT_STYLE = "QLabel { color: #1b5e20; font-weight: bold; }"
BROKEN_STYLE = "QLabel { color: #7a1212; font-weight: bold; }"


class VerifyDialog(QDialog):
    """Starts the check when made; ``report`` holds the outcome once it has arrived."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("verifyDialog")
        self.setWindowTitle("Verify records")
        self.context = context
        self.report: VerifyReport | None = None
        self.headline = QLabel(objectName="verifyHeadline")
        self.headline.setWordWrap(True)
        self.progress = QProgressBar(objectName="verifyProgress")
        self.progress.setRange(0, 0)
        self.details = QPlainTextEdit(objectName="verifyDetails")
        self.details.setReadOnly(True)
        self.details.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.headline)
        layout.addWidget(self.progress)
        layout.addWidget(self.details, 1)
        layout.addWidget(buttons)
        self.resize(760, 420)
        self._reading: BackgroundRead | None = None
        self._start()

    @property
    def finished_checking(self) -> bool:
        return not self.progress.isVisible() and self._reading is None

    def _start(self) -> None:
        if not self.context.has_store:
            self._show(None)
            return
        store = self.context.store
        self.headline.setText(
            f"Checking {store.path.name}: the audit trail's every link, every record against "
            "it, the stored values and the triggers that guard them…"
        )
        self.details.setPlainText(
            "The check reads the whole file on a connection of its own; the program can be "
            "used meanwhile. A large clinic's file takes some seconds."
        )
        self._reading = read_in_background(
            self.context, verify_store, on_result=self._show, parent=self
        )

    def _show(self, report: VerifyReport | None) -> None:
        self._reading = None
        self.progress.hide()
        self.report = report
        if report is None:
            self.headline.setStyleSheet(BROKEN_STYLE)
            self.headline.setText("The check could not run: the database was closed or refused.")
            return
        self.headline.setStyleSheet(INTACT_STYLE if report.intact else BROKEN_STYLE)
        self.headline.setText(("✔ " if report.intact else "✘ ") + report.summary())
        self.details.setPlainText("\n".join(report.lines()))

    def reject(self) -> None:
        if self._reading is not None:
            # The outcome of a check nobody waits for is dropped.
            self._reading.cancel()
            self._reading = None
        super().reject()


def open_verify_dialog(context: AppContext, parent: QWidget) -> VerifyDialog:
    dialog = VerifyDialog(context, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.open()
    return dialog


def announce_recent_check(
    report: VerifyReport | None, context: AppContext, parent: QWidget, status: QStatusBar
) -> None:
    """The outcome of the check made on opening: a status-bar line when the newest changes
    are intact, a dialog when not (nothing when the check could not run)."""
    if report is None:
        return
    if report.intact:
        status.showMessage(
            f"Records checked: the newest {report.audit_rows:,} changes are intact "
            "(Tools > Verify records… checks everything)",
            10000,
        )
        return
    context.report_error(
        parent,
        f"The audit trail does not check out: {report.first_problem()}.\n\n"
        "Use Tools > Verify records… to check the whole file, and restore a backup if the "
        "records were changed outside the program.",
    )


def check_recent_records(
    context: AppContext, parent: QWidget, status: QStatusBar
) -> BackgroundRead | None:
    """The newest audit rows' links and the rows they describe, checked off the GUI thread;
    the outcome is announced by ``announce_recent_check``."""
    if not context.has_store:
        return None
    return read_in_background(
        context,
        verify_recent,
        on_result=lambda report: announce_recent_check(report, context, parent, status),
        parent=parent,
    )
