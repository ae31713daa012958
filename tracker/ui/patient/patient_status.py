"""The status strip under the patient header: the latest counts with their CTCAE grade and
date, the open grade 3-4 events, whether a blood count is due, and today's advice.

Every fact is the treatment engine's (``DayState``); the strip only words it. Urgency is
coloured, and also said in words (the grade, the action), so colour is never the only cue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QToolButton, QVBoxLayout, QWidget

from tracker.domain.grading import CTCAE_VERSION, Unit, grade_count, grade_text, term_name
from tracker.domain.label_rules import hold_thresholds
from tracker.domain.regimen import format_mg
from tracker.domain.treatment.label import (
    CONTINUE,
    DELAY_CYCLE,
    HOLD,
    KEEP_HOLDING,
    RESUME,
    STOP,
)
from tracker.ui.common.dates import long_date, short_date
from tracker.ui.common.rems_text import pregnancy_test_text, rems_detail
from tracker.ui.forms.record_dialog import with_unit_symbols

if TYPE_CHECKING:
    from tracker.domain.treatment.engine import DayState
    from tracker.domain.treatment.history import Reading, ToxicityEvent

DISCLAIMER = "Decision support only; the clinician decides."
# A count older than this is flagged with its age (a cycle may not start on older counts).
STALE_AFTER_DAYS = 7

OK, WATCH, ALERT, ADVISE, NEUTRAL = "ok", "watch", "alert", "advise", "neutral"
# Background, border. Okabe-Ito hues, light enough for dark text (contrast above 7:1).
URGENCY_COLOURS = {
    OK: ("#e6f4ec", "#2e9e6a"),
    WATCH: ("#fff3d1", "#d9a400"),
    ALERT: ("#fde2dc", "#c0392b"),
    ADVISE: ("#e1edf8", "#0072b2"),
    NEUTRAL: ("#f0f0f0", "#9a9a9a"),
}
# Said before the text, so the urgency reads without the colour.
URGENCY_MARKS = {ALERT: "⚠ ", WATCH: "● ", ADVISE: "➜ "}


@dataclass(frozen=True)
class Chip:
    """One fact of the strip: what it says, the longer story, and how urgent it is."""

    name: str
    text: str
    tooltip: str
    urgency: str

    @property
    def shown(self) -> str:
        return URGENCY_MARKS.get(self.urgency, "") + self.text


@dataclass(frozen=True)
class StatusFacts:
    chips: tuple[Chip, ...]
    advice: Chip
    details: str


def _value(value: float) -> str:
    return f"{value:g}"


def count_chip(name: str, count_type: str, reading: Reading | None, today: date) -> Chip:
    """'ANC 0.8 ×10⁹/L · grade 3 · 27 Feb' with the grade's meaning in the tooltip."""
    label = "ANC" if name == "anc" else "Platelets"
    if reading is None:
        return Chip(name, f"{label}: none recorded", f"No {label} recorded yet.", WATCH)
    grade = grade_count(count_type, reading.value, Unit.PER_LITRE_E9)
    age = (today - reading.on).days
    when = short_date(reading.on, today)
    if age > STALE_AFTER_DAYS:
        when += f", {age} days ago"
    text = f"{label} {_value(reading.value)} ×10⁹/L · grade {grade} · {when}"
    threshold = hold_thresholds()[count_type]
    tooltip = [
        f"{label} {_value(reading.value)} ×10⁹/L on {long_date(reading.on)}.",
        f"{term_name(count_type)}, CTCAE {CTCAE_VERSION} grade {grade}"
        + (f": {grade_text(count_type, grade)}" if grade_text(count_type, grade) else "."),
        f"The label interrupts lenalidomide below {_value(threshold)} ×10⁹/L.",
    ]
    urgency = ALERT if grade >= 3 else WATCH if grade >= 1 else OK
    if age > STALE_AFTER_DAYS and urgency == OK:
        urgency = WATCH
    return Chip(name, text, "\n".join(tooltip), urgency)


def _event_text(event: ToxicityEvent, today: date) -> str:
    return f"{event.name} grade {event.grade} since {short_date(event.onset, today)}"


def events_chip(events: tuple[ToxicityEvent, ...], today: date) -> Chip:
    if not events:
        return Chip("events", "No open grade 3-4 event", "No grade 3-4 event is open.", OK)
    texts = [_event_text(event, today) for event in events]
    tooltip = "Open grade 3-4 events (not yet back to grade 2 or less):\n" + "\n".join(
        f"• {event.name} grade {event.grade}, onset {long_date(event.onset)}" for event in events
    )
    return Chip("events", "Open grade 3-4: " + "; ".join(texts), tooltip, ALERT)


