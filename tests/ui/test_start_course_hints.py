"""The start-course form: the lower dexamethasone dose suggested above the regimen's age
limit, and the latest counts, with an override reason when they do not allow the start."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from PySide6.QtCore import QDate

from tracker.domain.regimen import load_regimen
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient
from tracker.storage.queries import get_patient
from tracker.ui.course_dialogs import StartCourseDialog


@pytest.mark.parametrize(("years_old", "hinted"), [(70, False), (75, False), (80, True)])
def test_dexamethasone_hint_follows_the_age_limit(qtbot, context, store, years_old, hinted):
    today = store.today()
    born = date(today.year - years_old, today.month, 1)
    patient_id = add_patient(store, mrn=f"AGE-{years_old}", name="Age Test", date_of_birth=born)
    dialog = StartCourseDialog(context, get_patient(store, patient_id))
    qtbot.addWidget(dialog)

    dexamethasone = load_regimen().dexamethasone
    lower_mg = dexamethasone.dose_for_level(dexamethasone.next_lower_level(0))
    if hinted:
        assert dialog.dex_hint.text() == (
            f"Over {dexamethasone.reduced_start_above_age}: consider dexamethasone {lower_mg:g} mg."
        )
    else:
        assert dialog.dex_hint.text() == ""


def start_course_dialog(qtbot, context, store, patient_id: int) -> StartCourseDialog:
    dialog = StartCourseDialog(context, get_patient(store, patient_id))
    qtbot.addWidget(dialog)
    dialog.show()
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
        "recorded; no platelets is recorded"
    ]
    assert course_rows(store) == [] and dialog.isVisible()

    qtbot.keyClicks(dialog.start_check.override_edit, "counts taken at the referring hospital")
    dialog.accept()
    assert messages[1:] == [] and not dialog.isVisible()
    [course] = course_rows(store)
    assert course["id"] == dialog.course_id
    assert course["start_override"] == "counts taken at the referring hospital"
    assert course["start_problems"] == "no ANC is recorded; no platelets is recorded"
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
