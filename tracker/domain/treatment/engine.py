"""The state of a course on any day, and whether a cycle may start.

``day_state`` is the one answer every surface shows: where the patient is in the course, the
doses planned and due, the interruption, the label's advice, the counts it rests on, and
whether blood counts are due. ``course_days`` is the same answer for every day of the
calendar; ``start_check`` says what stands in the way of starting a cycle or a course.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from tracker.domain.calendar import PlannedDay, plan_course
from tracker.domain.grading import NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.label_rules import load_label_rules
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE
from tracker.domain.rems_rules import rems_rules
from tracker.domain.treatment.drops import Drop, find_drops
from tracker.domain.treatment.history import (
    COUNT_TYPES,
    CourseHistory,
    Interruption,
    Reading,
    ToxicityEvent,
)
from tracker.domain.treatment.label import (
    CONTINUE,
    DELAY_CYCLE,
    HOLD,
    KEEP_HOLDING,
    STOP,
    Advice,
    label_advice,
)
from tracker.domain.treatment.monitoring import count_schedule
from tracker.domain.treatment.rems import RemsState, rems_state

_SEVERE = (3, 4)


@dataclass(frozen=True)
class DrugDay:
    """A drug on one day: the dose the calendar plans and the dose due (0 when interrupted,
    on a rest day, or after the course ended)."""

    planned_mg: float
    due_mg: float


@dataclass(frozen=True)
class LabsStatus:
    """Whether a blood count is due on the day, and when the next one falls."""

    due: bool
    next_on: date | None
    weekly: bool = False
    why: str = ""


@dataclass(frozen=True)
class DayState:
    """The engine's answer for one course on one day."""

    on: date
    course_active: bool
    cycle: int | None
    day: int | None
    lenalidomide: DrugDay
    dexamethasone: DrugDay
    lenalidomide_level: int
    dexamethasone_level: int
    interruption: Interruption | None
    advice: Advice
    labs: LabsStatus
    anc: Reading | None
    platelets: Reading | None
    open_events: tuple[ToxicityEvent, ...]
    next_cycle_due: date | None
    status_text: str
    # The number of the cycle due next, while the course is between cycles.
    next_cycle_number: int | None = None
    # Pregnancy prevention (None when the history carries no REMS facts).
    rems: RemsState | None = None

    @property
    def on_hold(self) -> bool:
        return self.interruption is not None

    @property
    def labs_due(self) -> bool:
        return self.labs.due

    @property
    def low_counts(self) -> tuple[Reading, ...]:
        """The latest counts that are below the label's hold thresholds."""
        rules = load_label_rules()
        return tuple(
            reading
            for reading in (self.anc, self.platelets)
            if reading is not None and rules.is_low(reading.count_type, reading.value)
        )

    @property
    def open_other_toxicities(self) -> tuple[ToxicityEvent, ...]:
        """Open grade 3-4 events other than low counts (the label's other-toxicity rule)."""
        return tuple(event for event in self.open_events if event.event_type not in COUNT_TYPES)

    @property
    def withholds_lenalidomide(self) -> bool:
        """True when no lenalidomide should be given today: interrupted, or advice says so."""
        return self.on_hold or self.advice.withholds

    def as_json(self) -> dict:
        return {
            "on": self.on.isoformat(),
            "course_active": self.course_active,
            "cycle": self.cycle,
            "day": self.day,
            "lenalidomide": {
                "planned_mg": _number(self.lenalidomide.planned_mg),
                "due_mg": _number(self.lenalidomide.due_mg),
                "on_hold": self.on_hold,
                "on_hold_since": self.interruption.start.isoformat() if self.interruption else None,
            },
            "dexamethasone": {
                "planned_mg": _number(self.dexamethasone.planned_mg),
                "due_mg": _number(self.dexamethasone.due_mg),
            },
            "labs_due": self.labs.due,
            "next_labs": self.labs.next_on.isoformat() if self.labs.next_on else None,
            "latest_counts": {
                reading.name: {"value": reading.value, "on": reading.on.isoformat()}
                for reading in (self.anc, self.platelets)
                if reading is not None
            },
            "open_grade3_4_events": [
                {"event": event.name, "grade": event.grade, "onset": event.onset.isoformat()}
                for event in self.open_events
            ],
            "advice": {
                **self.advice.as_json(),
                "resume_mg": None
                if self.advice.resume_mg is None
                else _number(self.advice.resume_mg),
            },
            "rems": None if self.rems is None else self.rems.as_json(),
        }


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


