"""The header says lenalidomide is interrupted for as long as the engine says so: across a
cycle boundary, until a resume is recorded."""

from __future__ import annotations

from datetime import timedelta

from tests import starts
from tests.ui.patient_fixtures import add_test_patient, make_view, seed_course, seed_held_course
from tracker.domain.treatment.engine import day_state
from tracker.storage import queries
from tracker.storage.course_history import course_history
from tracker.storage.operations import interruptions
from tracker.ui.common.dates import long_date
from tracker.ui.patient.patient_header import header_facts, interruption_text
from tracker.ui.patient.patient_read import read_patient


def test_the_interruption_shows_in_the_next_cycle_until_the_resume(qtbot, store, context):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)

    # Interrupted on cycle 1 day 16; today is cycle 2 day 13 and nothing was resumed.
    lines = view.header.text().splitlines()
    assert "Cycle 2, day 13" in lines
    assert f"Lenalidomide interrupted since {long_date(held.interrupted)} (thrombocytopenia)" in (
        lines
    )
    assert view.header.warning_label.isVisible()
    assert view.calendar.cell_for_date(store.today()).status("lenalidomide") == "held"

    interruptions.resume(store, held.course_id, store.today(), level=1)
    context.data_changed.emit()

    assert "interrupted" not in view.header.text()
    assert not view.header.warning_label.isVisible()
    assert "Lenalidomide 20 mg daily" in view.header.text()


def test_header_facts_are_the_engines_answer_on_any_day(store):
    held = seed_held_course(store)
    course = queries.get_course(store, held.course_id)
    history = course_history(store, course)
    snapshot = read_patient(store, held.patient_id)

    facts = header_facts(snapshot.patient, store.today(), snapshot.shown)
    assert facts.warning == interruption_text(day_state(history, store.today()))
    assert facts.warning.startswith("Lenalidomide interrupted since")
    # The day before the interruption, the engine has none, and the header says none.
    assert interruption_text(day_state(history, held.interrupted - timedelta(days=1))) == ""


def test_a_new_cycle_started_with_a_resume_ends_the_warning(qtbot, store, context):
    patient_id = add_test_patient(store, mrn="H-1")
    start = store.today() - timedelta(days=40)
    course_id = starts.start_course(store, patient_id, start)
    interruptions.interrupt(store, course_id, start + timedelta(days=10), "neutropenia")
    starts.start_next_cycle(store, course_id, start + timedelta(days=30), resume_level=0)

    view = make_view(qtbot, context, patient_id)
    assert "Cycle 2, day 11" in view.header.text()
    assert "interrupted" not in view.header.text()
    assert view.calendar.cell_for_date(start + timedelta(days=20)).status("lenalidomide") == (
        "held"
    )
    assert view.calendar.cell_for_date(start + timedelta(days=30)).planned.lenalidomide_mg == 25


def test_between_cycles_the_header_says_when_the_next_one_was_due(qtbot, store, context):
    seeded = seed_course(store, days_ago=30)
    view = make_view(qtbot, context, seeded.patient_id)
    due = seeded.start + timedelta(days=28)
    assert f"Cycle 1 finished; cycle 2 was due {long_date(due)}" in view.header.text()
    state = queries.course_state(store, queries.get_course(store, seeded.course_id), store.today())
    assert state.cycle is None and state.next_cycle_due == due
    assert view.status_strip.advice_label.text() == (
        f"Continue: the next cycle is due since {due:%-d %b}; nothing due today"
    )
