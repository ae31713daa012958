"""The start-course form suggests the lower dexamethasone dose above the regimen's age limit."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.regimen import load_regimen
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
            f"Over {dexamethasone.reduced_start_above_age}: consider dexamethasone "
            f"{lower_mg:g} mg."
        )
    else:
        assert dialog.dex_hint.text() == ""
