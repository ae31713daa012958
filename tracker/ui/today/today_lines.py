"""What each row of the Today screen says, in words, from the treatment engine's answer.

Nothing here decides a dose, a hold or advice: ``queries.today_rows`` asks the engine
(``day_state``) for every patient on treatment, and these functions only put its answer into
short cells and tooltips. It is plain Python, without Qt, so the whole read runs off the GUI
thread and the screen only has to show the lines. The engine comes in with the first read
(imported inside the functions), not with the window.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

from tracker.ui.common.dates import long_date, short_date
from tracker.ui.today.today_rems import QUIET_RANK, needs_action, rems_cell

if TYPE_CHECKING:
    from tracker.domain.treatment.engine import DayState
    from tracker.domain.treatment.history import Reading, ToxicityEvent
    from tracker.domain.treatment.label import Advice
    from tracker.storage.database import Store
    from tracker.storage.queries import TodayRow

DECISION_SUPPORT = "Decision support only; the clinician decides."
_EVENT_NAMES = {"neutropenia": "Neutropenia", "thrombocytopenia": "Thrombocytopenia", "vte": "VTE"}
_NO_DOSE = "—"
# The same few hundred dates are written thousands of times in one read.
_short = lru_cache(maxsize=4096)(short_date)


@dataclass(frozen=True)
class TodayLine:
    """One row of the Today table: the engine's answer for the day, and its cells in words.

    Tooltips are worded when shown (``*_detail``): thousands of rows are read at once, and
    only a few are ever hovered.
    """

    patient_id: int
    mrn: str
    name: str
    state: DayState
    cycle_text: str
    cycle_key: tuple
    lenalidomide_text: str
    lenalidomide_key: float
    dexamethasone_text: str
    dexamethasone_key: float
    labs_text: str
    events_text: str
    advice_text: str
    # Lenalidomide is withheld today (interrupted, or the advice says not to give it), or the
    # advice asks the clinician for a decision (resume, delay, stop).
    stands_out: bool
    advice_rank: int  # what to act on first sorts first
    # Renal function has left the band the course started in (from the latest creatinine).
    renal_note: str | None = None
    # Pregnancy prevention (``today_rems``): the cell and its rank, acted-on first.
    rems_text: str = ""
    rems_rank: int = QUIET_RANK + 1

    @property
    def rems_needs_action(self) -> bool:
        return needs_action(self.rems_rank)

    @property
    def advice(self) -> Advice:
        return self.state.advice

    @property
    def labs_due(self) -> bool:
        return self.state.labs.due

    @property
    def held(self) -> bool:
        return self.state.on_hold

    @property
    def events_count(self) -> int:
        return len(self.state.open_events)


# The text of each column of the table, in order (``today_model.COLUMNS`` shows them).
TEXT_FIELDS = (
    "mrn",
    "name",
    "cycle_text",
    "lenalidomide_text",
    "dexamethasone_text",
    "labs_text",
    "rems_text",
    "advice_text",
    "events_text",
)
_LONGEST_KEPT = 8


@dataclass(frozen=True)
class TodayRead:
    """Everything the screen shows for one day, read and worded in one go.

    ``lines`` come sorted as the screen first shows them (advice first, then by name);
    ``longest`` holds the longest few texts of each column, the ones its width is fitted to.
    """

    on: date
    lines: list[TodayLine]
    anyone: bool  # any patient at all (what to say when nobody is on treatment)
    summary: str
    longest: tuple[tuple[str, ...], ...]


def read_today(store: Store, on: date) -> TodayRead:
    """Today's rows for ``on``, as lines; the slow part of the screen, made for a worker."""
    from tracker.storage import queries
    from tracker.storage.renal_check import renal_band_notes

    rows = queries.today_rows(store, on)
    notes = renal_band_notes(store, [(row.patient, row.course) for row in rows], on)
    lines = [
        line_from(row, on, row.state.next_cycle_number, notes.get(row.course.id)) for row in rows
    ]
    lines.sort(key=lambda line: line.name.casefold())
    lines.sort(key=lambda line: line.advice_rank)
    anyone = bool(lines) or bool(queries.count_patients(store))
    longest = tuple(
        tuple(heapq.nlargest(_LONGEST_KEPT, (getattr(line, field) for line in lines), key=len))
        for field in TEXT_FIELDS
    )
    return TodayRead(on, lines, anyone, summary_text(lines), longest)