def labs_chip(state: DayState, today: date) -> Chip | None:
    labs = state.labs
    why = f" ({labs.why})" if labs.why else ""
    if labs.due:
        return Chip("labs", "Blood count due", f"A blood count (CBC) is due{why}.", WATCH)
    if labs.next_on is not None:
        text = f"Next blood count {short_date(labs.next_on, today)}"
        return Chip("labs", text, f"Next blood count (CBC) on {long_date(labs.next_on)}{why}.", OK)
    return None


def rems_chip(state: DayState, today: date) -> Chip | None:
    """The last pregnancy test and the next one due, a stop, or a missing category: the
    engine's REMS answer (None where the REMS asks nothing of this patient)."""
    rems = state.rems
    if rems is None or not (rems.testing or rems.category_missing or rems.stop):
        return None
    tooltip = rems_detail(rems)
    if rems.stop is not None:
        return Chip("rems", f"STOP: {rems.stop_what}", tooltip, ALERT)
    if rems.category_missing:
        return Chip("rems", "REMS category not set", tooltip, ALERT)
    last = rems.last_test
    parts = [f"last {pregnancy_test_text(last, today)}" if last else "no test recorded"]
    urgency = OK
    if rems.next_test is not None and state.course_active:
        if rems.overdue:
            parts.insert(0, f"overdue since {short_date(rems.next_test, today)}")
            urgency = ALERT
        elif rems.test_due:
            parts.insert(0, "due today")
            urgency = WATCH
        else:
            parts.append(f"next {short_date(rems.next_test, today)}")
    if rems.authorization_missing:
        parts.append("authorization missing")
        urgency = ALERT
    return Chip("rems", "Pregnancy test " + " · ".join(parts), tooltip, urgency)


def _resume_part(state: DayState) -> str:
    mg = state.advice.resume_mg
    return "" if mg is None else f"; once the counts recover, resume at {format_mg(mg)} mg"


def _due_today(state: DayState) -> str:
    due = [
        f"{drug} {format_mg(day.due_mg)} mg"
        for drug, day in (
            ("lenalidomide", state.lenalidomide),
            ("dexamethasone", state.dexamethasone),
        )
        if day.due_mg > 0
    ]
    return " and ".join(due) + " due today" if due else "nothing due today"


def advice_headline(state: DayState) -> str:
    """The action in a few words, with the dose to resume at: the engine's advice, shortened."""
    advice = state.advice
    if advice.action == CONTINUE:
        if state.next_cycle_due is not None:
            due = state.next_cycle_due
            when = "today" if due == state.on else f"since {short_date(due, state.on)}"
            return f"Continue: the next cycle is due {when}; {_due_today(state)}"
        return f"Continue: {_due_today(state)}"
    if advice.action == HOLD:
        return "Hold lenalidomide (interrupt it)" + _resume_part(state)
    if advice.action == KEEP_HOLDING:
        return "Keep holding lenalidomide" + _resume_part(state)
    if advice.action == RESUME:
        mg = advice.resume_mg
        return "Resume lenalidomide" + (f" at {format_mg(mg)} mg" if mg is not None else "")
    if advice.action == DELAY_CYCLE:
        return "Delay the next cycle" + _resume_part(state)
    if advice.action == STOP:
        # A REMS stop is named by its finding: 'Stop: positive pregnancy test on ...'.
        stop = state.rems.stop if state.rems is not None else None
        first = stop.split(": stop")[0] if stop else advice.reason.split(". ")[0].rstrip(".")
        return f"Stop: {first[:1].lower()}{first[1:]}" if state.course_active else first
    return advice.reason


def advice_details(state: DayState) -> str:
    """The engine's advice in full: its reason and label wording, then what it rests on
    (units written as the screens write them)."""
    advice = state.advice
    parts = [advice.text]
    if advice.basis:
        parts.append("Based on: " + "; ".join(advice.basis) + ".")
    parts.append(DISCLAIMER)
    return with_unit_symbols("\n".join(parts))


def _advice_urgency(state: DayState) -> str:
    if not state.course_active:
        return NEUTRAL
    # Counts back while still interrupted: a decision to make, not a danger.
    if state.advice.action == RESUME:
        return ADVISE
    return ALERT if state.advice.withholds or state.on_hold else OK


