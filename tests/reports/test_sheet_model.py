"""What a cycle sheet says, built from the domain calendar."""

from __future__ import annotations

from datetime import date

import pytest

from tracker.domain.calendar import Hold, LevelChange, plan_course
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, load_regimen, regimen_from_data
from tracker.reports.sheet_model import (
    MAX_LAB_ROWS,
    DoseMark,
    HoldThresholds,
    LabEntry,
    SheetError,
    build_cycle_sheet,
    count_text,
    day_ranges_text,
)
from tracker.reports.sheet_rules import blood_count_cadence
from tracker.resources import load_toml
from tracker.storage.monitoring import MonitoringCadence

START = date(2027, 2, 1)
THRESHOLDS = HoldThresholds(anc_below=1.0, platelets_below=30.0)


def sheet_of(
    cycle: int,
    *,
    changes=(),
    holds=(),
    every_days=1,
    labs=(),
    cadence=None,
    regimen=None,
    **levels,
):
    regimen = regimen or load_regimen()
    calendar = plan_course(
        regimen,
        START,
        cycle,
        level_changes=changes,
        holds=holds,
        lenalidomide_every_days=every_days,
        **levels,
    )
    return build_cycle_sheet(
        regimen=regimen,
        calendar=calendar,
        cycle_number=cycle,
        course_start=START,
        patient_name="Ada Lovelace",
        mrn="A1001",
        date_of_birth=date(1950, 12, 10),
        thresholds=THRESHOLDS,
        cadence=cadence or blood_count_cadence(),
        lenalidomide_start_level=levels.get("lenalidomide_level", 0),
        dexamethasone_start_level=levels.get("dexamethasone_level", 0),
        level_changes=list(changes),
        lenalidomide_every_days=every_days,
        thromboprophylaxis="aspirin",
        labs=labs,
    )


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


def test_dexamethasone_tapers_to_days_1_to_4_from_cycle_5():
    cycle_4, cycle_5 = sheet_of(4), sheet_of(5)
    dex_days_4 = [row.cycle_day for row in cycle_4.rows if row.dexamethasone.has_tick_box]
    dex_days_5 = [row.cycle_day for row in cycle_5.rows if row.dexamethasone.has_tick_box]
    assert dex_days_4 == [1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 19, 20]
    assert dex_days_5 == [1, 2, 3, 4]
    assert cycle_4.dexamethasone.days_text == "days 1-4, 9-12, 17-20"
    assert cycle_5.dexamethasone.days_text == "days 1-4 (taper from cycle 5)"
    assert cycle_5.rows[8].dexamethasone.text == ""


def test_held_days_and_a_reduction_show_as_recorded():
    sheet = sheet_of(
        1,
        holds=[Hold(date(2027, 2, 9)), Hold(date(2027, 2, 10), DEXAMETHASONE)],
        changes=[LevelChange(date(2027, 2, 15), LENALIDOMIDE, 2)],
    )
    by_day = {row.cycle_day: row for row in sheet.rows}
    assert by_day[9].lenalidomide.mark is DoseMark.HELD and by_day[9].lenalidomide.text == "HELD"
    assert not by_day[9].lenalidomide.has_tick_box
    assert by_day[9].dexamethasone.text == "40 mg"
    assert by_day[10].dexamethasone.text == "HELD"
    assert by_day[14].lenalidomide.text == "25 mg"
    assert by_day[15].lenalidomide.text == "15 mg"
    assert sheet.lenalidomide.describe() == (
        "Lenalidomide 25 mg (level 0, standard dose); 15 mg (level 2) from 2027-02-15, days 1-21"
    )


def test_header_states_reduced_levels():
    sheet = sheet_of(
        5, changes=[LevelChange(date(2027, 3, 1), LENALIDOMIDE, 2)], dexamethasone_level=1
    )
    assert sheet.lenalidomide.describe().startswith(
        "Lenalidomide 15 mg (level 2, reduced from 25 mg)"
    )
    assert sheet.dexamethasone.describe().startswith(
        "Dexamethasone 20 mg (level 1, reduced from 40 mg)"
    )
    assert {row.lenalidomide.text for row in sheet.rows[:21]} == {"15 mg"}