def summary_text(lines: list[TodayLine]) -> str:
    """'2,654 on treatment · 12 with lenalidomide held · …', the line above the table."""
    actions = [line.advice.action for line in lines]
    counted = (
        (sum(line.held for line in lines), "with lenalidomide held"),
        (actions.count("hold"), "advised to hold"),
        (actions.count("delay-cycle"), "advised to delay a cycle"),
        (actions.count("stop"), "advised to stop"),
        (actions.count("resume"), "advised to resume"),
        (sum(line.labs_due for line in lines), "with labs due"),
        (sum(1 for line in lines if line.events_count), "with open grade 3-4 events"),
        (sum(line.rems_needs_action for line in lines), "with a REMS item to act on"),
    )
    parts = [f"{len(lines):,} on treatment"]
    parts += [f"{number:,} {what}" for number, what in counted if number]
    return " · ".join(parts)


def _advice_order() -> dict[str, int]:
    """The order rows take under the advice column: what to act on today first."""
    from tracker.domain.treatment import label

    actions = (label.HOLD, label.STOP, label.DELAY_CYCLE, label.RESUME, label.KEEP_HOLDING)
    return {action: rank for rank, action in enumerate((*actions, label.CONTINUE))}


def line_from(
    row: TodayRow, on: date, next_cycle: int | None = None, renal_note: str | None = None
) -> TodayLine:
    from tracker.domain.treatment.label import CONTINUE

    state = row.state
    order = _advice_order()
    len_text, len_key = _lenalidomide(row)
    dex_text, dex_key = _dexamethasone(state)
    rems_text, rems_rank = rems_cell(state.rems)
    return TodayLine(
        patient_id=row.patient.id,
        mrn=row.patient.mrn,
        name=row.patient.name,
        state=state,
        cycle_text=_cycle_text(state, on, next_cycle),
        cycle_key=(state.cycle or 0, state.day or 0),
        lenalidomide_text=len_text,
        lenalidomide_key=len_key,
        dexamethasone_text=dex_text,
        dexamethasone_key=dex_key,
        labs_text=_labs_text(state, on),
        events_text="; ".join(
            [_event_text(event, on) for event in state.open_events]
            + (["renal band changed"] if renal_note else [])
        ),
        advice_text=advice_line(state, on, next_cycle),
        stands_out=state.withholds_lenalidomide or state.advice.action != CONTINUE,
        advice_rank=order.get(state.advice.action, len(order)),
        renal_note=renal_note,
        rems_text=rems_text,
        rems_rank=rems_rank,
    )


def _cycle_text(state: DayState, on: date, next_cycle: int | None) -> str:
    if state.cycle is not None:
        return f"C{state.cycle} D{state.day}"
    if state.next_cycle_due is not None:
        number = f"C{next_cycle}" if next_cycle else "Next cycle"
        return f"{number} due {_short(state.next_cycle_due, on)}"
    return "not started" if state.course_active or on < state.on else "stopped"


def mg_text(milligrams: float | None) -> str:
    from tracker.domain.regimen import format_mg

    return "" if milligrams is None else f"{format_mg(milligrams)} mg"


def _lenalidomide(row: TodayRow) -> tuple[str, float]:
    """Text and sort key (held first when sorted ascending) of the lenalidomide cell."""
    state = row.state
    if state.interruption is not None:
        return f"held since {_short(state.interruption.start, state.on)}", -1.0
    if not state.course_active or state.cycle is None:
        return _NO_DOSE, 0.0
    drug = state.lenalidomide
    if drug.due_mg:
        return mg_text(drug.due_mg), drug.due_mg
    if row.course.len_every_days > 1 and _is_dosing_window(row):
        return "none today (q48h)", 0.0
    return "rest", 0.0


def lenalidomide_detail(state: DayState) -> str:
    interruption = state.interruption
    if interruption is not None:
        why = f" ({interruption.reason})" if interruption.reason else ""
        return (
            f"Lenalidomide interrupted since {long_date(interruption.start)}{why}: none is due "
            "until a resume is recorded."
        )
    if state.lenalidomide.due_mg:
        return f"Lenalidomide {mg_text(state.lenalidomide.due_mg)} due today"
    return state.status_text


def _is_dosing_window(row: TodayRow) -> bool:
    """Whether the day lies in the cycle's lenalidomide days (to tell a q48h off day from the
    rest week when nothing is due)."""
    from tracker.storage import queries

    state = row.state
    return queries.regimen_of(row.course).lenalidomide.is_dosing_day(state.cycle, state.day)


def _dexamethasone(state: DayState) -> tuple[str, float]:
    drug = state.dexamethasone
    if drug.due_mg:
        return mg_text(drug.due_mg), drug.due_mg
    if drug.planned_mg and state.course_active:
        return "held", -1.0
    return _NO_DOSE, 0.0


