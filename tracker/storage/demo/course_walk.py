"""One demo course lived the way a clinic that follows the label would live it.

The walk goes from one day that matters to the next (a count due by the count schedule, a
weekly count while the label asks for one, a clot's onset or resolution, a cycle due to
start) and on each asks the treatment engine what the label advises for the history so far:
- ``hold`` during a cycle starts an interruption of lenalidomide;
- ``resume`` ends it at the level the engine advises (a level change when that differs);
- a cycle due to start begins only when the advice does not withhold lenalidomide: until
  then it is delayed, with counts weekly when the advice asks for them; the start records
  the resume, and ``cycle_start_check`` says whether the start needs an override reason.
Nothing here decides a hold, a resume level or a delay on its own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from tracker.domain.calendar import LevelChange
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, Regimen
from tracker.domain.treatment.history import CountResult, CourseHistory, Interruption
from tracker.domain.treatment.label import HOLD, RESUME, Advice, label_advice
from tracker.domain.treatment.monitoring import count_schedule
from tracker.domain.treatment.start_check import cycle_start_check, start_check
from tracker.storage.demo.counts import LowSpell, PatientCounts
from tracker.storage.demo.events import DemoEvent, PlannedClot

ADMIN_DELAYS = (
    "patient request (travel)",
    "public holiday",
    "prescription authorisation pending",
    "intercurrent infection",
    "hospital admission (unrelated)",
)
STEROID_TOXICITY = "steroid side effects (insomnia, hyperglycaemia)"
# What a clinician writes when a start goes ahead against the start check.
START_OVERRIDE = "started on the clinician's decision (synthetic demo record)"
_WEEK = timedelta(days=7)
_REASON_LENGTH = 200


@dataclass
class CycleStart:
    number: int
    planned: date
    actual: date
    len_level: int
    dex_level: int
    delay_reason: str | None
    override: str | None = None
    problems: str | None = None


@dataclass
class LevelStep:
    effective: date
    drug: str
    level: int
    reason: str


@dataclass
class CourseWalk:
    """The course of one demo patient; ``run`` fills in cycles, counts, interruptions,
    level changes and events up to ``today`` (or the course end)."""

    rng: random.Random
    regimen: Regimen
    today: date
    start: date
    planned_cycles: int
    len_start_level: int
    dex_start_level: int
    len_every_days: int
    renal_band: str
    thromboprophylaxis: str
    vte_risk_factors: str | None
    counts_source: PatientCounts
    clots: list[PlannedClot]
    cycles: list[CycleStart] = field(default_factory=list)
    counts: list[CountResult] = field(default_factory=list)
    interruptions: list[Interruption] = field(default_factory=list)
    steps: list[LevelStep] = field(default_factory=list)
    events: list[DemoEvent] = field(default_factory=list)
    course_override: str | None = None
    course_problems: str | None = None
    end: date | None = None
    # Where the walk stands.
    _day: date = date.min
    _due_counts: list[date] = field(default_factory=list)
    _weekly_on: date | None = None
    _next_start_on: date | None = None  # the day the next cycle may start (None: no more)
    _admin_delay_reason: str | None = None
    _waiting_for: str | None = None
    _changes: list[LevelChange] = field(default_factory=list)

    # -- the walk ---------------------------------------------------------------------------

    def run(self) -> None:
        self._day = self.start
        self._draw(self.start)
        check = start_check(self.counts, self.start)
        if check.needs_override:
            self.course_override, self.course_problems = START_OVERRIDE, "; ".join(check.problems)
        self._begin_cycle(self.start, None, None)
        while (day := self._next_day()) is not None:
            self._visit(day)

    @property
    def last_day(self) -> date:
        return self.today if self.end is None else min(self.end, self.today)

    def _next_day(self) -> date | None:
        after = self._day
        candidates = [day for day in (self._weekly_on, self._next_start_on) if day]
        if self._due_counts:
            candidates.append(self._due_counts[0])
        for clot in self.clots:
            candidates += [day for day in (clot.onset, clot.resolved) if day is not None]
        later = [day for day in candidates if day > after]
        if not later or min(later) > self.last_day:
            return None
        return min(later)

    def _visit(self, day: date) -> None:
        self._day = day
        count_due = False
        while self._due_counts and self._due_counts[0] <= day:
            count_due = True
            self._due_counts.pop(0)
        count_due = count_due or self._weekly_on == day
        starting = self._next_start_on is not None and day >= self._next_start_on
        if count_due or starting:
            self._draw(day)
        for clot in self.clots:
            if clot.onset == day:
                self.events.append(clot.event())
        history = self.history()
        advice = label_advice(history, day)
        # Weekly counts run from the latest count, whatever else brought the walk here.
        weekly = max(self.counts[-1].on + _WEEK, day + timedelta(days=1))
        self._weekly_on = weekly if advice.cbc_weekly else None
        interruption = self.open_interruption
        if starting and advice.withholds:
            self._delay(day, history)
        elif starting:
            self._begin_cycle(day, advice, history)
        elif interruption is not None and advice.action == RESUME:
            self._resume(day, advice)
        elif interruption is None and self._in_cycle(day):
            if advice.action == HOLD:
                self._interrupt(day, advice)
            elif advice.action == RESUME:
                self._set_level(day, advice, f"the label's resume dose: {_finding(advice)}")
        if self.open_interruption is not None or advice.withholds:
            for event in self.events:
                if event.onset == day and event.calls_for_hold:
                    event.held = True

    def _in_cycle(self, day: date) -> bool:
        return day < self.cycles[-1].actual + timedelta(days=self.regimen.cycle_length_days)

    # -- what the clinic records ------------------------------------------------------------

    def _draw(self, day: date) -> None:
        if self.counts and self.counts[-1].on == day:
            return
        self.counts.append(self.counts_source.draw(day))
        for spell in self.counts_source.spells:
            if spell.onset == day:
                self.events.append(DemoEvent.of_spell(spell))
            elif spell.back_on == day:
                self._resolve_spell(spell, day)

    def _resolve_spell(self, spell: LowSpell, day: date) -> None:
        for event in self.events:
            if event.spell is spell:
                event.resolved = day

    @property
    def open_interruption(self) -> Interruption | None:
        last = self.interruptions[-1] if self.interruptions else None
        return last if last is not None and last.end is None else None

    def _interrupt(self, day: date, advice: Advice) -> None:
        # The finding the advice rests on, in the engine's words, is the reason recorded.
        self.interruptions.append(Interruption(LENALIDOMIDE, day, reason=_finding(advice)))

    def _resume(self, day: date, advice: Advice) -> None:
        current = self.open_interruption
        assert current is not None and advice.resume_level is not None
        self.interruptions[-1] = replace(current, end=day, resume_level=advice.resume_level)
        self._set_level(day, advice, f"resumed after interruption: {current.reason}")

    def _set_level(self, day: date, advice: Advice, why: str) -> None:
        """Lenalidomide at the level the advice names, from ``day``."""
        level, before = advice.resume_level, self.level_on(LENALIDOMIDE, day)
        if level is None or level == before:
            return
        self._change(day, LENALIDOMIDE, level, why[:_REASON_LENGTH])
        if level > before:  # a lower dose: the events that led to it were reduced for
            for event in self.events:
                if event.held and event.onset <= day <= (event.resolved or day):
                    event.reduced = True

    def _change(self, day: date, drug: str, level: int, reason: str) -> None:
        self.steps.append(LevelStep(day, drug, level, reason))
        self._changes.append(LevelChange(day, drug, level))

    def level_on(self, drug: str, day: date) -> int:
        level = self.len_start_level if drug == LENALIDOMIDE else self.dex_start_level
        for step in self.steps:
            if step.drug == drug and step.effective <= day:
                level = step.level
        return level

    # -- cycles -----------------------------------------------------------------------------

    def _delay(self, day: date, history: CourseHistory) -> None:
        """The label withholds lenalidomide on the day the cycle was to start: wait, with
        counts weekly when the advice asks for them, else until the next thing changes."""
        if self._waiting_for is None:
            problems = cycle_start_check(history, day).problems
            # The counts say why in fewest words; an open interruption otherwise.
            counts = [p for p in problems if not p.startswith("lenalidomide is interrupted")]
            self._waiting_for = "; ".join(counts or problems)
        pending = [clot.resolved for clot in self.clots if clot.resolved and clot.resolved > day]
        if self._weekly_on is None and not pending:
            self._weekly_on = day + _WEEK

    def _begin_cycle(self, day: date, advice: Advice | None, history: CourseHistory | None) -> None:
        """Start the next cycle on ``day`` (``advice``: the engine's on that day, for the
        history before the start; None for cycle 1)."""
        number = len(self.cycles) + 1
        length = timedelta(days=self.regimen.cycle_length_days)
        planned = self.cycles[-1].actual + length if self.cycles else day
        override = problems = None
        if advice is not None and history is not None:
            resuming = self.open_interruption is not None
            check = cycle_start_check(history, day, resuming=resuming)
            if check.needs_override:
                override, problems = START_OVERRIDE, "; ".join(check.problems)
            if resuming:
                self._resume(day, advice)
            elif advice.action == RESUME:
                why = f"cycle {number} start at the label's resume dose; " + (
                    f"it waited for recovery: {self._waiting_for}"
                    if self._waiting_for
                    else _finding(advice)
                )
                self._set_level(day, advice, why)
            dex = self.level_on(DEXAMETHASONE, day)
            if self.rng.random() < 0.03 and dex < self.regimen.dexamethasone.lowest_level:
                self._change(day, DEXAMETHASONE, dex + 1, STEROID_TOXICITY)
        reasons = [self._admin_delay_reason]
        if self._waiting_for:
            reasons.append(f"awaiting recovery: {self._waiting_for}")
        delay_reason = "; ".join(reason for reason in reasons if reason)
        self.cycles.append(
            CycleStart(
                number,
                planned,
                day,
                self.level_on(LENALIDOMIDE, day),
                self.level_on(DEXAMETHASONE, day),
                delay_reason[:_REASON_LENGTH] if day > planned else None,
                override,
                problems,
            )
        )
        self._admin_delay_reason = self._waiting_for = None
        self._due_counts = [due for due in count_schedule().due_dates(number, day) if due > day]
        self._arm(number, day)
        if number < self.planned_cycles:
            self._next_start_on = day + length + self._admin_delay()
        else:
            self._next_start_on = None
            end = day + timedelta(days=self.rng.randint(20, self.regimen.cycle_length_days - 1))
            self.end = end if end < self.today else None

    def _admin_delay(self) -> timedelta:
        rng = self.rng
        if rng.random() < 0.07:
            days = rng.randint(2, 10)
            self._admin_delay_reason = rng.choice(ADMIN_DELAYS)
            return timedelta(days=days)
        return timedelta()

    def _arm(self, number: int, day: date) -> None:
        """Spells and clots of this cycle begin counting from its actual start."""
        for spell in self.counts_source.spells:
            if spell.cycle == number:
                spell.arm(day)
        for clot in self.clots:
            if clot.cycle == number:
                clot.place(day, self.rng, self.today)

    # -- the history the engine reads -----------------------------------------------------------

    def history(self, *, final: bool = False) -> CourseHistory:
        return CourseHistory(
            regimen=self.regimen,
            start=self.start,
            cycle_starts=tuple(cycle.actual for cycle in self.cycles),
            len_start_level=self.len_start_level,
            dex_start_level=self.dex_start_level,
            len_every_days=self.len_every_days,
            level_changes=tuple(self._changes),
            interruptions=tuple(self.interruptions),
            counts=tuple(self.counts),
            # As known on the day walked: a resolution still to come is not in the record.
            events=tuple(event.fact(self.today if final else self._day) for event in self.events),
            ended_on=self.end if final else None,
        )


def _finding(advice: Advice) -> str:
    """The first finding the advice rests on, in the engine's words, without nested
    brackets (it is shown inside brackets itself): "ANC below threshold since 2026-03-02:
    first ANC drop of the course, lowest 0.62"."""
    finding = advice.basis[0] if advice.basis else advice.reason
    head, bracket, rest = finding.partition(" (")
    if bracket and rest.endswith(")"):
        return f"{head}: {rest[:-1]}"
    return finding
