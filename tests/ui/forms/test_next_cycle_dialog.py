"""Next cycle: the latest counts with their dates, what stands in the way of starting in
words, the override reason Save requires then, and resuming lenalidomide with the cycle."""

from __future__ import annotations

import json
from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.patient_fixtures import make_view, seed_course
from tracker.storage import queries
from tracker.storage.database import Store
from tracker.storage.operations.interruptions import interrupt
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.settings import set_setting
from tracker.ui.forms.next_cycle_dialog import NextCycleDialog


def click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def days_ago(store: Store, days: int) -> date:
    return store.today() - timedelta(days=days)


def open_next_cycle(qtbot, context, patient_id: int) -> NextCycleDialog:
    view = make_view(qtbot, context, patient_id)
    dialog = view.start_next_cycle()
    assert isinstance(dialog, NextCycleDialog) and dialog.isVisible()
    return dialog


def override_shown(dialog: NextCycleDialog) -> bool:
    return dialog.form.isRowVisible(dialog.start_check.override_edit)


def cycle_row(store: Store, course_id: int, number: int) -> dict | None:
    rows = list(
        store.db.query(
            "SELECT * FROM cycles WHERE course_id = ? AND number = ?", [course_id, number]
        )
    )
    return rows[0] if rows else None


def cycle_audit(store: Store, cycle_id: int) -> dict:
    row = store.db.execute(
        "SELECT after_json FROM audit_log WHERE table_name = 'cycles' AND row_id = ? "
        "AND action = 'insert'",
        [cycle_id],
    ).fetchone()
    return json.loads(row[0])


def test_low_counts_need_an_override_reason_that_is_stored_and_audited(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=28)  # cycle 2 is due today
    record_labs(store, seeded.patient_id, days_ago(store, 1), anc=0.6, platelets=150)
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)

    assert dialog.start_check.counts_label.text() == (
        "ANC 0.6 ×10⁹/L on 1 Mar 2026 (1 day before the start)\n"
        "Platelets 150 ×10⁹/L on 1 Mar 2026 (1 day before the start)"
    )
    problems = dialog.start_check.problems_label.text()
    assert "ANC 0.6 ×10⁹/L on 2026-03-01 is below the hold threshold 1.0" in problems
    assert "platelets" not in problems.lower().split("override reason:")[1]
    assert override_shown(dialog)
    audit_before = store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]

    click_save(qtbot, dialog)
    assert messages == [
        "Cycle 2 cannot start on 2 Mar 2026 without an override reason: ANC 0.6 ×10⁹/L on "
        "2026-03-01 is below the hold threshold 1.0"
    ]
    assert dialog.isVisible() and cycle_row(store, seeded.course_id, 2) is None
    assert store.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == audit_before

    qtbot.keyClicks(dialog.start_check.override_edit, "  myeloma progressing, Dr Okafor  ")
    click_save(qtbot, dialog)
    assert messages[1:] == [] and not dialog.isVisible()
    row = cycle_row(store, seeded.course_id, 2)
    assert row["start_override"] == "myeloma progressing, Dr Okafor"
    assert "below the hold threshold" in row["start_problems"]
    audited = cycle_audit(store, row["id"])
    assert audited["start_override"] == "myeloma progressing, Dr Okafor"
    assert audited["start_problems"] == row["start_problems"]


def test_missing_counts_are_named_and_need_the_reason(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=28)
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)
    assert dialog.start_check.counts_label.text() == "No ANC recorded\nNo platelets recorded"
    assert "no ANC is recorded" in dialog.start_check.problems_label.text()
    click_save(qtbot, dialog)
    assert messages == [
        "Cycle 2 cannot start on 2 Mar 2026 without an override reason: no ANC is recorded; "
        "no platelet count is recorded"
    ]
    assert cycle_row(store, seeded.course_id, 2) is None
    dialog.reject()


def test_recent_counts_above_the_thresholds_ask_for_no_override(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=28)
    record_labs(store, seeded.patient_id, days_ago(store, 2), anc=1.8, platelets=160)
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)
    assert "ANC 1.8 ×10⁹/L on 28 Feb 2026 (2 days before the start)" in (
        dialog.start_check.counts_label.text()
    )
    assert "no override needed" in dialog.start_check.problems_label.text()
    assert not override_shown(dialog)
    click_save(qtbot, dialog)

    assert messages == []
    row = cycle_row(store, seeded.course_id, 2)
    assert (row["actual_start"], row["start_override"], row["start_problems"]) == (
        store.today().isoformat(),
        None,
        None,
    )


