import pytest

from tracker.domain.errors import DomainError
from tracker.domain.regimen import load_regimen
from tracker.resources import load_toml


@pytest.fixture
def regimen():
    return load_regimen()


def test_regimen_data_matches_the_trial(regimen):
    assert regimen.cycle_length_days == 28
    assert "2123-32" in regimen.source
    assert regimen.lenalidomide.standard_dose_mg == 25
    assert regimen.dexamethasone.standard_dose_mg == 40
    assert regimen.lenalidomide.days_in_cycle(1) == frozenset(range(1, 22))
    assert regimen.lenalidomide.days_in_cycle(30) == frozenset(range(1, 22))


@pytest.mark.parametrize("cycle", [1, 2, 3, 4])
def test_dexamethasone_three_pulses_in_cycles_one_to_four(regimen, cycle):
    expected = set(range(1, 5)) | set(range(9, 13)) | set(range(17, 21))
    assert regimen.dexamethasone.days_in_cycle(cycle) == expected


@pytest.mark.parametrize("cycle", [5, 6, 12, 40])
def test_dexamethasone_days_one_to_four_from_cycle_five(regimen, cycle):
    assert regimen.dexamethasone.days_in_cycle(cycle) == set(range(1, 5))


def test_dose_ladder_steps_down_and_stops_at_last_rung(regimen):
    len_drug = regimen.lenalidomide
    assert [len_drug.dose_for_level(level) for level in range(6)] == [25, 20, 15, 10, 5, 2.5]
    assert len_drug.next_lower_level(0) == 1
    assert len_drug.next_lower_level(4) == 5
    assert len_drug.next_lower_level(5) == 5
    assert len_drug.dose_for_level(len_drug.next_lower_level(5)) == 2.5


def test_dose_levels_outside_the_ladder_are_refused(regimen):
    with pytest.raises(DomainError, match="level 6 does not exist"):
        regimen.lenalidomide.dose_for_level(6)
    with pytest.raises(DomainError, match="not a Lenalidomide dose level"):
        regimen.lenalidomide.level_for_dose(12.5)
    assert regimen.lenalidomide.level_for_dose(10) == 3


def test_unknown_regimen_is_a_clear_error():
    with pytest.raises(DomainError, match="unknown regimen"):
        load_regimen("no-such-regimen")


def test_mm010_has_no_age_rule_for_dexamethasone(regimen):
    # MM-010 gave 40 mg whatever the age: the regimen file carries no age rule at all.
    data = load_toml("regimens", "mm010-rd.toml")
    assert not any("age" in key for key in data["drugs"]["dexamethasone"])
    assert regimen.dexamethasone.standard_dose_mg == 40
