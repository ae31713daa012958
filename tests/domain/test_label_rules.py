"""The US label's Table 1 and other-toxicity rule, row by row and in combination.

Each case tells a course the way a clinic would (counts, interruptions, resumes by cycle day),
asks the engine about one day, and checks the action, the dose to resume at, the dose due and
the label wording cited.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from tests.domain.courses import Course, day
from tracker.domain.label_rules import load_label_rules
from tracker.domain.treatment.engine import day_state

RULES = load_label_rules().wording


@dataclass(frozen=True)
class Case:
    story: Callable[[], Course]
    asked: object  # the date asked about
    action: str
    resume_mg: float | None
    due_mg: float | None = None
    cites: tuple[str, ...] = ()
    not_cites: tuple[str, ...] = ()


def _first_anc_drop() -> Course:
    return Course().count(day(1, 1), 3.0, 200).count(day(1, 10), 0.8, 150).interrupt(day(1, 10))


def _first_platelet_drop() -> Course:
    return Course().count(day(1, 1), 3.0, 200).count(day(1, 10), 2.0, 25).interrupt(day(1, 10))


CASES = {
    # -- platelets ---------------------------------------------------------------------
    "platelets fall below 30: interrupt, resume one level lower": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).count(day(1, 10), 2.0, 29.9),
        day(1, 10), "hold", 20, 25, ("platelets_low", "platelets_back"),
    ),
    "platelets exactly 30 are not below the threshold": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).count(day(1, 10), 2.0, 30),
        day(1, 10), "continue", None, 25,
    ),
    "while interrupted and still low: keep holding, CBC weekly": Case(
        lambda: _first_platelet_drop().count(day(1, 17), 2.0, 28),
        day(1, 17), "keep-holding", 20, 0, ("platelets_low", "platelets_back"),
    ),
    "platelets back to 30: resume at the next lower dose": Case(
        lambda: _first_platelet_drop().count(day(1, 17), 2.0, 30),
        day(1, 17), "resume", 20, 0, ("platelets_back",),
    ),
    "a later platelet drop: next lower again, cited as a subsequent drop": Case(
        lambda: _first_platelet_drop()
        .count(day(1, 17), 2.0, 80)
        .resume(day(1, 17), level=1)
        .count(day(2, 8), 2.0, 20)
        .interrupt(day(2, 8))
        .count(day(2, 15), 2.0, 90),
        day(2, 15), "resume", 15, 0, ("platelets_later",), ("platelets_back",),
    ),
    # -- ANC ---------------------------------------------------------------------------
    "ANC below 1.0 the first time: interrupt, resume at the starting dose": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).count(day(1, 10), 0.99, 150),
        day(1, 10), "hold", 25, 25, ("anc_low", "anc_back_only"),
    ),
    "ANC exactly 1.0 is not below the threshold": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).count(day(1, 10), 1.0, 150),
        day(1, 10), "continue", None, 25,
    ),
    "ANC back, neutropenia the only toxicity: the starting dose": Case(
        lambda: _first_anc_drop().count(day(1, 17), 1.2, 150),
        day(1, 17), "resume", 25, 0, ("anc_back_only",),
    ),
    "ANC back, the initial starting dose of a renal start": Case(
        lambda: Course(len_start_level=3)
        .count(day(1, 1), 3.0, 200)
        .count(day(1, 10), 0.8, 150)
        .interrupt(day(1, 10))
        .count(day(1, 17), 1.2, 150),
        day(1, 17), "resume", 10, 0, ("anc_back_only",),
    ),
    "ANC back with low platelets in the same episode: next lower": Case(
        lambda: Course()
        .count(day(1, 1), 3.0, 200)
        .count(day(1, 10), 0.8, 25)
        .interrupt(day(1, 10))
        .count(day(1, 17), 1.2, 40),
        day(1, 17), "resume", 20, 0, ("anc_back_other", "platelets_back"), ("anc_back_only",),
    ),
    "ANC back but another grade 3 toxicity still open: keep holding": Case(
        lambda: _first_anc_drop()
        .event("other", 3, day(1, 11))
        .count(day(1, 17), 1.2, 150),
        day(1, 17), "keep-holding", 20, 0, ("other_toxicity",),
    ),
    "ANC back and the other toxicity down to grade 2: next lower": Case(
        lambda: _first_anc_drop()
        .event("other", 3, day(1, 11), resolved=day(1, 16))
        .count(day(1, 17), 1.2, 150),
        day(1, 17), "resume", 20, 0, ("anc_back_other", "other_toxicity"), ("anc_back_only",),
    ),
    "a later ANC drop: next lower": Case(
        lambda: _first_anc_drop()
        .count(day(1, 17), 1.5, 150)
        .resume(day(1, 17))
        .count(day(2, 8), 0.7, 150)
        .interrupt(day(2, 8))
        .count(day(2, 15), 1.6, 150),
        day(2, 15), "resume", 20, 0, ("anc_later",), ("anc_back_only",),
    ),
    "a first ANC drop on a rest day counts: the next drop is a later one": Case(
        lambda: Course(cycles=2)
        .count(day(1, 1), 3.0, 200)
        .count(day(1, 24), 0.8, 200)
        .count(day(2, 1), 1.5, 200)
        .count(day(2, 8), 0.7, 200)
        .interrupt(day(2, 8))
        .count(day(2, 15), 1.7, 200),
        day(2, 15), "resume", 20, 0, ("anc_later",), ("anc_back_only",),
    ),
    "an earlier platelet drop does not make a first ANC drop a later one": Case(
        lambda: _first_platelet_drop()
        .count(day(1, 17), 2.0, 60)
        .resume(day(1, 17), level=1)
        .count(day(2, 8), 0.7, 200)
        .interrupt(day(2, 8))
        .count(day(2, 15), 1.7, 200),
        day(2, 15), "resume", 25, 0, ("anc_back_only",), ("anc_later",),
    ),
    "an earlier ANC drop does not make a first platelet drop a later one": Case(
        lambda: _first_anc_drop()
        .count(day(1, 17), 1.5, 200)
        .resume(day(1, 17))
        .count(day(2, 8), 2.0, 20)
        .interrupt(day(2, 8))
        .count(day(2, 15), 2.0, 60),
        day(2, 15), "resume", 20, 0, ("platelets_back",), ("platelets_later",),
    ),
    "a count behind the hold not measured since: keep holding": Case(
        lambda: _first_anc_drop().count(day(1, 17), None, 150),
        day(1, 17), "keep-holding", 25, 0, ("anc_low",),
    ),
    "a dip while still interrupted is the same drop, not a later one": Case(
        lambda: _first_anc_drop()
        .count(day(1, 14), 1.1, 150)
        .count(day(1, 17), 0.9, 150)
        .count(day(1, 24), 1.3, 150),
        day(1, 24), "resume", 25, 0, ("anc_back_only",), ("anc_later",),
    ),
    # -- the last rung ------------------------------------------------------------------
    "at 2.5 mg a drop resumes at 2.5 mg, never below": Case(
        lambda: Course()
        .level(day(1, 1), 5)
        .count(day(1, 1), 3.0, 200)
        .count(day(1, 10), 2.0, 20)
        .interrupt(day(1, 10))
        .count(day(1, 17), 2.0, 50),
        day(1, 17), "resume", 2.5, 0, ("platelets_back", "lowest_dose"),
    ),
    # -- other toxicity -------------------------------------------------------------------
    "another grade 3 toxicity: hold, restart one level lower at grade 2": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).event("vte", 3, day(1, 9)),
        day(1, 9), "hold", 20, 25, ("other_toxicity",),
    ),
    "grade 2 toxicity changes nothing": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).event("other", 2, day(1, 9)),
        day(1, 9), "continue", None, 25,
    ),
    # -- state ------------------------------------------------------------------------------
    "a hold is a state: still held on later days of the cycle": Case(
        _first_anc_drop, day(1, 18), "keep-holding", 25, 0,
    ),
    "a hold crosses the cycle boundary until a resume is recorded": Case(
        lambda: Course(cycles=2)
        .count(day(1, 1), 3.0, 200)
        .count(day(1, 20), 2.0, 20)
        .interrupt(day(1, 20))
        .count(day(2, 1), 2.0, 25),
        day(2, 5), "keep-holding", 20, 0,
    ),
    "a hold never resumed: counts back, the advice is to resume, nothing due": Case(
        lambda: _first_platelet_drop().count(day(1, 17), 2.0, 100),
        day(1, 21), "resume", 20, 0,
    ),
    "an interruption for another reason: the count rules do not say when": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).interrupt(day(1, 5), reason="surgery"),
        day(1, 8), "keep-holding", 25, 0, ("anc_low", "platelets_low"),
    ),
    "a course that ends during a hold: nothing due after, stop": Case(
        lambda: _first_anc_drop_ended(),
        day(1, 13), "stop", None, 0,
    ),
    "the next cycle due with low counts: delay it": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).count(day(1, 27), 0.6, 200),
        day(2, 1), "delay-cycle", 25, 0,
    ),
    "a drop passed with no interruption or decision: resume one level lower": Case(
        lambda: Course(cycles=2)
        .count(day(1, 1), 3.0, 200)
        .count(day(1, 24), 3.0, 20)
        .count(day(2, 1), 3.0, 90),
        day(2, 1), "resume", 20, 25, ("platelets_back",),
    ),
    "... until a dose decision is recorded": Case(
        lambda: Course(cycles=2)
        .count(day(1, 1), 3.0, 200)
        .count(day(1, 24), 3.0, 20)
        .count(day(2, 1), 3.0, 90)
        .level(day(2, 1), 1),
        day(2, 1), "continue", None, 20,
    ),
    "grade 5: nothing is due, stop": Case(
        lambda: Course().count(day(1, 1), 3.0, 200).event("vte", 5, day(1, 6)),
        day(1, 6), "stop", None, 0,
    ),
}


def _first_anc_drop_ended() -> Course:
    course = _first_anc_drop()
    course.ended_on = day(1, 12)
    return course


@pytest.mark.parametrize("name", list(CASES))
def test_the_label_row_by_row(name: str) -> None:
    case = CASES[name]
    state = day_state(case.story().history(), case.asked)
    advice = state.advice
    assert (advice.action, advice.resume_mg) == (case.action, case.resume_mg), advice.text
    if case.due_mg is not None:
        assert state.lenalidomide.due_mg == case.due_mg
    for key in case.cites:
        assert RULES[key] in advice.rules, (key, advice.rules)
    for key in case.not_cites:
        assert RULES[key] not in advice.rules, (key, advice.rules)
    if advice.action != "continue":
        assert advice.reason and (advice.basis or advice.action == "stop")


def test_the_advice_names_the_counts_and_dates_it_rests_on() -> None:
    advice = day_state(_first_anc_drop().history(), day(1, 12)).advice
    assert "ANC 0.8 x10^9/L on 2027-01-13" in advice.reason
    assert any("first ANC drop of the course" in line for line in advice.basis)
    assert "REVLIMID" in advice.source and "Table 1" in advice.source


def test_progression_recorded_advises_stopping() -> None:
    from tracker.domain.treatment.history import ResponseFact

    course = Course().count(day(1, 1), 3.0, 200)
    course.responses.append(ResponseFact(day(1, 20), "PD", day(1, 19)))
    assert day_state(course.history(), day(1, 18)).advice.action == "continue"
    assert day_state(course.history(), day(1, 20)).advice.action == "stop"
