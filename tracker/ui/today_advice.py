"""Hold advice for the Today screen: the US label's rules, as Record labs applies them, on a
flagged patient's latest counts and open grade 3-4 events, said in one line that fits a column.

Only patients whose lenalidomide is held or who have an open grade 3-4 event are looked at,
so the screen stays quick however many patients are on treatment. A low count recorded
without its grade 3-4 event (Record labs offers to log one, ticked) is therefore not flagged
here; Record labs itself shows the advice. The line is a prompt; the tooltip carries the
label's reasoning. The clinician decides.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from tracker.domain import advice as rules
from tracker.domain.errors import DomainError
from tracker.domain.grading import COUNT_EVENT_TYPES, NEUTROPENIA, THROMBOCYTOPENIA
from tracker.domain.grading import to_per_litre_e9 as per_litre_e9
from tracker.domain.label_rules import load_label_rules
from tracker.domain.regimen import LENALIDOMIDE, format_mg
from tracker.storage import queries
from tracker.ui.dates import short_date
from tracker.ui.patient_header import current_level
from tracker.ui.record_dialog import with_unit_symbols

if TYPE_CHECKING:
    from tracker.storage.database import Store
    from tracker.storage.queries import TodayRow

DECISION_SUPPORT = "Decision support only; the clinician decides."
_EVENT_NAMES = {NEUTROPENIA: "neutropenia", THROMBOCYTOPENIA: "thrombocytopenia", "vte": "VTE"}


@dataclass(frozen=True)
class HoldAdvice:
    """``text`` for the column, ``detail`` for its tooltip; ``urgent`` when a dose decision
    is due (hold, keep holding, resume), so the row stands out."""

    text: str
    detail: str
    urgent: bool = True


@dataclass(frozen=True)
class Counts:
    """The latest blood count on or before the day, in x10^9/L (None: not measured)."""

    on: date
    anc: float | None
    platelets: float | None

    def low_text(self) -> str:
        """'ANC 0.4, platelets 22': the counts below the label's hold thresholds."""
        label = load_label_rules()
        parts = []
        if label.is_low(NEUTROPENIA, self.anc):
            parts.append(f"ANC {self.anc:g}")
        if label.is_low(THROMBOCYTOPENIA, self.platelets):
            parts.append(f"platelets {self.platelets:g}")
        return ", ".join(parts)


def needs_advice(row: TodayRow) -> bool:
    return row.lenalidomide_held or bool(row.open_events)


def read_advice(store: Store, rows: Iterable[TodayRow], on: date) -> dict[int, HoldAdvice]:
    """Advice for every flagged row, by course id."""
    found = {}
    for row in rows:
        if needs_advice(row):
            found[row.course.id] = advice_for(
                row,
                on,
                labs=queries.labs_of(store, row.patient.id),
                events=queries.events_of(store, row.patient.id),
                # Only a hold needs the dose trail (where it began); it is the longest read.
                doses=queries.dose_records_of(store, row.course.id)
                if row.lenalidomide_held
                else (),
                changes=queries.level_changes_of(store, row.course.id),
            )
    return found


def latest_counts(labs: Sequence[Any], on: date) -> Counts | None:
    """The newest result with an ANC or a platelet count, on or before ``on``."""
    for lab in sorted(labs, key=lambda lab: lab.date, reverse=True):
        if lab.date > on or (lab.anc is None and lab.platelets is None):
            continue
        anc = None if lab.anc is None else per_litre_e9(lab.anc, lab.anc_unit or "10^9/L")
        platelets = (
            None
            if lab.platelets is None
            else per_litre_e9(lab.platelets, lab.platelets_unit or "10^9/L")
        )
        return Counts(lab.date, anc, platelets)
    return None


def _day(day: date, on: date) -> str:
    return short_date(day, on)


def _event_name(event: Any) -> str:
    return _EVENT_NAMES.get(event.event_type) or event.term or event.event_type


