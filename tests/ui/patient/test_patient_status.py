"""The status strip under the patient header: latest counts with grade and date, open grade
3-4 events, whether a count is due, and today's advice, as the engine answers them."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt

from tests.ui.patient_fixtures import (
    add_test_patient,
    make_view,
    record_counts,
    seed_course,
    seed_held_course,
)
from tracker.domain.regimen import format_mg
from tracker.storage import queries
from tracker.storage.operations import courses, events, labs
from tracker.ui.common.dates import long_date
from tracker.ui.forms.record_dialog import with_unit_symbols
from tracker.ui.patient.patient_status import ADVISE, ALERT, DISCLAIMER, NEUTRAL, OK, WATCH


def engine_state(store, course_id):
    return queries.course_state(store, queries.get_course(store, course_id), store.today())


def chip(view, name: str):
    label = view.status_strip.chip_labels[name]
    return label.text(), label.property("urgency"), label.toolTip()


def test_a_held_patient_shows_counts_grades_open_event_and_the_engines_advice(
    qtbot, store, context
):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    strip = view.status_strip
    state = engine_state(store, held.course_id)
    assert strip.isVisible()

    # ANC 1.3 is CTCAE grade 2, platelets 26 grade 3; both from two days ago.
    counted = (store.today() - timedelta(days=2)).strftime("%-d %b")
    anc_text, anc_urgency, anc_tip = chip(view, "anc")
    assert anc_text == f"● ANC 1.3 ×10⁹/L · grade 2 · {counted}"
    assert anc_urgency == WATCH
    assert "Neutrophil count decreased" in anc_tip and "below 1 ×10⁹/L" in anc_tip
    platelets_text, platelets_urgency, _ = chip(view, "platelets")
    assert platelets_text == f"⚠ Platelets 26 ×10⁹/L · grade 3 · {counted}"
    assert platelets_urgency == ALERT
    assert (state.anc.value, state.platelets.value) == (1.3, 26)

    onset = held.interrupted - timedelta(days=1)
    events_text, events_urgency, events_tip = chip(view, "events")
    assert events_text == f"⚠ Open grade 3-4: thrombocytopenia grade 3 since {onset:%-d %b}"
    assert events_urgency == ALERT and long_date(onset) in events_tip
    assert [event.name for event in state.open_events] == ["thrombocytopenia"]

    # The advice is the engine's: keep holding, resume one level lower once recovered.
    assert state.advice.action == "keep-holding"
    resume = format_mg(state.advice.resume_mg)
    assert strip.advice_label.text() == (
        f"⚠ Keep holding lenalidomide; once the counts recover, resume at {resume} mg"
    )
    assert strip.advice_label.property("urgency") == ALERT
    details = strip.details_label.text()
    assert with_unit_symbols(state.advice.text) in details
    assert details.endswith(DISCLAIMER)
    assert strip.advice_label.toolTip() == details
    assert strip.disclaimer.isVisible() and strip.disclaimer.text() == DISCLAIMER


def test_the_why_button_opens_the_advice_details(qtbot, store, context):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    strip = view.status_strip
    assert not strip.details_label.isVisible()
    qtbot.mouseClick(strip.details_button, Qt.MouseButton.LeftButton)
    assert strip.details_label.isVisible() and "US label:" in strip.details_label.text()
    qtbot.mouseClick(strip.details_button, Qt.MouseButton.LeftButton)
    assert not strip.details_label.isVisible()


def test_recovered_counts_advise_the_resume_dose(qtbot, store, context):
    held = seed_held_course(store)
    record_counts(store, held.patient_id, store.today(), anc=1.8, platelets=64)
    view = make_view(qtbot, context, held.patient_id)
    state = engine_state(store, held.course_id)

    assert state.advice.action == "resume"
    assert view.status_strip.advice_label.text() == (
        f"➜ Resume lenalidomide at {format_mg(state.advice.resume_mg)} mg"
    )
    assert view.status_strip.advice_label.property("urgency") == ADVISE
    assert chip(view, "platelets")[0].startswith("● Platelets 64 ×10⁹/L · grade 2 · ")


def test_an_uneventful_course_says_what_is_due_today(qtbot, store, context):
    seeded = seed_course(store, days_ago=2)
    record_counts(store, seeded.patient_id, seeded.start, anc=3.2, platelets=210)
    view = make_view(qtbot, context, seeded.patient_id)

    assert chip(view, "anc")[:2] == (f"ANC 3.2 ×10⁹/L · grade 0 · {seeded.start:%-d %b}", OK)
    assert chip(view, "events")[:2] == ("No open grade 3-4 event", OK)
    assert view.status_strip.advice_label.text() == (
        "Continue: lenalidomide 25 mg and dexamethasone 40 mg due today"
    )
    assert view.status_strip.advice_label.property("urgency") == OK


def test_low_counts_without_an_event_still_raise_the_hold(qtbot, store, context):
    seeded = seed_course(store, days_ago=9)
    record_counts(store, seeded.patient_id, store.today(), anc=0.4, platelets=15)
    view = make_view(qtbot, context, seeded.patient_id)
    state = engine_state(store, seeded.course_id)

    assert state.advice.action == "hold" and not state.open_events
    assert view.status_strip.advice_label.text().startswith("⚠ Hold lenalidomide (interrupt it)")
    assert chip(view, "anc")[0].startswith("⚠ ANC 0.4 ×10⁹/L · grade 4")
    assert chip(view, "platelets")[0].startswith("⚠ Platelets 15 ×10⁹/L · grade 4")
    assert chip(view, "events")[0] == "No open grade 3-4 event"


def test_missing_and_old_counts_are_said_in_words(qtbot, store, context):
    seeded = seed_course(store, days_ago=20)
    old = store.today() - timedelta(days=12)
    record_counts(store, seeded.patient_id, old, anc=2.5, platelets=None)
    view = make_view(qtbot, context, seeded.patient_id)

    assert chip(view, "anc")[:2] == (
        f"● ANC 2.5 ×10⁹/L · grade 0 · {old:%-d %b}, 12 days ago",
        WATCH,
    )
    assert chip(view, "platelets")[:2] == ("● Platelets: none recorded", WATCH)


def test_the_strip_follows_new_records(qtbot, store, context):
    seeded = seed_course(store, days_ago=9)
    view = make_view(qtbot, context, seeded.patient_id)
    assert chip(view, "anc")[0] == "● ANC: none recorded"

    context.run(
        events.log_event,
        seeded.patient_id,
        "vte",
        3,
        store.today(),
        course_id=seeded.course_id,
    )
    assert chip(view, "events")[0] == f"⚠ Open grade 3-4: VTE grade 3 since {store.today():%-d %b}"
    context.run(record_counts, seeded.patient_id, store.today(), anc=0.9, platelets=120)
    assert chip(view, "anc")[0].startswith("⚠ ANC 0.9 ×10⁹/L · grade 3")
    state = engine_state(store, seeded.course_id)
    assert state.advice.withholds
    assert with_unit_symbols(state.advice.text) in view.status_strip.details_label.text()


def test_an_ended_course_says_nothing_is_due_and_no_course_hides_the_strip(qtbot, store, context):
    seeded = seed_course(store, days_ago=20)
    courses.end_course(store, seeded.course_id, store.today() - timedelta(days=3), "toxicity")
    view = make_view(qtbot, context, seeded.patient_id)
    assert view.status_strip.advice_label.text().startswith("Nothing is due: course ended")
    assert view.status_strip.advice_label.property("urgency") == NEUTRAL
    assert view.status_strip.chip_labels["labs"].isHidden()

    newcomer = add_test_patient(store, mrn="MRN-9")
    view.show_patient(newcomer)
    assert not view.status_strip.isVisible() and view.status_strip.text() == ""


def test_a_later_creatinine_that_moves_the_renal_band_is_said(qtbot, store, context):
    # 71 years, 68 kg, woman: creatinine 0.9 mg/dL is CrCl >= 60; 1.6 mg/dL is 30 to 60.
    patient_id = add_test_patient(store, mrn="REN-1")
    course_id = courses.start_course(
        store,
        patient_id,
        store.today() - timedelta(days=12),
        renal_band=">=60",
        override_reason="counts not the subject",
    )
    view = make_view(qtbot, context, patient_id)
    assert view.status_strip.chip_labels["renal"].isHidden()
    labs.record_labs(store, patient_id, store.today() - timedelta(days=1), creatinine=1.6)
    view = make_view(qtbot, context, patient_id)
    text, urgency, tooltip = chip(view, "renal")
    assert text.endswith("Renal band changed") and urgency == ADVISE
    assert "(>=60 -> 30-60" in tooltip and "10 mg every 24 hours" in tooltip
    assert queries.get_course(store, course_id).renal_band == ">=60"  # advice only
