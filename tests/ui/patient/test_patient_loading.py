"""Opening a patient reads the course on a worker thread: the screen never shows another
patient's course meanwhile, a command given before the read ends waits for it, and an answer
that came too late is dropped."""

from __future__ import annotations

import threading
from datetime import timedelta

from PySide6.QtCore import QThreadPool
from PySide6.QtWidgets import QApplication

from tests.ui.patient_fixtures import add_test_patient, make_view, seed_course, seed_held_course
from tracker.ui.patient import patient_view
from tracker.ui.patient.patient_read import read_course


def test_the_course_is_read_off_the_gui_thread(qtbot, store, context, monkeypatch):
    held = seed_held_course(store)
    threads: list[str] = []
    release = threading.Event()

    def slow_read(*args):
        threads.append(threading.current_thread().name)
        release.wait(5)
        return read_course(*args)

    monkeypatch.setattr(patient_view, "read_course", slow_read)
    view = patient_view.PatientView(context)
    qtbot.addWidget(view)
    view.show()
    view.show_patient(held.patient_id)

    # The name and the commands are there at once; the course is not, and nothing else is.
    assert view.loading and threads != [threading.current_thread().name]
    assert view.header.text().splitlines()[0] == "Okafor, Grace"
    assert "Reading the course…" in view.header.text()
    assert view.calendar.cycle_count == 0 and not view.status_strip.isVisible()
    assert view.patient_actions.record_labs.isEnabled()

    release.set()
    qtbot.waitUntil(lambda: not view.loading)
    assert len(threads) == 1 and threads[0] != threading.main_thread().name
    assert "Cycle 2, day 13" in view.header.text()
    assert view.status_strip.isVisible() and view.calendar.cycle_count == 3


def test_a_command_given_while_reading_waits_for_the_course(qtbot, store, context, monkeypatch):
    held = seed_held_course(store)
    release = threading.Event()

    def slow_read(*args):
        release.wait(5)
        return read_course(*args)

    monkeypatch.setattr(patient_view, "read_course", slow_read)
    view = patient_view.PatientView(context)
    qtbot.addWidget(view)
    view.show()
    view.show_patient(held.patient_id)
    monkeypatch.setattr(patient_view, "read_course", read_course)

    assert view.forms.current_levels() == {"lenalidomide": 0, "dexamethasone": 0}
    assert view.snapshot.shown is not None and not view.course_reader.pending
    assert "Lenalidomide interrupted since" in view.header.text()
    release.set()


def test_switching_patients_drops_the_first_answer(qtbot, store, context):
    first = seed_held_course(store)
    second = seed_course(store, days_ago=3, patient_id=add_test_patient(store, mrn="MRN-3"))
    view = make_view(qtbot, context, first.patient_id)
    view.show_patient(first.patient_id)
    view.show_patient(second.patient_id)
    qtbot.waitUntil(lambda: not view.loading)
    qtbot.wait(50)  # any late answer for the first patient has arrived by now

    assert view.patient.id == second.patient_id
    assert "Cycle 1, day 4" in view.header.text()
    assert "interrupted" not in view.header.text()
    assert view.calendar.cell_for_date(second.start).planned.date == second.start
    assert view.calendar.cell_for_date(first.interrupted) is None


def test_a_database_closed_during_the_read_leaves_the_screen_empty(qtbot, store, context, tmp_path):
    from tracker.storage.database import open_database

    seeded = seed_course(store, days_ago=30)
    view = make_view(qtbot, context, seeded.patient_id)
    view.show_patient(seeded.patient_id)
    other = open_database(tmp_path / "other.sqlite", clock=store.today)
    context.replace_store(other)
    qtbot.waitUntil(lambda: not view.loading)
    qtbot.wait(50)
    assert view.patient is None and view.calendar.cycle_count == 0
    assert view.header.text() == ""
    other.close()


def test_a_write_while_reading_shows_the_written_state(qtbot, store, context):
    held = seed_held_course(store)
    view = make_view(qtbot, context, held.patient_id)
    view.show_patient(held.patient_id)
    from tracker.storage.operations import interruptions

    context.run(interruptions.resume, held.course_id, store.today(), level=1)
    qtbot.waitUntil(lambda: not view.loading)
    qtbot.wait(50)
    assert "interrupted" not in view.header.text()
    assert view.calendar.cell_for_date(store.today()).planned.lenalidomide_mg == 20
    assert view.calendar.cell_for_date(store.today() - timedelta(days=1)).is_held("lenalidomide")


def test_a_screen_deleted_during_the_read_ends_quietly(qtbot, store, context, monkeypatch):
    held = seed_held_course(store)
    release = threading.Event()

    def slow_read(*args):
        release.wait(5)
        return read_course(*args)

    monkeypatch.setattr(patient_view, "read_course", slow_read)
    view = patient_view.PatientView(context)
    view.show()
    view.show_patient(held.patient_id)
    assert view.course_reader.pending
    view.deleteLater()
    qtbot.waitUntil(lambda: not [w for w in QApplication.topLevelWidgets() if w is view])
    release.set()
    # The worker finishes with its connection and its answer is dropped without a fault.
    QThreadPool.globalInstance().waitForDone(5000)
    qtbot.wait(20)
