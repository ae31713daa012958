"""Unit slips in the Record labs and patient forms: a value that does not fit its unit shows,
before Save, the refusal Save gives; it is never graded; switching a unit converts the number.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox

from tests.ui.patient_fixtures import add_test_patient, seed_course
from tracker.domain import grading
from tracker.resources import load_toml
from tracker.storage import queries
from tracker.ui.common.context import as_sentence
from tracker.ui.forms.lab_fields import PROBLEM_STYLE
from tracker.ui.forms.labs_dialog import LabsDialog
from tracker.ui.forms.patient_dialog import PatientDialog

PLAUSIBLE = load_toml("plausibility.toml")
# The smallest step each unit is typed in, to step just over a bound.
STEP = {"10^9/L": Decimal("0.01"), "/mm3": Decimal(1), "mg/dL": Decimal("0.01"), "umol/L": 1}


def labs_dialog(qtbot, store, context, patient_id: int, course_id: int | None = None) -> LabsDialog:
    patient = queries.get_patient(store, patient_id)
    course = queries.get_course(store, course_id) if course_id is not None else None
    dialog = LabsDialog(context, patient, course)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def choose(combo, unit: str) -> None:
    combo.setCurrentIndex(combo.findData(unit))


def click_save(qtbot, dialog: LabsDialog) -> None:
    qtbot.mouseClick(
        dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton
    )


def bound_cases(quantities: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(quantity, unit, typed) at, just inside and just outside each plausible bound, and
    a value typical of the other unit, for each quantity in both its units."""
    cases = []
    for quantity in quantities:
        units = {unit: bounds for unit, bounds in PLAUSIBLE[quantity].items() if unit != "label"}
        for unit, bounds in units.items():
            step = Decimal(STEP[unit])
            low, high = (Decimal(str(bound)) for bound in bounds)
            values = [low - step, low, low + step, high - step, high, high + step]
            if unit == "/mm3":
                values.append(low + Decimal("0.5"))  # counts per mm3 are whole
            else:
                # The /mm3 range holds the other unit's, so a fraction is its only slip.
                [other] = [bounds for other_unit, bounds in units.items() if other_unit != unit]
                values.append(Decimal(str(sum(other) / 2)).quantize(step))
            cases += [(quantity, unit, format(value.normalize(), "f")) for value in values]
    return cases


@pytest.mark.parametrize(
    ("quantity", "unit", "typed"), bound_cases(("anc", "platelets", "creatinine"))
)
def test_the_inline_text_is_empty_exactly_when_save_accepts(
    qtbot, store, context, messages, quantity, unit, typed
):
    patient_id = add_test_patient(store)
    dialog = labs_dialog(qtbot, store, context, patient_id)
    lab_field = {"anc": dialog.anc, "platelets": dialog.platelets}.get(quantity, dialog.creatinine)
    choose(lab_field.unit_combo, unit)
    qtbot.keyClicks(lab_field.edit, typed)
    inline = lab_field.problem_label.text()
    assert lab_field.problem_label.isVisible() == bool(inline)
    click_save(qtbot, dialog)

    labs = queries.labs_of(store, patient_id)
    if not inline:
        assert messages == [] and len(labs) == 1
        stored = {"anc": labs[0].anc, "platelets": labs[0].platelets}.get(
            quantity, labs[0].creatinine
        )
        assert stored == float(typed)
    else:
        assert labs == [] and dialog.isVisible()
        assert len(messages) == 1 and as_sentence(messages[0]) == inline
        if quantity != "creatinine":
            assert lab_field.grade_label.text() == ""


def test_anc_0_8_per_mm3_is_refused_naming_the_likely_unit_and_saves_nothing(
    qtbot, store, context, messages
):
    seeded = seed_course(store, days_ago=9)
    dialog = labs_dialog(qtbot, store, context, seeded.patient_id, seeded.course_id)
    choose(dialog.anc.unit_combo, "/mm3")
    qtbot.keyClicks(dialog.anc.edit, "0.8")
    qtbot.keyClicks(dialog.platelets.edit, "140")

    problem = "ANC 0.8 /mm3 is not plausible; it fits x10^9/L: check the unit"
    assert dialog.anc.problem_label.text() == problem and dialog.anc.problem_label.isVisible()
    assert dialog.anc.grade_label.text() == ""  # not "grade 4"
    assert dialog.event_box.isHidden()  # no neutropenia to log
    # The advice rests on the platelets alone, and says the ANC was left out.
    assert dialog.advice.action == "continue"
    assert dialog.advice_label.text().endswith(
        "ANC left out of this advice: see the problem above."
    )
    assert "ANC 0.8" not in dialog.advice_label.text()
    click_save(qtbot, dialog)

    assert messages == [problem]
    assert dialog.isVisible() and dialog.anc.edit.text() == "0.8"
    assert queries.labs_of(store, seeded.patient_id) == []
    assert queries.events_of(store, seeded.patient_id) == []
    assert queries.interruptions_of(store, seeded.course_id) == []


