"""Reads: patient lists, courses, the course calendar and the Today screen."""

from __future__ import annotations

import time
from datetime import date, timedelta
from typing import Any

import pytest

from tests.starts import start_course, start_next_cycle
from tracker.storage.database import Store
from tracker.storage.errors import NotFoundError
from tracker.storage.operations.courses import change_dose_level, end_course
from tracker.storage.operations.events import archive_event, log_event
from tracker.storage.operations.interruptions import interrupt, resume
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.storage.queries import (
    TodayRow,
    active_courses,
    count_patients,
    course_calendar,
    current_course,
    cycle_of,
    cycle_on,
    get_patient,
    list_patients,
    patient_by_mrn,
    today_rows,
)

from .conftest import COURSE_START, TODAY

# Patients


@pytest.fixture
def ward(store: Store) -> dict[str, int]:
    names = {
        "H-100": "zoe Adams",
        "H-101": "Ben Carter",
        "X-200": "Anna Zimmer",
        "H-102": "carl 50%_off",
        "H-103": "Dora Evans",
    }
    return {mrn: add_patient(store, mrn=mrn, name=name) for mrn, name in names.items()}


def _names(patients: list) -> list[str]:
    return [patient.name for patient in patients]


def test_patients_are_listed_by_name_ignoring_case(store: Store, ward: dict[str, int]) -> None:
    assert _names(list_patients(store)) == [
        "Anna Zimmer",
        "Ben Carter",
        "carl 50%_off",
        "Dora Evans",
        "zoe Adams",
    ]


@pytest.mark.parametrize(
    ("search", "expected"),
    [
        ("h-10", ["Ben Carter", "carl 50%_off", "Dora Evans", "zoe Adams"]),
        ("x-2", ["Anna Zimmer"]),
        ("ADAMS", ["zoe Adams"]),
        ("  an  ", ["Anna Zimmer", "Dora Evans"]),
        ("%", ["carl 50%_off"]),
        ("_", ["carl 50%_off"]),
        ("nobody", []),
        ("", ["Anna Zimmer", "Ben Carter", "carl 50%_off", "Dora Evans", "zoe Adams"]),
    ],
)
def test_search_matches_mrn_or_name_in_any_case(
    store: Store, ward: dict[str, int], search: str, expected: list[str]
) -> None:
    assert _names(list_patients(store, search)) == expected
    assert count_patients(store, search) == len(expected)


def test_patients_can_be_paged(store: Store, ward: dict[str, int]) -> None:
    pages = [_names(list_patients(store, limit=2, offset=offset)) for offset in (0, 2, 4)]
    assert pages == [["Anna Zimmer", "Ben Carter"], ["carl 50%_off", "Dora Evans"], ["zoe Adams"]]
    assert _names(list_patients(store, "h-", limit=1, offset=1)) == ["carl 50%_off"]
    assert _names(list_patients(store, offset=4)) == ["zoe Adams"]


def test_archived_patients_are_left_out_unless_asked_for(
    store: Store, ward: dict[str, int]
) -> None:
    archive_patient(store, ward["X-200"], reason="entered in error")
    assert "Anna Zimmer" not in _names(list_patients(store))
    assert count_patients(store) == 4
    assert count_patients(store, include_archived=True) == 5
    assert "Anna Zimmer" in _names(list_patients(store, "anna", include_archived=True))
    with pytest.raises(NotFoundError, match="unknown MRN 'X-200'"):
        patient_by_mrn(store, "X-200")


