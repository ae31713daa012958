from datetime import date, timedelta

import pytest

from tests.stand_ins import Dose, Event, Lab
from tracker.domain import label_rules
from tracker.domain.advice import (
    CONTINUE,
    INTERRUPT,
    KEEP_HOLDING,
    RESUME,
    ToxicityHistory,
    advise,
    advise_other_toxicity,
    history_from,
    hold_thresholds,
)
from tracker.domain.errors import DomainError
from tracker.domain.regimen import load_regimen
from tracker.resources import resource_path

NEUTRO = frozenset({"neutropenia"})
PLATELETS = frozenset({"thrombocytopenia"})
BOTH = NEUTRO | PLATELETS
RULES = label_rules.load_label_rules().wording
LOWEST = 5  # 2.5 mg, the last rung of the MM-010 ladder


@pytest.fixture(scope="module")
def regimen():
    return load_regimen()


def held(held_for=NEUTRO, **facts) -> ToxicityHistory:
    return ToxicityHistory(held=True, held_for=held_for, **facts)


# -- not on hold -------------------------------------------------------------------------


def test_counts_above_thresholds_change_nothing(regimen):
    advice = advise(1.0, 30, history=ToxicityHistory(), current_level=0, regimen=regimen)
    assert advice.action == CONTINUE
    assert advice.level is None and not advice.cbc_weekly
    assert "ANC 1.0 x10^9/L, not below 1.0" in advice.reason


def test_counts_fine_with_an_open_other_toxicity_point_to_that_rule(regimen):
    history = ToxicityHistory(other_toxicity=True, other_unresolved=True)
    advice = advise(2.0, 150, history=history, current_level=0, regimen=regimen)
    assert advice.action == CONTINUE and advice.level is None
    assert RULES["other_toxicity"] in advice.rules
    assert "An open grade 3-4 toxicity is recorded" in advice.reason


@pytest.mark.parametrize(
    ("anc", "platelets", "rule"),
    [(0.99, 200, "anc_low"), (3.0, 29.9, "platelets_low"), (0.0, None, "anc_low")],
)
def test_a_count_below_its_threshold_interrupts_with_weekly_cbc(regimen, anc, platelets, rule):
    advice = advise(anc, platelets, history=ToxicityHistory(), current_level=0, regimen=regimen)
    assert advice.action == INTERRUPT and advice.cbc_weekly
    assert RULES[rule] in advice.rules
    assert advice.level is None
    assert "REVLIMID" in advice.source and "2.2" in advice.source


def test_interrupt_says_where_the_resume_will_land(regimen):
    neutro = advise(
        0.8, 100, history=ToxicityHistory(starting_level=0), current_level=0, regimen=regimen
    )
    assert "resume at 25 mg (the starting dose)" in neutro.reason
    platelets = advise(2.0, 20, history=ToxicityHistory(), current_level=0, regimen=regimen)
    assert "resume at 20 mg (one dose level lower)" in platelets.reason


def test_a_later_drop_is_announced_when_interrupting(regimen):
    history = ToxicityHistory(previous_drops={"thrombocytopenia": 1})
    advice = advise(0.5, 200, history=history, current_level=1, regimen=regimen)
    assert advice.action == INTERRUPT
    assert RULES["later_drop"] in advice.rules
    assert "15 mg (one dose level lower)" in advice.reason


# -- resuming ------------------------------------------------------------------------------


def test_first_neutropenia_only_resumes_at_the_starting_dose(regimen):
    advice = advise(1.0, 150, history=held(starting_level=0), current_level=0, regimen=regimen)
    assert (advice.action, advice.level, advice.dose_mg) == (RESUME, 0, 25)
    assert advice.rules == (RULES["anc_back_only"],)
    assert not advice.cbc_weekly


def test_renal_starting_dose_is_kept_on_resume(regimen):
    advice = advise(1.4, 150, history=held(starting_level=3), current_level=3, regimen=regimen)
    assert (advice.level, advice.dose_mg) == (3, 10)
    assert "10 mg (the starting dose)" in advice.reason


def test_resume_never_undoes_a_reduction_made_for_another_reason(regimen):
    advice = advise(1.4, 150, history=held(starting_level=0), current_level=2, regimen=regimen)
    assert (advice.action, advice.level) == (RESUME, 2)
    assert "15 mg (the dose before the hold)" in advice.reason


