"""The cohort report and its chart, made on a worker thread for the Cohort report screen.

The first time, this also imports the chart library and the statistics library: together
with the read they take a second or more, which the screen would otherwise spend frozen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from tracker.domain.errors import DomainError
from tracker.storage.errors import StorageError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tracker.domain.references import ReferenceArm
    from tracker.reports.cohort_report import CohortReport
    from tracker.storage.database import Store

FIGURE_SIZE = (9, 5)  # inches, as the lazy chart's; the canvas resizes it to the screen


@dataclass(frozen=True)
class CohortRead:
    """The report for a period and its chart, or why there is none (a period that ends
    before it starts)."""

    report: CohortReport | None
    message: str = ""
    figure: Figure | None = None


def read_cohort(
    store: Store,
    period_from: date | None,
    period_to: date | None,
    extra_arms: Sequence[ReferenceArm] = (),
) -> CohortRead:
    """The cohort report for the period, drawn into a figure of its own; made for a worker
    thread (the first call also imports the chart library the screen shows it with).

    Only the Qt-free part of matplotlib is imported here: its Qt canvas defines Qt widget
    classes as it loads, which belongs on the GUI thread (the screen loads it when the read
    is in).
    """
    import matplotlib.backends.backend_agg  # noqa: F401 (what the Qt canvas draws with)
    from matplotlib.figure import Figure

    from tracker.reports import charts
    from tracker.reports.cohort_report import cohort_report

    try:
        report = cohort_report(store, period_from=period_from, period_to=period_to)
    except (StorageError, DomainError) as error:
        return CohortRead(None, str(error))
    figure = Figure(figsize=FIGURE_SIZE, layout="constrained")
    charts.cohort_chart(figure, report.statistics, [*report.references, *extra_arms])
    message = ""
    if not report.statistics.patients:
        message = (
            "No patient has started a course yet"
            if period_from is None and period_to is None
            else "No patient started a course in this period"
        )
    return CohortRead(report, message, figure)
