"""The Today screen, on a real database: every cell is the treatment engine's answer.

The store's clock can be moved, so one course can be looked at day by day as a nurse would
see it each morning.
"""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton

from tests.starts import start_course, start_next_cycle
from tests.ui.conftest import FIXED_TODAY, activate, show_loaded
from tests.ui.generated_clinic import generated_clinic
from tracker.domain.treatment.engine import day_state
from tracker.storage import queries
from tracker.storage.course_history import course_history
from tracker.storage.database import open_database
from tracker.storage.operations.courses import change_dose_level
from tracker.storage.operations.events import log_event
from tracker.storage.operations.interruptions import interrupt, resume
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.ui.today import today_view
from tracker.ui.today.today_lines import DECISION_SUPPORT, read_today
from tracker.ui.today.today_view import COLUMNS, PATIENT_ID_ROLE, TodayModel

HEADERS = [column.title for column in COLUMNS]
ADVICE, LENALIDOMIDE = HEADERS.index("Advice"), HEADERS.index("Len today")


class Clock:
    """The store's today, which a test moves forward and back."""

    def __init__(self, day: date) -> None:
        self.day = day

    def __call__(self) -> date:
        return self.day


@pytest.fixture
def clock() -> Clock:
    return Clock(FIXED_TODAY)


@pytest.fixture
def store(tmp_path, clock):
    """The shared fixtures' database, on a clock the test can move."""
    opened = open_database(tmp_path / "clinic.sqlite", clock=clock)
    yield opened
    opened.close()


def days_ago(days: int) -> date:
    return FIXED_TODAY - timedelta(days=days)


def on_course(store, mrn: str, name: str, started_days_ago: int, **course) -> tuple[int, int]:
    patient_id = add_patient(store, mrn=mrn, name=name)
    return patient_id, start_course(store, patient_id, days_ago(started_days_ago), **course)


def table_rows(view) -> dict[str, dict[str, str]]:
    """MRN -> {column title: text} for every row shown, in the order shown."""
    model = view.table.model()
    rows = {}
    for row in range(model.rowCount()):
        values = {HEADERS[c]: model.index(row, c).data() for c in range(model.columnCount())}
        rows[values["MRN"]] = values
    return rows


def settled(qtbot, view) -> dict[str, dict[str, str]]:
    """The rows once the read in flight (after a show, a change or a reload) is in."""
    qtbot.waitUntil(lambda: not view.loading, timeout=10000)
    return table_rows(view)


def seen_on(qtbot, view, clock: Clock, day: date) -> dict[str, dict[str, str]]:
    """Today as it reads on ``day``."""
    clock.day = day
    view.reload()
    return settled(qtbot, view)


def cell(view, mrn: str, column: int, role: Qt.ItemDataRole) -> object:
    row = list(table_rows(view)).index(mrn)
    return view.table.model().index(row, column).data(role)


def engine_state(store, course_id: int, on: date):
    """What the engine says for one course, read on its own (not through Today's bulk read)."""
    return day_state(course_history(store, queries.get_course(store, course_id)), on)


@pytest.fixture
def clinic(store):
    """Four patients on treatment, one off treatment, one archived; today is 2026-03-02."""
    ids = {}
    # Cycle 1 day 11: lenalidomide 25 mg, dexamethasone 40 mg (days 9-12), no counts yet.
    ids["day11"] = on_course(store, "T-011", "Adams, Day Eleven", 10)
    # Cycle 1 day 28: a rest day for both drugs; a count two days ago.
    ids["rest"] = on_course(store, "T-028", "Baker, Rest Day", 27)
    record_labs(store, ids["rest"][0], days_ago(2), anc=2.1, platelets=180)
    # Cycle 1 day 3 with lenalidomide reduced to 15 mg and dexamethasone to 20 mg.
    ids["reduced"] = on_course(store, "T-003", "Clark, Reduced", 2, len_level=2, dex_level=1)
    # Cycle 1 day 6, lenalidomide interrupted since yesterday for ANC 0.4 two days ago, with
    # the grade 4 neutropenia still open.
    ids["held"] = on_course(store, "T-HLD", "Davis, On Hold", 5)
    patient, course = ids["held"]
    lab = record_labs(store, patient, days_ago(2), anc=0.4, platelets=150)
    log_event(store, patient, "neutropenia", 4, days_ago(2), course_id=course, lab_id=lab)
    interrupt(store, course, days_ago(1), "ANC 0.4")
    add_patient(store, mrn="T-OFF", name="Evans, No Course")
    archived, _ = on_course(store, "T-ARC", "Fisher, Archived", 4)
    archive_patient(store, archived, reason="entered in error")
    return ids


