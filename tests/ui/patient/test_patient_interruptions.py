"""Interrupting and resuming lenalidomide from the calendar's day menu, and recording a dose
"taken" on a day the engine says lenalidomide is held."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox

from tests.ui.patient_fixtures import (
    choose,
    click_day,
    make_view,
    record_counts,
    seed_course,
    seed_held_course,
)
from tracker.domain.treatment.engine import day_state
from tracker.storage import queries
from tracker.storage.course_history import course_history
from tracker.ui.patient.interruption_dialogs import InterruptDialog, ResumeDialog


def save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def interruption_rows(store) -> list[dict]:
    return list(
        store.db.query(
            "SELECT start_date, end_date, reason, resume_level FROM interruptions "
            "WHERE archived = 0 ORDER BY id"
        )
    )


def menu_action(menu, name: str):
    return next(action for action in menu.actions() if action.objectName() == name)


def test_interrupting_from_a_day_holds_lenalidomide_into_the_next_cycle(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=20)
    view = make_view(qtbot, context, seeded.patient_id)
    day = store.today() - timedelta(days=2)

    choose(qtbot, click_day(qtbot, view, day), "interrupt")
    dialog = view.active_dialog
    assert isinstance(dialog, InterruptDialog) and dialog.isVisible()
    save(qtbot, dialog)  # no reason yet: refused, nothing written
    assert messages == ["Give the reason for interrupting lenalidomide"]
    assert interruption_rows(store) == [] and dialog.isVisible()

    dialog.reason_combo.setCurrentText("neutropenia (ANC below 1.0)")
    save(qtbot, dialog)

    assert messages[1:] == []
    assert interruption_rows(store) == [
        {
            "start_date": day.isoformat(),
            "end_date": None,
            "reason": "neutropenia (ANC below 1.0)",
            "resume_level": None,
        }
    ]
    # Held from the day on, to the end of the cycle and in the planned next one.
    for when in (day, store.today(), seeded.start + timedelta(days=20)):
        assert view.calendar.cell_for_date(when).status("lenalidomide") == "held"
    assert view.calendar.cell(2, 1).status("lenalidomide") == "held"
    assert view.calendar.cell(2, 1).planned.lenalidomide_mg == 0
    assert view.calendar.cell_for_date(day - timedelta(days=1)).status("lenalidomide") is None
    # A rest day inside the interruption stays a rest day.
    assert view.calendar.cell(1, 25).is_rest_day
    assert "Lenalidomide interrupted since" in view.header.text()


def test_resuming_on_a_day_preselects_the_engines_dose_and_records_the_chosen_one(
    qtbot, store, context, messages
):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    today = store.today()
    advised = day_state(course_history(store, queries.get_course(store, held.course_id)), today)

    choose(qtbot, click_day(qtbot, view, today), "resume")
    dialog = view.active_dialog
    assert isinstance(dialog, ResumeDialog)
    assert advised.advice.resume_level == 1  # platelets' first drop: the next lower dose
    assert dialog.level() == advised.advice.resume_level
    assert dialog.level_combo.currentText() == "20 mg (advised)"
    assert "Keep holding lenalidomide" in dialog.advice_label.text()

    dialog.level_combo.setCurrentIndex(dialog.level_combo.findData(2))  # the clinician: 15 mg
    save(qtbot, dialog)

    assert messages == []
    assert interruption_rows(store) == [
        {
            "start_date": held.interrupted.isoformat(),
            "end_date": today.isoformat(),
            "reason": "thrombocytopenia",
            "resume_level": 2,
        }
    ]
    changes = queries.level_changes_of(store, held.course_id)
    assert [(c.drug, c.level, c.effective_date, c.reason) for c in changes] == [
        ("lenalidomide", 2, today, "resumed after interruption")
    ]
    cell = view.calendar.cell_for_date(today)
    assert cell.status("lenalidomide") is None and cell.planned.lenalidomide_mg == 15
    yesterday = view.calendar.cell_for_date(today - timedelta(days=1))
    assert yesterday.status("lenalidomide") == "held"
    assert "interrupted" not in view.header.text()
    assert "Lenalidomide 15 mg daily" in view.header.text()


def test_resuming_at_the_level_in_force_records_no_level_change(qtbot, store, context, messages):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    choose(qtbot, click_day(qtbot, view, store.today()), "resume")
    dialog = view.active_dialog
    dialog.level_combo.setCurrentIndex(dialog.level_combo.findData(0))
    assert dialog.level_combo.currentText() == "25 mg (before the interruption)"
    save(qtbot, dialog)

    assert messages == []
    assert interruption_rows(store)[0]["resume_level"] == 0
    assert queries.level_changes_of(store, held.course_id) == []


def test_the_menu_offers_only_what_storage_would_accept(qtbot, store, context):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)

    start_day = click_day(qtbot, view, held.interrupted)
    assert not menu_action(start_day, "resume").isEnabled()
    assert "interrupt" not in [action.objectName() for action in start_day.actions()]
    start_day.close()
    before = click_day(qtbot, view, held.interrupted - timedelta(days=3))
    interrupt = menu_action(before, "interrupt")
    assert not interrupt.isEnabled() and "already interrupted since" in interrupt.text()
    before.close()
    tomorrow = click_day(qtbot, view, store.today() + timedelta(days=1))
    assert not menu_action(tomorrow, "resume").isEnabled()
    tomorrow.close()


def test_taken_on_an_interrupted_day_asks_first_and_no_changes_nothing(
    qtbot, store, context, messages
):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    asked: list[str] = []
    answers = [False, True]

    def confirm(_parent, _title, question):
        asked.append(question)
        return answers.pop(0)

    view.days.confirm = confirm
    today = store.today()
    before = queries.dose_records_of(store, held.course_id)

    choose(qtbot, click_day(qtbot, view, today), "lenalidomide-taken")
    assert len(asked) == 1 and "Lenalidomide is interrupted since" in asked[0]
    assert queries.dose_records_of(store, held.course_id) == before
    assert view.calendar.cell_for_date(today).recorded("lenalidomide") is None

    choose(qtbot, click_day(qtbot, view, today), "lenalidomide-taken")
    assert len(asked) == 2 and messages == []
    [record] = [r for r in queries.dose_records_of(store, held.course_id) if r.date == today]
    assert (record.drug, record.status, record.dose_mg) == ("lenalidomide", "taken", 25)
    # Recorded, and still held: the record does not end the interruption.
    cell = view.calendar.cell_for_date(today)
    assert cell.recorded("lenalidomide") == "taken" and cell.is_held("lenalidomide")
    assert "Lenalidomide interrupted since" in view.header.text()


def test_the_real_question_defaults_to_no(qtbot, store, context):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    seen: list[str] = []

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press_enter)
            return
        seen.append(box.text())
        assert box.defaultButton() is box.button(QMessageBox.StandardButton.No)
        qtbot.keyClick(box, Qt.Key.Key_Return)

    menu = click_day(qtbot, view, store.today())
    QTimer.singleShot(0, press_enter)
    choose(qtbot, menu, "lenalidomide-taken")
    qtbot.waitUntil(lambda: bool(seen))
    assert "interrupted since" in seen[0]
    assert [
        r for r in queries.dose_records_of(store, held.course_id) if r.date == store.today()
    ] == []


def test_hold_advice_without_an_interruption_asks_too_but_not_for_the_rest(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=9)
    record_counts(store, seeded.patient_id, store.today(), anc=0.6, platelets=140)
    view = make_view(qtbot, context, seeded.patient_id)
    asked: list[str] = []
    view.days.confirm = lambda _parent, _title, question: asked.append(question) or False
    today = store.today()

    choose(qtbot, click_day(qtbot, view, today), "both-taken")
    assert len(asked) == 1 and "The label advice for this day is: Hold lenalidomide" in asked[0]
    assert queries.dose_records_of(store, seeded.course_id) == []

    choose(qtbot, click_day(qtbot, view, today), "dexamethasone-taken")
    choose(qtbot, click_day(qtbot, view, today), "lenalidomide-missed")
    # Yesterday the counts were not known: nothing withheld, nothing asked.
    choose(qtbot, click_day(qtbot, view, today - timedelta(days=1)), "lenalidomide-taken")
    assert len(asked) == 1 and messages == []
    recorded = {
        (r.date, r.drug, r.status) for r in queries.dose_records_of(store, seeded.course_id)
    }
    assert recorded == {
        (today, "dexamethasone", "taken"),
        (today, "lenalidomide", "missed"),
        (today - timedelta(days=1), "lenalidomide", "taken"),
    }


def test_an_interruption_recorded_in_error_is_withdrawn_with_a_reason(
    qtbot, store, context, messages
):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    asked: list[str] = []
    reasons: list[str | None] = [None, "Recorded for the wrong patient"]

    def ask_reason(_parent, _title, question):
        asked.append(question)
        return reasons.pop(0)

    view.days.ask_reason = ask_reason
    choose(qtbot, click_day(qtbot, view, held.interrupted), "withdraw-interruption")
    assert len(interruption_rows(store)) == 1  # cancelled: nothing changed
    choose(qtbot, click_day(qtbot, view, held.interrupted), "withdraw-interruption")

    assert asked[0].startswith("Withdraw the interruption of lenalidomide from ")
    assert messages == [] and interruption_rows(store) == []
    assert view.calendar.cell_for_date(held.interrupted).is_held("lenalidomide") is False
    (withdrawn, *_) = queries.audit_of_patient(store, held.patient_id)
    assert (withdrawn.table_name, withdrawn.action, withdrawn.reason) == (
        "interruptions",
        "archive",
        "Recorded for the wrong patient",
    )