def advice_for(
    row: TodayRow,
    on: date,
    *,
    labs: Sequence[Any],
    events: Sequence[Any],
    doses: Sequence[Any],
    changes: Sequence[Any],
) -> HoldAdvice:
    """What the label says for this patient today, from their records up to ``on``."""
    course = row.course
    try:
        regimen = queries.regimen_of(course)
        level = current_level(LENALIDOMIDE, course.len_start_level, changes, on)
        history = rules.history_from(
            labs=[lab for lab in labs if lab.date <= on],
            events=[event for event in events if event.onset_date <= on],
            doses=[dose for dose in doses if dose.date <= on],
            since=course.start_date,
            starting_level=course.len_start_level,
        )
        counts = latest_counts(labs, on)
        count_events = [e for e in row.open_events if e.event_type in COUNT_EVENT_TYPES]
        other_events = [e for e in row.open_events if e.event_type not in COUNT_EVENT_TYPES]
        # Counts older than a count event cannot speak for it.
        newest_count_event = max((e.onset_date for e in count_events), default=None)
        stale = counts is None or (
            newest_count_event is not None and counts.on < newest_count_event
        )
        if not stale:
            assert counts is not None
            advice = rules.advise(
                counts.anc,
                counts.platelets,
                history=history,
                current_level=level,
                regimen=regimen,
            )
            # Counts that recovered while another event keeps the hold: that event speaks.
            waits_for_other = (
                advice.action == rules.KEEP_HOLDING and not counts.low_text() and other_events
            )
            if advice.action != rules.CONTINUE and not waits_for_other:
                return _from_counts(advice, counts, history, on, regimen.lenalidomide)
        if other_events:
            worst = max(other_events, key=lambda event: (event.grade, event.onset_date))
            advice = rules.advise_other_toxicity(
                worst.grade,
                held=row.lenalidomide_held,
                current_level=level,
                regimen=regimen,
                term=_event_name(worst),
            )
            if advice.action != rules.CONTINUE:
                return _from_other_toxicity(advice, worst, regimen.lenalidomide)
    except DomainError as error:
        return HoldAdvice("Check the record: no advice", f"No advice: {error}.")
    return _without_rule(row, counts, stale, on)


def _detail(advice: rules.Advice) -> str:
    return f"{with_unit_symbols(advice.text)}\n{DECISION_SUPPORT}"


def _from_counts(
    advice: rules.Advice,
    counts: Counts,
    history: rules.ToxicityHistory,
    on: date,
    ladder: Any,
) -> HoldAdvice:
    when = _day(counts.on, on)
    low = counts.low_text()
    if advice.action == rules.INTERRUPT:
        return HoldAdvice(f"Hold: {low} ({when})", _detail(advice))
    if advice.action == rules.RESUME and advice.level is not None:
        mg = format_mg(ladder.dose_for_level(advice.level))
        return HoldAdvice(f"Resume at {mg} mg: counts recovered ({when})", _detail(advice))
    if low:
        return HoldAdvice(f"Keep holding: {low} ({when})", _detail(advice))
    if history.other_unresolved:
        return HoldAdvice("Keep holding: another grade 3-4 event is open", _detail(advice))
    # A count behind the hold was not measured this time.
    return HoldAdvice(f"Keep holding: repeat the CBC (last {when})", _detail(advice))


def _from_other_toxicity(advice: rules.Advice, event: Any, ladder: Any) -> HoldAdvice:
    name = _event_name(event)
    if advice.action == rules.INTERRUPT:
        return HoldAdvice(f"Consider holding: {name} grade {event.grade}", _detail(advice))
    if advice.action == rules.RESUME and advice.level is not None:
        mg = format_mg(ladder.dose_for_level(advice.level))
        return HoldAdvice(f"Restart at {mg} mg", _detail(advice))
    restart_grade = load_label_rules().other_restart_at_or_below_grade
    return HoldAdvice(
        f"Keep holding until {name} is grade {restart_grade} or less", _detail(advice)
    )


def _without_rule(row: TodayRow, counts: Counts | None, stale: bool, on: date) -> HoldAdvice:
    """Flagged, but no label rule applies: say what would let one apply."""
    if counts is None:
        what = "Held: no blood count yet" if row.lenalidomide_held else "No blood count yet"
        return HoldAdvice(
            f"{what}: check the CBC",
            f"No ANC or platelet count is recorded; the label's hold and resume rules need "
            f"them.\n{DECISION_SUPPORT}",
        )
    when = _day(counts.on, on)
    if stale:
        return HoldAdvice(
            f"Check the CBC: last count {when}",
            "The open grade 3-4 count event is newer than the last blood count, which "
            f"cannot speak for it.\n{DECISION_SUPPORT}",
        )
    if row.lenalidomide_held:
        return HoldAdvice(
            f"Held: counts above hold limits ({when})",
            "The counts are not below the label's hold thresholds, and the hold was not for "
            "low counts or an open grade 3-4 event: the label does not say when to restart."
            f"\n{DECISION_SUPPORT}",
        )
    return HoldAdvice(
        f"Counts above hold limits ({when})",
        "The latest counts are not below the label's hold thresholds: close the grade 3-4 "
        f"event once it has resolved.\n{DECISION_SUPPORT}",
        urgent=False,
    )