def test_today_lists_each_active_patient_with_cycle_day_and_doses(qtbot, window, clinic):
    show_loaded(qtbot, window)
    view = window.today_view
    assert window.stack.currentWidget() is view
    rows = table_rows(view)
    # What to act on first: the held patient, then everyone else by name.
    assert list(rows) == ["T-HLD", "T-011", "T-028", "T-003"]

    assert rows["T-011"]["Cycle"] == "C1 D11"
    assert (rows["T-011"]["Len today"], rows["T-011"]["Dex today"]) == ("25 mg", "40 mg")
    assert rows["T-011"]["Labs"] == "due (none yet)"
    assert rows["T-011"]["Grade 3-4 events"] == ""
    assert rows["T-011"]["Advice"] == "Continue"

    assert rows["T-028"]["Cycle"] == "C1 D28"
    assert (rows["T-028"]["Len today"], rows["T-028"]["Dex today"]) == ("rest", "—")
    assert rows["T-028"]["Labs"] == "next 3 Mar"  # day 1 of cycle 2

    assert (rows["T-003"]["Len today"], rows["T-003"]["Dex today"]) == ("15 mg", "20 mg")

    assert view.title.text() == "Today, Monday 2 March 2026"
    summary = view.summary.text()
    assert summary.startswith("4 on treatment · 1 with lenalidomide held")
    assert "1 with open grade 3-4 events" in summary


