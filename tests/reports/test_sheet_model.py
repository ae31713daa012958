"""What a cycle sheet says, built from a course history by the treatment engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from tracker.domain.calendar import LevelChange
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, load_regimen, regimen_from_data
from tracker.domain.treatment.engine import course_days
from tracker.domain.treatment.history import (
    CountResult,
    CourseHistory,
    Interruption,
    ToxicityEvent,
)
from tracker.domain.treatment.monitoring import count_schedule
from tracker.reports.sheet_build import build_cycle_sheet
from tracker.reports.sheet_model import (
    HELD_WORDING,
    MAX_LAB_ROWS,
    DoseMark,
    HoldThresholds,
    SheetError,
    count_text,
    day_ranges_text,
)
from tracker.resources import load_toml, resources_dir

START = date(2027, 2, 1)


def on(cycle: int, day: int) -> date:
    """A date of a course whose cycles all start on time."""
    return START + timedelta(days=(cycle - 1) * 28 + day - 1)


def history(cycles: int = 1, **facts) -> CourseHistory:
    facts.setdefault("regimen", load_regimen())
    return CourseHistory(
        start=START, cycle_starts=tuple(on(n, 1) for n in range(1, cycles + 1)), **facts
    )


def sheet_of(cycle: int, course: CourseHistory | None = None, **names):
    return build_cycle_sheet(
        course or history(),
        cycle,
        patient_name="Ada Lovelace",
        mrn="A1001",
        date_of_birth=date(1950, 12, 10),
        thromboprophylaxis=names.get("thromboprophylaxis", "aspirin"),
    )


def by_day(sheet):
    return {row.cycle_day: row for row in sheet.rows}


def test_cycle_one_has_28_dated_rows_with_rest_after_day_21():
    sheet = sheet_of(1)
    assert [row.cycle_day for row in sheet.rows] == list(range(1, 29))
    assert sheet.rows[0].date == START and sheet.rows[0].weekday == "Mon"
    assert sheet.rows[8].date == date(2027, 2, 9) and sheet.rows[8].weekday == "Tue"
    assert sheet.cycle_end == date(2027, 2, 28) and sheet.next_cycle_due == date(2027, 3, 1)
    assert {row.lenalidomide.text for row in sheet.rows[:21]} == {"25 mg"}
    assert all(row.lenalidomide.has_tick_box for row in sheet.rows[:21])
    assert {row.lenalidomide.text for row in sheet.rows[21:]} == {"rest"}
    assert not any(row.lenalidomide.has_tick_box for row in sheet.rows[21:])
    assert sheet.footnotes == () and not sheet.has_held_days


def test_dexamethasone_tapers_to_days_1_to_4_from_cycle_5():
    cycle_4, cycle_5 = sheet_of(4, history(5)), sheet_of(5, history(5))
    dex_days_4 = [row.cycle_day for row in cycle_4.rows if row.dexamethasone.has_tick_box]
    dex_days_5 = [row.cycle_day for row in cycle_5.rows if row.dexamethasone.has_tick_box]
    assert dex_days_4 == [1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 19, 20]
    assert dex_days_5 == [1, 2, 3, 4]
    assert cycle_4.dexamethasone.days_text == "days 1-4, 9-12, 17-20"
    assert cycle_5.dexamethasone.days_text == "days 1-4 (taper from cycle 5)"
    assert cycle_5.rows[8].dexamethasone.text == ""


def test_an_interruption_holds_its_days_and_the_resume_level_follows():
    course = history(
        interruptions=(
            Interruption(LENALIDOMIDE, on(1, 9), on(1, 12), "ANC 0.8", 2),
            Interruption(DEXAMETHASONE, on(1, 10), on(1, 11), "insomnia", 0),
        ),
        level_changes=(LevelChange(on(1, 12), LENALIDOMIDE, 2),),
    )
    days = by_day(sheet_of(1, course))
    assert [days[d].lenalidomide.mark for d in (8, 9, 10, 11, 12)] == [
        DoseMark.DOSE,
        DoseMark.HELD,
        DoseMark.HELD,
        DoseMark.HELD,
        DoseMark.DOSE,
    ]
    assert days[9].lenalidomide.text == "HELD *" and not days[9].lenalidomide.has_tick_box
    assert days[9].dexamethasone.text == "40 mg"
    assert days[10].dexamethasone.mark is DoseMark.HELD
    assert days[11].dexamethasone.text == "40 mg"
    assert days[11].lenalidomide.text == "HELD *"
    assert days[12].lenalidomide.text == "15 mg"
    sheet = sheet_of(1, course)
    assert sheet.lenalidomide.describe() == (
        "Lenalidomide 25 mg (level 0, standard dose); 15 mg (level 2) from 2027-02-12, days 1-21"
    )
    assert sheet.footnotes == (
        f"* {HELD_WORDING}.",
        "Lenalidomide interrupted from 2027-02-09 (ANC 0.8): resumed 2027-02-12 at 15 mg "
        "(level 2).",
        "Dexamethasone interrupted from 2027-02-10 (insomnia): resumed 2027-02-11 at 40 mg "
        "(level 0).",
    )


def test_an_open_interruption_holds_every_later_day_and_the_next_cycle_printed_ahead():
    course = history(interruptions=(Interruption(LENALIDOMIDE, on(1, 10), reason="ANC 0.8"),))
    cycle_1, cycle_2 = sheet_of(1, course), sheet_of(2, course)
    marks_1 = [row.lenalidomide.mark for row in cycle_1.rows]
    assert marks_1[:9] == [DoseMark.DOSE] * 9
    assert marks_1[9:21] == [DoseMark.HELD] * 12 and marks_1[21:] == [DoseMark.REST] * 7
    assert [row.lenalidomide.mark for row in cycle_2.rows[:21]] == [DoseMark.HELD] * 21
    assert cycle_2.start_is_planned is False  # the loader says whether it is ahead
    assert cycle_2.cycle_start == on(2, 1)
    for sheet in (cycle_1, cycle_2):
        assert sheet.lenalidomide.detail().endswith("days 1-21; HELD from 2027-02-10 *")
        assert sheet.footnotes[1] == (
            "Lenalidomide interrupted from 2027-02-10 (ANC 0.8): no resume recorded."
        )
    # Dexamethasone is not interrupted: it is still given.
    assert cycle_2.rows[0].dexamethasone.text == "40 mg"


def test_nothing_is_given_after_the_course_ended():
    course = history(ended_on=on(1, 15), end_reason="toxicity")
    days = by_day(sheet_of(1, course))
    assert days[15].lenalidomide.text == "25 mg"
    assert {days[d].lenalidomide.mark for d in range(16, 22)} == {DoseMark.STOPPED}
    assert days[17].dexamethasone.text == "stopped"
    assert not days[16].thromboprophylaxis_box and days[15].thromboprophylaxis_box
    assert [d for d, row in days.items() if row.counts_due] == [1, 8, 15]
    assert sheet_of(1, course).stopped_note == (
        "Course ended 2027-02-15 (toxicity): nothing is given from 2027-02-16 on."
    )


def test_a_death_stops_the_days_after_it():
    course = history(events=(ToxicityEvent("vte", 5, on(1, 6)),))
    days = by_day(sheet_of(1, course))
    assert days[5].lenalidomide.text == "25 mg"
    assert days[6].lenalidomide.mark is DoseMark.STOPPED
    assert sheet_of(1, course).stopped_note.startswith("Died 2027-02-06")


def test_header_states_reduced_levels():
    course = history(5, level_changes=(LevelChange(on(2, 1), LENALIDOMIDE, 2),), dex_start_level=1)
    sheet = sheet_of(5, course)
    assert sheet.lenalidomide.describe().startswith(
        "Lenalidomide 15 mg (level 2, reduced from 25 mg)"
    )
    assert sheet.dexamethasone.describe().startswith(
        "Dexamethasone 20 mg (level 1, reduced from 40 mg)"
    )
    assert {row.lenalidomide.text for row in sheet.rows[:21]} == {"15 mg"}


def test_every_48_hours_schedule_marks_the_days_between_doses():
    sheet = sheet_of(1, history(len_every_days=2, len_start_level=3))
    texts = [row.lenalidomide.text for row in sheet.rows]
    assert texts[:4] == ["10 mg", "no dose", "10 mg", "no dose"]
    assert texts[20] == "10 mg" and texts[21] == "rest"
    assert "every 48 h" in sheet.lenalidomide.describe()


@pytest.mark.parametrize(
    ("cycle", "days"), [(1, [1, 8, 15, 22]), (2, [1, 8, 15, 22]), (3, [1, 15]), (5, [1])]
)
def test_blood_counts_on_the_schedule_days_of_each_cycle(cycle, days):
    sheet = sheet_of(cycle, history(5))
    assert [row.cycle_day for row in sheet.rows if row.counts_due] == days
    assert [lab.cycle_day for lab in sheet.labs if lab.cycle_day] == days
    assert len(sheet.labs) == max(4, len(days))


def test_blood_counts_weekly_while_interrupted_for_a_low_count():
    course = history(
        3,
        counts=(CountResult(on(3, 10), anc=0.8, platelets=140.0),),
        interruptions=(Interruption(LENALIDOMIDE, on(3, 10), reason="ANC 0.8"),),
    )
    cycle_3 = sheet_of(3, course)
    # Day 1 as scheduled; then a week after the low count, not day 15.
    assert [row.cycle_day for row in cycle_3.rows if row.counts_due] == [1, 17, 24]
    assert [lab.cycle_day for lab in cycle_3.labs] == [1, 10, 17, 24]
    assert cycle_3.labs[1].low == ("ANC < 1.0",)
    # The next cycle, printed ahead, keeps the weekly rhythm.
    assert [row.cycle_day for row in sheet_of(4, course).rows if row.counts_due] == [3, 10, 17, 24]


def test_an_interruption_not_for_counts_keeps_the_schedule():
    course = history(
        3, interruptions=(Interruption(LENALIDOMIDE, on(3, 10), reason="rash grade 3"),)
    )
    assert [row.cycle_day for row in sheet_of(3, course).rows if row.counts_due] == [1, 15]


@pytest.fixture
def own_resources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private copy of the resources folder, free to edit."""
    copy = tmp_path / "resources"
    shutil.copytree(resources_dir(), copy)
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(copy))
    count_schedule.cache_clear()
    yield copy
    count_schedule.cache_clear()