def test_unknown_starting_dose_resumes_at_the_dose_before_the_hold(regimen):
    advice = advise(2.0, None, history=held(), current_level=1, regimen=regimen)
    assert (advice.action, advice.level) == (RESUME, 1)


def test_neutropenia_with_other_toxicity_resumes_one_level_lower(regimen):
    history = held(other_toxicity=True, starting_level=0)
    advice = advise(1.1, 150, history=history, current_level=0, regimen=regimen)
    assert (advice.action, advice.level, advice.dose_mg) == (RESUME, 1, 20)
    assert advice.rules == (RULES["anc_back_other"],)


def test_platelets_back_resume_at_the_next_lower_dose(regimen):
    advice = advise(None, 30, history=held(PLATELETS), current_level=0, regimen=regimen)
    assert (advice.action, advice.level, advice.dose_mg) == (RESUME, 1, 20)
    assert advice.rules == (RULES["platelets_back"],)


def test_both_counts_back_step_down_one_level_only(regimen):
    advice = advise(1.5, 80, history=held(BOTH, starting_level=0), current_level=2, regimen=regimen)
    assert (advice.action, advice.level, advice.dose_mg) == (RESUME, 3, 10)


@pytest.mark.parametrize("kind", ["neutropenia", "thrombocytopenia"])
def test_each_later_drop_resumes_one_level_lower(regimen, kind):
    history = held(NEUTRO, previous_drops={kind: 1}, starting_level=0)
    advice = advise(1.2, 100, history=history, current_level=1, regimen=regimen)
    assert (advice.action, advice.level, advice.dose_mg) == (RESUME, 2, 15)
    assert advice.rules == (RULES["later_drop"],)


def test_never_below_the_last_rung(regimen):
    advice = advise(None, 60, history=held(PLATELETS), current_level=LOWEST, regimen=regimen)
    assert (advice.action, advice.level, advice.dose_mg) == (RESUME, LOWEST, 2.5)
    assert RULES["lowest_dose"] in advice.rules
    assert "the label goes no lower" in advice.reason


# -- staying on hold -------------------------------------------------------------------------


def test_still_low_keeps_the_hold_with_weekly_cbc(regimen):
    advice = advise(0.7, 120, history=held(), current_level=0, regimen=regimen)
    assert (advice.action, advice.cbc_weekly, advice.level) == (KEEP_HOLDING, True, None)
    assert "ANC 0.7 x10^9/L, below 1.0" in advice.reason


def test_the_count_behind_the_hold_must_be_measured_to_resume(regimen):
    advice = advise(2.5, None, history=held(PLATELETS), current_level=0, regimen=regimen)
    assert advice.action == KEEP_HOLDING
    assert "platelets not measured" in advice.reason


def test_a_second_count_falling_during_the_hold_changes_the_resume(regimen):
    advice = advise(
        1.5, 20, history=held(NEUTRO, starting_level=0), current_level=0, regimen=regimen
    )
    assert advice.action == KEEP_HOLDING
    assert "resume at 20 mg (one dose level lower)" in advice.reason
    assert RULES["platelets_low"] in advice.rules


def test_recovered_counts_wait_for_an_open_other_toxicity(regimen):
    history = held(other_toxicity=True, other_unresolved=True)
    advice = advise(1.5, 100, history=history, current_level=0, regimen=regimen)
    assert advice.action == KEEP_HOLDING and advice.level is None
    assert RULES["other_toxicity"] in advice.rules
    assert "restart at 20 mg (one dose level lower) once it is grade 2 or less" in advice.reason


def test_a_hold_for_another_toxicity(regimen):
    still_open = held(frozenset(), other_toxicity=True, other_unresolved=True)
    assert advise(2, 200, history=still_open, current_level=0, regimen=regimen).action == (
        KEEP_HOLDING
    )
    resolved = held(frozenset(), other_toxicity=True)
    advice = advise(2, 200, history=resolved, current_level=0, regimen=regimen)
    assert (advice.action, advice.level) == (RESUME, 1)
    assert advice.rules == (RULES["other_toxicity"],)


def test_a_hold_for_no_recorded_reason_gets_no_resume_advice(regimen):
    advice = advise(2, 200, history=held(frozenset()), current_level=0, regimen=regimen)
    assert advice.action == CONTINUE and advice.level is None
    assert "do not say when to resume" in advice.reason


