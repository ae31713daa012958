"""The Events and History tabs: logging and correcting events, and the audit trail."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.patient_fixtures import add_test_patient, make_view, seed_course
from tracker.domain import grading
from tracker.storage import queries
from tracker.storage.operations import courses, doses, events, labs
from tracker.ui.forms.event_dialog import EventDialog
from tracker.ui.patient.events_view import EventsTableModel
from tracker.ui.patient.history_view import AuditTableModel, describe_changes


def qdate(day) -> QDate:
    return QDate(day.year, day.month, day.day)


def click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def test_log_a_vte_through_the_dialog(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=12)
    view = make_view(qtbot, context, seeded.patient_id)
    dialog = view.log_event()
    assert isinstance(dialog, EventDialog) and dialog.isVisible()
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("vte"))
    dialog.grade_spin.setValue(3)
    onset = store.today() - timedelta(days=2)
    dialog.onset_edit.setDate(qdate(onset))
    dialog.action_combo.setCurrentIndex(dialog.action_combo.findData("held"))
    qtbot.keyClicks(dialog.note_edit, "PE on CT")
    assert dialog.definition_label.text() == grading.definition_text("vte", 3)
    assert "Urgent medical intervention" in dialog.definition_label.text()
    assert not dialog.term_edit.isEnabled()
    click_save(qtbot, dialog)

    assert messages == []
    [event] = queries.events_of(store, seeded.patient_id)
    assert (event.event_type, event.grade, event.onset_date, event.action, event.note) == (
        "vte",
        3,
        onset,
        "held",
        "PE on CT",
    )
    assert event.course_id == seeded.course_id and event.lab_id is None
    assert event.ctcae_version == grading.CTCAE_VERSION
    model = view.events_view.model
    assert model.rowCount() == 1
    assert model.index(0, 1).data() == "Thromboembolic event"
    assert model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole) == grading.definition_text("vte", 3)


def test_an_other_event_needs_a_term_and_keeps_the_form(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
    view = make_view(qtbot, context, patient_id)
    dialog = view.log_event()
    dialog.type_combo.setCurrentIndex(dialog.type_combo.findData("other"))
    dialog.grade_spin.setValue(2)
    click_save(qtbot, dialog)
    assert messages == ["Name the adverse event term for an 'other' event"]
    assert dialog.isVisible() and dialog.grade_spin.value() == 2
    qtbot.keyClicks(dialog.term_edit, "Rash maculo-papular")
    click_save(qtbot, dialog)
    assert len(messages) == 1 and not dialog.isVisible()
    [event] = queries.events_of(store, patient_id)
    assert (event.event_type, event.term, event.grade, event.course_id) == (
        "other",
        "Rash maculo-papular",
        2,
        None,
    )


def test_double_click_edits_an_event_through_update_event(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=20)
    onset = store.today() - timedelta(days=9)
    event_id = events.log_event(
        store, seeded.patient_id, "neutropenia", 3, onset, course_id=seeded.course_id
    )
    view = make_view(qtbot, context, seeded.patient_id)
    view.tabs.setCurrentWidget(view.events_view)
    table = view.events_view.table
    rect = table.visualRect(view.events_view.model.index(0, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    dialog = view.events_view.last_dialog
    assert dialog is not None and dialog.isVisible() and dialog.event_id == event_id
    assert dialog.grade_spin.value() == 3 and dialog.onset_edit.date() == qdate(onset)

    resolved = store.today() - timedelta(days=2)
    dialog.resolved_check.setChecked(True)
    dialog.resolution_edit.setDate(qdate(resolved))
    dialog.grade_spin.setValue(4)
    click_save(qtbot, dialog)
    # A correction says why before it is saved.
    assert messages == ["Say why the saved record is changed: the reason is kept in the audit log."]
    assert queries.get_event(store, event_id).grade == 3
    messages.clear()
    dialog.reason_edit.setCurrentText("Grade misread from the lab report")
    click_save(qtbot, dialog)

    assert messages == []
    event = queries.get_event(store, event_id)
    assert (event.grade, event.resolution_date, event.onset_date) == (4, resolved, onset)
    assert view.events_view.model.index(0, 4).data() == resolved.isoformat()
    history = view.history_view.model
    changes = history.index(0, 4).data()
    assert history.index(0, 2).data() == "Event: Neutropenia"
    assert history.index(0, 3).data() == "changed"
    assert changes.splitlines() == [
        "Grade: 3 → 4",
        f"Resolved: – → {resolved}",
        "Why: Grade misread from the lab report",
    ]


def test_history_lists_who_changed_what_newest_first(qtbot, store, context):
    store.staff = "MK"
    seeded = seed_course(store, days_ago=3)
    view = make_view(qtbot, context, seeded.patient_id)
    model = view.history_view.model
    records = [model.index(row, 2).data() for row in range(model.rowCount())]
    assert records == ["Cycle 1", f"Course started {seeded.start}", "Patient"]
    assert model.index(0, 1).data().startswith("MK (")
    assert "Cycle: 1" in model.index(0, 4).data()
    first_entry = model.entry(model.rowCount() - 1)
    assert "Name: Adeyemi, Ruth" in describe_changes(first_entry)


def test_history_reads_as_words_with_doses_in_mg_and_units(qtbot, store, context):
    seeded = seed_course(store, days_ago=3)
    today = store.today()
    courses.change_dose_level(store, seeded.course_id, "lenalidomide", 2, today, "neutropenia")
    labs.record_labs(store, seeded.patient_id, today, anc=650, anc_unit="/mm3", platelets=140)
    doses.record_dose(store, seeded.course_id, today, "lenalidomide", "taken")
    doses.record_dose(store, seeded.course_id, today, "lenalidomide", "missed", reason="misread")
    view = make_view(qtbot, context, seeded.patient_id)
    model = view.history_view.model
    shown: dict[str, list[str]] = {}  # the newest entry of each record
    for row in range(model.rowCount()):
        shown.setdefault(model.index(row, 2).data(), model.index(row, 4).data().splitlines())

    assert shown[f"Lenalidomide {today}"] == ["Status: taken → missed", "Why: misread"]
    assert shown["Lenalidomide dose level"] == [
        f"From: {today}",
        "Drug: Lenalidomide",
        "Dose: 15 mg",  # level 2 of the MM-010 ladder, not "level: 2"
        "Reason: neutropenia",
    ]
    assert shown[f"Labs {today}"] == [f"Date: {today}", "ANC: 650 /mm³", "Platelets: 140 ×10⁹/L"]
    course = shown[f"Course started {seeded.start}"]
    assert "Lenalidomide: 25 mg" in course and "Lenalidomide schedule: daily" in course
    assert "Regimen: Lenalidomide + dexamethasone (MM-010)" in course
    patient = shown["Patient"]
    assert "Sex: Female" in patient and "Weight: 68 kg" in patient
    assert "Creatinine: 0.9 mg/dL" in patient and "On dialysis: no" in patient
    everything = "\n".join(line for lines in shown.values() for line in lines)
    assert "_id" not in everything and "_unit" not in everything


def test_models_pass_the_model_tester(qtbot, qtmodeltester, store):
    seeded = seed_course(store, days_ago=15)
    onset = store.today() - timedelta(days=4)
    events.log_event(store, seeded.patient_id, "vte", 2, onset, course_id=seeded.course_id)
    events.log_event(store, seeded.patient_id, "other", 1, onset, term="Fatigue")
    events_model = EventsTableModel()
    events_model.set_events(queries.events_of(store, seeded.patient_id))
    qtmodeltester.check(events_model, force_py=True)
    audit_model = AuditTableModel()
    audit_model.set_entries(queries.audit_of_patient(store, seeded.patient_id))
    assert audit_model.rowCount() == 5
    qtmodeltester.check(audit_model, force_py=True)


def test_an_event_logged_in_error_is_withdrawn_with_a_reason(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=20)
    onset = store.today() - timedelta(days=9)
    events.log_event(store, seeded.patient_id, "vte", 2, onset, course_id=seeded.course_id)
    view = make_view(qtbot, context, seeded.patient_id)
    view.tabs.setCurrentWidget(view.events_view)
    events_view = view.events_view
    events_view.table.selectRow(0)
    asked: list[str] = []
    events_view.ask_reason = lambda _parent, _title, question: asked.append(question) or None
    assert events_view.withdraw_selected() is False
    assert len(queries.events_of(store, seeded.patient_id)) == 1
    events_view.ask_reason = lambda _parent, _title, _question: "Logged for the wrong patient"
    assert events_view.withdraw_selected() is True

    assert asked == [
        f"Withdraw thromboembolic event grade 2 from {onset}, logged in error? It leaves the "
        "lists and the counts; the history keeps it, with the reason."
    ]
    assert messages == [] and queries.events_of(store, seeded.patient_id) == []
    assert events_view.model.rowCount() == 0 and not events_view.withdraw_button.isEnabled()
    history = view.history_view.model
    assert history.index(0, 3).data() == "archived"
    assert history.index(0, 4).data().splitlines() == [
        "archived (kept for history)",
        "Why: Logged for the wrong patient",
    ]
