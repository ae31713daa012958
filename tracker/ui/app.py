"""Start the Qt application."""

from __future__ import annotations

import sys
from pathlib import Path


def run_app(db_path: Path | None = None) -> int:
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    app = QApplication.instance() or QApplication(sys.argv)
    window = QMainWindow()
    window.setWindowTitle("Rd Cycle Tracker")
    window.setCentralWidget(QLabel("Rd Cycle Tracker"))
    window.resize(1100, 750)
    window.show()
    return app.exec()