# -- other toxicity ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("grade", "on_hold", "action", "level"),
    [
        (3, False, INTERRUPT, None),
        (4, False, INTERRUPT, None),
        (4, True, KEEP_HOLDING, None),
        (2, True, RESUME, 2),
        (1, True, RESUME, 2),
        (2, False, CONTINUE, None),
    ],
)
def test_other_toxicity_rule(regimen, grade, on_hold, action, level):
    advice = advise_other_toxicity(
        grade, held=on_hold, current_level=1, regimen=regimen, term="diarrhoea"
    )
    assert (advice.action, advice.level) == (action, level)
    assert RULES["other_toxicity"] in advice.rules
    assert ("iarrhoea" in advice.reason) and f"grade {grade}" in advice.reason


def test_other_toxicity_restart_grade_comes_from_the_data_file(regimen, monkeypatch, tmp_path):
    source = resource_path("advice", "lenalidomide-label.toml").read_text("utf-8")
    assert source.count("restart_at_or_below_grade = 2") == 1
    (tmp_path / "advice").mkdir()
    (tmp_path / "advice" / "lenalidomide-label.toml").write_text(
        source.replace("restart_at_or_below_grade = 2", "restart_at_or_below_grade = 1"), "utf-8"
    )
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path))
    label_rules.load_label_rules.cache_clear()
    try:
        grade_2 = advise_other_toxicity(2, held=True, current_level=0, regimen=regimen)
        grade_1 = advise_other_toxicity(1, held=True, current_level=0, regimen=regimen)
        grade_3 = advise_other_toxicity(3, held=False, current_level=0, regimen=regimen)
    finally:
        monkeypatch.undo()
        label_rules.load_label_rules.cache_clear()
    assert (grade_2.action, grade_2.level) == (KEEP_HOLDING, None)
    assert "once it is grade 1 or less" in grade_2.reason
    assert (grade_1.action, grade_1.level) == (RESUME, 1)
    assert "once it is grade 1 or less" in grade_3.reason
    shipped = advise_other_toxicity(3, held=False, current_level=0, regimen=regimen)
    assert "once it is grade 2 or less" in shipped.reason


def test_other_toxicity_restart_stays_on_the_last_rung(regimen):
    advice = advise_other_toxicity(2, held=True, current_level=LOWEST, regimen=regimen)
    assert (advice.level, advice.dose_mg) == (LOWEST, 2.5)
    assert RULES["lowest_dose"] in advice.rules


def test_the_text_shows_reason_and_cited_wording(regimen):
    advice = advise(0.4, 140, history=ToxicityHistory(), current_level=0, regimen=regimen)
    reason, cited = advice.text.split("\n")
    assert reason == advice.reason
    assert cited.startswith("US label: ANC falls below 1,000/mcL: interrupt lenalidomide")


def test_bad_inputs_are_refused(regimen):
    with pytest.raises(DomainError, match="ANC must be a count of 0 or more"):
        advise(-1, 100, history=ToxicityHistory(), current_level=0, regimen=regimen)
    with pytest.raises(DomainError, match="level 9 does not exist"):
        advise(1, 100, history=ToxicityHistory(), current_level=9, regimen=regimen)
    with pytest.raises(DomainError, match="grade is 0 to 5"):
        advise_other_toxicity(6, held=False, current_level=0, regimen=regimen)


def test_hold_thresholds_come_from_the_data_file(regimen, monkeypatch, tmp_path):
    assert hold_thresholds() == {"neutropenia": 1.0, "thrombocytopenia": 30}
    source = resource_path("advice", "lenalidomide-label.toml").read_text("utf-8")
    (tmp_path / "advice").mkdir()
    (tmp_path / "advice" / "lenalidomide-label.toml").write_text(
        source.replace("platelets_below = 30", "platelets_below = 50"), "utf-8"
    )
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(tmp_path))
    label_rules.load_label_rules.cache_clear()
    try:
        advice = advise(2.0, 40, history=ToxicityHistory(), current_level=0, regimen=regimen)
        assert advice.action == INTERRUPT
    finally:
        monkeypatch.undo()
        label_rules.load_label_rules.cache_clear()
    assert advise(2.0, 40, history=ToxicityHistory(), current_level=0, regimen=regimen).action == (
        CONTINUE
    )


# -- history from records ------------------------------------------------------------------

START = date(2026, 1, 5)


def day(n: int) -> date:
    return START + timedelta(days=n - 1)


def test_no_records_no_hold():
    history = history_from(labs=[], events=[], doses=[])
    assert history == ToxicityHistory(previous_drops={"neutropenia": 0, "thrombocytopenia": 0})


