"""The patient banner: who, where in the course they are, and what doses they are on."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, Regimen, format_mg, load_regimen
from tracker.ui.dates import long_date

if TYPE_CHECKING:
    from tracker.storage.records import Course, Cycle, DoseRecord, LevelChangeRecord, Patient


def age_on(born: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (born.month, born.day)
    return today.year - born.year - int(before_birthday)


def current_level(
    drug: str, start_level: int, changes: Sequence[LevelChangeRecord], today: date
) -> int:
    """The dose level in force on ``today``: the latest change already effective."""
    level = start_level
    for change in sorted(changes, key=lambda change: (change.effective_date, change.id)):
        if change.drug == drug and change.effective_date <= today:
            level = change.level
    return level


def hold_start(doses: Sequence[DoseRecord], drug: str = LENALIDOMIDE) -> date | None:
    """The first day of the hold still running: the trailing run of 'held' records."""
    records = sorted((dose for dose in doses if dose.drug == drug), key=lambda dose: dose.date)
    start = None
    for record in reversed(records):
        if record.status != "held":
            break
        start = record.date
    return start


def cycle_position(cycles: Sequence[Cycle], today: date, cycle_length: int) -> str:
    """'Cycle 3, day 12', or where today falls relative to the recorded cycles."""
    if not cycles:
        return "No cycle started"
    ordered = sorted(cycles, key=lambda cycle: cycle.number)
    if today < ordered[0].actual_start:
        return f"Cycle 1 starts {long_date(ordered[0].actual_start)}"
    for cycle in reversed(ordered):
        if cycle.actual_start <= today:
            day = (today - cycle.actual_start).days + 1
            if day <= cycle_length:
                return f"Cycle {cycle.number}, day {day}"
            due = cycle.actual_start + timedelta(days=cycle_length)
            return (
                f"Cycle {cycle.number} finished; cycle {cycle.number + 1} was due {long_date(due)}"
            )
    return ""


@dataclass(frozen=True)
class HeaderFacts:
    name: str
    identity: str
    course: str
    doses: str
    warning: str


def header_facts(
    patient: Patient,
    course: Course | None,
    cycles: Sequence[Cycle],
    level_changes: Sequence[LevelChangeRecord],
    doses: Sequence[DoseRecord],
    today: date,
    regimen: Regimen | None = None,
) -> HeaderFacts:
    identity = [f"MRN {patient.mrn}"]
    if patient.date_of_birth:
        identity.append(f"{age_on(patient.date_of_birth, today)} y")
    if patient.sex:
        identity.append(patient.sex)
    if patient.weight_kg:
        identity.append(f"{format_mg(patient.weight_kg)} kg")
    if course is None:
        return HeaderFacts(patient.name, " · ".join(identity), "No course yet", "", "")
    regimen = regimen or load_regimen(course.regimen_id)
    if course.status == "ended":
        position = f"Course ended {long_date(course.end_date)}"
        if course.end_reason:
            position += f" ({course.end_reason})"
    else:
        position = cycle_position(cycles, today, regimen.cycle_length_days)
    len_level = current_level(LENALIDOMIDE, course.len_start_level, level_changes, today)
    dex_level = current_level(DEXAMETHASONE, course.dex_start_level, level_changes, today)
    schedule = "every 48 h" if course.len_every_days == 2 else "daily"
    dose_text = (
        f"Lenalidomide {format_mg(regimen.lenalidomide.dose_for_level(len_level))} mg {schedule}"
        f" · Dexamethasone {format_mg(regimen.dexamethasone.dose_for_level(dex_level))} mg"
    )
    if course.thromboprophylaxis:
        dose_text += f" · VTE prophylaxis: {course.thromboprophylaxis}"
    warning = ""
    started = [cycle.actual_start for cycle in cycles if cycle.actual_start <= today]
    # Starting a cycle resumes the drug, so only the running cycle's records can hold it.
    running_since = max(started, default=None)
    held_since = hold_start(
        [dose for dose in doses if running_since and dose.date >= running_since]
    )
    if held_since is not None and course.status != "ended":
        warning = f"Lenalidomide on hold since {long_date(held_since)}"
    return HeaderFacts(patient.name, " · ".join(identity), position, dose_text, warning)


class PatientHeader(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("patientHeader")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.name_label = QLabel()
        self.name_label.setObjectName("patientName")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.identity_label = QLabel()
        self.course_label = QLabel()
        course_font = self.course_label.font()
        course_font.setBold(True)
        self.course_label.setFont(course_font)
        self.doses_label = QLabel()
        self.warning_label = QLabel()
        self.warning_label.setObjectName("holdWarning")
        self.warning_label.setStyleSheet(
            "QLabel { background: #e69f00; color: #1a1a1a; padding: 2px 6px; font-weight: bold; }"
        )
        for label in (self.name_label, self.identity_label, self.doses_label):
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        left = QVBoxLayout()
        left.addWidget(self.name_label)
        left.addWidget(self.identity_label)
        right = QVBoxLayout()
        right.addWidget(self.course_label)
        right.addWidget(self.doses_label)
        right.addWidget(self.warning_label)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)

    def show_facts(self, facts: HeaderFacts) -> None:
        self.name_label.setText(facts.name)
        self.identity_label.setText(facts.identity)
        self.course_label.setText(facts.course)
        self.doses_label.setText(facts.doses)
        self.doses_label.setVisible(bool(facts.doses))
        self.warning_label.setText(facts.warning)
        self.warning_label.setVisible(bool(facts.warning))

    def text(self) -> str:
        """Everything the header says, one line per label (for tests and accessibility)."""
        labels = (
            self.name_label,
            self.identity_label,
            self.course_label,
            self.doses_label,
            self.warning_label,
        )
        return "\n".join(label.text() for label in labels if label.text())
