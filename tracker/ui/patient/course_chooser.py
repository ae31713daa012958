"""Which of a patient's courses the screen shows: a combo box, shown only when there are
several courses to choose from."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from tracker.ui.common.dates import long_date

if TYPE_CHECKING:
    from tracker.storage.records import Course


class CourseChooser(QWidget):
    """'Course: Started 2 Mar 2026 (active)'; ``chosen`` carries the course id picked."""

    chosen = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("courseChooser")
        self.combo = QComboBox(objectName="courseCombo")
        self.combo.setToolTip("Which course the calendar shows")
        self.combo.activated.connect(lambda index: self.chosen.emit(self.combo.itemData(index)))
        self.label = QLabel("Course:")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 2)
        layout.addWidget(self.label)
        layout.addWidget(self.combo)

    def show_courses(self, courses: Sequence[Course], shown: Course | None) -> None:
        """List ``courses`` newest first with ``shown`` picked; hidden for one course or none."""
        self.combo.blockSignals(True)
        self.combo.clear()
        for course in sorted(courses, key=lambda course: course.start_date, reverse=True):
            state = "active" if course.is_active else f"ended {long_date(course.end_date)}"
            self.combo.addItem(f"Started {long_date(course.start_date)} ({state})", course.id)
        if shown is not None:
            self.combo.setCurrentIndex(self.combo.findData(shown.id))
        self.combo.blockSignals(False)
        several = len(courses) > 1
        self.combo.setVisible(several)
        self.label.setVisible(several)
