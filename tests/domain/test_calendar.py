from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.domain.calendar import Hold, LevelChange, cycle_starts, plan_course
from tracker.domain.errors import ScheduleError
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, load_regimen

REGIMEN = load_regimen()
DEX_PULSES = set(range(1, 5)) | set(range(9, 13)) | set(range(17, 21))

start_dates = st.dates(min_value=date(1999, 1, 1), max_value=date(2099, 12, 31))


@settings(max_examples=150, deadline=None)
@given(start=start_dates, cycles=st.integers(min_value=1, max_value=24))
def test_calendar_is_consecutive_and_doses_follow_the_regimen(start, cycles):
    days = plan_course(REGIMEN, start, cycles)
    assert len(days) == 28 * cycles
    for index, planned in enumerate(days):
        assert planned.date == start + timedelta(days=index)
        assert planned.cycle == index // 28 + 1
        assert planned.day == index % 28 + 1
        assert planned.lenalidomide_mg == (25 if planned.day <= 21 else 0)
        dex_days = DEX_PULSES if planned.cycle <= 4 else set(range(1, 5))
        assert planned.dexamethasone_mg == (40 if planned.day in dex_days else 0)


@pytest.mark.parametrize(
    "start",
    [date(2028, 2, 1), date(2028, 1, 31), date(2027, 12, 31), date(2100, 2, 28), date(2024, 2, 29)],
)
def test_month_ends_and_leap_days(start):
    days = plan_course(REGIMEN, start, 3)
    assert days[28].date == start + timedelta(days=28)
    assert days[-1].date == start + timedelta(days=83)
    assert len({day.date for day in days}) == 84


def test_leap_day_falls_inside_the_calendar():
    days = plan_course(REGIMEN, date(2028, 2, 15), 1)
    by_date = {day.date: day for day in days}
    assert by_date[date(2028, 2, 29)].day == 15
    assert by_date[date(2028, 3, 1)].day == 16


def test_taper_boundary_between_cycles_four_and_five():
    days = plan_course(REGIMEN, date(2027, 2, 1), 6)
    cycle4 = {day.day for day in days if day.cycle == 4 and day.dexamethasone_mg}
    cycle5 = {day.day for day in days if day.cycle == 5 and day.dexamethasone_mg}
    assert cycle4 == DEX_PULSES
    assert cycle5 == {1, 2, 3, 4}


@settings(max_examples=100, deadline=None)
@given(
    start=start_dates,
    delays=st.lists(st.integers(min_value=0, max_value=21), min_size=1, max_size=8),
)
def test_delays_shift_every_later_cycle(start, delays):
    cycles = len(delays) + 1
    actual = {}
    expected_start = start
    for number, delay in enumerate(delays, start=2):
        expected_start = expected_start + timedelta(days=28 + delay)
        actual[number] = expected_start
    starts = cycle_starts(REGIMEN, start, cycles, actual)
    assert starts == [start, *actual.values()]
    days = plan_course(REGIMEN, start, cycles, actual_starts=actual)
    assert len(days) == 28 * cycles
    for planned in days:
        assert planned.date == starts[planned.cycle - 1] + timedelta(days=planned.day - 1)


def test_a_delay_moves_cycles_that_have_no_actual_start_yet():
    starts = cycle_starts(REGIMEN, date(2027, 1, 4), 4, {2: date(2027, 2, 8)})
    assert starts == [date(2027, 1, 4), date(2027, 2, 8), date(2027, 3, 8), date(2027, 4, 5)]


def test_early_start_is_refused_with_a_clear_message():
    with pytest.raises(
        ScheduleError, match=r"cycle 2 cannot start on 2027-01-30: cycle 1 runs until 2027-01-31"
    ):
        cycle_starts(REGIMEN, date(2027, 1, 4), 3, {2: date(2027, 1, 30)})


def test_cycle_one_before_course_start_is_refused():
    with pytest.raises(ScheduleError, match="before the course start"):
        cycle_starts(REGIMEN, date(2027, 1, 4), 2, {1: date(2027, 1, 3)})


def test_a_calendar_past_the_last_representable_date_is_refused():
    with pytest.raises(ScheduleError, match="past 9999-12-31, the last date"):
        plan_course(REGIMEN, date(9999, 12, 1), 2)
    with pytest.raises(ScheduleError, match="past 9999-12-31, the last date"):
        plan_course(REGIMEN, date(9999, 12, 10), 1)
    assert plan_course(REGIMEN, date(9999, 12, 4), 1)[-1].date == date(9999, 12, 31)


def test_zero_cycles_is_refused():
    with pytest.raises(ScheduleError):
        plan_course(REGIMEN, date(2027, 1, 4), 0)


def test_holds_and_level_changes():
    start = date(2027, 1, 4)
    holds = [Hold(start + timedelta(days=offset)) for offset in range(9, 14)]
    change = LevelChange(start + timedelta(days=14), LENALIDOMIDE, 2)
    dex_change = LevelChange(start + timedelta(days=28), DEXAMETHASONE, 1)
    days = plan_course(REGIMEN, start, 2, holds=holds, level_changes=[change, dex_change])
    assert [day.lenalidomide_mg for day in days[:9]] == [25] * 9
    assert all(day.lenalidomide_mg == 0 and LENALIDOMIDE in day.held for day in days[9:14])
    assert days[8].dexamethasone_mg == 40
    assert days[9].dexamethasone_mg == 40
    assert [day.lenalidomide_mg for day in days[14:21]] == [15] * 7
    assert days[28].lenalidomide_mg == 15
    assert days[28].dexamethasone_mg == 20


def test_starting_level_and_alternate_day_schedule():
    days = plan_course(
        REGIMEN, date(2027, 1, 4), 1, lenalidomide_level=2, lenalidomide_every_days=2
    )
    given = [day.day for day in days if day.lenalidomide_mg]
    assert given == list(range(1, 22, 2))
    assert {day.lenalidomide_mg for day in days if day.lenalidomide_mg} == {15}