def test_platelets_2800_per_litre_e9_is_refused_naming_per_mm3(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
    dialog = labs_dialog(qtbot, store, context, patient_id)
    # '2,800' reads as 2.8 with a decimal comma (a grade 4 count) or 2800: asked, not chosen.
    qtbot.keyClicks(dialog.platelets.edit, "2,800")
    assert dialog.platelets.problem_label.text() == (
        "Platelets: '2,800' could be 2.8 or 2800: type it with a decimal point (2.8) "
        "or without the comma (2800)"
    )
    assert dialog.platelets.grade_label.text() == "" and dialog.event_box.isHidden()
    click_save(qtbot, dialog)
    assert messages == [dialog.platelets.problem_label.text()]

    dialog.platelets.edit.setText("2800")
    problem = "platelets 2,800 x10^9/L is not plausible; it fits /mm3: check the unit"
    assert dialog.platelets.problem_label.text() == as_sentence(problem)
    assert dialog.platelets.grade_label.text() == "" and dialog.event_box.isHidden()
    click_save(qtbot, dialog)
    assert messages[1] == problem and queries.labs_of(store, patient_id) == []

    # Choosing the unit the refusal named keeps the number: that is the correction.
    choose(dialog.platelets.unit_combo, "/mm3")
    assert dialog.platelets.edit.text() == "2800"
    assert dialog.platelets.problem_label.isHidden()
    assert dialog.platelets.grade_label.text() == "grade 4"
    assert not dialog.event_checks["thrombocytopenia"].isHidden()
    click_save(qtbot, dialog)
    [lab] = queries.labs_of(store, patient_id)
    assert (lab.platelets, lab.platelets_unit) == (2800, "/mm3")
    [event] = queries.events_of(store, patient_id)
    assert (event.event_type, event.grade) == ("thrombocytopenia", 4)


def test_switching_a_count_unit_converts_the_number_and_keeps_the_grade(qtbot, store, context):
    patient_id = add_test_patient(store)
    dialog = labs_dialog(qtbot, store, context, patient_id)
    qtbot.keyClicks(dialog.anc.edit, "0.8")
    grade = grading.grade_anc(0.8, "10^9/L")
    assert dialog.anc.grade_label.text() == f"grade {grade}" == "grade 3"

    choose(dialog.anc.unit_combo, "/mm3")
    assert dialog.anc.edit.text() == "800"
    assert dialog.anc.grade_label.text() == f"grade {grade}"
    choose(dialog.anc.unit_combo, "10^9/L")
    assert dialog.anc.edit.text() == "0.8"

    qtbot.keyClicks(dialog.platelets.edit, "0.0255")  # 25.5 /mm3 is shown whole
    choose(dialog.platelets.unit_combo, "/mm3")
    assert dialog.platelets.edit.text() == "26"
    assert dialog.platelets.problem_label.isHidden()


def test_switching_the_creatinine_unit_converts_it_in_record_labs(qtbot, store, context, messages):
    patient_id = add_test_patient(store)
    dialog = labs_dialog(qtbot, store, context, patient_id)
    assert dialog.creatinine.unit() == "mg/dL"  # the patient's unit
    qtbot.keyClicks(dialog.creatinine_edit, "1.8")
    choose(dialog.creatinine_unit, "umol/L")
    assert dialog.creatinine_edit.text() == "159"  # 1.8 x 88.4 = 159.12, shown whole
    assert dialog.creatinine.problem_label.isHidden()
    choose(dialog.creatinine_unit, "mg/dL")
    assert dialog.creatinine_edit.text() == "1.8"  # 159 / 88.4 = 1.799, to 2 decimals

    choose(dialog.creatinine_unit, "umol/L")
    click_save(qtbot, dialog)
    assert messages == []
    [lab] = queries.labs_of(store, patient_id)
    assert (lab.creatinine, lab.creatinine_unit) == (159, "umol/L")


def test_creatinine_in_the_wrong_unit_is_refused_in_record_labs(qtbot, store, context, messages):
    patient_id = add_test_patient(store, creatinine=159, creatinine_unit="umol/L")
    dialog = labs_dialog(qtbot, store, context, patient_id)
    assert dialog.creatinine.unit() == "umol/L"
    qtbot.keyClicks(dialog.creatinine_edit, "1.8")
    problem = "creatinine 1.8 umol/L is not plausible; it fits mg/dL: check the unit"
    assert dialog.creatinine.problem_label.text() == as_sentence(problem)
    click_save(qtbot, dialog)
    assert messages == [problem] and queries.labs_of(store, patient_id) == []


# -- the patient form ------------------------------------------------------------------------


def patient_form(qtbot, context, patient=None) -> PatientDialog:
    dialog = PatientDialog(context, patient)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def type_renal_details(qtbot, dialog: PatientDialog, creatinine: str) -> None:
    qtbot.keyClicks(dialog.mrn_edit, "U-1")
    qtbot.keyClicks(dialog.name_edit, "Unit, Slip")
    qtbot.keyClicks(dialog.dob_edit, "1956-03-02")  # 70 on the store's today
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("M"))
    qtbot.keyClicks(dialog.weight_edit, "72")
    qtbot.keyClicks(dialog.creatinine_edit, creatinine)