def test_blood_count_days_follow_the_schedule_data_file(own_resources):
    monitoring = own_resources / "monitoring.toml"
    monitoring.write_text(
        monitoring.read_text().replace(
            "{ from_cycle = 1, to_cycle = 2, days = [1, 8, 15, 22] }",
            "{ from_cycle = 1, to_cycle = 2, days = [1, 15] }",
        )
    )
    sheet = sheet_of(2, history(2))
    assert [row.cycle_day for row in sheet.rows if row.counts_due] == [1, 15]
    assert [lab.cycle_day for lab in sheet.labs] == [1, 15, None, None]


def test_a_shorter_cycle_gives_as_many_rows():
    data = load_toml("regimens", "mm010-rd.toml")
    data["cycle_length_days"] = 21
    sheet = sheet_of(1, history(regimen=regimen_from_data(data)))
    assert sheet.cycle_length_days == 21
    assert [row.cycle_day for row in sheet.rows] == list(range(1, 22))
    assert sheet.next_cycle_due == date(2027, 2, 22)


def test_recorded_counts_fill_their_rows_and_flag_the_hold_thresholds():
    counts = (
        CountResult(date(2027, 2, 8), 0.8, 95.0),
        CountResult(date(2027, 2, 12), 1.4, 28.0),
        CountResult(date(2027, 3, 2), 2.0, 200.0),  # next cycle: not on this sheet
    )
    sheet = sheet_of(1, history(counts=counts))
    assert [(lab.cycle_day, lab.anc, lab.platelets) for lab in sheet.labs] == [
        (1, None, None),
        (8, 0.8, 95.0),
        (12, 1.4, 28.0),
        (15, None, None),
        (22, None, None),
    ]
    assert sheet.labs[1].low == ("ANC < 1.0",)
    assert sheet.labs[2].low == ("Plt < 30",)
    assert sheet.thresholds == HoldThresholds(anc_below=1.0, platelets_below=30.0)
    assert sheet.thresholds.describe() == (
        "Hold lenalidomide if ANC < 1.0 x10^9/L or platelets < 30 x10^9/L"
    )