# -- one day -----------------------------------------------------------------------------


def _stopped_on(history: CourseHistory, day: date) -> str | None:
    """Why nothing is due on ``day`` because the course is over, else None."""
    death = history.death_on_or_before(day)
    if death is not None:
        return f"died {death.onset.isoformat()} ({death.name} grade {death.grade})"
    if history.ended_on is not None and day > history.ended_on:
        reason = f" ({history.end_reason})" if history.end_reason else ""
        return f"course ended {history.ended_on.isoformat()}{reason}"
    return None


def _planned(history: CourseHistory, drug: str, cycle: int, day: int, on: date) -> float:
    schedule = history.regimen.drug(drug)
    if not schedule.is_dosing_day(cycle, day):
        return 0.0
    if drug == LENALIDOMIDE and (day - 1) % history.len_every_days != 0:
        return 0.0
    return schedule.dose_for_level(history.level_on(drug, on))


def _open_severe(history: CourseHistory, day: date) -> tuple[ToxicityEvent, ...]:
    return tuple(
        event for event in history.events if event.grade in _SEVERE and event.open_on(day)
    )


def _count_interruption(
    interruption: Interruption | None, drops: list[Drop], on: date
) -> bool:
    """Is the open interruption one for a count below the hold thresholds?"""
    return interruption is not None and any(
        drop.overlaps(interruption.start, on) for drop in drops
    )


def _scheduled_around(history: CourseHistory, on: date) -> tuple[date | None, date | None]:
    """The latest scheduled count day on or before ``on`` and the first one after it.

    Only the cycle ``on`` falls in (or the last one before it) and the one after matter, so
    only those are looked at, whatever the course's length."""
    schedule = count_schedule()
    starts = history.cycle_starts
    # The last started cycle that began on or before ``on`` (0: none yet).
    current = 0
    for number in range(len(starts), 0, -1):
        if starts[number - 1] <= on:
            current = number
            break
    candidates: list[date] = []
    for number in range(max(current - 1, 1), current + 2):
        if number <= len(starts):
            candidates += schedule.due_dates(number, starts[number - 1])
        elif number == len(starts) + 1:
            candidates += schedule.due_dates(number, history.next_cycle_due)[:1]
    before = max((d for d in candidates if d <= on), default=None)
    after = min((d for d in candidates if d > on), default=None)
    return before, after


def labs_status(
    history: CourseHistory,
    on: date,
    interruption: Interruption | None,
    drops: list[Drop] | None = None,
) -> LabsStatus:
    """Blood counts by cycle day (weekly while interrupted for low counts). ``drops`` are
    ``find_drops(history, on)`` when the caller has them already."""
    schedule = count_schedule()
    last = max((c.on for c in history.counts if c.on <= on and c.measured), default=None)
    if drops is None:
        drops = find_drops(history, on, load_label_rules())
    if _count_interruption(interruption, drops, on):
        every = schedule.while_interrupted_every_days
        due = last is None or (on - last).days >= every
        next_on = on if due else last + timedelta(days=every)
        return LabsStatus(due, next_on, weekly=True, why="weekly while interrupted for low counts")
    latest_due, after = _scheduled_around(history, on)
    if latest_due is None:
        return LabsStatus(False, after)
    accepted_from = latest_due - timedelta(days=schedule.accepted_days_before)
    due = last is None or last < accepted_from
    cycle = history.cycle_on(latest_due)
    why = f"cycle {cycle[0]} day {cycle[1]}" if cycle else "next cycle day 1"
    return LabsStatus(due, latest_due if due else after, why=why)


def _status_text(cycle: tuple[int, int] | None, history: CourseHistory, on: date) -> str:
    if on < history.start:
        return f"Course starts {history.start.isoformat()}"
    if cycle is not None:
        return f"Cycle {cycle[0]}, day {cycle[1]}"
    return (
        f"Cycle {len(history.cycle_starts)} finished; cycle {len(history.cycle_starts) + 1} "
        f"due {history.next_cycle_due.isoformat()}"
    )


