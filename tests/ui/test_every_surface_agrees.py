"""Every surface says what the treatment engine says, for the same patient and day.

Over a generated clinic: Today's row, the patient header and status strip, the printed sheet
(read back from the PDF), ``tracker status --json`` and, once counts are typed into Record
labs and saved, the form's advice and every other surface again. Women of reproductive
potential among them: Today's REMS cell, the strip's pregnancy-test chip, the sheet's
authorization and test days and the status's ``rems`` are the engine's REMS answer.
"""

from __future__ import annotations

import json
import random
from datetime import date
from pathlib import Path

import pytest

from tests.reports.sheet_data import grid_rows, page_lines
from tests.ui.conftest import FIXED_TODAY, show_loaded
from tests.ui.generated_clinic import (
    ANC_VALUES,
    PLATELET_VALUES,
    generated_clinic,
    generated_rems_clinic,
)
from tests.ui.patient_fixtures import make_view
from tracker.cli.main import main
from tracker.domain.treatment.engine import DayState, day_state
from tracker.domain.treatment.history import CountResult
from tracker.reports.sheet_export import write_sheets_pdf
from tracker.reports.sheet_load import load_current_cycle_sheet
from tracker.storage import queries
from tracker.storage.course_history import course_history
from tracker.ui.forms.labs_dialog import LabsDialog
from tracker.ui.patient.patient_status import advice_headline, rems_chip
from tracker.ui.today.today_rems import rems_cell


def engine(store, course_id: int) -> DayState:
    return day_state(course_history(store, queries.get_course(store, course_id)), FIXED_TODAY)


def status_json(store, mrn: str, capsys) -> dict:
    capsys.readouterr()
    assert (
        main(["status", "--db", str(store.path), "--mrn", mrn, "--on", str(FIXED_TODAY), "--json"])
        == 0
    )
    return json.loads(capsys.readouterr().out)


def assert_status_is(answer: dict, state: DayState) -> None:
    assert (answer["cycle"], answer["day"], answer["course_active"]) == (
        state.cycle,
        state.day,
        state.course_active,
    )
    assert answer["lenalidomide"]["due_mg"] == state.lenalidomide.due_mg
    assert answer["lenalidomide"]["planned_mg"] == state.lenalidomide.planned_mg
    assert answer["lenalidomide"]["on_hold"] is state.on_hold
    assert answer["dexamethasone"]["due_mg"] == state.dexamethasone.due_mg
    assert answer["labs_due"] is state.labs_due
    assert answer["advice"]["action"] == state.advice.action
    assert answer["advice"]["resume_mg"] == state.advice.resume_mg
    assert answer["advice"]["reason"] == state.advice.reason
    assert answer["rems"] == state.rems.as_json()


def assert_sheet_is(store, mrn: str, state: DayState, tmp_path: Path) -> bool:
    """The sheet a nurse prints today shows today's lenalidomide as the engine has it."""
    sheet = load_current_cycle_sheet(store, mrn, FIXED_TODAY)
    [lines] = page_lines(write_sheets_pdf(tmp_path / f"{mrn}.pdf", [sheet], print_date=FIXED_TODAY))
    rows = {row.date: row for row in grid_rows(lines)}
    tests_checked = assert_sheet_rems_is(lines, rows, state)
    row = rows.get(FIXED_TODAY.isoformat())
    if state.cycle is None:
        assert row is None or state.lenalidomide.due_mg == 0
        return tests_checked
    assert row is not None and row.day == state.day
    if state.lenalidomide.due_mg:
        assert row.lenalidomide == f"{state.lenalidomide.due_mg:g} mg"
    elif state.on_hold and state.lenalidomide.planned_mg:
        assert row.lenalidomide == "HELD *"
    else:
        assert "mg" not in row.lenalidomide
    return tests_checked


