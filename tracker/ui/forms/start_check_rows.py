"""The rows a form that starts treatment shows under its start date: the latest ANC and
platelets with their dates, what stands in the way of starting (the engine's start check,
in words) and, only then, the clinician's override reason, which Save requires.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtWidgets import QFormLayout, QLineEdit, QWidget

from tracker.domain.treatment.history import Reading
from tracker.domain.treatment.start_check import StartCheck
from tracker.ui.common.dates import long_date
from tracker.ui.forms.record_dialog import InputProblem, WrappedLabel, with_unit_symbols

# Longer reasons are refused by the storage operation.
OVERRIDE_REASON_MAX_LENGTH = 500
PROBLEM_STYLE = "QLabel { color: #a61b1b; }"
FINE_STYLE = "QLabel { color: #2e7d32; }"


def _days_before(reading: Reading, start: date) -> str:
    days = (start - reading.on).days
    if days == 0:
        return "the day of the start"
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} after the start"
    return f"{days} day{'s' if days != 1 else ''} before the start"


def reading_line(name: str, reading: Reading | None, start: date) -> str:
    """'ANC 1.6 ×10⁹/L on 27 Feb 2026 (3 days before the start)' or 'No ANC recorded'."""
    if reading is None:
        return f"No {name} recorded"
    # As the label writes counts: 1.0 keeps its decimal, 150.0 loses it.
    whole = float(reading.value).is_integer()
    value = f"{reading.value:.1f}" if whole and reading.value < 10 else f"{reading.value:g}"
    return (
        f"{name[:1].upper()}{name[1:]} {value} ×10⁹/L on {long_date(reading.on)} "
        f"({_days_before(reading, start)})"
    )


def problems_text(check: StartCheck) -> str:
    if not check.needs_override:
        return "Counts recorded, recent and not below the hold thresholds: no override needed."
    lines = [f"• {with_unit_symbols(problem)}" for problem in check.problems]
    return (
        "Not as the label and the clinic's rules allow; to start anyway, give an override "
        "reason:\n" + "\n".join(lines)
    )


class StartCheckRows:
    """Adds its rows to ``form`` where called; ``show_check`` fills them for a start date."""

    def __init__(self, form: QFormLayout, parent: QWidget) -> None:
        self.form = form
        self.counts_label = WrappedLabel(objectName="startCountsLabel", parent=parent)
        self.problems_label = WrappedLabel(objectName="startProblemsLabel", parent=parent)
        self.override_edit = QLineEdit(objectName="overrideReasonEdit", parent=parent)
        self.override_edit.setMaxLength(OVERRIDE_REASON_MAX_LENGTH)
        self.override_edit.setPlaceholderText("why treatment starts anyway (kept and audited)")
        form.addRow("Latest counts", self.counts_label)
        form.addRow("", self.problems_label)
        form.addRow("&Override reason", self.override_edit)
        self.check: StartCheck | None = None

    def show_check(self, check: StartCheck) -> None:
        self.check = check
        self.counts_label.setText(
            "\n".join(
                (
                    reading_line("ANC", check.anc, check.on),
                    reading_line("platelets", check.platelets, check.on),
                )
            )
        )
        self.problems_label.setText(problems_text(check))
        self.problems_label.setStyleSheet(PROBLEM_STYLE if check.needs_override else FINE_STYLE)
        self.form.setRowVisible(self.override_edit, check.needs_override)

    def override_reason(self, what: str, today: date) -> str | None:
        """The reason typed, when the check needs one; InputProblem when it is missing.
        ``what`` names the start ('Cycle 2', 'The course'). A start after ``today`` is not
        asked for one: the storage operation refuses its date first, and says so."""
        if self.check is None or not self.check.needs_override:
            return None
        reason = self.override_edit.text().strip()
        if not reason and self.check.on <= today:
            raise InputProblem(
                f"{what} cannot start on {long_date(self.check.on)} without an override "
                f"reason: {with_unit_symbols('; '.join(self.check.problems))}"
            )
        return reason or None
