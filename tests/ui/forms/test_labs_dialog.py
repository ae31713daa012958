"""Recording labs: live CTCAE grades, offered events, and the engine's advice for the typed
counts, accepted only by a click."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests import starts
from tests.ui.patient_fixtures import add_test_patient, make_view, seed_course
from tracker.domain import grading
from tracker.storage import queries
from tracker.storage.database import Store
from tracker.storage.operations.interruptions import interrupt, resume
from tracker.storage.operations.labs import record_labs
from tracker.ui.forms.labs_dialog import LabsDialog


def click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def open_labs(qtbot, context, patient_id: int) -> tuple:
    view = make_view(qtbot, context, patient_id)
    dialog = view.record_labs()
    assert isinstance(dialog, LabsDialog) and dialog.isVisible()
    return view, dialog


def days_ago(store: Store, days: int) -> date:
    return store.today() - timedelta(days=days)


def audit_rows(store: Store, table: str) -> list[tuple[str, dict]]:
    rows = store.db.query(
        "SELECT action, after_json FROM audit_log WHERE table_name = ? ORDER BY id", [table]
    )
    return [(row["action"], json.loads(row["after_json"])) for row in rows]


def state_today(store: Store, course_id: int):
    return queries.course_state(store, queries.get_course(store, course_id), store.today())


def test_grade_shows_live_as_you_type_in_either_unit(qtbot, store, context):
    patient_id = add_test_patient(store)
    _view, dialog = open_labs(qtbot, context, patient_id)
    qtbot.keyClicks(dialog.anc.edit, "1.2")
    assert dialog.anc.grade_label.text() == f"grade {grading.grade_anc(1.2, '10^9/L')}" == "grade 2"
    for _character in "1.2":
        qtbot.keyClick(dialog.anc.edit, Qt.Key.Key_Backspace)
    assert dialog.anc.grade_label.text() == ""
    qtbot.keyClicks(dialog.anc.edit, "0.45")
    assert dialog.anc.grade_label.text() == "grade 4"
    dialog.anc.edit.setText("800")
    dialog.anc.unit_combo.setCurrentIndex(dialog.anc.unit_combo.findData("/mm3"))
    assert dialog.anc.grade_label.text() == "grade 3"
    qtbot.keyClicks(dialog.platelets.edit, "20,5")
    assert dialog.platelets.grade_label.text() == "grade 4"
    dialog.platelets.edit.setText("lots")
    assert dialog.platelets.grade_label.text() == ""
    assert dialog.platelets.problem_label.text() == "Platelets: 'lots' is not a number"


def test_anc_0_8_on_day_10_advises_a_hold_and_accepting_it_interrupts_lenalidomide(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=9)  # today is cycle 1 day 10
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.8")
    qtbot.keyClicks(dialog.platelets.edit, "140")
    check = dialog.event_checks["neutropenia"]
    assert not dialog.event_box.isHidden() and not check.isHidden() and check.isChecked()
    assert check.text() == "Log neutropenia, grade 3, linked to this result"
    assert dialog.event_checks["thrombocytopenia"].isHidden()

    advice = dialog.advice
    assert (advice.action, advice.resume_mg) == ("hold", 25)
    assert "the initial starting dose" in advice.reason
    shown = dialog.advice_label.text()
    assert shown == advice.text.replace("x10^9/L", "×10⁹/L")  # units as the choosers show them
    assert "ANC 0.8 ×10⁹/L" in shown and "US label" in shown
    # Advice is offered, never pre-accepted.
    accept = dialog.accept_hold_check
    assert not accept.isHidden() and not accept.isChecked()
    assert accept.text() == "Accept: interrupt lenalidomide from 2 Mar 2026"
    assert dialog.accept_resume_check.isHidden()
    qtbot.mouseClick(accept, Qt.MouseButton.LeftButton)
    click_save(qtbot, dialog)

    assert messages == [] and not dialog.isVisible()
    [lab] = queries.labs_of(store, seeded.patient_id)
    assert (lab.date, lab.anc, lab.anc_unit, lab.platelets) == (store.today(), 0.8, "10^9/L", 140)
    [held] = queries.interruptions_of(store, seeded.course_id)
    assert (held.drug, held.start_date, held.end_date) == ("lenalidomide", store.today(), None)
    assert "ANC 0.8 x10^9/L" in held.reason
    [event] = queries.events_of(store, seeded.patient_id)
    assert (event.event_type, event.grade, event.lab_id, event.course_id, event.action) == (
        "neutropenia",
        3,
        lab.id,
        seeded.course_id,
        "held",
    )
    assert [action for action, _ in audit_rows(store, "interruptions")] == ["insert"]
    # From today on, every lenalidomide day is held until a resume is recorded.
    state = state_today(store, seeded.course_id)
    assert state.on_hold and state.lenalidomide.due_mg == 0
    assert state.advice.action == "keep-holding" and state.advice.resume_mg == 25
    later = [
        day
        for day in queries.course_calendar(store, seeded.course_id)
        if store.today() <= day.date < seeded.start + timedelta(days=21)
    ]
    assert later and all("lenalidomide" in day.held and day.lenalidomide_mg == 0 for day in later)


def test_counts_alone_without_an_event_advise_a_hold_one_level_lower(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=9)
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.4")
    qtbot.keyClicks(dialog.platelets.edit, "15")
    for check in dialog.event_checks.values():
        check.setChecked(False)
    assert (dialog.advice.action, dialog.advice.resume_mg) == ("hold", 20)
    assert "next lower dose" in dialog.advice.reason
    advised = dialog.advice
    click_save(qtbot, dialog)

    assert messages == []
    assert queries.events_of(store, seeded.patient_id) == []
    assert queries.interruptions_of(store, seeded.course_id) == []  # nothing without a click
    assert queries.level_changes_of(store, seeded.course_id) == []
    state = state_today(store, seeded.course_id)
    assert state.advice == advised and state.withholds_lenalidomide


def test_a_first_anc_drop_after_a_platelet_drop_resumes_at_the_starting_dose(qtbot, store, context):
    seeded = seed_course(store, days_ago=40)
    record_labs(store, seeded.patient_id, days_ago(store, 36), anc=1.8, platelets=20)
    interrupt(store, seeded.course_id, days_ago(store, 36), "platelets 20")
    record_labs(store, seeded.patient_id, days_ago(store, 29), anc=1.9, platelets=60)
    resume(store, seeded.course_id, days_ago(store, 29), level=1)
    starts.start_next_cycle(store, seeded.course_id, days_ago(store, 12))

    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.8")
    qtbot.keyClicks(dialog.platelets.edit, "150")
    advice = dialog.advice
    # The platelet drop does not make this a later ANC drop: neutropenia is the only
    # toxicity now, so the label resumes at the initial starting dose.
    assert (advice.action, advice.resume_level, advice.resume_mg) == ("hold", 0, 25)
    assert "the initial starting dose" in advice.reason and "20 mg was in use" in advice.reason
    dialog.reject()


@pytest.mark.parametrize("accept", [False, True])
def test_recovered_platelets_offer_the_resume_one_level_lower(
    qtbot, store, context, messages, accept
):
    seeded = seed_course(store, days_ago=14)
    record_labs(store, seeded.patient_id, days_ago(store, 3), platelets=22)
    interruption_id = interrupt(store, seeded.course_id, days_ago(store, 3), "platelets 22")
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.platelets.edit, "60")
    assert (dialog.advice.action, dialog.advice.resume_level) == ("resume", 1)
    assert dialog.accept_hold_check.isHidden()
    offer = dialog.accept_resume_check
    assert not offer.isHidden() and not offer.isChecked()
    assert offer.text() == "Accept: resume lenalidomide at 20 mg from 2 Mar 2026 (was 25 mg)"
    if accept:
        qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
    click_save(qtbot, dialog)

    assert messages == []
    [held] = queries.interruptions_of(store, seeded.course_id)
    changes = queries.level_changes_of(store, seeded.course_id)
    state = state_today(store, seeded.course_id)
    if not accept:
        assert held.end_date is None and changes == [] and state.on_hold
        return
    assert (held.id, held.end_date, held.resume_level) == (interruption_id, store.today(), 1)
    assert [(c.drug, c.level, c.effective_date) for c in changes] == [
        ("lenalidomide", 1, store.today())
    ]
    assert not state.on_hold and state.lenalidomide.due_mg == 20
    assert [action for action, _ in audit_rows(store, "interruptions")] == ["insert", "update"]


def test_a_low_count_on_a_rest_day_can_still_interrupt(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=23)  # cycle 1 day 24: a rest day
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.8")
    assert dialog.advice.action == "hold"
    assert "No lenalidomide is planned on 2 Mar 2026" in dialog.advice_label.text()
    qtbot.mouseClick(dialog.accept_hold_check, Qt.MouseButton.LeftButton)
    click_save(qtbot, dialog)

    assert messages == []
    [held] = queries.interruptions_of(store, seeded.course_id)
    assert (held.start_date, held.end_date) == (store.today(), None)
    # The interruption holds the next cycle's doses too, until a resume is recorded.
    course = queries.get_course(store, seeded.course_id)
    cycle_2 = seeded.start + timedelta(days=28)
    assert queries.course_state(store, course, cycle_2).on_hold


def test_a_drop_that_passed_without_an_interruption_offers_the_labels_level(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=26)
    record_labs(store, seeded.patient_id, days_ago(store, 3), platelets=20)  # rest day 24
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.platelets.edit, "100")
    assert (dialog.advice.action, dialog.advice.resume_level) == ("resume", 1)
    offer = dialog.accept_resume_check
    assert offer.text() == "Accept: give lenalidomide at 20 mg (now 25 mg) from 2 Mar 2026"
    qtbot.mouseClick(offer, Qt.MouseButton.LeftButton)
    click_save(qtbot, dialog)

    assert messages == []
    assert queries.interruptions_of(store, seeded.course_id) == []
    [change] = queries.level_changes_of(store, seeded.course_id)
    assert (change.drug, change.level, change.effective_date) == ("lenalidomide", 1, store.today())
    state = state_today(store, seeded.course_id)
    assert (state.lenalidomide_level, state.advice.action) == (1, "continue")


def second_anc_drop_after_a_rest_day_drop(store: Store, seeded) -> None:
    """A first ANC drop on a rest day (no interruption), recovered, then cycle 2."""
    record_labs(store, seeded.patient_id, days_ago(store, 17), anc=0.8, platelets=150)
    record_labs(store, seeded.patient_id, days_ago(store, 13), anc=1.5, platelets=160)
    starts.start_next_cycle(store, seeded.course_id, days_ago(store, 12))


def interrupted_for_anc(store: Store, seeded) -> None:
    record_labs(store, seeded.patient_id, days_ago(store, 7), anc=0.6, platelets=150)
    interrupt(store, seeded.course_id, days_ago(store, 7), "ANC 0.6")


SCENARIOS = {
    # name: (course started days ago, history, typed ANC, typed platelets, action, resume mg)
    "ANC 0.8 on day 10": (9, None, "0.8", "", "hold", 25),
    "ANC 0.4, platelets 15, no event": (9, None, "0.4", "15", "hold", 20),
    "second ANC drop after a rest-day drop": (
        40,
        second_anc_drop_after_a_rest_day_drop,
        "0.7",
        "150",
        "hold",
        20,
    ),
    "recovered after an ANC hold": (14, interrupted_for_anc, "1.6", "150", "resume", 25),
    "still low while interrupted": (14, interrupted_for_anc, "0.9", "", "keep-holding", 25),
    "low ANC between cycles": (30, None, "0.7", "150", "delay-cycle", 25),
    "normal counts": (9, None, "2.1", "180", "continue", None),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_record_labs_advises_what_the_course_state_says_once_saved(
    qtbot, store, context, messages, scenario
):
    started, history, anc, platelets, action, resume_mg = SCENARIOS[scenario]
    seeded = seed_course(store, days_ago=started)
    if history is not None:
        history(store, seeded)
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, anc)
    qtbot.keyClicks(dialog.platelets.edit, platelets)
    advised = dialog.advice
    assert (advised.action, advised.resume_mg) == (action, resume_mg)
    click_save(qtbot, dialog)

    assert messages == []
    # What the patient view and `tracker status` read once the result is saved ...
    assert state_today(store, seeded.course_id).advice == advised
    # ... and Today, which reads every active course's history in one pass.
    [today_row] = [
        row for row in queries.today_rows(store, store.today()) if row.course.id == seeded.course_id
    ]
    assert today_row.state.advice == advised


def test_without_a_click_nothing_about_dosing_changes(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=10)
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.platelets.edit, "18000")
    dialog.platelets.unit_combo.setCurrentIndex(dialog.platelets.unit_combo.findData("/mm3"))
    assert dialog.platelets.grade_label.text() == "grade 4"
    assert dialog.advice.action == "hold"  # 18,000/mm3 is 18 x10^9/L, below 30
    dialog.event_checks["thrombocytopenia"].setChecked(False)
    click_save(qtbot, dialog)

    assert messages == []
    [lab] = queries.labs_of(store, seeded.patient_id)
    assert (lab.platelets, lab.platelets_unit) == (18000, "/mm3")
    assert queries.interruptions_of(store, seeded.course_id) == []
    assert queries.events_of(store, seeded.patient_id) == []
    assert queries.level_changes_of(store, seeded.course_id) == []


def test_unreadable_input_is_refused_and_kept(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=4)
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    click_save(qtbot, dialog)
    assert messages == ["Enter at least one of ANC, platelets or creatinine"]
    qtbot.keyClicks(dialog.anc.edit, "0.4x")
    assert dialog.advice_box.isHidden()  # nothing readable to advise on
    click_save(qtbot, dialog)
    assert messages[1] == "ANC: '0.4x' is not a number"
    assert dialog.isVisible() and dialog.anc.edit.text() == "0.4x"
    dialog.anc.edit.setText("250")
    assert dialog.anc.problem_label.text() == (
        "ANC 250 x10^9/L is not plausible; it fits /mm3: check the unit"
    )
    click_save(qtbot, dialog)
    assert messages[2] == dialog.anc.problem_label.text()
    assert dialog.isVisible() and queries.labs_of(store, seeded.patient_id) == []


def test_a_refused_interruption_saves_nothing(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=9)
    _view, dialog = open_labs(qtbot, context, seeded.patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.5")
    qtbot.mouseClick(dialog.accept_hold_check, Qt.MouseButton.LeftButton)
    # Meanwhile someone else records the interruption from the same day.
    interrupt(store, seeded.course_id, store.today(), "ANC 0.5 by phone")
    click_save(qtbot, dialog)

    assert len(messages) == 1 and "already interrupted" in messages[0]
    assert dialog.isVisible()
    assert queries.labs_of(store, seeded.patient_id) == []
    assert queries.events_of(store, seeded.patient_id) == []
    assert len(queries.interruptions_of(store, seeded.course_id)) == 1


def test_labs_without_a_course_record_just_the_counts(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
    _view, dialog = open_labs(qtbot, context, patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.3")
    assert dialog.advice_box.isHidden()
    click_save(qtbot, dialog)
    assert messages == []
    [event] = queries.events_of(store, patient_id)
    assert (event.grade, event.course_id, event.action) == (4, None, "none")