def assert_sheet_rems_is(lines: list[str], rows: dict, state: DayState) -> bool:
    """The sheet's REMS band prints the running cycle's authorization, and the day the next
    pregnancy test is due is marked in the grid (on day 1 when it was due before). True when
    a test day was there to check."""
    rems = state.rems
    if rems is None or state.cycle is None:
        return False
    text = " ".join(lines)
    if rems.authorization is not None:
        assert f"authorization no. {rems.authorization} of" in text
    if not rems.testing or rems.next_test is None or state.rems.stop:
        return False
    marked = max(rems.next_test.isoformat(), min(rows))
    if marked not in rows:
        return False
    assert rows[marked].pregnancy_test_due, (marked, rems)
    assert "Pregnancy tests" in text
    return True


def assert_patient_screen_is(qtbot, context, patient_id: int, state: DayState) -> None:
    view = make_view(qtbot, context, patient_id)
    assert advice_headline(state) in view.status_strip.advice_label.text()
    assert ("interrupted since" in view.header.text()) is state.on_hold
    chip = rems_chip(state, FIXED_TODAY)
    shown = view.status_strip.chip_labels["rems"]
    assert shown.isVisibleTo(view.status_strip) is (chip is not None)
    if chip is not None:
        assert shown.text() == chip.shown
    view.close()


@pytest.mark.parametrize("seed", [3, 8])
def test_every_surface_gives_the_engines_answer(
    qtbot, window, store, context, capsys, tmp_path, seed
) -> None:
    rng = random.Random(seed)
    courses = generated_clinic(store, rng, 6)
    courses.update(generated_rems_clinic(store, random.Random(seed * 1000), 6))
    show_loaded(qtbot, window)
    lines = {line.mrn: line for line in window.today_view.model.lines()}
    actions = set()
    test_days = 0
    for mrn, course_id in courses.items():
        state = engine(store, course_id)
        patient_id = queries.get_course(store, course_id).patient_id
        assert lines[mrn].state == state
        assert lines[mrn].rems_text == rems_cell(state.rems)[0]
        assert_patient_screen_is(qtbot, context, patient_id, state)
        assert_status_is(status_json(store, mrn, capsys), state)
        test_days += assert_sheet_is(store, mrn, state, tmp_path)
        actions.add(state.advice.action)

        # Counts typed into Record labs: the form's advice is what every surface says once
        # they are saved.
        patient, course = (
            queries.get_patient(store, patient_id),
            queries.get_course(store, course_id),
        )
        dialog = LabsDialog(context, patient, course)
        qtbot.addWidget(dialog)
        anc, platelets = rng.choice(ANC_VALUES), rng.choice(PLATELET_VALUES)
        dialog.anc.edit.setText(f"{anc:g}")
        dialog.platelets.edit.setText(f"{platelets:g}")
        previewed = dialog.advice
        expected = day_state(
            course_history(store, course).with_count(CountResult(FIXED_TODAY, anc, platelets)),
            FIXED_TODAY,
        )
        assert previewed == expected.advice
        dialog.accept()
        after = engine(store, course_id)
        assert after.advice == previewed
        assert_status_is(status_json(store, mrn, capsys), after)
        assert_patient_screen_is(qtbot, context, patient_id, after)
        actions.add(after.advice.action)
    window.today_view.reload()
    qtbot.waitUntil(lambda: not window.today_view.loading)
    for line in window.today_view.model.lines():
        assert line.state == engine(store, courses[line.mrn])
    # The generated clinic reaches more than the quiet answer, and the REMS's answers too.
    assert len(actions) >= 3, actions
    cells = {line.rems_text.split(" since")[0] for line in window.today_view.model.lines()}
    assert len(cells - {""}) >= 2, cells
    assert test_days >= 2


def test_the_generated_clinic_is_dated_up_to_today(store) -> None:
    generated_clinic(store, random.Random(1), 3)
    latest = store.db.execute("SELECT MAX(date) FROM labs").fetchone()[0]
    assert latest is None or date.fromisoformat(latest) <= FIXED_TODAY
