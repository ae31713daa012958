"""The start-course form: dexamethasone as MM-010 gave it, the IMWG thromboprophylaxis
suggestion with no agent chosen for the clinician, and the latest counts, with an override
reason when they do not allow the start."""

from __future__ import annotations

import json
from datetime import date, timedelta

from PySide6.QtCore import QDate

from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient
from tracker.storage.queries import get_patient
from tracker.ui.forms.start_course_dialog import StartCourseDialog


def test_dexamethasone_starts_at_40_mg_whatever_the_age(qtbot, context, store):
    today = store.today()
    born = date(today.year - 80, today.month, 1)
    patient_id = add_patient(store, mrn="AGE-80", name="Age Test", date_of_birth=born)
    dialog = StartCourseDialog(context, get_patient(store, patient_id))
    qtbot.addWidget(dialog)
    assert dialog.dex_combo.currentText() == "40 mg"
    assert not hasattr(dialog, "dex_hint")


def start_course_dialog(
    qtbot, context, store, patient_id: int, agent: str | None = "aspirin"
) -> StartCourseDialog:
    dialog = StartCourseDialog(context, get_patient(store, patient_id))
    qtbot.addWidget(dialog)
    dialog.show()
    if agent is not None:
        dialog.prophylaxis_combo.setCurrentIndex(dialog.prophylaxis_combo.findData(agent))
    return dialog


def course_rows(store) -> list[dict]:
    return list(store.db.query("SELECT * FROM courses"))


def test_a_course_without_counts_needs_an_override_reason(qtbot, context, store, messages):
    patient_id = add_patient(store, mrn="NEW-1", name="New Patient")
    dialog = start_course_dialog(qtbot, context, store, patient_id)
    assert dialog.start_check.counts_label.text() == "No ANC recorded\nNo platelets recorded"
    assert dialog.form.isRowVisible(dialog.start_check.override_edit)
    dialog.accept()
    assert messages == [
        "The course cannot start on 2 Mar 2026 without an override reason: no ANC is "
        "recorded; no platelet count is recorded"
    ]
    assert course_rows(store) == [] and dialog.isVisible()

    qtbot.keyClicks(dialog.start_check.override_edit, "counts taken at the referring hospital")
    dialog.accept()
    assert messages[1:] == [] and not dialog.isVisible()
    [course] = course_rows(store)
    assert course["id"] == dialog.course_id
    assert course["start_override"] == "counts taken at the referring hospital"
    assert course["start_problems"] == "no ANC is recorded; no platelet count is recorded"
    audited = store.db.execute(
        "SELECT after_json FROM audit_log WHERE table_name = 'courses' AND action = 'insert'"
    ).fetchone()
    assert json.loads(audited[0])["start_override"] == "counts taken at the referring hospital"


def test_recent_counts_start_a_course_without_an_override(qtbot, context, store, messages):
    patient_id = add_patient(store, mrn="NEW-2", name="New Patient")
    record_labs(store, patient_id, store.today() - timedelta(days=3), anc=2.4, platelets=210)
    dialog = start_course_dialog(qtbot, context, store, patient_id)
    assert dialog.start_check.counts_label.text() == (
        "ANC 2.4 ×10⁹/L on 27 Feb 2026 (3 days before the start)\n"
        "Platelets 210 ×10⁹/L on 27 Feb 2026 (3 days before the start)"
    )
    assert not dialog.form.isRowVisible(dialog.start_check.override_edit)
    # Started a week earlier, the same counts would be after the start: none before it.
    earlier = store.today() - timedelta(days=7)
    dialog.start_edit.setDate(QDate(earlier.year, earlier.month, earlier.day))
    assert "no ANC is recorded" in dialog.start_check.problems_label.text()
    dialog.start_edit.setDate(QDate(store.today().year, store.today().month, store.today().day))
    dialog.accept()
    assert messages == []
    [course] = course_rows(store)
    assert (course["start_override"], course["start_problems"]) == (None, None)


def test_a_start_in_the_future_is_refused_for_its_date_first(qtbot, context, store, messages):
    patient_id = add_patient(store, mrn="NEW-3", name="New Patient")
    dialog = start_course_dialog(qtbot, context, store, patient_id)
    later = store.today() + timedelta(days=5)
    dialog.start_edit.setDate(QDate(later.year, later.month, later.day))
    dialog.accept()
    assert messages == ["course start 2026-03-07 is in the future (today is 2026-03-02)"]
    assert course_rows(store) == [] and dialog.isVisible()


def test_no_agent_is_chosen_for_the_clinician(qtbot, context, store, messages):
    patient_id = add_patient(store, mrn="VTE-1", name="Risk Patient")
    record_labs(store, patient_id, store.today(), anc=2.4, platelets=210)
    dialog = start_course_dialog(qtbot, context, store, patient_id, agent=None)
    assert dialog.prophylaxis_combo.currentData() is None
    # Cycle 1 of MM-010 is 480 mg of dexamethasone: LMWH whatever the risk factors.
    assert "IMWG suggests LMWH" in dialog.suggestion_label.text()
    assert "high-dose dexamethasone (480 mg in cycle 1" in dialog.suggestion_label.text()
    dialog.dex_combo.setCurrentIndex(dialog.dex_combo.findData(1))
    assert "IMWG suggests aspirin" in dialog.suggestion_label.text()
    dialog.risk_box.checks["diabetes"].setChecked(True)
    dialog.risk_box.checks["previous_vte"].setChecked(True)
    assert "IMWG suggests LMWH" in dialog.suggestion_label.text()
    assert "2 risk factors (previous vte, diabetes)" in dialog.suggestion_label.text()
    dialog.grab().save("/tmp/dialog-start-course-prophylaxis.png")
    dialog.accept()
    assert messages == ["Choose the thromboprophylaxis agent, or 'none'"]
    assert course_rows(store) == []
    dialog.prophylaxis_combo.setCurrentIndex(dialog.prophylaxis_combo.findData("LMWH"))
    dialog.accept()
    [course] = course_rows(store)
    assert (course["thromboprophylaxis"], course["vte_risk_factors"]) == (
        "LMWH",
        "previous_vte,diabetes",
    )