def test_every_48_hours_schedule_marks_the_days_between_doses():
    sheet = sheet_of(1, every_days=2, lenalidomide_level=3)
    texts = [row.lenalidomide.text for row in sheet.rows]
    assert texts[:4] == ["10 mg", "no dose", "10 mg", "no dose"]
    assert texts[20] == "10 mg" and texts[21] == "rest"
    assert "every 48 h" in sheet.lenalidomide.describe()


def test_blood_counts_weekly_in_the_first_eight_weeks_then_on_day_1():
    early = sheet_of(2)
    later = sheet_of(3)
    assert [lab.cycle_day for lab in early.labs] == [1, 8, 15, 22]
    assert [row.cycle_day for row in early.rows if row.counts_due] == [1, 8, 15, 22]
    assert [lab.cycle_day for lab in later.labs] == [1, None, None, None]
    assert later.labs[0].date == date(2027, 3, 29)


def test_blood_count_rows_follow_the_cadence_given():
    fortnightly = MonitoringCadence(
        early_phase_days=56, early_interval_days=14, later_interval_days=28, confirmed=False
    )
    sheet = sheet_of(2, cadence=fortnightly)
    assert [row.cycle_day for row in sheet.rows if row.counts_due] == [1, 15]
    assert [lab.cycle_day for lab in sheet.labs] == [1, 15, None, None]


def test_a_shorter_cycle_gives_as_many_rows():
    data = load_toml("regimens", "mm010-rd.toml")
    data["cycle_length_days"] = 21
    sheet = sheet_of(1, regimen=regimen_from_data(data))
    assert sheet.cycle_length_days == 21
    assert [row.cycle_day for row in sheet.rows] == list(range(1, 22))
    assert sheet.next_cycle_due == date(2027, 2, 22)


def test_recorded_counts_fill_their_rows_and_flag_the_hold_thresholds():
    labs = [
        LabEntry(date(2027, 2, 8), 0.8, 95.0),
        LabEntry(date(2027, 2, 12), 1.4, 28.0),
        LabEntry(date(2027, 3, 2), 2.0, 200.0),  # next cycle: not on this sheet
    ]
    sheet = sheet_of(1, labs=labs)
    assert [(lab.cycle_day, lab.anc, lab.platelets) for lab in sheet.labs] == [
        (1, None, None),
        (8, 0.8, 95.0),
        (12, 1.4, 28.0),
        (15, None, None),
        (22, None, None),
    ]
    assert sheet.labs[1].below(THRESHOLDS) == ["ANC < 1.0"]
    assert sheet.labs[2].below(THRESHOLDS) == ["Plt < 30"]
    assert THRESHOLDS.describe() == (
        "Hold lenalidomide if ANC < 1.0 x10^9/L or platelets < 30 x10^9/L"
    )


def test_many_recorded_counts_keep_the_recorded_ones_first():
    labs = [LabEntry(date(2027, 2, day), 1.5, 100.0) for day in range(2, 9)]
    sheet = sheet_of(1, labs=labs)
    assert len(sheet.labs) == MAX_LAB_ROWS
    assert all(lab.recorded for lab in sheet.labs)
    assert sheet.labs[-1].date == date(2027, 2, 8)


def test_a_cycle_outside_the_calendar_is_refused():
    regimen = load_regimen()
    with pytest.raises(SheetError, match="no cycle 3"):
        build_cycle_sheet(
            regimen=regimen,
            calendar=plan_course(regimen, START, 2),
            cycle_number=3,
            course_start=START,
            patient_name="Ada Lovelace",
            mrn="A1001",
            date_of_birth=None,
            thresholds=THRESHOLDS,
            cadence=blood_count_cadence(),
            lenalidomide_start_level=0,
            dexamethasone_start_level=0,
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