def test_the_check_is_redone_when_the_start_date_changes(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=31)  # cycle 2 was planned 3 days ago
    record_labs(store, seeded.patient_id, days_ago(store, 9), anc=1.8, platelets=160)
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)
    assert override_shown(dialog)  # today the counts are 9 days old
    assert "the latest ANC is 9 days old (more than 7)" in dialog.start_check.problems_label.text()

    planned = days_ago(store, 3)
    dialog.start_edit.setDate(QDate(planned.year, planned.month, planned.day))
    assert not override_shown(dialog)  # 6 days old on the planned date
    assert "(6 days before the start)" in dialog.start_check.counts_label.text()
    click_save(qtbot, dialog)
    assert messages == []
    assert cycle_row(store, seeded.course_id, 2)["actual_start"] == planned.isoformat()


def test_the_clinic_setting_decides_how_old_counts_may_be(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=28)
    record_labs(store, seeded.patient_id, days_ago(store, 10), anc=1.8, platelets=160)
    set_setting(store, "start_counts_max_age_days", "14")
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)
    assert not override_shown(dialog)
    dialog.reject()

    set_setting(store, "start_counts_max_age_days", "3")
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)
    assert "10 days old (more than 3)" in dialog.start_check.problems_label.text()
    dialog.reject()


def test_resume_lenalidomide_with_the_cycle_at_the_engines_level(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=28)
    record_labs(store, seeded.patient_id, days_ago(store, 10), anc=1.9, platelets=20)
    interruption_id = interrupt(store, seeded.course_id, days_ago(store, 10), "platelets 20")
    record_labs(store, seeded.patient_id, days_ago(store, 1), anc=1.7, platelets=90)
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)

    resume = dialog.resume_check
    assert resume.isVisible() and not resume.isChecked()
    assert dialog.resume_level_combo.currentData() == 1  # the engine's: one level lower
    assert resume.text() == "Res&ume lenalidomide at 20 mg with this cycle"
    assert "Resume lenalidomide at 20 mg" in dialog.resume_advice.text()
    problems = dialog.start_check.problems_label.text()
    assert "lenalidomide is interrupted since 2026-02-20" in problems
    assert override_shown(dialog)

    qtbot.mouseClick(resume, Qt.MouseButton.LeftButton)
    assert resume.isChecked()
    assert not override_shown(dialog)  # resuming: the open interruption is no problem
    click_save(qtbot, dialog)

    assert messages == []
    row = cycle_row(store, seeded.course_id, 2)
    assert (row["len_level"], row["start_override"]) == (1, None)
    [held] = queries.interruptions_of(store, seeded.course_id)
    assert (held.id, held.end_date, held.resume_level) == (interruption_id, store.today(), 1)
    state = queries.course_state(store, queries.get_course(store, seeded.course_id), store.today())
    assert (state.cycle, state.day, state.on_hold, state.lenalidomide.due_mg) == (2, 1, False, 20)


def test_no_resume_is_offered_while_the_counts_are_still_low(qtbot, store, context, messages):
    seeded = seed_course(store, days_ago=28)
    record_labs(store, seeded.patient_id, days_ago(store, 10), anc=0.7, platelets=150)
    interrupt(store, seeded.course_id, days_ago(store, 10), "ANC 0.7")
    record_labs(store, seeded.patient_id, days_ago(store, 1), anc=0.8, platelets=150)
    dialog = open_next_cycle(qtbot, context, seeded.patient_id)
    assert dialog.resume_check.isHidden()
    problems = dialog.start_check.problems_label.text()
    assert "below the hold threshold" in problems and "interrupted since" in problems
    qtbot.keyClicks(dialog.start_check.override_edit, "clinician's decision")
    click_save(qtbot, dialog)
    assert messages == []
    # Started with an override, lenalidomide stays interrupted: nothing of it is due.
    state = queries.course_state(store, queries.get_course(store, seeded.course_id), store.today())
    assert (state.cycle, state.on_hold, state.lenalidomide.due_mg) == (2, True, 0)