def test_an_interrupted_patient_shows_held_with_the_engines_advice(qtbot, window, store, clinic):
    show_loaded(qtbot, window)
    view = window.today_view
    held = table_rows(view)["T-HLD"]
    assert held["Cycle"] == "C1 D6"
    assert held["Len today"] == "held since 1 Mar"
    assert held["Grade 3-4 events"] == "Neutropenia G4 since 28 Feb"
    # A first ANC drop, neutropenia the only toxicity: back to the starting dose.
    assert held["Advice"] == "Keep holding: ANC 0.4 (28 Feb) — resume at 25 mg"

    state = engine_state(store, clinic["held"][1], FIXED_TODAY)
    tooltip = cell(view, "T-HLD", ADVICE, Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith(state.advice.text)
    assert all(item in tooltip for item in state.advice.basis)
    assert tooltip.endswith(DECISION_SUPPORT)
    assert "interrupted since 1 Mar 2026 (ANC 0.4)" in cell(
        view, "T-HLD", LENALIDOMIDE, Qt.ItemDataRole.ToolTipRole
    )
    events_tip = cell(view, "T-HLD", HEADERS.index("Grade 3-4 events"), Qt.ItemDataRole.ToolTipRole)
    assert events_tip == "Neutropenia, grade 4, since 28 Feb 2026"
    assert cell(view, "T-HLD", 0, Qt.ItemDataRole.BackgroundRole) is not None
    assert cell(view, "T-011", 0, Qt.ItemDataRole.BackgroundRole) is None


def test_held_with_an_open_grade_3_thrombocytopenia_says_what_the_engine_says(
    qtbot, window, store, context, clinic
):
    patient, course = clinic["day11"]
    lab = record_labs(store, patient, days_ago(3), anc=1.9, platelets=28)
    log_event(store, patient, "thrombocytopenia", 3, days_ago(3), course_id=course, lab_id=lab)
    interrupt(store, course, days_ago(3), "platelets 28")
    show_loaded(qtbot, window)
    view = window.today_view

    def advice_and_tip() -> tuple[str, str]:
        settled(qtbot, view)
        return (
            table_rows(view)["T-011"]["Advice"],
            cell(view, "T-011", ADVICE, Qt.ItemDataRole.ToolTipRole),
        )

    # Still low: keep holding; a first platelet drop resumes one level lower.
    advice, tooltip = advice_and_tip()
    assert advice == "Keep holding: platelets 28 (27 Feb) — resume at 20 mg"
    state = engine_state(store, course, FIXED_TODAY)
    assert state.advice.action == "keep-holding"
    assert tooltip.startswith(state.advice.text)
    assert "not for low counts" not in tooltip

    # Recovered while the grade 3 event is still open in the record: what the engine says.
    context.run(record_labs, patient, FIXED_TODAY, anc=2.0, platelets=80)
    advice, tooltip = advice_and_tip()
    state = engine_state(store, course, FIXED_TODAY)
    assert state.advice.action == "resume"
    assert advice == "Resume at 20 mg"
    assert tooltip.startswith(state.advice.text)
    assert "not for low counts" not in tooltip
    assert table_rows(view)["T-011"]["Len today"] == "held since 27 Feb"


def test_counts_alone_raise_hold_advice_while_the_planned_dose_stays_due(
    qtbot, window, store, clinic
):
    patient, course = clinic["day11"]
    record_labs(store, patient, FIXED_TODAY, anc=0.4, platelets=15)  # no event logged
    show_loaded(qtbot, window)
    view = window.today_view
    row = table_rows(view)["T-011"]
    # Nothing is interrupted until someone records it: the plan stands, the row stands out.
    assert row["Len today"] == "25 mg"
    assert row["Advice"] == "Hold: ANC 0.4, platelets 15 (2 Mar) — resume at 20 mg"
    assert next(iter(table_rows(view))) == "T-011"  # a new hold comes first
    assert cell(view, "T-011", 0, Qt.ItemDataRole.BackgroundRole) is not None
    assert engine_state(store, course, FIXED_TODAY).advice.action == "hold"
    assert "advised to hold" in view.summary.text()


def test_an_interruption_holds_lenalidomide_into_the_next_cycle_until_a_resume(
    qtbot, window, store, clock
):
    # Started 40 days ago; ANC 0.8 on day 10 and lenalidomide interrupted that day.
    patient_id, course_id = on_course(store, "T-INT", "Interrupted, Day Ten", 40)
    start = days_ago(40)
    record_labs(store, patient_id, start + timedelta(days=9), anc=0.8, platelets=160)
    interrupt(store, course_id, start + timedelta(days=9), "ANC 0.8")
    # Cycle 2 starts on time with the interruption still open (an override, as the dialog
    # would ask), counts recovered by then.
    record_labs(store, patient_id, start + timedelta(days=27), anc=1.6, platelets=170)
    start_next_cycle(store, course_id, start + timedelta(days=28))
    show_loaded(qtbot, window)
    view = window.today_view

    interrupted = start + timedelta(days=9)
    held = f"held since {interrupted.day} {interrupted:%b}"
    before = seen_on(qtbot, view, clock, start + timedelta(days=8))["T-INT"]
    assert (before["Cycle"], before["Len today"]) == ("C1 D9", "25 mg")
    for day in range(10, 29):  # the rest of the dosing days, and the rest week
        row = seen_on(qtbot, view, clock, start + timedelta(days=day - 1))["T-INT"]
        assert (row["Cycle"], row["Len today"]) == (f"C1 D{day}", held)
        assert cell(view, "T-INT", 0, Qt.ItemDataRole.BackgroundRole) is not None
        assert engine_state(store, course_id, clock.day).lenalidomide.due_mg == 0
    for day in range(1, 13):  # cycle 2, up to today: still no resume recorded
        row = seen_on(qtbot, view, clock, start + timedelta(days=27 + day))["T-INT"]
        assert (row["Cycle"], row["Len today"]) == (f"C2 D{day}", held)
        # Counts recovered, first ANC drop: the label resumes at the starting dose.
        assert row["Advice"] == "Resume at 25 mg"

    # The clinician resumes on cycle 2 day 6 one level lower: from then on, 20 mg is due.
    clock.day = FIXED_TODAY
    resume(store, course_id, start + timedelta(days=33), level=1)
    assert seen_on(qtbot, view, clock, start + timedelta(days=32))["T-INT"]["Len today"] == held
    for day in (33, 34, 40):
        row = seen_on(qtbot, view, clock, start + timedelta(days=day))["T-INT"]
        assert row["Len today"] == "20 mg"
        assert row["Advice"] == "Continue"
        assert cell(view, "T-INT", 0, Qt.ItemDataRole.BackgroundRole) is None


def test_today_refreshes_after_a_change(qtbot, window, context, clinic):
    show_loaded(qtbot, window)
    view = window.today_view
    _, course_id = clinic["day11"]
    assert table_rows(view)["T-011"]["Len today"] == "25 mg"
    context.run(change_dose_level, course_id, "lenalidomide", 3, FIXED_TODAY, reason="rash")
    assert settled(qtbot, view)["T-011"]["Len today"] == "10 mg"
    context.run(interrupt, course_id, FIXED_TODAY, "rash grade 3")
    row = settled(qtbot, view)["T-011"]
    assert row["Len today"] == "held since 2 Mar"
    # No count and no grade 3-4 event behind it: the label leaves the resume to the clinician.
    assert row["Advice"] == "Keep holding — resume at 10 mg"


def test_todays_rows_are_read_off_the_gui_thread_on_a_connection_of_their_own(
    qtbot, window, store, clinic, monkeypatch
):
    seen = []

    def watched(read_store, on):
        seen.append((threading.current_thread() is threading.main_thread(), read_store is store))
        return read_today(read_store, on)

    monkeypatch.setattr(today_view, "read_today", watched)
    show_loaded(qtbot, window)
    assert seen == [(False, False)]
    assert len(table_rows(window.today_view)) == 4


def test_a_read_overtaken_by_a_change_is_dropped_for_the_newer_one(
    qtbot, window, context, clinic, monkeypatch
):
    release = threading.Event()
    calls, finished = [], []

    def slow_first(read_store, on):
        calls.append(on)
        if len(calls) == 1:
            release.wait(10)
        read = read_today(read_store, on)
        finished.append(len(calls))
        return read

    monkeypatch.setattr(today_view, "read_today", slow_first)
    window.show()
    view = window.today_view
    qtbot.waitUntil(lambda: len(calls) == 1)
    # A change while the first read is still running: Today reads again.
    context.run(change_dose_level, clinic["day11"][1], "lenalidomide", 3, FIXED_TODAY, reason="x")
    qtbot.waitUntil(lambda: len(finished) == 1)
    assert settled(qtbot, view)["T-011"]["Len today"] == "10 mg"
    release.set()
    # The first read's rows, from before the change, arrive last and are not shown.
    qtbot.waitUntil(lambda: len(finished) == 2)
    qtbot.wait(50)
    assert not view.loading
    assert table_rows(view)["T-011"]["Len today"] == "10 mg"


def test_a_read_answered_after_its_screen_was_deleted_ends_quietly(
    qtbot, context, clinic, monkeypatch
):
    release = threading.Event()
    finished = []

    def held_back(read_store, on):
        release.wait(10)
        read = read_today(read_store, on)
        finished.append(read)
        return read

    monkeypatch.setattr(today_view, "read_today", held_back)
    view = today_view.TodayView(context)
    view.show()
    qtbot.waitUntil(lambda: view.loading and not view._load_scheduled)
    view.deleteLater()
    qtbot.waitUntil(lambda: not shiboken6.isValid(view))
    release.set()
    qtbot.waitUntil(lambda: len(finished) == 1)
    qtbot.wait(50)  # the answer is delivered to nobody, without an error


def test_columns_sort_by_header_click(qtbot, window, clinic):
    show_loaded(qtbot, window)
    view = window.today_view
    header = view.table.horizontalHeader()
    cycle = HEADERS.index("Cycle")
    x = header.sectionViewportPosition(cycle) + header.sectionSize(cycle) // 2

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert list(table_rows(view)) == ["T-003", "T-HLD", "T-011", "T-028"]
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, 5))
    assert list(table_rows(view)) == ["T-028", "T-011", "T-HLD", "T-003"]


