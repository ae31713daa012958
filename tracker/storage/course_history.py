"""A course's records read as the treatment engine's ``CourseHistory``.

This is the one way storage hands a course to the engine: every surface that needs a dose,
a hold or advice reads the history here and asks ``tracker.domain.treatment``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from datetime import date
from functools import cache
from typing import Any

from tracker.domain.calendar import LevelChange
from tracker.domain.grading import to_per_litre_e9
from tracker.domain.regimen import load_regimen
from tracker.domain.treatment.history import (
    CountResult,
    CourseHistory,
    Interruption,
    ResponseFact,
    ToxicityEvent,
)
from tracker.domain.treatment.rems_facts import RemsFacts
from tracker.storage.database import Store
from tracker.storage.errors import BadStoredValueError
from tracker.storage.records import (
    AdverseEvent,
    Course,
    InterruptionRecord,
    LabResult,
    LevelChangeRecord,
    ResponseRecord,
    bad_value_message,
    stored_day,
)
from tracker.storage.rems_reads import active_rems_facts
from tracker.storage.value_rules import rules_of

_PER_LITRE = "10^9/L"


def count_result(lab: LabResult) -> CountResult | None:
    """A lab row's counts in x10^9/L, or None for a creatinine-only result."""
    if lab.anc is None and lab.platelets is None:
        return None
    return CountResult(
        lab.date,
        None if lab.anc is None else to_per_litre_e9(lab.anc, lab.anc_unit or _PER_LITRE),
        None
        if lab.platelets is None
        else to_per_litre_e9(lab.platelets, lab.platelets_unit or _PER_LITRE),
    )


def count_results(labs: Iterable[LabResult]) -> tuple[CountResult, ...]:
    return tuple(result for lab in labs if (result := count_result(lab)) is not None)


def toxicity_event(event: AdverseEvent) -> ToxicityEvent:
    return ToxicityEvent(
        event.event_type, event.grade, event.onset_date, event.resolution_date, event.term
    )


def interruption(record: InterruptionRecord) -> Interruption:
    return Interruption(
        record.drug, record.start_date, record.end_date, record.reason, record.resume_level
    )


def history_of(
    course: Course,
    *,
    cycle_starts: Sequence[date],
    level_changes: Iterable[LevelChangeRecord] = (),
    interruptions: Iterable[InterruptionRecord] = (),
    labs: Iterable[LabResult] = (),
    events: Iterable[AdverseEvent] = (),
    responses: Iterable[ResponseRecord] = (),
    counts: Iterable[CountResult] | None = None,
    rems: RemsFacts | None = None,
) -> CourseHistory:
    """The engine's view of a course from its records (level changes in recorded order).

    ``counts``, when given, stand for ``labs`` already read as counts (Today's bulk read).
    """
    return CourseHistory(
        regimen=load_regimen(course.regimen_id),
        start=course.start_date,
        cycle_starts=tuple(cycle_starts) or (course.start_date,),
        len_start_level=course.len_start_level,
        dex_start_level=course.dex_start_level,
        len_every_days=course.len_every_days,
        level_changes=tuple(
            LevelChange(change.effective_date, change.drug, change.level)
            for change in sorted(level_changes, key=lambda c: (c.effective_date, c.id))
        ),
        interruptions=tuple(interruption(record) for record in interruptions),
        counts=count_results(labs) if counts is None else tuple(counts),
        events=tuple(toxicity_event(event) for event in events),
        responses=tuple(
            ResponseFact(r.assessed_on, r.response, r.progression_date) for r in responses
        ),
        ended_on=course.end_date if course.status == "ended" else None,
        end_reason=course.end_reason,
        rems=rems,
    )


def course_history(store: Store, course: Course) -> CourseHistory:
    """Everything recorded about ``course``, read for the engine."""
    from tracker.storage import queries
    from tracker.storage.rems_reads import course_rems_facts

    return history_of(
        course,
        cycle_starts=[cycle.actual_start for cycle in queries.cycles_of(store, course.id)],
        level_changes=queries.level_changes_of(store, course.id),
        interruptions=queries.interruptions_of(store, course.id),
        labs=queries.labs_of(store, course.patient_id),
        events=queries.events_of(store, course.patient_id),
        responses=queries.responses_of(store, course.id),
        rems=course_rems_facts(store, course),
    )


def _grouped(store: Store, sql: str, key: str, record: Any) -> dict[int, list]:
    grouped: dict[int, list] = defaultdict(list)
    for row in store.query(sql):
        grouped[row[key]].append(record.from_row(row))
    return grouped


