"""The Today screen, on a real database with courses, holds and grade 3-4 events."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QToolButton

from tests.starts import start_course
from tests.ui.conftest import FIXED_TODAY, activate, show_loaded
from tracker.storage.operations.courses import change_dose_level
from tracker.storage.operations.doses import record_dose
from tracker.storage.operations.events import log_event
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.ui.today_view import COLUMNS, PATIENT_ID_ROLE, TodayModel

HEADERS = [column.title for column in COLUMNS]


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
    # Cycle 1 day 6, lenalidomide held today, open grade 4 neutropenia since two days ago.
    ids["held"] = on_course(store, "T-HLD", "Davis, On Hold", 5)
    held_course = ids["held"][1]
    record_dose(store, held_course, days_ago(1), "lenalidomide", "held")
    record_dose(store, held_course, FIXED_TODAY, "lenalidomide", "held")
    log_event(store, ids["held"][0], "neutropenia", 4, days_ago(2), course_id=held_course)
    add_patient(store, mrn="T-OFF", name="Evans, No Course")
    archived, _ = on_course(store, "T-ARC", "Fisher, Archived", 4)
    archive_patient(store, archived)
    return ids


def test_today_lists_each_active_patient_with_cycle_day_and_doses(qtbot, window, clinic):
    show_loaded(qtbot, window)
    view = window.today_view
    assert window.stack.currentWidget() is view
    rows = table_rows(view)
    assert list(rows) == ["T-HLD", "T-011", "T-028", "T-003"]  # hold advice first, then names

    assert rows["T-011"]["Cycle"] == "C1 D11"
    assert (rows["T-011"]["Len today"], rows["T-011"]["Dex today"]) == ("25 mg", "40 mg")
    assert rows["T-011"]["Labs"] == "due"
    assert rows["T-011"]["Grade 3-4 events"] == rows["T-011"]["Hold advice"] == ""

    assert rows["T-028"]["Cycle"] == "C1 D28"
    assert (rows["T-028"]["Len today"], rows["T-028"]["Dex today"]) == ("rest", "—")
    assert rows["T-028"]["Labs"] == "last 28 Feb"

    assert (rows["T-003"]["Len today"], rows["T-003"]["Dex today"]) == ("15 mg", "20 mg")

    assert view.title.text() == "Today, Monday 2 March 2026"
    assert view.summary.text().startswith("4 on treatment")
    assert "1 with open grade 3-4 events" in view.summary.text()
    assert "1 with lenalidomide held" in view.summary.text()


def test_held_lenalidomide_and_open_grade_4_event_show_hold_advice(qtbot, window, clinic):
    show_loaded(qtbot, window)
    held = table_rows(window.today_view)["T-HLD"]
    assert held["Cycle"] == "C1 D6"
    assert held["Len today"] == "held"
    assert held["Grade 3-4 events"] == "Neutropenia G4 since 28 Feb"
    # No count recorded: the label's rules need one before anything can be said.
    assert held["Hold advice"] == "Held: no blood count yet: check the CBC"

    model = window.today_view.table.model()
    row = list(table_rows(window.today_view)).index("T-HLD")
    tooltip = model.index(row, HEADERS.index("Hold advice")).data(Qt.ItemDataRole.ToolTipRole)
    assert "Decision support only" in tooltip
    events_tip = model.index(row, HEADERS.index("Grade 3-4 events")).data(
        Qt.ItemDataRole.ToolTipRole
    )
    assert "grade 4 (CTCAE v5.0), since 28 Feb 2026" in events_tip
    assert model.index(row, 0).data(Qt.ItemDataRole.BackgroundRole) is not None


def advice_tip(view, mrn: str) -> str:
    row = list(table_rows(view)).index(mrn)
    index = view.table.model().index(row, HEADERS.index("Hold advice"))
    return index.data(Qt.ItemDataRole.ToolTipRole)


@pytest.mark.parametrize(
    ("platelets", "advice", "urgent"),
    [
        # Grade 3 is 25-50: only a count under 30 interrupts lenalidomide.
        (28, "Hold: platelets 28 (2 Mar)", True),
        (40, "Counts above hold limits (2 Mar)", False),
    ],
)
def test_a_grade_3_platelet_count_is_judged_by_the_labels_threshold_not_its_grade(
    qtbot, window, store, clinic, platelets, advice, urgent
):
    patient_id, course_id = clinic["day11"]
    lab_id = record_labs(store, patient_id, FIXED_TODAY, anc=2.0, platelets=platelets)
    log_event(
        store, patient_id, "thrombocytopenia", 3, FIXED_TODAY, course_id=course_id, lab_id=lab_id
    )
    show_loaded(qtbot, window)
    row = table_rows(window.today_view)["T-011"]
    assert row["Hold advice"] == advice
    assert row["Grade 3-4 events"] == "Thrombocytopenia G3 since 2 Mar"  # as the advice
    index = window.today_view.table.model().index(
        list(table_rows(window.today_view)).index("T-011"), 0
    )
    assert (index.data(Qt.ItemDataRole.BackgroundRole) is not None) is urgent


def counts_as_record_labs_saves_them(context, patient_id, course_id, on, anc, *, hold=False):
    """What Record labs writes: the counts, a grade 3-4 event ticked by default, a hold if
    accepted."""
    from tracker.domain.grading import grade_anc
    from tracker.ui.labs_dialog import EventToLog, LabEntry, save_labs

    grade = grade_anc(anc, "10^9/L")
    events = (EventToLog("neutropenia", grade),) if grade >= 3 else ()
    entry = LabEntry(
        patient_id, on, anc, "10^9/L", 150, "10^9/L", None, None, "", course_id, events, hold
    )
    assert context.run(save_labs, entry) is not None


def test_hold_advice_agrees_with_record_labs_through_a_neutropenia_episode(
    qtbot, window, store, context, clinic
):
    patient_id, course_id = clinic["day11"]
    show_loaded(qtbot, window)
    view = window.today_view

    counts_as_record_labs_saves_them(context, patient_id, course_id, days_ago(4), 0.4)
    assert table_rows(view)["T-011"]["Hold advice"] == "Hold: ANC 0.4 (26 Feb)"

    context.run(record_dose, course_id, days_ago(4), "lenalidomide", "held")
    assert table_rows(view)["T-011"]["Hold advice"] == "Keep holding: ANC 0.4 (26 Feb)"
    # A first drop with neutropenia alone: back to the starting dose, as the label says
    # (not "one level lower", which is the rule for other toxicities).
    assert "resume at 25 mg (the starting dose)" in advice_tip(view, "T-011")
    assert "Decision support only" in advice_tip(view, "T-011")

    counts_as_record_labs_saves_them(context, patient_id, course_id, FIXED_TODAY, 1.6)
    assert table_rows(view)["T-011"]["Hold advice"] == "Resume at 25 mg: counts recovered (2 Mar)"


def test_other_grade_3_events_follow_the_other_toxicity_rule(qtbot, window, store, context, clinic):
    patient_id, course_id = clinic["day11"]
    record_labs(store, patient_id, days_ago(1), anc=2.0, platelets=150)
    log_event(store, patient_id, "vte", 3, days_ago(1), course_id=course_id)
    show_loaded(qtbot, window)
    view = window.today_view
    assert table_rows(view)["T-011"]["Hold advice"] == "Consider holding: VTE grade 3"
    assert "Restart at 20 mg (one dose level lower) once it is grade 2" in advice_tip(view, "T-011")

    context.run(record_dose, course_id, FIXED_TODAY, "lenalidomide", "held")
    assert table_rows(view)["T-011"]["Hold advice"] == "Keep holding until VTE is grade 2 or less"


def test_today_refreshes_after_a_change(qtbot, window, context, clinic):
    show_loaded(qtbot, window)
    _, course_id = clinic["day11"]
    assert table_rows(window.today_view)["T-011"]["Len today"] == "25 mg"
    context.run(change_dose_level, course_id, "lenalidomide", 3, FIXED_TODAY, reason="rash")
    assert table_rows(window.today_view)["T-011"]["Len today"] == "10 mg"
    context.run(record_dose, course_id, FIXED_TODAY, "lenalidomide", "held")
    row = table_rows(window.today_view)["T-011"]
    assert row["Len today"] == "held"
    assert row["Hold advice"] == "Held: no blood count yet: check the CBC"


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
    qtbot.waitUntil(lambda: not window.today_view.loading, timeout=5000)
    view = window.today_view
    view.table.setFocus()
    view.table.selectRow(list(table_rows(view)).index("T-028"))
    opened: list[int] = []
    view.patient_activated.connect(opened.append)
    qtbot.keyClick(view.table, key)
    assert opened == [clinic["rest"][0]]
    assert window.stack.currentWidget() is window.patient_view


def test_an_empty_database_says_how_to_begin(qtbot, window, store, context):
    show_loaded(qtbot, window)
    assert window.today_view.table.model().rowCount() == 0
    assert window.today_view.summary.text().startswith(
        "No patients yet. Add one with Patient > New patient… (Ctrl+N)"
    )
    context.run(add_patient, mrn="T-NEW", name="New, Patient")
    assert window.today_view.summary.text().startswith(
        "No patient is on an active course. Find the patient under Patients (Ctrl+2)"
    )


def test_a_next_cycle_not_yet_started_shows_when_it_was_due(qtbot, window, store):
    on_course(store, "T-LATE", "Late, Next Cycle", 30)  # cycle 2 was due two days ago
    show_loaded(qtbot, window)
    row = table_rows(window.today_view)["T-LATE"]
    assert (row["Cycle"], row["Len today"], row["Dex today"]) == ("C2 due 28 Feb", "—", "—")


def test_hold_advice_is_not_cut_short_at_1024_pixels(qtbot, window, store, clinic):
    patient_id, course_id = clinic["day11"]
    lab_id = record_labs(store, patient_id, FIXED_TODAY, anc=0.45, platelets=12)
    log_event(store, patient_id, "neutropenia", 4, FIXED_TODAY, course_id=course_id, lab_id=lab_id)
    window.resize(1024, 768)
    show_loaded(qtbot, window)
    view = window.today_view
    advice = HEADERS.index("Hold advice")
    texts = [line.advice for line in view.model.lines()]
    assert "Hold: ANC 0.45, platelets 12 (2 Mar)" in texts
    widest = max(view.table.fontMetrics().horizontalAdvance(text) for text in texts)
    assert view.table.horizontalHeader().sectionSize(advice) > widest
    header = view.table.horizontalHeader()
    assert header.sectionPosition(advice) + header.sectionSize(advice) < (
        view.table.viewport().width()
    )


def test_today_model_passes_qt_model_checks(qtmodeltester, store, clinic):
    from tracker.ui.today_advice import read_advice

    from tracker.storage import queries

    model = TodayModel()
    rows = queries.today_rows(store, FIXED_TODAY)
    model.set_rows(rows, FIXED_TODAY, read_advice(store, rows, FIXED_TODAY))
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
