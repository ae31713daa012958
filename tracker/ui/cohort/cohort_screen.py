"""The Cohort report screen: its pages side by side as tabs, grade 3-4 events first (the
screen as it opens) and outcomes beside it. Each page reads only when it is shown."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QWidget

from tracker.ui.cohort.cohort_view import CohortChartView
from tracker.ui.cohort.outcomes_view import OutcomesView
from tracker.ui.common.context import AppContext


class CohortScreen(QTabWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cohortScreen")
        self.events_view = CohortChartView(context)
        self.outcomes_view = OutcomesView(context)
        self.addTab(self.events_view, "&Grade 3-4 events")
        self.addTab(self.outcomes_view, "O&utcomes")
        self.setDocumentMode(True)

    def show_outcomes(self) -> None:
        self.setCurrentWidget(self.outcomes_view)
