"""Today's REMS column and the patient's status strip, day by day as a nurse sees them: a
pregnancy test due today, then overdue, a positive test that stops lenalidomide, a cycle
without its authorization, and a woman left without a category by an older record."""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from tests.rems_seed import add_woman, negative_test, start_tested_course
from tests.starts import start_course
from tests.ui.conftest import FIXED_TODAY, show_loaded
from tests.ui.patient_fixtures import make_view
from tests.ui.today.test_today import HEADERS, Clock, cell, seen_on, settled
from tracker.storage.database import open_database
from tracker.storage.operations import rems

REMS = HEADERS.index("REMS")
START = FIXED_TODAY - timedelta(days=7)  # the first weekly test falls due today


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_TODAY)


@pytest.fixture
def store(tmp_path, clock):
    """The shared fixtures' database, on a clock the test can move."""
    opened = open_database(tmp_path / "clinic.sqlite", clock=clock)
    yield opened
    opened.close()


@pytest.fixture
def woman(store) -> int:
    patient_id = add_woman(store, "R-1")
    start_tested_course(store, patient_id, START, number="48213377")
    return patient_id


def test_a_test_due_today_then_overdue_then_done(qtbot, window, store, clock, woman):
    show_loaded(qtbot, window)
    view = window.today_view
    before = seen_on(qtbot, view, clock, FIXED_TODAY - timedelta(days=1))
    assert before["R-1"]["REMS"] == "next test 2 Mar"
    assert seen_on(qtbot, view, clock, FIXED_TODAY)["R-1"]["REMS"] == "test due today"
    assert cell(view, "R-1", REMS, Qt.ItemDataRole.FontRole).bold()
    later = seen_on(qtbot, view, clock, FIXED_TODAY + timedelta(days=2))
    assert later["R-1"]["REMS"] == "test overdue since 2 Mar"
    tip = cell(view, "R-1", REMS, Qt.ItemDataRole.ToolTipRole)
    assert "Pregnancy test overdue since 2 Mar 2026 (weekly during the first 4 weeks of use)" in tip
    assert "REMS authorization 48213377" in tip
    assert "with a REMS item to act on" in view.summary.text()
    negative_test(store, woman, FIXED_TODAY + timedelta(days=2))
    window.context.data_changed.emit()
    assert settled(qtbot, view)["R-1"]["REMS"] == "next test 11 Mar"


def test_a_positive_test_stops_lenalidomide_on_today_and_the_strip(
    qtbot, window, store, context, woman
):
    rems.record_pregnancy_test(
        store, woman, FIXED_TODAY, kind="urine", sensitivity_miu_ml=25, result="positive"
    )
    show_loaded(qtbot, window)
    row = settled(qtbot, window.today_view)["R-1"]
    assert (row["REMS"], row["Advice"]) == (
        "STOP: positive pregnancy test",
        "Stop lenalidomide: positive pregnancy test",
    )
    view = make_view(qtbot, context, woman)
    strip = view.status_strip
    assert "⚠ STOP: positive pregnancy test" in strip.text().splitlines()
    assert strip.advice_label.text() == (
        f"⚠ Stop: positive pregnancy test on {FIXED_TODAY.isoformat()} (urine)"
    )


def test_the_strip_shows_the_last_test_and_the_next_one(qtbot, store, context, woman):
    view = make_view(qtbot, context, woman)
    chip = view.status_strip.chip_labels["rems"]
    assert chip.isVisible()
    assert chip.text() == "● Pregnancy test due today · last 23 Feb negative (serum)"
    assert chip.property("urgency") == "watch"
    negative_test(store, woman, FIXED_TODAY)
    context.data_changed.emit()
    qtbot.waitUntil(lambda: not view.loading)
    assert chip.text() == "Pregnancy test last 2 Mar negative (urine) · next 9 Mar"
    assert chip.property("urgency") == "ok"


def test_an_older_course_without_an_authorization_or_a_category(qtbot, window, store, context):
    from tracker.storage.operations.patients import add_patient, update_patient

    settled_category = {
        "sex": "F",
        "rems_category": "female_not_reproductive",
        "rems_category_reason": "hysterectomy",
    }
    tested = add_patient(store, mrn="R-2", name="Older, Course", **settled_category)
    untested = add_patient(store, mrn="R-3", name="Older, Undecided", **settled_category)
    for patient_id in (tested, untested):
        start_course(store, patient_id, FIXED_TODAY - timedelta(days=3))
    # Found to be tested after all, with cycle 1 begun without an authorization ...
    update_patient(store, tested, rems_category="female_child", reason="under 18")
    # ... and a record whose category an older file never had.
    store.db.execute(
        "UPDATE patients SET rems_category = NULL, rems_category_reason = NULL, "
        "version = version + 1 WHERE id = ?",
        [untested],
    )
    show_loaded(qtbot, window)
    rows = settled(qtbot, window.today_view)
    assert rows["R-2"]["REMS"] == "authorization missing"
    assert rows["R-3"]["REMS"] == "category not set"
    view = make_view(qtbot, context, untested)
    assert view.status_strip.chip_labels["rems"].text() == "⚠ REMS category not set"