def test_double_click_opens_that_patient(qtbot, window, clinic):
    show_loaded(qtbot, window)
    view = window.today_view
    row = list(table_rows(view)).index("T-028")
    index = view.table.model().index(row, 1)
    assert index.data(PATIENT_ID_ROLE) == clinic["rest"][0]
    centre = view.table.visualRect(index).center()
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    assert window.stack.currentWidget() is window.patient_view
    window.patient_view.back_requested.emit()
    assert window.stack.currentWidget() is view


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_return_or_enter_opens_the_selected_patient(qtbot, window, clinic, key):
    activate(qtbot, window)
    view = window.today_view
    settled(qtbot, view)
    view.table.setFocus()
    view.table.selectRow(list(table_rows(view)).index("T-028"))
    opened: list[int] = []
    view.patient_activated.connect(opened.append)
    qtbot.keyClick(view.table, key)
    assert opened == [clinic["rest"][0]]
    assert window.stack.currentWidget() is window.patient_view


def test_an_empty_database_says_how_to_begin(qtbot, window, context):
    show_loaded(qtbot, window)
    view = window.today_view
    assert view.table.model().rowCount() == 0
    assert view.summary.text().startswith(
        "No patients yet. Add one with Patient > New patient… (Ctrl+N)"
    )
    context.run(add_patient, mrn="T-NEW", name="New, Patient")
    settled(qtbot, view)
    assert view.summary.text().startswith(
        "No patient is on an active course. Find the patient under Patients (Ctrl+2)"
    )