def day_state(history: CourseHistory, on: date) -> DayState:
    """Where the course stands on ``on``, from everything recorded up to that day."""
    stopped = _stopped_on(history, on)
    active = stopped is None and on >= history.start
    cycle = history.cycle_on(on) if on >= history.start else None
    interruption = history.interruption_on(on) if active else None
    dex_interruption = history.interruption_on(on, DEXAMETHASONE) if active else None
    len_planned = dex_planned = 0.0
    if cycle is not None:
        len_planned = _planned(history, LENALIDOMIDE, cycle[0], cycle[1], on)
        dex_planned = _planned(history, DEXAMETHASONE, cycle[0], cycle[1], on)
    between_cycles = active and cycle is None
    drops = find_drops(history, on, load_label_rules()) if active else []
    facts = history.rems
    rems = None if facts is None else rems_state(facts, on, history, course_active=active)
    advice = _advice_of_day(history, on, stopped, between_cycles, drops, rems)
    labs = labs_status(history, on, interruption, drops) if active else LabsStatus(False, None)
    status = stopped.capitalize() if stopped else _status_text(cycle, history, on)
    return DayState(
        on=on,
        course_active=active,
        cycle=cycle[0] if cycle else None,
        day=cycle[1] if cycle else None,
        lenalidomide=DrugDay(len_planned, len_planned if active and not interruption else 0.0),
        dexamethasone=DrugDay(
            dex_planned, dex_planned if active and not dex_interruption else 0.0
        ),
        lenalidomide_level=history.level_on(LENALIDOMIDE, on),
        dexamethasone_level=history.level_on(DEXAMETHASONE, on),
        interruption=interruption,
        advice=advice,
        labs=labs,
        anc=history.latest(NEUTROPENIA, on),
        platelets=history.latest(THROMBOCYTOPENIA, on),
        open_events=_open_severe(history, on),
        next_cycle_due=history.next_cycle_due if between_cycles else None,
        status_text=status,
        next_cycle_number=len(history.cycle_starts) + 1 if between_cycles else None,
        rems=rems,
    )


def _advice_of_day(
    history: CourseHistory,
    on: date,
    stopped: str | None,
    between_cycles: bool,
    drops: list[Drop],
    rems: RemsState | None = None,
) -> Advice:
    if stopped is not None:
        return Advice(STOP, f"Nothing is due: {stopped}.")
    if on < history.start:
        return Advice(CONTINUE, f"The course starts on {history.start.isoformat()}.")
    if rems is not None and rems.stop is not None:
        # Embryo-fetal toxicity comes before any count: lenalidomide stops at once.
        return Advice(STOP, rems.stop, (rems.stop_rule,), rems.stop_basis, rems_rules().source)
    advice = label_advice(history, on, drops)
    progression = history.progression_on_or_before(on)
    if progression is not None:
        return replace(
            advice,
            action=STOP,
            reason=f"Progression recorded on {progression.isoformat()}: the regimen is given "
            f"until progression; end the course if the clinician agrees. {advice.reason}",
            basis=(f"progression {progression.isoformat()}", *advice.basis),
        )
    if between_cycles:
        due = history.next_cycle_due.isoformat()
        number = len(history.cycle_starts) + 1
        if advice.action in (HOLD, KEEP_HOLDING):
            return replace(
                advice,
                action=DELAY_CYCLE,
                reason=f"Cycle {number} was due {due}: delay it. {advice.reason}",
            )
        if advice.action == CONTINUE:
            return replace(advice, reason=f"Cycle {number} is due since {due}. {advice.reason}")
    return advice


# -- every day of the calendar -----------------------------------------------------------


def course_days(history: CourseHistory, cycles: int | None = None) -> list[PlannedDay]:
    """Every day of the started cycles (or of ``cycles`` cycles if more), as given: doses at
    the level in force, interrupted days held, nothing after the course stopped."""
    planned = plan_course(
        history.regimen,
        history.start,
        max(len(history.cycle_starts), cycles or 0, 1),
        lenalidomide_level=history.len_start_level,
        dexamethasone_level=history.dex_start_level,
        actual_starts=dict(enumerate(history.cycle_starts, start=1)),
        level_changes=history.level_changes,
        lenalidomide_every_days=history.len_every_days,
    )
    days = []
    for planned_day in planned:
        if _stopped_on(history, planned_day.date) is not None:
            days.append(replace(planned_day, lenalidomide_mg=0.0, dexamethasone_mg=0.0))
            continue
        held = frozenset(
            i.drug for i in history.interruptions if i.covers(planned_day.date)
        )
        if held:
            planned_day = replace(
                planned_day,
                held=held,
                lenalidomide_mg=0.0 if LENALIDOMIDE in held else planned_day.lenalidomide_mg,
                dexamethasone_mg=0.0
                if DEXAMETHASONE in held
                else planned_day.dexamethasone_mg,
            )
        days.append(planned_day)
    return days