def test_the_trailing_held_run_is_the_current_hold():
    doses = [Dose(day(1), "taken"), Dose(day(10), "held"), Dose(day(11), "held")]
    labs = [Lab(day(1), anc=3.0, platelets=200), Lab(day(10), anc=800, anc_unit="/mm3")]
    history = history_from(labs=labs, events=[], doses=doses, starting_level=0)
    assert (history.held, history.held_since, history.held_for) == (True, day(10), NEUTRO)
    assert history.earlier_drops == 0 and history.starting_level == 0


def test_a_taken_dose_after_the_holds_ends_the_hold():
    doses = [Dose(day(10), "held"), Dose(day(12), "taken"), Dose(day(12), "held", "dexamethasone")]
    history = history_from(labs=[Lab(day(10), anc=0.5)], events=[], doses=doses)
    assert not history.held and history.held_for == frozenset()


def test_earlier_drops_in_this_course_are_counted():
    doses = [Dose(day(1), "taken"), Dose(day(3), "held"), Dose(day(8), "taken")]
    doses += [Dose(day(15), "held")]
    labs = [
        Lab(day(-30), anc=0.4),  # a previous course: before the first dose record
        Lab(day(1), anc=2.5, platelets=150),
        Lab(day(3), platelets=20_000, platelets_unit="/mm3"),
        Lab(day(5), platelets=25),  # the same drop, not a second one
        Lab(day(8), platelets=60),
        Lab(day(14), anc=0.7, platelets=90),
    ]
    history = history_from(labs=labs, events=[], doses=doses)
    assert history.held_since == day(15)
    assert history.held_for == NEUTRO
    assert history.previous_drops == {"neutropenia": 0, "thrombocytopenia": 1}


def test_since_overrides_the_first_dose_record():
    labs = [Lab(day(2), anc=0.6), Lab(day(4), anc=1.5), Lab(day(9), anc=0.6)]
    doses = [Dose(day(9), "held")]
    assert history_from(labs=labs, events=[], doses=doses).earlier_drops == 0
    with_since = history_from(labs=labs, events=[], doses=doses, since=day(1))
    assert with_since.previous_drops == {"neutropenia": 1, "thrombocytopenia": 0}


def test_counts_falling_during_the_hold_join_what_it_is_for():
    labs = [Lab(day(10), anc=0.8, platelets=100), Lab(day(17), anc=0.9, platelets=22)]
    history = history_from(labs=labs, events=[], doses=[Dose(day(10), "held")])
    assert history.held_for == BOTH


def test_other_grade_3_4_toxicity_overlapping_the_hold():
    doses = [Dose(day(1), "taken"), Dose(day(10), "held")]
    labs = [Lab(day(10), anc=0.8)]
    events = [
        Event("vte", 3, day(12)),
        Event("neutropenia", 4, day(10)),
        Event("other", 2, day(11)),
    ]
    history = history_from(labs=labs, events=events, doses=doses)
    assert history.other_toxicity and history.other_unresolved

    resolved = [Event("other", 3, day(11), resolution_date=day(16))]
    history = history_from(labs=labs, events=resolved, doses=doses)
    assert history.other_toxicity and not history.other_unresolved

    before_hold = [Event("other", 4, day(2), resolution_date=day(6))]
    assert not history_from(labs=labs, events=before_hold, doses=doses).other_toxicity
    earlier_course = [Event("vte", 3, day(-40))]
    assert not history_from(labs=labs, events=earlier_course, doses=doses).other_toxicity
    low_grade = [Event("other", 2, day(11))]
    assert not history_from(labs=labs, events=low_grade, doses=doses).other_toxicity


def test_history_and_advice_together(regimen):
    """Second neutropenia drop of a course: resume one level below the dose before the hold."""
    doses = [Dose(day(1), "taken"), Dose(day(8), "held"), Dose(day(15), "taken")]
    doses += [Dose(day(36), "held")]
    labs = [Lab(day(8), anc=0.9), Lab(day(15), anc=1.6), Lab(day(36), anc=0.6)]
    history = history_from(labs=labs, events=[], doses=doses, starting_level=0)
    advice = advise(1.3, 120, history=history, current_level=0, regimen=regimen)
    assert (advice.action, advice.level, advice.dose_mg) == (RESUME, 1, 20)
    assert RULES["later_drop"] in advice.rules