def test_a_next_cycle_not_yet_started_shows_when_it_was_due(qtbot, window, store):
    on_course(store, "T-LATE", "Late, Next Cycle", 30)  # cycle 2 was due two days ago
    record_labs(store, add_patient(store, mrn="T-X", name="Other"), FIXED_TODAY, anc=2.0)
    show_loaded(qtbot, window)
    row = table_rows(window.today_view)["T-LATE"]
    assert (row["Cycle"], row["Len today"], row["Dex today"]) == ("C2 due 28 Feb", "—", "—")


def test_a_cycle_due_with_low_counts_says_to_delay_it(qtbot, window, store):
    patient_id, _ = on_course(store, "T-DLY", "Delay, Next Cycle", 30)
    record_labs(store, patient_id, days_ago(1), anc=0.7, platelets=150)
    show_loaded(qtbot, window)
    row = table_rows(window.today_view)["T-DLY"]
    assert row["Advice"] == "Delay cycle 2: ANC 0.7 (1 Mar) — resume at 25 mg"


def test_advice_is_not_cut_short_at_1024_pixels(qtbot, window, store, clinic):
    patient_id, course_id = clinic["day11"]
    lab_id = record_labs(store, patient_id, FIXED_TODAY, anc=0.45, platelets=12)
    log_event(store, patient_id, "neutropenia", 4, FIXED_TODAY, course_id=course_id, lab_id=lab_id)
    window.resize(1024, 768)
    show_loaded(qtbot, window)
    view = window.today_view
    texts = [line.advice_text for line in view.model.lines()]
    assert "Hold: ANC 0.45, platelets 12 (2 Mar) — resume at 20 mg" in texts
    bold = view.table.font()
    bold.setBold(True)
    from PySide6.QtGui import QFontMetrics

    widest = max(QFontMetrics(bold).horizontalAdvance(text) for text in texts)
    header = view.table.horizontalHeader()
    assert header.sectionSize(ADVICE) > widest
    assert header.sectionPosition(ADVICE) + header.sectionSize(ADVICE) < (
        view.table.viewport().width()
    )


def test_today_model_passes_qt_model_checks(qtmodeltester, store, clinic):
    model = TodayModel()
    model.set_lines(read_today(store, FIXED_TODAY).lines)
    qtmodeltester.check(model)
    assert model.index(0, 0).data() == "T-HLD"
    model.sort(HEADERS.index("Name"), Qt.SortOrder.DescendingOrder)
    assert [model.index(row, 0).data() for row in range(4)] == ["T-HLD", "T-003", "T-028", "T-011"]
    qtmodeltester.check(model)