def _counts_by_patient(store: Store, sql: str) -> dict[int, list[CountResult]]:
    """The counts ``sql`` selects (patient, date, ANC and platelets already in x10^9/L), by
    patient: read as plain rows, which Today does for tens of thousands of results."""
    # A clinic's results fall on a few hundred distinct days.
    day_of: Callable[[str], date] = cache(date.fromisoformat)
    grouped: dict[int, list[CountResult]] = defaultdict(list)
    make = CountResult._make
    for lab_id, patient_id, on, fine, *stored, anc, platelets in store.execute(sql):
        try:
            day = day_of(on)
        except (ValueError, TypeError):
            day = stored_day(on, "labs", lab_id, "date")
        if not fine:
            for rule, value in zip(_COUNT_RULES, stored, strict=True):
                if not rule.accepts(value):
                    problem = rule.problem(value)
                    raise BadStoredValueError(bad_value_message("labs", lab_id, problem))
        grouped[patient_id].append(make((day, anc, platelets)))
    return grouped


# The stored counts and units the query converts, checked as a LabResult checks them.
_COUNT_COLUMNS = ("anc", "anc_unit", "platelets", "platelets_unit")
_COUNT_RULES = tuple(
    next(rule for rule in rules_of("labs") if rule.column == column) for column in _COUNT_COLUMNS
)
# Whether a row's counts keep their rules, worked out by SQLite (Python looks closer only
# at a row that does not: tens of thousands of values are read for Today).
_COUNTS_FINE = "(" + " AND ".join(rule.sql() for rule in _COUNT_RULES) + ")"


# A count in x10^9/L from either unit, as ``grading.to_per_litre_e9`` converts it (per mm3 is
# a thousandth, rounded to six decimals so 1,000/mm3 is exactly 1.0).
_IN_PER_LITRE = (
    "CASE WHEN {column}_unit = '/mm3' THEN round({column} / 1000.0, 6) ELSE {column} END"
)


def active_histories(store: Store, courses: Sequence[Course]) -> dict[int, CourseHistory]:
    """The history of each of ``courses`` (the active ones), by course id, in a handful of
    queries whatever their number: Today's read (and the week's sheets). Its REMS facts
    carry the latest cycle's supply only (``rems_reads.active_rems_facts``)."""
    active = "SELECT id FROM courses WHERE status = 'active' AND archived = 0"
    patients = "SELECT patient_id FROM courses WHERE status = 'active' AND archived = 0"
    starts: dict[int, list[date]] = defaultdict(list)
    for cycle_id, course_id, actual_start in store.execute(
        f"SELECT id, course_id, actual_start FROM cycles WHERE archived = 0 AND course_id IN "
        f"({active}) ORDER BY course_id, number"
    ):
        starts[course_id].append(stored_day(actual_start, "cycles", cycle_id, "actual_start"))
    changes = _grouped(
        store,
        f"SELECT * FROM level_changes WHERE archived = 0 AND course_id IN ({active}) "
        "ORDER BY effective_date, id",
        "course_id",
        LevelChangeRecord,
    )
    interruptions = _grouped(
        store,
        f"SELECT * FROM interruptions WHERE archived = 0 AND course_id IN ({active}) "
        "ORDER BY start_date, id",
        "course_id",
        InterruptionRecord,
    )
    responses = _grouped(
        store,
        f"SELECT * FROM responses WHERE archived = 0 AND course_id IN ({active}) "
        "ORDER BY assessed_on, id",
        "course_id",
        ResponseRecord,
    )
    counts = _counts_by_patient(
        store,
        f"SELECT id, patient_id, date, {_COUNTS_FINE}, {', '.join(_COUNT_COLUMNS)}, "
        f"{_IN_PER_LITRE.format(column='anc')}, "
        f"{_IN_PER_LITRE.format(column='platelets')} FROM labs "
        f"WHERE archived = 0 AND patient_id IN ({patients}) "
        "AND (anc IS NOT NULL OR platelets IS NOT NULL) ORDER BY patient_id, date, id",
    )
    events = _grouped(
        store,
        f"SELECT * FROM adverse_events WHERE archived = 0 AND patient_id IN ({patients}) "
        "ORDER BY onset_date, id",
        "patient_id",
        AdverseEvent,
    )
    rems = active_rems_facts(store)
    return {
        course.id: history_of(
            course,
            cycle_starts=starts.get(course.id, []),
            level_changes=changes.get(course.id, ()),
            interruptions=interruptions.get(course.id, ()),
            counts=counts.get(course.patient_id, ()),
            events=events.get(course.patient_id, ()),
            responses=responses.get(course.id, ()),
            rems=rems.get(course.id),
        )
        for course in courses
    }