def test_unknown_patients_raise_not_found(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no patient with id 5"):
        get_patient(store, 5)
    with pytest.raises(NotFoundError, match="unknown MRN"):
        patient_by_mrn(store, "  nope ")


# Courses


def test_current_course_is_none_without_courses(store: Store, patient_id: int) -> None:
    assert current_course(store, patient_id) is None


def test_active_courses_leave_out_ended_courses_and_archived_patients(
    store: Store, ward: dict[str, int]
) -> None:
    for patient_id in ward.values():
        start_course(store, patient_id, COURSE_START)
    ended = current_course(store, ward["H-101"])
    assert ended is not None
    end_course(store, ended.id, date(2027, 3, 10), "toxicity")
    archive_patient(store, ward["H-103"], reason="entered in error")
    pairs = active_courses(store)
    assert [patient.name for patient, _ in pairs] == ["Anna Zimmer", "carl 50%_off", "zoe Adams"]
    assert all(course.patient_id == patient.id and course.is_active for patient, course in pairs)


def test_cycle_lookups(store: Store, course_id: int) -> None:
    start_next_cycle(store, course_id, date(2027, 4, 2))
    assert cycle_of(store, course_id, 2).actual_start == date(2027, 4, 2)
    with pytest.raises(NotFoundError, match="cycle 3"):
        cycle_of(store, course_id, 3)
    on_day = cycle_on(store, course_id, date(2027, 3, 28))
    assert on_day is not None and on_day.number == 1
    assert cycle_on(store, course_id, date(2027, 3, 30)) is None  # waiting for cycle 2
    assert cycle_on(store, course_id, date(2027, 2, 1)) is None


# The course calendar


def test_calendar_of_a_new_course_is_one_cycle_or_as_many_as_asked(
    store: Store, course_id: int
) -> None:
    calendar = course_calendar(store, course_id)
    assert len(calendar) == 28
    assert (calendar[0].date, calendar[0].lenalidomide_mg, calendar[0].dexamethasone_mg) == (
        COURSE_START,
        25.0,
        40.0,
    )
    assert calendar[21].lenalidomide_mg == 0.0  # day 22: rest
    six = course_calendar(store, course_id, cycles=6)
    assert len(six) == 6 * 28
    fifth_cycle = [day for day in six if day.cycle == 5]
    # Dexamethasone tapers to days 1-4 from cycle 5.
    assert [day.day for day in fifth_cycle if day.dexamethasone_mg] == [1, 2, 3, 4]


def test_calendar_with_a_delayed_cycle_2_an_interruption_and_a_reduction(
    store: Store, course_id: int
) -> None:
    interrupt(store, course_id, date(2027, 3, 15), "platelets 28")
    resume(store, course_id, date(2027, 3, 16), level=2)
    start_next_cycle(store, course_id, date(2027, 4, 5), delay_reason="platelets 40")
    change_dose_level(store, course_id, "dexamethasone", 1, date(2027, 4, 5), "insomnia")

    calendar = course_calendar(store, course_id, cycles=3)
    by_date = {day.date: day for day in calendar}
    starts = {day.cycle: day.date for day in calendar if day.day == 1}
    # Cycle 2 was a week late, so cycle 3 is planned 28 days after its actual start.
    assert starts == {1: date(2027, 3, 1), 2: date(2027, 4, 5), 3: date(2027, 5, 3)}
    assert date(2027, 3, 29) not in by_date  # the week of delay belongs to no cycle
    assert by_date[date(2027, 3, 14)].lenalidomide_mg == 25.0
    assert by_date[date(2027, 3, 15)].lenalidomide_mg == 0.0
    assert by_date[date(2027, 3, 15)].held == frozenset({"lenalidomide"})
    assert by_date[date(2027, 3, 16)].lenalidomide_mg == 15.0
    assert by_date[date(2027, 3, 4)].dexamethasone_mg == 40.0
    assert (
        by_date[date(2027, 4, 5)].lenalidomide_mg,
        by_date[date(2027, 4, 5)].dexamethasone_mg,
    ) == (
        15.0,
        20.0,
    )
    assert (by_date[date(2027, 5, 3)].cycle, by_date[date(2027, 5, 3)].day) == (3, 1)
    assert by_date[date(2027, 5, 3)].lenalidomide_mg == 15.0


def test_calendar_of_the_every_other_day_renal_schedule(store: Store, patient_id: int) -> None:
    course_id = start_course(store, patient_id, COURSE_START, len_level=2, len_every_days=2)
    calendar = course_calendar(store, course_id)
    assert [day.day for day in calendar if day.lenalidomide_mg] == list(range(1, 22, 2))
    assert {day.lenalidomide_mg for day in calendar if day.lenalidomide_mg} == {15.0}


def test_calendar_of_an_unknown_course(store: Store) -> None:
    with pytest.raises(NotFoundError, match="no treatment course"):
        course_calendar(store, 3)


# The Today screen


def _row_for(store: Store, on: date, patient_id: int) -> TodayRow:
    (row,) = [row for row in today_rows(store, on) if row.patient.id == patient_id]
    return row


def test_today_shows_cycle_day_and_planned_doses(
    store: Store, patient_id: int, course_id: int
) -> None:
    state = _row_for(store, date(2027, 3, 10), patient_id).state
    assert (state.cycle, state.day) == (1, 10)
    assert (state.lenalidomide.due_mg, state.dexamethasone.due_mg) == (25.0, 40.0)
    assert _row_for(store, date(2027, 3, 10), patient_id).course.id == course_id
    rest = _row_for(store, date(2027, 3, 25), patient_id).state
    assert (rest.day, rest.lenalidomide.due_mg, rest.dexamethasone.due_mg) == (25, 0.0, 0.0)


def test_today_between_cycles_has_no_cycle_day(
    store: Store, patient_id: int, course_id: int
) -> None:
    state = _row_for(store, TODAY, patient_id).state  # cycle 2 was never started: delayed
    assert (state.cycle, state.day) == (None, None)
    assert (state.lenalidomide.due_mg, state.dexamethasone.due_mg) == (0.0, 0.0)
    assert state.next_cycle_due == date(2027, 3, 29)


def test_today_doses_match_the_course_calendar_every_day(store: Store, patient_id: int) -> None:
    course_id = start_course(store, patient_id, date(2027, 1, 4), len_level=1, len_every_days=2)
    interrupt(store, course_id, date(2027, 1, 10), "ANC 0.8")
    resume(store, course_id, date(2027, 1, 12), level=3)
    start_next_cycle(store, course_id, date(2027, 2, 8), delay_reason="ANC")
    interrupt(store, course_id, date(2027, 2, 9), "hyperglycaemia", drug="dexamethasone")
    resume(store, course_id, date(2027, 2, 17), level=1, drug="dexamethasone")
    start_next_cycle(store, course_id, date(2027, 3, 8))
    for planned in course_calendar(store, course_id):
        state = _row_for(store, planned.date, patient_id).state
        assert (state.cycle, state.day) == (planned.cycle, planned.day), planned
        assert (state.lenalidomide.due_mg, state.dexamethasone.due_mg) == (
            planned.lenalidomide_mg,
            planned.dexamethasone_mg,
        ), planned


@pytest.mark.parametrize(
    ("counted_on", "checked_on", "due"),
    [
        (None, date(2027, 3, 1), True),  # cycle 1 day 1, no count yet
        (date(2027, 2, 26), date(2027, 3, 1), True),  # 3 days early is too early ...
        (date(2027, 2, 27), date(2027, 3, 1), False),  # ... 2 days early counts
        (date(2027, 3, 1), date(2027, 3, 7), False),  # day 7: the day-1 count holds
        (date(2027, 3, 1), date(2027, 3, 8), True),  # day 8: weekly in cycle 1
        (date(2027, 3, 8), date(2027, 3, 14), False),
    ],
)
def test_blood_counts_follow_the_myeloma_schedule_by_cycle_day(
    store: Store, patient_id: int, course_id: int, counted_on, checked_on, due
) -> None:
    if counted_on is not None:
        record_labs(store, patient_id, counted_on, anc=1.5, platelets=150)
    assert _row_for(store, checked_on, patient_id).state.labs_due is due


def test_blood_counts_in_cycles_three_and_later(store: Store, patient_id: int) -> None:
    course_id = start_course(store, patient_id, date(2027, 1, 4))
    start_next_cycle(store, course_id, date(2027, 2, 1))
    start_next_cycle(store, course_id, date(2027, 3, 1))  # cycle 3: days 1 and 15
    record_labs(store, patient_id, date(2027, 3, 1), anc=1.5, platelets=150)
    assert not _row_for(store, date(2027, 3, 8), patient_id).state.labs_due  # no day 8 count
    assert _row_for(store, date(2027, 3, 15), patient_id).state.labs_due
    record_labs(store, patient_id, date(2027, 3, 15), anc=1.5, platelets=150)
    start_next_cycle(store, course_id, date(2027, 4, 5), delay_reason="holiday")
    # Cycle 4: day 1 only, counted by cycle day so the delay moves it.
    assert not _row_for(store, date(2027, 4, 4), patient_id).state.labs_due
    assert _row_for(store, date(2027, 4, 5), patient_id).state.labs_due


def test_a_creatinine_alone_is_not_a_blood_count(
    store: Store, patient_id: int, course_id: int
) -> None:
    record_labs(store, patient_id, date(2027, 5, 30), creatinine=1.2)
    state = _row_for(store, TODAY, patient_id).state
    assert state.labs_due and state.anc is None


def test_open_grade_3_and_4_events_are_shown(store: Store, patient_id: int, course_id: int) -> None:
    log_event(store, patient_id, "neutropenia", 4, date(2027, 5, 20))
    log_event(store, patient_id, "vte", 2, date(2027, 5, 20))  # grade 2
    log_event(
        store,
        patient_id,
        "thrombocytopenia",
        3,
        date(2027, 4, 1),
        resolution_date=date(2027, 4, 20),
    )
    withdrawn = log_event(store, patient_id, "vte", 3, date(2027, 5, 21))
    archive_event(store, withdrawn, reason="entered in error")
    assert [
        (event.event_type, event.grade) for event in _row_for(store, TODAY, patient_id).state.open_events
    ] == [("neutropenia", 4)]
    assert _row_for(store, date(2027, 5, 19), patient_id).state.open_events == ()


def test_an_interruption_holds_until_a_resume_across_cycles(
    store: Store, patient_id: int, course_id: int
) -> None:
    interrupt(store, course_id, date(2027, 3, 20), "platelets 22")
    assert _row_for(store, date(2027, 3, 19), patient_id).state.interruption is None
    for day in (date(2027, 3, 20), date(2027, 3, 26), date(2027, 3, 30)):
        assert _row_for(store, day, patient_id).state.on_hold, day
    start_next_cycle(
        store, course_id, date(2027, 4, 2), delay_reason="counts recovering", override_reason="x"
    )
    # Starting a cycle does not end it: only a resume does.
    state = _row_for(store, date(2027, 4, 2), patient_id).state
    assert state.on_hold and state.lenalidomide.due_mg == 0.0
    assert state.lenalidomide.planned_mg == 25.0 and state.dexamethasone.due_mg == 40.0
    resume(store, course_id, date(2027, 4, 4), level=1)
    assert _row_for(store, date(2027, 4, 3), patient_id).state.on_hold
    given = _row_for(store, date(2027, 4, 4), patient_id).state
    assert not given.on_hold and given.lenalidomide.due_mg == 20.0


def test_today_leaves_out_ended_courses_and_archived_patients(
    store: Store, patient_id: int, course_id: int
) -> None:
    other = add_patient(store, mrn="B-2", name="Bea Archived")
    start_course(store, other, COURSE_START)
    archive_patient(store, other, reason="entered in error")
    third = add_patient(store, mrn="C-3", name="Cy Ended")
    end_course(store, start_course(store, third, COURSE_START), date(2027, 3, 5), "toxicity")
    assert [row.patient.id for row in today_rows(store, TODAY)] == [patient_id]


# Size


def _fill_clinic(store: Store, patients: int) -> None:
    """A clinic of ``patients`` patients on treatment, written in bulk (no per-row checks)."""
    stamp = "2027-01-01T00:00:00+00:00"
    book = {"archived": 0, "created_at": stamp, "updated_at": stamp}
    with store.transaction() as db:
        db["patients"].insert_all(
            {"id": n, "mrn": f"P{n:06d}", "name": f"Patient {n:06d}", **book}
            for n in range(1, patients + 1)
        )
        courses, cycles, changes, doses, labs, events, holds = [], [], [], [], [], [], []
        for n in range(1, patients + 1):
            start = TODAY - timedelta(days=n % 200)
            courses.append(
                {"id": n, "patient_id": n, "regimen_id": "mm010-rd", "status": "active"}
                | {"start_date": start.isoformat(), **book}
            )
            cycle_start = start
            number = 1
            while cycle_start <= TODAY:
                cycles.append(
                    {"course_id": n, "number": number, "planned_start": cycle_start.isoformat()}
                    | {"actual_start": cycle_start.isoformat(), "len_level": 0, "dex_level": 0}
                    | book
                )
                number += 1
                cycle_start += timedelta(days=28 + (n % 3 == 0) * 7)
            if n % 5 == 0:
                changes.append(
                    {"course_id": n, "drug": "lenalidomide", "level": 2, **book}
                    | {"effective_date": (start + timedelta(days=10)).isoformat()}
                )
            for back in range(min(n % 200, 20)):
                day = (TODAY - timedelta(days=back)).isoformat()
                if n % 11 == 0 and back < 3:
                    continue
                doses.append(
                    {"course_id": n, "date": day, "drug": "lenalidomide", "status": "taken"}
                    | {"dose_mg": 25.0, "note": "", **book}
                )
            if n % 11 == 0 and n % 200 >= 3:
                holds.append(
                    {"course_id": n, "drug": "lenalidomide", "reason": "ANC 0.8", **book}
                    | {"start_date": (TODAY - timedelta(days=2)).isoformat(), "note": ""}
                )
            for back in (3, 30, 60):
                labs.append(
                    {"patient_id": n, "date": (TODAY - timedelta(days=back + n % 7)).isoformat()}
                    | {"anc": 1.5, "platelets": 160.0, "note": "", **book}
                )
            if n % 10 == 0:
                events.append(
                    {"patient_id": n, "event_type": "neutropenia", "grade": 3 + n % 2}
                    | {"ctcae_version": "CTCAE v5.0", "action": "held", "note": "", **book}
                    | {"onset_date": (TODAY - timedelta(days=5)).isoformat()}
                )
        for table, rows in [
            ("courses", courses),
            ("cycles", cycles),
            ("level_changes", changes),
            ("dose_records", doses),
            ("labs", labs),
            ("adverse_events", events),
            ("interruptions", holds),
        ]:
            db[table].insert_all(rows, batch_size=5000)


def _timed(call):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = call()
    return result, time.perf_counter() - started


@pytest.mark.slow
def test_today_and_patient_paging_stay_fast_with_ten_thousand_patients(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fill_clinic(store, 10_000)
    statements: list[str] = []
    execute = store.execute

    def counted(sql: str, parameters: Any = ()) -> Any:
        statements.append(sql)
        return execute(sql, parameters)

    monkeypatch.setattr(store, "execute", counted)
    rows, today_seconds = _timed(lambda: today_rows(store, TODAY))
    today_statements = len(statements)
    page, page_seconds = _timed(lambda: list_patients(store, "patient 00", limit=50, offset=5000))
    total, count_seconds = _timed(lambda: count_patients(store, "patient"))

    assert len(rows) == total == 10_000
    assert [patient.mrn for patient in page][:2] == ["P005001", "P005002"]
    held = [row for row in rows if row.state.on_hold]
    assert held and all(row.patient.id % 11 == 0 for row in held)
    assert sum(1 for row in rows if row.state.open_events) == 1000
    # A query per patient is what this guards against: Today's statements do not grow with
    # the clinic. The times (0.45-0.6 s for today_rows, 5-30 ms for a page or a count on the
    # file; about twice that on the server) are bounded loosely, for a busy machine.
    assert today_statements < 30, today_statements
    assert today_seconds < 10.0, today_seconds
    assert page_seconds < 2.0 and count_seconds < 2.0, (page_seconds, count_seconds)
