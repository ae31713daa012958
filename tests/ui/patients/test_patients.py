"""The Patients screen and the new/edit patient form, driven through real widgets."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from tests.ui.conftest import activate
from tracker.storage import queries
from tracker.storage.operations.patients import add_patient
from tracker.ui.forms.patient_dialog import PatientDialog
from tracker.ui.patients.patients_model import NAME_COLUMN, PatientsModel


def add_people(store, people: list[tuple[str, str]]) -> dict[str, int]:
    return {mrn: add_patient(store, mrn=mrn, name=name) for mrn, name in people}


SEARCH_PEOPLE = [("A-100", "Smith, Anna"), ("A-101", "Smithers, Bob"), ("B-200", "Jones, Carla")]


def fill_identity(qtbot, dialog: PatientDialog, mrn: str, name: str) -> None:
    qtbot.keyClicks(dialog.mrn_edit, mrn)
    qtbot.keyClicks(dialog.name_edit, name)


def click_save(qtbot, dialog: PatientDialog) -> None:
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)


def test_new_patient_typed_into_the_form_is_saved_and_listed(qtbot, window, store, messages):
    window.show()
    qtbot.waitExposed(window)
    dialog = window.new_patient()
    assert dialog.isVisible() and dialog.windowTitle() == "New patient"

    fill_identity(qtbot, dialog, "MRN-2041", "Okafor, Grace")
    qtbot.keyClicks(dialog.dob_edit, "1951-07-14")  # typed, as a nurse copies it from a chart
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("F"))
    qtbot.keyClicks(dialog.weight_edit, "64.5")
    qtbot.keyClicks(dialog.creatinine_edit, "88")
    dialog.creatinine_unit_combo.setCurrentIndex(dialog.creatinine_unit_combo.findData("umol/L"))
    qtbot.keyClicks(dialog.notes_edit, "Lives alone")
    click_save(qtbot, dialog)

    assert messages == []
    assert not dialog.isVisible()
    saved = queries.patient_by_mrn(store, "MRN-2041")
    assert (saved.name, saved.date_of_birth, saved.sex) == ("Okafor, Grace", date(1951, 7, 14), "F")
    assert (saved.weight_kg, saved.creatinine, saved.creatinine_unit) == (64.5, 88.0, "umol/L")
    assert saved.notes == "Lives alone" and not saved.on_dialysis
    view = window.patients_view
    assert window.stack.currentWidget() is view
    assert view.visible_patient_ids() == [saved.id]
    assert view.selected_patient_id() == saved.id
    assert view.count_label.text() == "1 patient"
    assert window.focusWidget() is view.table  # Return now opens the new patient


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        (
            "14/07/1951",
            "Date of birth: '14/07/1951' is not a date: type it as YYYY-MM-DD, such as 1951-07-14",
        ),
        (
            "1951-02-30",
            "Date of birth: '1951-02-30' is not a date: type it as YYYY-MM-DD, such as 1951-07-14",
        ),
        ("2026-03-03", "Date of birth 2026-03-03 is after today"),
    ],
)
def test_an_unreadable_date_of_birth_is_refused_and_kept(
    qtbot, window, store, messages, typed, message
):
    window.show()
    dialog = window.new_patient()
    fill_identity(qtbot, dialog, "MRN-2042", "Okafor, Grace")
    qtbot.keyClicks(dialog.dob_edit, typed)
    assert "needs a date of birth typed as YYYY-MM-DD" in dialog.crcl_label.text()
    click_save(qtbot, dialog)

    assert messages == [message]
    assert dialog.isVisible() and dialog.dob_edit.text() == typed
    assert queries.list_patients(store) == []


def test_search_filters_by_name_or_mrn_as_you_type(qtbot, window, store):
    ids = add_people(store, SEARCH_PEOPLE)
    window.show()
    window.find_patient()
    view = window.patients_view
    assert sorted(view.visible_patient_ids()) == sorted(ids.values())

    qtbot.keyClicks(view.search_edit, "smi")
    assert sorted(view.visible_patient_ids()) == [ids["A-100"], ids["A-101"]]
    assert view.count_label.text() == "2 of 3 patients"
    qtbot.keyClicks(view.search_edit, "thers")
    assert view.visible_patient_ids() == [ids["A-101"]]

    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "b-2")
    assert view.visible_patient_ids() == [ids["B-200"]]

    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "anna smith")
    assert view.visible_patient_ids() == [ids["A-100"]]

    view.search_edit.clear()
    assert view.count_label.text() == "3 patients"


def test_ctrl_f_focuses_the_search_box(qtbot, window):
    activate(qtbot, window)
    assert window.stack.currentWidget() is window.today_view
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert window.stack.currentWidget() is window.patients_view
    assert QApplication.focusWidget() is window.patients_view.search_edit


def test_names_sort_by_header_click(qtbot, window, store):
    ids = add_people(store, [("3", "Carter"), ("1", "adams"), ("2", "Baker")])
    window.show()
    window.show_patients()
    view = window.patients_view
    assert view.visible_patient_ids() == [ids["1"], ids["2"], ids["3"]]  # by name, any case
    header = view.table.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(), Qt.MouseButton.LeftButton, pos=_section_centre(header, NAME_COLUMN)
    )
    assert view.visible_patient_ids() == [ids["3"], ids["2"], ids["1"]]


def _section_centre(header, section):
    from PySide6.QtCore import QPoint

    x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
    return QPoint(x, header.height() // 2)


def test_live_cockcroft_gault_and_starting_dose(qtbot, context):
    dialog = PatientDialog(context)
    qtbot.addWidget(dialog)
    dialog.show()  # laid out, so a click lands on the controls
    qtbot.waitExposed(dialog)
    assert dialog.crcl_label.text() == (
        "No renal starting dose yet: the patient record has no date of birth, sex, weight, "
        "creatinine."
    )
    assert dialog.renal_dose_label.text() == ""

    # The store's today is 2026-03-02: born 1956-03-02 makes 70 years.
    qtbot.keyClicks(dialog.dob_edit, "1956-03-02")
    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("M"))
    qtbot.keyClicks(dialog.weight_edit, "72")
    assert dialog.crcl_label.text().endswith("has no creatinine.")
    qtbot.keyClicks(dialog.creatinine_edit, "1.0")
    # (140 - 70) x 72 / (72 x 1.0) = 70 mL/min
    assert dialog.crcl_label.text() == "Cockcroft-Gault CrCl 70.0 mL/min (age 70)."
    assert dialog.renal_dose_label.text() == (
        "Renal starting dose: 25 mg once daily (CrCl 60 mL/min or more)"
    )

    dialog.creatinine_edit.clear()
    qtbot.keyClicks(dialog.creatinine_edit, "2")
    assert "CrCl 35.0 mL/min" in dialog.crcl_label.text()
    assert dialog.renal_dose_label.text() == (
        "Renal starting dose: 10 mg every 24 hours (CrCl 30 to under 60 mL/min)"
    )

    dialog.sex_combo.setCurrentIndex(dialog.sex_combo.findData("F"))
    assert "CrCl 29.8 mL/min" in dialog.crcl_label.text()  # 35 x 0.85 = 29.75
    assert dialog.renal_dose_label.text().startswith("Renal starting dose: 15 mg every 48 hours")

    # 2 mg/dL is 176.8 umol/L, shown whole; 177 umol/L gives 29.7 mL/min, the same band.
    dialog.creatinine_unit_combo.setCurrentIndex(dialog.creatinine_unit_combo.findData("umol/L"))
    assert dialog.creatinine_edit.text() == "177"
    assert "CrCl 29.7 mL/min" in dialog.crcl_label.text()
    assert dialog.renal_dose_label.text().startswith("Renal starting dose: 15 mg every 48 hours")

    # A click on the box itself: the check box is as wide as the form, its text is not.
    box = dialog.dialysis_check
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    assert box.isChecked()
    assert dialog.crcl_label.text() == (
        "On dialysis: the label's dialysis dose, whatever the clearance."
    )
    assert dialog.renal_dose_label.text() == (
        "Renal starting dose: 5 mg once daily, after dialysis on dialysis days (on dialysis)"
    )

    qtbot.keyClicks(dialog.weight_edit, "x")
    assert "'72x' is not a number" in dialog.crcl_label.text()
    assert dialog.renal_dose_label.text() == ""
    shown = [dialog.crcl_label.text(), dialog.renal_dose_label.text()]
    assert not any("reduc" in text.lower() for text in shown)


def test_duplicate_mrn_is_refused_and_the_form_keeps_its_input(qtbot, window, store, messages):
    add_people(store, [("MRN-7", "First, Patient")])
    window.show()
    dialog = window.new_patient()
    fill_identity(qtbot, dialog, "MRN-7", "Second, Patient")
    qtbot.keyClicks(dialog.weight_edit, "80")
    click_save(qtbot, dialog)

    assert len(messages) == 1 and "MRN-7" in messages[0]
    assert dialog.isVisible()
    assert (dialog.mrn_edit.text(), dialog.name_edit.text()) == ("MRN-7", "Second, Patient")
    assert dialog.weight_edit.text() == "80"
    assert queries.count_patients(store) == 1

    dialog.mrn_edit.clear()
    qtbot.keyClicks(dialog.mrn_edit, "MRN-8")
    click_save(qtbot, dialog)
    assert not dialog.isVisible()
    assert queries.patient_by_mrn(store, "MRN-8").name == "Second, Patient"


def test_unreadable_number_is_refused_before_saving(qtbot, window, store, messages):
    window.show()
    dialog = window.new_patient()
    fill_identity(qtbot, dialog, "MRN-9", "Nine, Patient")
    qtbot.keyClicks(dialog.weight_edit, "seventy")
    click_save(qtbot, dialog)
    assert messages == ["Weight: 'seventy' is not a number"]
    assert dialog.isVisible() and queries.count_patients(store) == 0


def test_edit_changes_only_what_was_changed(qtbot, window, store, messages):
    ids = add_people(store, [("E-1", "Edit, Me")])
    window.show()
    window.show_patients()
    view = window.patients_view
    assert view.select_patient(ids["E-1"])
    dialog = view.edit_selected()
    assert dialog.windowTitle() == "Edit patient" and dialog.mrn_edit.text() == "E-1"
    assert not dialog.has_unsaved_input()
    qtbot.keyClicks(dialog.weight_edit, "58")
    assert dialog.has_unsaved_input()
    click_save(qtbot, dialog)
    assert messages == ["Say why the saved record is changed: the reason is kept in the audit log."]
    assert dialog.isVisible() and queries.get_patient(store, ids["E-1"]).weight_kg is None
    messages.clear()
    qtbot.keyClicks(dialog.reason_edit, "Weighed today")
    click_save(qtbot, dialog)

    assert messages == [] and not dialog.isVisible()
    assert queries.get_patient(store, ids["E-1"]).weight_kg == 58.0
    updates = [
        entry for entry in queries.audit_of_patient(store, ids["E-1"]) if entry.action == "update"
    ]
    assert len(updates) == 1
    assert {
        key for key in updates[0].after if updates[0].after[key] != updates[0].before.get(key)
    } >= {"weight_kg"}
    weight = view.model.index(0, 4).data()
    assert weight == "58 kg"


def test_archive_asks_why_first_and_hides_the_patient(qtbot, window, store):
    ids = add_people(store, [("K-1", "Keep, Me"), ("G-1", "Gone, Soon")])
    window.show()
    window.show_patients()
    view = window.patients_view
    view.select_patient(ids["G-1"])
    asked: list[str] = []
    reasons: list[str | None] = [None, "Duplicate of K-1"]

    def ask_reason(_parent, _title, question):
        asked.append(question)
        return reasons.pop(0)

    view.ask_reason = ask_reason
    assert view.archive_selected() is False
    assert "Archive Gone, Soon (MRN G-1)?" in asked[0]
    assert sorted(view.visible_patient_ids()) == sorted(ids.values())

    assert view.archive_selected() is True
    (entry,) = [e for e in queries.audit_of_patient(store, ids["G-1"]) if e.action == "archive"]
    assert entry.reason == "Duplicate of K-1"
    assert view.visible_patient_ids() == [ids["K-1"]]
    assert [p.mrn for p in queries.list_patients(store, include_archived=True) if p.archived] == [
        "G-1"
    ]


def test_double_click_opens_the_patient_screen(qtbot, window, store):
    ids = add_people(store, [("D-1", "Double, Click")])
    window.show()
    window.show_patients()
    table = window.patients_view.table
    rect = table.visualRect(window.patients_view.model.index(0, 1))
    # A real double-click starts with a press on the same row.
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.stack.currentWidget() is window.patient_view
    assert window.patient_view is not None
    window.patient_view.back_requested.emit()
    assert window.stack.currentWidget() is window.patients_view
    assert ids


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_return_or_enter_opens_the_selected_patient(qtbot, window, store, key):
    ids = add_people(store, [("K-1", "Keyboard, Kim"), ("K-2", "Keyboard, Lee")])
    activate(qtbot, window)
    window.show_patients()
    view = window.patients_view
    view.table.setFocus()
    view.table.selectRow(view.model.row_of_patient(ids["K-2"]))
    opened: list[int] = []
    view.patient_activated.connect(opened.append)
    qtbot.keyClick(view.table, key)
    assert opened == [ids["K-2"]]
    assert window.stack.currentWidget() is window.patient_view


@pytest.mark.parametrize("search", ["", "pat"])
def test_patients_model_passes_qt_model_checks(qtmodeltester, store, search):
    add_people(store, [(f"M-{n}", f"Patient {n}") for n in range(25)])
    model = PatientsModel()
    model.set_patients(queries.list_patients(store))
    qtmodeltester.check(model)
    model.set_search(search)
    qtmodeltester.check(model)
    model.sort(NAME_COLUMN, Qt.SortOrder.DescendingOrder)
    assert model.index(0, NAME_COLUMN).data() == "Patient 9"
    qtmodeltester.check(model)


def test_filtering_and_sorting_pass_qt_model_checks_while_rows_come_and_go(qtmodeltester, store):
    add_people(store, [(f"M-{n}", f"Patient {n}") for n in range(25)])
    model = PatientsModel()
    model.set_patients(queries.list_patients(store))
    qtmodeltester.check(model)  # the tester stays attached and checks every change below
    for search in ("1", "patient 1", "patient 12", "patient 1", "", "2"):
        model.set_search(search)
    assert [model.index(row, NAME_COLUMN).data() for row in range(model.rowCount())] == [
        "Patient 12",
        "Patient 2",
        "Patient 20",
        "Patient 21",
        "Patient 22",
        "Patient 23",
        "Patient 24",
    ]
    model.sort(NAME_COLUMN, Qt.SortOrder.DescendingOrder)
    assert model.index(0, NAME_COLUMN).data() == "Patient 24"
    assert (model.rowCount(), model.total) == (7, 25)


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        (["smi", "smith", "smith ann"], ["Smith, Anna"]),
        (["smith b", "smith", "smi"], ["Smith, Anna", "Smithers, Bob"]),
        (["jones", "jones x"], []),
        (["anna smith", "anna"], ["Smith, Anna"]),
        (["b", "b-", "b-2", "  B-2  "], ["Jones, Carla"]),
    ],
)
def test_search_typed_on_or_erased_matches_as_a_fresh_search(store, typed, names):
    """Typing on narrows from the rows shown; the result is the same as searching afresh."""
    add_people(store, SEARCH_PEOPLE)

    def names_shown_after(searches: list[str]) -> list[str]:
        model = PatientsModel()
        model.set_patients(queries.list_patients(store))
        model.sort(NAME_COLUMN)
        for text in searches:
            model.set_search(text)
        return [model.index(row, NAME_COLUMN).data() for row in range(model.rowCount())]

    assert names_shown_after(typed) == names
    assert names_shown_after(typed[-1:]) == names


def test_the_selection_stays_on_a_patient_the_search_still_shows(qtbot, window, store):
    ids = add_people(store, SEARCH_PEOPLE)
    window.show()
    window.find_patient()
    view = window.patients_view
    assert view.select_patient(ids["A-101"])

    qtbot.keyClicks(view.search_edit, "smi")
    assert view.selected_patient_id() == ids["A-101"]
    assert view.table.currentIndex().row() == view.model.row_of_patient(ids["A-101"])
    assert view.open_button.isEnabled()

    qtbot.keyClicks(view.search_edit, "th,")  # "smith," is Anna only
    assert view.visible_patient_ids() == [ids["A-100"]]
    assert view.selected_patient_id() is None
    assert not view.open_button.isEnabled() and not view.edit_button.isEnabled()
    assert view.count_label.text() == "1 of 3 patients"

    view.search_edit.clear()
    assert sorted(view.visible_patient_ids()) == sorted(ids.values())
    assert view.count_label.text() == "3 patients"
    assert view.select_patient(ids["B-200"])
    assert view.selected_patient_id() == ids["B-200"]


def test_down_from_the_search_selects_a_patient_to_open(qtbot, window, store):
    ids = add_people(store, [("A-100", "Smith, Anna"), ("B-200", "Jones, Carla")])
    activate(qtbot, window)
    window.find_patient()
    view = window.patients_view
    qtbot.keyClicks(view.search_edit, "zzz")
    view.search_edit.clear()  # the table has had a current cell, with nothing selected

    qtbot.keyClick(view.search_edit, Qt.Key.Key_Down)

    assert QApplication.focusWidget() is view.table
    assert view.selected_patient_id() == ids["B-200"]  # the first row: Jones before Smith
    assert view.open_button.isEnabled() and view.edit_button.isEnabled()


def test_return_in_the_search_opens_the_one_patient_found(qtbot, window, store):
    ids = add_people(store, [("A-100", "Smith, Anna"), ("A-101", "Smithers, Bob")])
    activate(qtbot, window)
    window.find_patient()
    view = window.patients_view
    opened = []
    view.patient_activated.connect(opened.append)

    qtbot.keyClicks(view.search_edit, "smith")
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)  # two match: the list takes the keys
    assert opened == [] and QApplication.focusWidget() is view.table
    assert view.selected_patient_id() == ids["A-100"]

    view.focus_search()
    qtbot.keyClicks(view.search_edit, "a-101")
    qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    assert opened == [ids["A-101"]]


def test_the_patients_screen_is_built_when_first_asked_for(qtbot, context, settings, tmp_path):
    from tracker.ui.shell.main_window import MainWindow

    patient_id = add_patient(context.store, mrn="L-1", name="Lazy, Lou")
    window = MainWindow(context, settings, automatic_backup_dir=tmp_path / "backups")
    qtbot.addWidget(window)
    window.show()
    assert window.stack.count() == 1  # Today only: nothing of Patients is made at start
    assert not window.commands.show_patients.isChecked()

    window.show_patients()

    view = window.patients_view
    assert window.patients_view is view  # made once
    assert window.stack.count() == 2
    assert window.stack.currentWidget() is view
    assert window.commands.show_patients.isChecked()
    assert view.visible_patient_ids() == [patient_id]
    view.select_patient(patient_id)
    view.open_selected()
    assert window.stack.currentWidget() is window.patient_view
