"""The Cohort report's Outcomes page: the clinic's response, time to progression and overall
survival against MM-010.

The numbers come from ``tracker.reports.outcomes_report``, as for ``tracker outcomes``:
overall and complete response by intention to treat with exact intervals and binomial tests
against MM-010's lenalidomide arm, beside both MM-010 arms; the Kaplan-Meier curve of time to
progression with its band, censorings, numbers at risk and the trial's medians. The pooled
MM-009/010 analysis is listed in the tables, marked unconfirmed.

The report and its chart are made off the GUI thread (``outcomes_read``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtWidgets import QLabel, QWidget

from tracker.ui.cohort.cohort_view import CohortTable, p_value_text, percent_text
from tracker.ui.cohort.outcomes_read import OutcomesRead, read_outcomes
from tracker.ui.cohort.period_chart import PeriodChart
from tracker.ui.common.context import AppContext

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from tracker.domain.outcome_statistics import ResponseRate, TimeToEvent
    from tracker.domain.references import ReferenceArm
    from tracker.reports.outcomes_report import OutcomesReport

RESPONSE_ROWS = (
    ("Overall response (PR or better)", "response", "response_percent"),
    ("Complete response (sCR or CR)", "complete_response", "complete_response_percent"),
)
TIME_ROWS = (
    ("Time to progression, median", "ttp", "median_ttp_months"),
    ("Overall survival, median", "os", "median_os_months"),
)


def months_text(value: float | None) -> str:
    return "not reached" if value is None else f"{value:.1f} mo"


def _arm_header(arm: ReferenceArm) -> str:
    """'MM-010\nLen+Dex, n=176', with 'unconfirmed' under figures nobody has checked."""
    trial, _, arm_name = arm.short_label.partition(" ")
    flag = "\nunconfirmed" if not arm.confirmed else ""
    return f"{trial}\n{arm_name}, n={arm.patients}{flag}"


def _published(arm: ReferenceArm, field: str) -> str:
    value = getattr(arm.efficacy, field)
    if value is None:
        return "–"
    return f"{value:.1f}%" if field.endswith("percent") else months_text(value)


def outcomes_table(report: OutcomesReport) -> tuple[list[str], list[list[str]]]:
    """Column headers and one row of text per outcome: the clinic's figure with its interval
    (and test, for the response rates) beside each published arm's."""
    statistics = report.statistics
    arms = [*report.references, *report.pooled.arms.values()]
    confidence = round(100 * statistics.confidence)
    headers = [
        "Outcome",
        "Courses\n(n/N)",
        "Clinic",
        f"{confidence}% CI",
        f"p vs\n{report.trial_arm.short_label}",
        *(_arm_header(arm) for arm in arms),
    ]
    rows = []
    for name, measure, field in RESPONSE_ROWS:
        rate: ResponseRate = getattr(statistics, measure)
        interval = f"{percent_text(rate.ci_low)} – {percent_text(rate.ci_high)}"
        rows.append(
            [
                name,
                rate.fraction_text,
                percent_text(rate.rate),
                interval if rate.courses else "–",
                p_value_text(rate.p_value),
                *(_published(arm, field) for arm in arms),
            ]
        )
    for name, measure, field in TIME_ROWS:
        estimate: TimeToEvent = getattr(statistics, measure)
        low, high = estimate.median_ci_months
        curve = estimate.curve
        interval = f"{months_text(low)} – {months_text(high)}" if low is not None else "–"
        rows.append(
            [
                name,
                f"{curve.event_count}/{curve.subjects}",
                months_text(estimate.median_months) if curve.subjects else "–",
                interval,
                "–",
                *(_published(arm, field) for arm in arms),
            ]
        )
    return headers, rows


class OutcomesView(PeriodChart):
    """Response and time to progression of the courses started in a period, chart above
    tables."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, "Outcomes against MM-010", parent)
        self.setObjectName("outcomesView")
        self.controls.addStretch(1)
        self.table = CohortTable()
        self.table.setObjectName("outcomesTable")
        self._layout.addWidget(self.table)
        self.note = QLabel(objectName="outcomesNote")
        self.note.setWordWrap(True)
        self._layout.addWidget(self.note)
        self.report: OutcomesReport | None = None

    def background_read(self) -> tuple[Callable[..., OutcomesRead], tuple[Any, ...]]:
        # Looked up here, at call time, so that the module's read can be watched in tests.
        return read_outcomes, self.period()

    def empty_read(self, message: str) -> OutcomesRead:
        return OutcomesRead(None, message)

    def show_numbers(self, read: OutcomesRead) -> None:
        """The tables and the note under the chart."""
        self.report = read.report
        self.table.show_rows([], [])
        self.note.clear()
        if read.report is None:
            return
        self.table.show_rows(*outcomes_table(read.report))
        self.note.setText(note_text(read.report))

    def draw_read(self, figure: Figure, read: OutcomesRead) -> None:
        from tracker.reports.outcome_charts import outcomes_chart

        assert read.report is not None
        outcomes_chart(figure, read.report.statistics)

    def default_file_name(self) -> str:
        return "outcomes.png"


def note_text(report: OutcomesReport) -> str:
    statistics = report.statistics
    best = ", ".join(f"{name} {count}" for name, count in statistics.best_responses.items())
    ratio = report.trial.efficacy.overall_survival_hazard_ratio
    survival = (
        f" MM-010 gives overall survival as a hazard ratio ({ratio:g}), not as medians."
        if ratio is not None
        else ""
    )
    pooled = "" if report.pooled.confirmed else f" {report.pooled.name}: unconfirmed figures."
    return (
        f"{statistics.courses} courses; {statistics.period_text}. Best response: {best}. "
        "Every course started counts in the response rates; one with no assessment is a "
        f"non-responder, and adds nothing to time to progression ({statistics.ttp.not_counted} "
        "such courses): n/N there is progressions over assessed courses, and deaths over "
        "courses for overall survival. Time to progression is censored at the last "
        "assessment, also after an end for toxicity or a death without progression; overall "
        "survival at the last date the patient is known alive. The clinic records IMWG "
        "categories; MM-010 used the "
        f"{report.trial.efficacy.response_criteria}.{survival}{pooled}"
    )
