"""Pregnancy prevention in the forms: the patient form's REMS category, the start forms'
prescription with what the REMS still needs, and the REMS form's records, driven as a user
would drive them, on a real database."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.rems_seed import add_woman, negative_test, start_tested_course, weekly_tests
from tests.ui.patient_fixtures import make_view, record_counts
from tracker.storage import queries
from tracker.storage.operations import rems
from tracker.storage.rems_reads import (
    contraception_of,
    menstrual_reports_of,
    pregnancy_tests_of,
    prescriptions_of,
)
from tracker.ui.forms.patient_dialog import PatientDialog
from tracker.ui.forms.pregnancy_prevention_dialog import (
    AUTHORIZATION,
    CLEAR,
    CONTRACEPTION,
    MENSTRUAL,
    TEST,
    PregnancyPreventionDialog,
)
from tracker.ui.forms.rems_category_fields import MISSING_FOR_FEMALE


def qdate(day) -> QDate:
    return QDate(day.year, day.month, day.day)


def click_save(qtbot, dialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def choose(combo, value) -> None:
    combo.setCurrentIndex(combo.findData(value))


# -- the patient form ------------------------------------------------------------------------


def test_the_patient_form_asks_for_a_womans_category_and_saves_it(qtbot, context, store):
    dialog = PatientDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()
    fields = dialog.rems_fields
    qtbot.keyClicks(dialog.mrn_edit, "R-10")
    qtbot.keyClicks(dialog.name_edit, "Bianchi, Lucia")
    choose(dialog.sex_combo, "F")
    assert fields.prompt.isVisible() and fields.prompt.text() == MISSING_FOR_FEMALE
    choose(fields.category_combo, "female_not_reproductive")
    assert fields.reason_combo.isVisible() and not fields.irregular_check.isVisible()
    choose(fields.reason_combo, "bilateral_oophorectomy")
    assert not fields.prompt.isVisible()
    choose(fields.category_combo, "male_adult")
    assert "does not fit the sex recorded" in fields.prompt.text()
    choose(fields.category_combo, "female_reproductive")
    assert fields.irregular_check.isVisible() and not fields.reason_combo.isVisible()
    fields.irregular_check.setChecked(True)
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    patient = queries.get_patient(store, dialog.patient_id)
    assert (patient.rems_category, patient.rems_category_reason, patient.irregular_cycles) == (
        "female_reproductive",
        None,
        True,
    )


def test_editing_a_patient_shows_and_keeps_the_category(qtbot, context, store):
    patient_id = add_woman(store, "R-11", irregular_cycles=True)
    dialog = PatientDialog(context, queries.get_patient(store, patient_id))
    qtbot.addWidget(dialog)
    assert dialog.rems_fields.category() == "female_reproductive"
    assert dialog.rems_fields.irregular_check.isChecked()
    assert not dialog.has_unsaved_input()


# -- the start forms -------------------------------------------------------------------------


def test_a_course_starts_from_the_form_once_the_rems_is_met(qtbot, store, context, messages):
    today = store.today()
    woman = add_woman(store, "R-12")
    record_counts(store, woman, today)
    view = make_view(qtbot, context, woman)
    dialog = view.start_course()
    box = dialog.prescription_box
    dialog.prophylaxis_combo.setCurrentText("LMWH")
    assert "a REMS authorization number" in box.needs_label.text()
    click_save(qtbot, dialog)
    assert "refused under the Lenalidomide REMS" in messages[-1]
    assert queries.current_course(store, woman) is None and dialog.isVisible()

    rems.record_contraception(store, woman, today - timedelta(days=40), abstinence=True)
    negative_test(store, woman, today - timedelta(days=11))
    negative_test(store, woman, today, kind="serum")
    qtbot.keyClicks(box.authorization_edit, "48213377")
    assert box.needs_label.text() == "REMS: nothing missing for this start."
    click_save(qtbot, dialog)
    course = queries.current_course(store, woman)
    assert course is not None
    (prescription,) = prescriptions_of(store, course.id)
    assert (prescription.authorization_number, prescription.authorized_on) == ("48213377", today)
    assert (prescription.capsules, prescription.days_supply) == (21, 28)


def test_the_next_cycle_form_records_the_cycles_prescription(qtbot, store, context, messages):
    today = store.today()
    start = today - timedelta(days=28)
    woman = add_woman(store, "R-13")
    course_id = start_tested_course(store, woman, start)
    weekly_tests(store, woman, start, today)
    record_counts(store, woman, today)
    view = make_view(qtbot, context, woman)
    dialog = view.start_next_cycle()
    box = dialog.prescription_box
    assert box.needs_label.text().endswith("Still needed: a REMS authorization number.")
    qtbot.keyClicks(box.authorization_edit, "55100291")
    box.days_spin.setValue(35)
    assert "a lenalidomide supply of 35 days is refused" in box.needs_label.text()
    click_save(qtbot, dialog)
    assert "at most 28 days per prescription" in messages[-1]
    box.days_spin.setValue(28)
    click_save(qtbot, dialog)
    assert [p.authorization_number for p in prescriptions_of(store, course_id)] == [
        "48213377",
        "55100291",
    ]


# -- the REMS form --------------------------------------------------------------------------


def open_rems(qtbot, context, patient_id: int) -> PregnancyPreventionDialog:
    view = make_view(qtbot, context, patient_id)
    assert view.patient_actions.pregnancy_prevention.isEnabled()
    view.patient_actions.pregnancy_prevention.trigger()
    dialog = view.active_dialog
    assert isinstance(dialog, PregnancyPreventionDialog) and dialog.isVisible()
    return dialog


def test_a_test_a_missed_period_and_their_clearing_are_recorded(qtbot, store, context, messages):
    today = store.today()
    woman = add_woman(store, "R-14")
    dialog = open_rems(qtbot, context, woman)
    page = dialog.show_record(TEST)
    page.time_edit.setText("08:30")
    click_save(qtbot, dialog)
    assert messages[-1] == "Sensitivity (mIU/mL) is required"
    qtbot.keyClicks(page.sensitivity_edit, "25")
    click_save(qtbot, dialog)
    assert messages[-1] == "Choose the test's result: negative or positive"
    choose(page.result_combo, "positive")
    click_save(qtbot, dialog)
    (test,) = pregnancy_tests_of(store, woman)
    assert (test.date, test.time, test.kind, test.result) == (today, "08:30", "urine", "positive")

    dialog = open_rems(qtbot, context, woman)
    assert "Positive pregnancy test on" in dialog.intro.text()
    page = dialog.show_record(MENSTRUAL)
    choose(page.kind_combo, "abnormal bleeding")
    click_save(qtbot, dialog)
    (report,) = menstrual_reports_of(store, woman)
    assert report.kind == "abnormal bleeding"

    dialog = open_rems(qtbot, context, woman)
    page = dialog.show_record(CLEAR)
    assert page.finding_combo.count() == 2
    click_save(qtbot, dialog)
    assert messages[-1].startswith("Say why the finding no longer stands")
    qtbot.keyClicks(page.reason_edit, "serum hCG negative on repeat")
    click_save(qtbot, dialog)
    (test,) = pregnancy_tests_of(store, woman)
    assert (test.cleared_on, test.clearance) == (today, "serum hCG negative on repeat")


def test_contraception_counselling_from_the_form(qtbot, store, context, messages):
    woman = add_woman(store, "R-15")
    dialog = open_rems(qtbot, context, woman)
    page = dialog.show_record(CONTRACEPTION)
    page.method_combos[0].setCurrentIndex(1)
    click_save(qtbot, dialog)
    assert "two different reliable methods" in messages[-1]
    page.method_combos[1].setCurrentText("Diaphragm")
    click_save(qtbot, dialog)
    (counselled,) = contraception_of(store, woman)
    assert (counselled.method_1, counselled.method_2) == ("Intrauterine device (IUD)", "Diaphragm")


def test_a_cycle_started_without_an_authorization_gets_one(qtbot, store, context):
    from tests.starts import start_course
    from tests.ui.patient_fixtures import add_test_patient

    patient_id = add_test_patient(store, mrn="OLD-1")
    course_id = start_course(store, patient_id, store.today() - timedelta(days=3))
    dialog = open_rems(qtbot, context, patient_id)
    page = dialog.show_record(AUTHORIZATION)
    qtbot.keyClicks(page.box.authorization_edit, "90001234")
    click_save(qtbot, dialog)
    assert [p.authorization_number for p in prescriptions_of(store, course_id)] == ["90001234"]