def test_many_recorded_counts_keep_the_recorded_ones_first():
    counts = tuple(CountResult(date(2027, 2, day), 1.5, 100.0) for day in range(2, 9))
    sheet = sheet_of(1, history(counts=counts))
    assert len(sheet.labs) == MAX_LAB_ROWS
    assert all(lab.recorded for lab in sheet.labs)
    assert sheet.labs[-1].date == date(2027, 2, 8)


def test_a_cycle_outside_the_calendar_is_refused():
    with pytest.raises(SheetError, match="no cycle 3"):
        build_cycle_sheet(
            history(2),
            3,
            patient_name="Ada Lovelace",
            mrn="A1001",
            date_of_birth=None,
            calendar=course_days(history(2)),
        )


@pytest.mark.parametrize(
    ("days", "text"),
    [
        ({1, 2, 3, 4, 9, 10, 11, 12}, "days 1-4, 9-12"),
        ({5}, "day 5"),
        ({1, 3, 5}, "days 1, 3, 5"),
        (set(), "no days"),
    ],
)
def test_day_ranges_text(days, text):
    assert day_ranges_text(days) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(1.0, "1.0"), (0.75, "0.75"), (0.96, "0.96"), (30.0, "30"), (120.5, "120.5")],
)
def test_counts_print_unrounded(value, text):
    assert count_text(value) == text
