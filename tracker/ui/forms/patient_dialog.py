"""The form to add a patient or edit one, with the renal starting dose worked out as you type.

A refused save (duplicate MRN, missing name, a number that is not a number) is shown in a
dialog and the form stays open with everything typed still in it. Editing a patient asks why
(kept in the audit log); a save refused because someone else changed the patient meanwhile
says who and when, and the form shows the details as they are now. The starting dose is the
domain's renal assessment, shown as the label's starting dose for that renal function; a
creatinine that does not fit its unit shows the refusal Save would give instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from tracker.domain import renal
from tracker.storage import queries
from tracker.storage.operations import patients as patient_operations
from tracker.storage.records import Patient
from tracker.ui.common.context import AppContext
from tracker.ui.common.reason_prompt import MISSING_REASON, reason_field, reason_text
from tracker.ui.forms.lab_fields import PROBLEM_STYLE, creatinine_field
from tracker.ui.forms.record_dialog import (
    InputProblem,
    buddy_label,
    combo_box,
    field_row,
    format_number,
    parse_number,
    select_data,
)
from tracker.ui.forms.rems_category_fields import RemsCategoryFields
from tracker.ui.forms.stale_save import reloading_when_stale

DATE_FORMAT_HINT = "YYYY-MM-DD"
_SEXES = (("not recorded", None), ("Female", "F"), ("Male", "M"))


def parse_optional_number(text: str, field: str) -> float | None:
    """'' -> None; '72,5' -> 72.5 (decimal comma accepted); 0, negatives and words refused."""
    return parse_number(text, field, above_zero=True, digit_groups=False)


def parse_date_of_birth(text: str, today: date) -> date | None:
    """'' -> None; '1951-07-14' -> that date. Other spellings and days after today refused.

    Only the ISO order is read: '03/04/1951' is 3 April in one clinic and 4 March in another.
    """
    shown = text.strip()
    if not shown:
        return None
    try:
        born = date.fromisoformat(shown) if len(shown) == 10 else None
    except ValueError:
        born = None
    if born is None:
        raise InputProblem(
            f"Date of birth: {shown!r} is not a date: type it as {DATE_FORMAT_HINT}, "
            "such as 1951-07-14"
        )
    if born > today:
        raise InputProblem(f"Date of birth {born.isoformat()} is after today")
    return born


class PatientDialog(QDialog):
    """New patient when ``patient`` is None, otherwise edits that patient."""

    def __init__(
        self, context: AppContext, patient: Patient | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("patientDialog")
        self._context = context
        self._patient = patient
        self.patient_id: int | None = patient.id if patient else None
        self.setWindowTitle("Edit patient" if patient else "New patient")
        self._build()
        if patient is not None:
            self._fill(patient)
        self._initial = self._raw_input()
        self.update_renal_estimate()

    # --- layout ---------------------------------------------------------------------------

    def _build(self) -> None:
        self.mrn_edit = QLineEdit(objectName="mrnEdit")
        self.name_edit = QLineEdit(objectName="nameEdit")
        self.name_edit.setPlaceholderText("Family name, given names")

        # Typed, not picked: a date edit with a "not recorded" value swallows typed digits.
        self.dob_edit = QLineEdit(objectName="dobEdit")
        self.dob_edit.setPlaceholderText(f"{DATE_FORMAT_HINT} (optional)")
        self.dob_edit.setMaxLength(10)

        self.sex_combo = combo_box(_SEXES, "sexCombo")

        self.weight_edit = QLineEdit(objectName="weightEdit")
        self.weight_edit.setPlaceholderText("actual body weight")

        # The renal box says what is wrong with the creatinine, in place of the estimate.
        self.creatinine = creatinine_field(show_problem=False, digit_groups=False)
        self.creatinine_edit = self.creatinine.edit
        self.creatinine_edit.setPlaceholderText("serum creatinine")
        self.creatinine_unit_combo = self.creatinine.unit_combo

        self.dialysis_check = QCheckBox("On dialysis", objectName="dialysisCheck")
        self.rems_fields = RemsCategoryFields()
        self.notes_edit = QPlainTextEdit(objectName="notesEdit")
        self.notes_edit.setPlaceholderText("Notes")
        self.notes_edit.setFixedHeight(70)

        form = QFormLayout()
        form.addRow("&MRN", self.mrn_edit)
        form.addRow("N&ame", self.name_edit)
        form.addRow("&Date of birth", self.dob_edit)
        form.addRow("&Sex", self.sex_combo)
        form.addRow(
            buddy_label("&Weight", self.weight_edit), field_row(self.weight_edit, QLabel("kg"))
        )
        form.addRow("&Creatinine", self.creatinine)
        form.addRow("", self.dialysis_check)
        form.addRow("&REMS category", self.rems_fields)
        form.addRow("N&otes", self.notes_edit)
        self.reason_edit = reason_field()
        if self._patient is not None:
            form.addRow("&Reason for change", self.reason_edit)
        else:
            self.reason_edit.hide()

        self.crcl_label = QLabel(objectName="crclLabel")
        self.crcl_label.setWordWrap(True)
        self.renal_dose_label = QLabel(objectName="renalDoseLabel")
        self.renal_dose_label.setWordWrap(True)
        renal_box = QGroupBox("Renal function (Cockcroft-Gault, actual body weight)")
        renal_layout = QVBoxLayout(renal_box)
        renal_layout.addWidget(self.crcl_label)
        renal_layout.addWidget(self.renal_dose_label)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("saveButton")
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(renal_box)
        # Spare height (the wrapped renal text is sized from a guessed width) goes here, not
        # into the form's rows, where it would push labels out of line with their fields.
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

        self.weight_edit.textChanged.connect(self.update_renal_estimate)
        self.creatinine.changed.connect(self.update_renal_estimate)
        self.dob_edit.textChanged.connect(self.update_renal_estimate)
        self.sex_combo.currentIndexChanged.connect(self.update_renal_estimate)
        self.dialysis_check.toggled.connect(self.update_renal_estimate)
        self.sex_combo.currentIndexChanged.connect(
            lambda: self.rems_fields.set_sex(self.sex_combo.currentData())
        )

    def _fill(self, patient: Patient) -> None:
        self.mrn_edit.setText(patient.mrn)
        self.name_edit.setText(patient.name)
        born = patient.date_of_birth
        self.dob_edit.setText(born.isoformat() if born is not None else "")
        select_data(self.sex_combo, patient.sex)
        self.weight_edit.setText(format_number(patient.weight_kg))
        # As stored: the unit is set with the number, so nothing is converted.
        self.creatinine.set_value(patient.creatinine, patient.creatinine_unit or "mg/dL")
        self.dialysis_check.setChecked(bool(patient.on_dialysis))
        self.rems_fields.set_values(
            patient.rems_category, patient.rems_category_reason, patient.irregular_cycles
        )
        self.notes_edit.setPlainText(patient.notes or "")

    # --- reading the form -----------------------------------------------------------------

    def date_of_birth(self) -> date | None:
        """The typed date of birth, None when empty; InputProblem when unreadable."""
        return parse_date_of_birth(self.dob_edit.text(), self._today())

    def _raw_input(self) -> tuple:
        return (
            self.mrn_edit.text(),
            self.name_edit.text(),
            self.dob_edit.text().strip(),
            self.sex_combo.currentIndex(),
            self.weight_edit.text(),
            self.creatinine_edit.text(),
            self.creatinine_unit_combo.currentIndex(),
            self.dialysis_check.isChecked(),
            self.rems_fields.raw(),
            self.notes_edit.toPlainText(),
            reason_text(self.reason_edit),
        )

    def has_unsaved_input(self) -> bool:
        """True when a field differs from what the form opened with."""
        return self.result() != QDialog.DialogCode.Accepted and self._raw_input() != self._initial

    def values(self) -> dict[str, Any]:
        """The form as keyword arguments for add_patient / update_patient.

        Raises InputProblem for a field the form cannot read.
        """
        return {
            "mrn": self.mrn_edit.text().strip(),
            "name": " ".join(self.name_edit.text().split()),
            "date_of_birth": self.date_of_birth(),
            "sex": self.sex_combo.currentData(),
            "weight_kg": parse_optional_number(self.weight_edit.text(), "Weight"),
            "creatinine": self.creatinine.value(),
            "creatinine_unit": self.creatinine.unit(),
            "on_dialysis": self.dialysis_check.isChecked(),
            **self.rems_fields.values(),
            "notes": self.notes_edit.toPlainText().strip(),
        }

    def _today(self) -> date:
        return self._context.store.today() if self._context.has_store else date.today()

    # --- live renal estimate --------------------------------------------------------------

    def update_renal_estimate(self) -> None:
        crcl_text, dose_text = self.renal_estimate()
        self.crcl_label.setText(crcl_text)
        # In red, as the labs form shows it: what Save will refuse, not an estimate.
        refused = crcl_text == self.creatinine.problem()
        self.crcl_label.setStyleSheet(PROBLEM_STYLE if refused else "")
        self.renal_dose_label.setText(dose_text)

    def renal_estimate(self) -> tuple[str, str]:
        """(how renal function was judged, the renal starting dose) for the current fields."""
        try:
            dob = self.date_of_birth()
        except InputProblem:
            # Shown while the date is still being typed, so it says what is wanted, calmly.
            return (
                f"Creatinine clearance needs a date of birth typed as {DATE_FORMAT_HINT}, "
                "not after today.",
                "",
            )
        try:
            weight = parse_optional_number(self.weight_edit.text(), "Weight")
        except InputProblem as error:
            return f"Creatinine clearance: {error}.", ""
        creatinine_problem = self.creatinine.problem()
        if creatinine_problem is not None:
            # What Save will refuse; a unit slip must never become a clearance (1.8 "umol/L"
            # would be 2,000 mL/min and a full dose).
            return creatinine_problem, ""
        assessment = renal.assess_renal_function(
            date_of_birth=dob,
            sex=self.sex_combo.currentData(),
            weight_kg=weight,
            creatinine=self.creatinine.value(),
            creatinine_unit=self.creatinine.unit(),
            on_dialysis=self.dialysis_check.isChecked(),
            on=self._today(),
        )
        if assessment.dose is None:
            return f"No renal starting dose yet: {assessment.basis}.", ""
        if assessment.crcl is None or dob is None:
            judged = f"{assessment.basis}: the label's dialysis dose, whatever the clearance."
        else:
            judged = f"{assessment.basis} (age {renal.age_on(dob, self._today())})."
        return judged, f"Renal starting dose: {assessment.dose.text}"

    # --- saving ---------------------------------------------------------------------------

    def save(self) -> None:
        try:
            values = self.values()
        except InputProblem as error:
            self._context.report_error(self, str(error))
            return
        if self._patient is None:
            new_id = self._context.run(patient_operations.add_patient, parent=self, **values)
            if new_id is None:
                return
            self.patient_id = new_id
        else:
            changes = {
                key: value
                for key, value in values.items()
                if value != _stored_value(self._patient, key)
            }
            if changes and not self._save_changes(changes):
                return
        self.accept()

    def _save_changes(self, changes: dict[str, Any]) -> bool:
        reason = reason_text(self.reason_edit)
        if not reason:
            self._context.report_error(self, MISSING_REASON)
            self.reason_edit.setFocus()
            return False
        assert self._patient is not None
        return bool(
            self._context.run(
                reloading_when_stale(_update_patient, self._reload),
                self._patient.id,
                parent=self,
                reason=reason,
                version=self._patient.version,
                **changes,
            )
        )

    def _reload(self, store: Any) -> None:
        """Show the patient as saved now (after another save got there first)."""
        assert self._patient is not None
        self._patient = queries.get_patient(store, self._patient.id)
        self._fill(self._patient)
        self._initial = self._raw_input()


def _update_patient(store: Any, patient_id: int, **changes: Any) -> bool:
    # update_patient returns None; a True result tells a success apart from a refusal.
    patient_operations.update_patient(store, patient_id, **changes)
    return True


def _stored_value(patient: Patient, key: str) -> Any:
    value = getattr(patient, key)
    if key in ("on_dialysis", "irregular_cycles"):
        return bool(value)
    if key == "notes":
        return value or ""
    if key == "creatinine_unit":
        return value or "mg/dL"
    return value