def test_week_sheets_save_as_one_pdf_page_per_patient(qtbot, window, clinic, tmp_path, monkeypatch):
    from pypdf import PdfReader

    target = tmp_path / "week.pdf"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(target), "PDF files (*.pdf)")
    )
    show_loaded(qtbot, window)
    button = window.today_view.findChild(QToolButton, "saveSheetsButton")
    assert button.isEnabled() and button.text() == "Save as PDF…"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    # The PDF text separates words with tabs as often as spaces.
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(target).pages]
    names = ["Adams, Day Eleven", "Baker, Rest Day", "Clark, Reduced", "Davis, On Hold"]
    assert len(pages) == len(names)
    for name in names:
        assert sum(name in text for text in pages) == 1
    assert not any("Evans" in text or "Fisher" in text for text in pages)


def test_week_sheets_preview_opens_a_print_preview(qtbot, window, clinic):
    seen = []

    def close_preview():
        preview = QApplication.activeModalWidget()
        seen.append(preview.objectName())
        preview.reject()

    show_loaded(qtbot, window)
    QTimer.singleShot(0, close_preview)
    qtbot.mouseClick(
        window.today_view.findChild(QToolButton, "previewSheetsButton"), Qt.MouseButton.LeftButton
    )
    assert seen == ["sheetPreviewDialog"]


# --- Today agrees with the engine, patient by patient ---------------------------------------


def test_todays_rows_are_the_engines_answer_for_generated_patients(qtbot, window, store):
    import random

    from tracker.ui.today.today_lines import advice_line

    courses = generated_clinic(store, random.Random(11), 24)
    show_loaded(qtbot, window)
    view = window.today_view
    shown = table_rows(view)
    lines = {line.mrn: line for line in view.model.lines()}
    assert set(shown) == set(courses)
    actions = set()
    for mrn, course_id in courses.items():
        # The engine asked for this course alone, apart from Today's read of all of them.
        state = engine_state(store, course_id, FIXED_TODAY)
        line = lines[mrn]
        assert line.state == state
        assert line.advice == state.advice
        assert shown[mrn]["Advice"] == advice_line(state, FIXED_TODAY, line_cycle(line))
        tooltip = cell(view, mrn, ADVICE, Qt.ItemDataRole.ToolTipRole)
        assert tooltip.startswith(state.advice.text) and tooltip.endswith(DECISION_SUPPORT)
        if state.on_hold:
            assert shown[mrn]["Len today"].startswith("held since ")
        elif state.lenalidomide.due_mg:
            assert shown[mrn]["Len today"] == f"{state.lenalidomide.due_mg:g} mg"
        else:
            assert shown[mrn]["Len today"] in ("rest", "—")
        stands_out = cell(view, mrn, 0, Qt.ItemDataRole.BackgroundRole) is not None
        assert stands_out == (state.withholds_lenalidomide or state.advice.action != "continue")
        actions.add(state.advice.action)
    # The generated clinic reaches the advice that matters on this screen.
    assert {"continue", "hold", "keep-holding", "resume"} <= actions


def line_cycle(line) -> int | None:
    """The number of the cycle a course between cycles waits for, as its row names it."""
    text = line.cycle_text
    return int(text[1:].split()[0]) if text.startswith("C") and " due " in text else None


def test_a_renal_band_change_shows_in_the_row(qtbot, window, store):
    patient_id = add_patient(
        store,
        mrn="REN-2",
        name="Renal, Changed",
        date_of_birth=date(1954, 5, 17),
        sex="F",
        weight_kg=68.0,
        creatinine=0.9,
        rems_category="female_not_reproductive",
        rems_category_reason="natural_menopause",
    )
    start_course(store, patient_id, days_ago(10), renal_band=">=60")
    record_labs(store, patient_id, days_ago(1), creatinine=1.6)
    show_loaded(qtbot, window)
    rows = settled(qtbot, window.today_view)
    assert "renal band changed" in rows["REN-2"]["Grade 3-4 events"]
    events = HEADERS.index("Grade 3-4 events")
    tooltip = cell(window.today_view, "REN-2", events, Qt.ItemDataRole.ToolTipRole)
    assert "(>=60 -> 30-60" in tooltip