def _latest_count_on(state: DayState) -> date | None:
    return max((reading.on for reading in (state.anc, state.platelets) if reading), default=None)


def _labs_text(state: DayState, on: date) -> str:
    last = _latest_count_on(state)
    last_text = f"last {_short(last, on)}" if last else "none yet"
    if state.labs.due:
        return f"due{', weekly' if state.labs.weekly else ''} ({last_text})"
    if state.labs.next_on is not None:
        return f"next {_short(state.labs.next_on, on)}"
    return last_text if last else ""


def labs_detail(state: DayState) -> str:
    labs = state.labs
    lines = []
    if labs.due:
        lines.append(f"Blood count due ({labs.why})" if labs.why else "Blood count due")
    elif labs.next_on is not None:
        lines.append(f"Next blood count due {long_date(labs.next_on)}")
    if labs.weekly:
        lines.append("Weekly while lenalidomide is interrupted for low counts")
    for reading in (state.anc, state.platelets):
        if reading is not None:
            lines.append(f"Latest {reading.name} {reading.value:g} x10^9/L on {long_date(reading.on)}")
    return "\n".join(lines)


def _event_name(event: ToxicityEvent) -> str:
    """The short name for the table; the full term goes in the tooltip."""
    return _EVENT_NAMES.get(event.event_type) or event.term or event.event_type


def _event_text(event: ToxicityEvent, on: date) -> str:
    return f"{_event_name(event)} G{event.grade} since {_short(event.onset, on)}"


def events_detail(state: DayState, renal_note: str | None = None) -> str:
    return "\n".join(
        [
            f"{event.term or _event_name(event)}, grade {event.grade}, since "
            f"{long_date(event.onset)}"
            for event in state.open_events
        ]
        + ([renal_note] if renal_note else [])
    )


# -- the advice ------------------------------------------------------------------------------


def _readings_text(readings: list[Reading], on: date) -> str:
    """'ANC 0.4, platelets 15 (2 Mar)', or each with its date when they differ."""
    if not readings:
        return ""
    if len({reading.on for reading in readings}) == 1:
        values = ", ".join(f"{reading.name} {reading.value:g}" for reading in readings)
        return f"{values} ({_short(readings[0].on, on)})"
    return ", ".join(
        f"{reading.name} {reading.value:g} ({_short(reading.on, on)})" for reading in readings
    )


def _what_holds(state: DayState) -> str:
    """The latest counts below the label's hold thresholds and the other grade 3-4 toxicities
    still open: what a hold rests on, named as the engine's counts and events give them."""
    others = [f"{event.name} grade {event.grade}" for event in state.open_other_toxicities]
    low = list(state.low_counts)
    return "; ".join(part for part in (_readings_text(low, state.on), *others) if part)


def advice_line(state: DayState, on: date, next_cycle: int | None = None) -> str:
    """The advice in a few words: its action, what it rests on, and the dose to resume at."""
    from tracker.domain.treatment.label import (
        CONTINUE,
        DELAY_CYCLE,
        HOLD,
        KEEP_HOLDING,
        RESUME,
        STOP,
    )

    advice = state.advice
    resume = f"resume at {mg_text(advice.resume_mg)}" if advice.resume_mg is not None else ""
    if advice.action == CONTINUE:
        return "Continue"
    if advice.action == RESUME:
        return f"Resume at {mg_text(advice.resume_mg)}" if resume else "Resume"
    if advice.action == STOP:
        if state.rems is not None and state.rems.stop is not None:
            return f"Stop lenalidomide: {state.rems.stop_what}"
        if state.course_active:
            return "Stop: progression"
        return f"Stop: {state.status_text[:1].lower()}{state.status_text[1:]}"
    heading = {
        HOLD: "Hold",
        KEEP_HOLDING: "Keep holding",
        DELAY_CYCLE: f"Delay cycle {next_cycle}" if next_cycle else "Delay the next cycle",
    }.get(advice.action, advice.action.capitalize())
    cause = _what_holds(state)
    text = f"{heading}: {cause}" if cause else heading
    return f"{text} — {resume}" if resume else text


def advice_detail(advice: Advice) -> str:
    """The advice's reason and label wording, the counts and dates it rests on, and who
    decides."""
    parts = [advice.text]
    if advice.basis:
        parts.append("Based on:\n" + "\n".join(f"• {item}" for item in advice.basis))
    if advice.source:
        parts.append(f"Source: {advice.source}")
    parts.append(DECISION_SUPPORT)
    return "\n\n".join(parts)
