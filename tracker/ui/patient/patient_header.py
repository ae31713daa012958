"""The patient banner: who, where in the course they are, the doses in force and whether
lenalidomide is interrupted, all as the treatment engine answers for today."""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from tracker.domain.errors import DomainError
from tracker.domain.regimen import format_mg
from tracker.domain.renal import age_on
from tracker.ui.common.dates import long_date

if TYPE_CHECKING:
    from tracker.domain.treatment.engine import DayState
    from tracker.storage.records import Course, Patient
    from tracker.ui.patient.patient_read import CourseSnapshot



@dataclass(frozen=True)
class HeaderFacts:
    name: str
    identity: str
    course: str
    doses: str
    warning: str


EMPTY_HEADER = HeaderFacts("", "", "", "", "")


def _identity(patient: Patient, today: date) -> str:
    identity = [f"MRN {patient.mrn}"]
    if patient.date_of_birth:
        # A birth date after today is the patient form's to refuse, not the banner's.
        with suppress(DomainError):
            identity.append(f"{age_on(patient.date_of_birth, today)} y")
    if patient.sex:
        identity.append(patient.sex)
    if patient.weight_kg:
        identity.append(f"{format_mg(patient.weight_kg)} kg")
    return " · ".join(identity)


def course_position(course: Course, state: DayState, started_cycles: int) -> str:
    """'Cycle 3, day 12', or where today falls relative to the course, from the engine."""
    if course.status == "ended":
        ended = f"Course ended {long_date(course.end_date)}" if course.end_date else "Course ended"
        return ended + (f" ({course.end_reason})" if course.end_reason else "")
    if state.cycle is not None:
        return f"Cycle {state.cycle}, day {state.day}"
    if state.on < course.start_date:
        return f"Cycle 1 starts {long_date(course.start_date)}"
    if state.next_cycle_due is not None:
        due = state.next_cycle_due
        when = "is due today" if due == state.on else f"was due {long_date(due)}"
        return f"Cycle {started_cycles} finished; cycle {started_cycles + 1} {when}"
    # Nothing is due any more although the course is open (a death was recorded, say).
    return state.status_text


def interruption_text(state: DayState) -> str:
    """'Lenalidomide interrupted since 5 Feb 2026 (thrombocytopenia)', or '' when it is not."""
    interruption = state.interruption
    if interruption is None:
        return ""
    reason = f" ({interruption.reason})" if interruption.reason else ""
    return f"Lenalidomide interrupted since {long_date(interruption.start)}{reason}"


def header_facts(
    patient: Patient, today: date, shown: CourseSnapshot | None, *, reading: bool = False
) -> HeaderFacts:
    """The banner for ``patient`` on ``today`` with course ``shown`` (None: no course yet,
    or with ``reading`` its course is still being read)."""
    identity = _identity(patient, today)
    if shown is None:
        course = "Reading the course…" if reading else "No course yet"
        return HeaderFacts(patient.name, identity, course, "", "")
    course, state, regimen = shown.course, shown.state, shown.history.regimen
    len_mg = regimen.lenalidomide.dose_for_level(state.lenalidomide_level)
    dex_mg = regimen.dexamethasone.dose_for_level(state.dexamethasone_level)
    schedule = "every 48 h" if course.len_every_days == 2 else "daily"
    doses = f"Lenalidomide {format_mg(len_mg)} mg {schedule} · Dexamethasone {format_mg(dex_mg)} mg"
    if course.thromboprophylaxis:
        doses += f" · VTE prophylaxis: {course.thromboprophylaxis}"
    return HeaderFacts(
        patient.name,
        identity,
        course_position(course, state, len(shown.cycles)),
        doses,
        interruption_text(state),
    )


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