def status_facts(state: DayState, today: date, renal_note: str | None = None) -> StatusFacts:
    from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA

    chips = [
        count_chip("anc", NEUTROPENIA, state.anc, today),
        count_chip("platelets", THROMBOCYTOPENIA, state.platelets, today),
        events_chip(state.open_events, today),
    ]
    labs = labs_chip(state, today) if state.course_active else None
    if labs is not None:
        chips.append(labs)
    rems = rems_chip(state, today)
    if rems is not None:
        chips.append(rems)
    if renal_note is not None:
        chips.append(Chip("renal", "Renal band changed", renal_note, ADVISE))
    details = advice_details(state)
    advice = Chip("advice", advice_headline(state), details, _advice_urgency(state))
    return StatusFacts(tuple(chips), advice, details)


def _style(label: QLabel, urgency: str) -> None:
    background, border = URGENCY_COLOURS[urgency]
    label.setStyleSheet(
        f"QLabel {{ background: {background}; border: 1px solid {border}; border-radius: 3px;"
        " color: #1a1a1a; padding: 2px 6px; }"
    )
    label.setProperty("urgency", urgency)


class StatusStrip(QFrame):
    """Shows ``status_facts`` for the course on screen; hidden while there is no course."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("statusStrip")
        self.setAccessibleName("Patient status")
        self.chip_labels: dict[str, QLabel] = {}
        self.chips_row = QHBoxLayout()
        self.chips_row.setContentsMargins(0, 0, 0, 0)
        for name in ("anc", "platelets", "events", "labs", "rems", "renal"):
            label = QLabel(objectName=f"{name}Status")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.chip_labels[name] = label
            self.chips_row.addWidget(label)
        self.chips_row.addStretch(1)
        self.advice_label = QLabel(objectName="adviceStatus")
        self.advice_label.setWordWrap(True)
        self.advice_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.advice_label.font()
        font.setBold(True)
        self.advice_label.setFont(font)
        self.details_button = QToolButton(objectName="adviceDetailsButton")
        self.details_button.setText("Why?")
        self.details_button.setCheckable(True)
        self.details_button.setToolTip("Show the label rule and the counts the advice rests on")
        self.details_button.toggled.connect(self._show_details)
        self.disclaimer = QLabel(DISCLAIMER, objectName="adviceDisclaimer")
        # A standing note, not a finding: quieter than the advice, still easy to read.
        self.disclaimer.setStyleSheet("QLabel { color: #4d4d4d; font-style: italic; }")
        advice_row = QHBoxLayout()
        advice_row.setContentsMargins(0, 0, 0, 0)
        advice_row.addWidget(self.advice_label, 1)
        advice_row.addWidget(self.disclaimer)
        advice_row.addWidget(self.details_button)
        self.details_label = QLabel(objectName="adviceDetails")
        self.details_label.setWordWrap(True)
        self.details_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details_label.setStyleSheet(
            "QLabel { background: #fafafa; border: 1px solid #c8c8c8; padding: 4px 6px; }"
        )
        self.details_label.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 2, 0, 2)
        layout.setSpacing(4)
        layout.addLayout(self.chips_row)
        layout.addLayout(advice_row)
        layout.addWidget(self.details_label)
        self.facts: StatusFacts | None = None
        self.hide()

    def show_state(
        self, state: DayState | None, today: date, renal_note: str | None = None
    ) -> None:
        """Show the engine's ``state`` for today (None: no course, nothing to show) and a
        renal band change, if any."""
        if state is None:
            self.facts = None
            self.hide()
            return
        self.facts = status_facts(state, today, renal_note)
        shown = {chip.name: chip for chip in self.facts.chips}
        for name, label in self.chip_labels.items():
            chip = shown.get(name)
            label.setVisible(chip is not None)
            if chip is not None:
                label.setText(chip.shown)
                label.setToolTip(chip.tooltip)
                _style(label, chip.urgency)
        advice = self.facts.advice
        self.advice_label.setText(advice.shown)
        self.advice_label.setToolTip(advice.tooltip)
        self.advice_label.setAccessibleDescription(advice.tooltip)
        _style(self.advice_label, advice.urgency)
        self.details_label.setText(self.facts.details)
        self.show()

    def _show_details(self, shown: bool) -> None:
        self.details_label.setVisible(shown)
        self.details_button.setText("Hide" if shown else "Why?")

    def text(self) -> str:
        """What the strip says, one line per visible part (for tests and accessibility)."""
        if self.facts is None:
            return ""
        lines = [chip.shown for chip in self.facts.chips]
        lines.append(self.facts.advice.shown)
        return "\n".join(lines)