def test_switching_the_creatinine_unit_converts_it_in_the_patient_form(
    qtbot, store, context, messages
):
    dialog = patient_form(qtbot, context)
    type_renal_details(qtbot, dialog, "1.8")
    # (140 - 70) x 72 / (72 x 1.8) = 38.9 mL/min
    assert dialog.crcl_label.text() == "Cockcroft-Gault CrCl 38.9 mL/min (age 70)."
    dose = "Renal starting dose: 10 mg every 24 hours (CrCl 30 to under 60 mL/min)"
    assert dialog.renal_dose_label.text() == dose

    choose(dialog.creatinine_unit_combo, "umol/L")
    assert dialog.creatinine_edit.text() == "159"
    # 159 umol/L is 1.7986 mg/dL: 38.9 mL/min still, never 2,040.
    assert dialog.crcl_label.text() == "Cockcroft-Gault CrCl 38.9 mL/min (age 70)."
    assert dialog.renal_dose_label.text() == dose
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)

    assert messages == [] and not dialog.isVisible()
    saved = queries.patient_by_mrn(store, "U-1")
    assert (saved.creatinine, saved.creatinine_unit) == (159, "umol/L")

    # Opened again, the stored value shows as stored: 159 umol/L, not converted.
    again = patient_form(qtbot, context, saved)
    assert (again.creatinine_edit.text(), again.creatinine.unit()) == ("159", "umol/L")
    assert not again.has_unsaved_input()


def test_an_implausible_creatinine_shows_the_refusal_instead_of_an_estimate(
    qtbot, store, context, messages
):
    dialog = patient_form(qtbot, context)
    choose(dialog.creatinine_unit_combo, "umol/L")
    type_renal_details(qtbot, dialog, "1.8")
    problem = "creatinine 1.8 umol/L is not plausible; it fits mg/dL: check the unit"
    assert dialog.crcl_label.text() == as_sentence(problem)
    assert dialog.crcl_label.styleSheet() == PROBLEM_STYLE  # red, as in Record labs
    assert dialog.renal_dose_label.text() == ""
    assert "mL/min" not in dialog.crcl_label.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert messages == [problem] and dialog.isVisible()
    assert queries.list_patients(store) == []

    # Choosing the unit the refusal named keeps 1.8: that is the correction.
    choose(dialog.creatinine_unit_combo, "mg/dL")
    assert dialog.creatinine_edit.text() == "1.8"
    assert dialog.crcl_label.text() == "Cockcroft-Gault CrCl 38.9 mL/min (age 70)."
    assert dialog.crcl_label.styleSheet() == ""


@pytest.mark.parametrize(("quantity", "unit", "typed"), bound_cases(("creatinine",)))
def test_the_patient_forms_renal_text_names_what_save_refuses(
    qtbot, store, context, messages, quantity, unit, typed
):
    dialog = patient_form(qtbot, context)
    choose(dialog.creatinine_unit_combo, unit)
    type_renal_details(qtbot, dialog, typed)
    shown = dialog.crcl_label.text()
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    saved = queries.list_patients(store)
    if "CrCl" in shown:
        assert messages == [] and [patient.creatinine for patient in saved] == [float(typed)]
    else:
        assert saved == [] and [as_sentence(message) for message in messages] == [shown]


def test_a_dialysis_patient_is_shown_the_renal_starting_dose_after_dialysis(qtbot, context):
    dialog = patient_form(qtbot, context)
    type_renal_details(qtbot, dialog, "6.5")
    box = dialog.dialysis_check
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Space)
    assert box.isChecked()
    assert dialog.renal_dose_label.text() == (
        "Renal starting dose: 5 mg once daily, after dialysis on dialysis days (on dialysis)"
    )
    assert "reduc" not in dialog.renal_dose_label.text().lower()
