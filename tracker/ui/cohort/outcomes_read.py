"""The outcomes report and its chart, made on a worker thread for the Outcomes page.

As for the grade 3-4 page (``cohort_read``), the first read also imports the chart and
statistics libraries, which the screen would otherwise spend frozen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker.domain.errors import DomainError
from tracker.storage.errors import StorageError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tracker.reports.outcomes_report import OutcomesReport
    from tracker.storage.database import Store


@dataclass(frozen=True)
class OutcomesRead:
    """The outcomes of a period and their chart, or why there are none."""

    report: OutcomesReport | None
    message: str = ""
    figure: Figure | None = None


def read_outcomes(
    store: Store, period_from: date | None, period_to: date | None
) -> OutcomesRead:
    """The outcomes report for the period, drawn into a figure of its own; made for a worker
    thread (only the Qt-free part of matplotlib is imported here)."""
    import matplotlib.backends.backend_agg  # noqa: F401 (what the Qt canvas draws with)
    from matplotlib.figure import Figure

    from tracker.reports.outcome_charts import OUTCOMES_FIGURE_SIZE, outcomes_chart
    from tracker.reports.outcomes_report import outcomes_report

    try:
        report = outcomes_report(store, period_from=period_from, period_to=period_to)
    except (StorageError, DomainError) as error:
        return OutcomesRead(None, str(error))
    figure = Figure(figsize=OUTCOMES_FIGURE_SIZE, layout="constrained")
    outcomes_chart(figure, report.statistics)
    message = ""
    if not report.statistics.courses:
        message = (
            "No patient has started a course yet"
            if period_from is None and period_to is None
            else "No course started in this period"
        )
    return OutcomesRead(report, message, figure)
