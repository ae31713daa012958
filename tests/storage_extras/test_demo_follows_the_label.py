"""The demo is a clinic that follows the label: replaying each course's stored history
through the treatment engine finds every hold, resume, reduced level and delayed cycle where
the engine advised it, and no lenalidomide recorded where it said to hold."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest

from tests.storage_extras.demo_cohort import StoredCourse, day, make_demo, rows, stored_courses
from tracker.domain.label_rules import load_label_rules
from tracker.domain.regimen import LENALIDOMIDE
from tracker.domain.treatment.engine import day_state
from tracker.domain.treatment.history import CourseHistory
from tracker.domain.treatment.label import HOLD, KEEP_HOLDING, RESUME, label_advice
from tracker.domain.treatment.monitoring import count_schedule
from tracker.domain.treatment.start_check import cycle_start_check

LOWEST_LENALIDOMIDE_MG = 2.5  # US label: never below 2.5 mg


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite")


@pytest.fixture(scope="module")
def courses(demo) -> list[StoredCourse]:
    return stored_courses(demo)


def before_deciding(history: CourseHistory, on: date) -> CourseHistory:
    """The history as the clinic had it on ``on`` before deciding anything that day: no
    interruption begun from that day on, the one ended that day still open, no lenalidomide
    level change effective from that day, no cycle begun from that day, and no event known
    to have resolved later."""
    return replace(
        history,
        cycle_starts=tuple(start for start in history.cycle_starts if start < on)
        or history.cycle_starts[:1],
        interruptions=tuple(
            replace(i, end=None, resume_level=None) if i.end is not None and i.end >= on else i
            for i in history.interruptions
            if i.start < on
        ),
        level_changes=tuple(
            change
            for change in history.level_changes
            if change.drug != LENALIDOMIDE or change.effective < on
        ),
        events=tuple(
            replace(event, resolved=None)
            if event.resolved is not None and event.resolved > on
            else event
            for event in history.events
        ),
    )


def test_no_lenalidomide_is_recorded_inside_an_interruption(demo, courses):
    assert rows(demo, "SELECT COUNT(*) AS n FROM dose_records WHERE status = 'held'")[0]["n"] == 0
    interrupted = 0
    for stored in courses:
        for record in stored.doses:
            assert record.status in {"taken", "missed"}
            if record.drug == LENALIDOMIDE:
                assert stored.history.interruption_on(record.date) is None, record
        interrupted += bool(stored.interruptions)
    assert interrupted > 20


def test_each_interruption_starts_on_a_day_the_engine_advised_hold(courses):
    checked = 0
    for stored in courses:
        for interruption in stored.interruptions:
            assert interruption.drug == LENALIDOMIDE
            start = interruption.start_date
            advice = label_advice(before_deciding(stored.history, start), start)
            assert advice.action == HOLD, (stored.course.id, start, advice.reason)
            # The reason recorded is the finding the advice rests on.
            finding = advice.basis[0]
            assert interruption.reason.split(":")[0] == finding.split(" (")[0], interruption
            assert finding.split(" ")[0] in {"ANC", "platelets", "VTE"}
            checked += 1
    assert checked > 30


def test_each_resume_is_at_the_level_the_engine_advised_never_below_2_5_mg(courses):
    resumed = still_open = 0
    for stored in courses:
        ladder = stored.history.regimen.lenalidomide
        for interruption in stored.interruptions:
            if interruption.end_date is None:
                assert interruption.resume_level is None
                still_open += 1
                continue
            end = interruption.end_date
            advice = label_advice(before_deciding(stored.history, end), end)
            assert advice.action == RESUME, (stored.course.id, end, advice.reason)
            assert interruption.resume_level == advice.resume_level
            assert ladder.dose_for_level(interruption.resume_level) >= LOWEST_LENALIDOMIDE_MG
            assert stored.history.level_on(LENALIDOMIDE, end) == interruption.resume_level
            resumed += 1
    assert resumed > 30 and still_open > 0


def test_every_lenalidomide_level_change_is_a_resume_the_engine_advised(courses):
    changed = 0
    for stored in courses:
        for change in stored.history.level_changes:
            if change.drug != LENALIDOMIDE:
                continue
            advice = label_advice(
                before_deciding(stored.history, change.effective), change.effective
            )
            assert advice.action == RESUME and advice.resume_level == change.level, (
                stored.course.id,
                change,
                advice.reason,
            )
            changed += 1
    assert changed > 20


def test_no_count_is_left_without_the_action_the_engine_advised(courses):
    """With everything stored, no count day still calls for a hold or a resume: the clinic
    acted on each; counts below the thresholds between cycles delay the cycle."""
    actions = set()
    for stored in courses:
        for count in stored.history.counts:
            if not stored.history.start <= count.on <= stored.last_day:
                continue
            state = day_state(stored.history, count.on)
            actions.add(state.advice.action)
            assert state.advice.action not in (HOLD, RESUME), (stored.course.id, count)
            if state.on_hold or state.advice.withholds:
                assert (count.on, LENALIDOMIDE) not in {(d.date, d.drug) for d in stored.doses}
    assert {"continue", KEEP_HOLDING, "delay-cycle"} <= actions


def test_cycles_start_when_the_engine_allows_and_say_what_they_override(demo, courses):
    cycles = {
        (cycle["course_id"], cycle["number"]): cycle for cycle in rows(demo, "SELECT * FROM cycles")
    }
    waited = 0
    for stored in courses:
        history = stored.history
        for number, start in enumerate(history.cycle_starts[1:], start=2):
            before = before_deciding(history, start)
            assert not day_state(before, start).advice.withholds, (stored.course.id, number)
            resuming = before.interruption_on(start) is not None
            check = cycle_start_check(before, start, resuming=resuming)
            cycle = cycles[stored.course.id, number]
            assert cycle["start_problems"] == ("; ".join(check.problems) or None)
            assert bool(cycle["start_override"]) == check.needs_override
            if "awaiting recovery" in (cycle["delay_reason"] or ""):
                waited += 1
                # On a count day of the wait, the engine said to delay the cycle.
                planned = day(cycle["planned_start"])
                tried = [c.on for c in history.counts if planned <= c.on < start]
                assert any(day_state(before, on).advice.withholds for on in tried), cycle
    assert waited > 3


def test_the_label_rules_behind_the_holds(demo, courses):
    """Platelets of 30 or more never hold; a first ANC drop with nothing else resumes at the
    starting dose; a grade 3-4 clot holds."""
    rules = load_label_rules()
    for stored in courses:
        history = stored.history
        for interruption in stored.interruptions:
            start = interruption.start_date
            anc, platelets = (history.latest(kind, start) for kind in ("neutropenia",
                                                                       "thrombocytopenia"))  # fmt: skip
            low_counts = (anc is not None and anc.on == start and anc.value < rules.anc_below) or (
                platelets is not None
                and platelets.on == start
                and platelets.value < rules.platelets_below
            )
            clot = any(e.event_type == "vte" and e.grade >= 3 and e.onset == start
                       for e in history.events)  # fmt: skip
            assert low_counts or clot, (stored.course.id, start)
        kinds = [(e.event_type, e.grade) for e in history.events if e.grade >= 3]
        if len(kinds) == 1 and kinds[0][0] == "neutropenia":
            for interruption in stored.interruptions:
                assert interruption.resume_level in (None, stored.course.len_start_level)
    events = rows(demo, "SELECT * FROM adverse_events WHERE event_type = 'thrombocytopenia'")
    labs = {lab["id"]: lab for lab in rows(demo, "SELECT * FROM labs")}
    above = [e for e in events if _platelets(labs[e["lab_id"]]) >= rules.platelets_below]
    assert above and {e["action"] for e in above} == {"none"}


def _platelets(lab: dict) -> float:
    return lab["platelets"] / 1000 if lab["platelets_unit"] == "/mm3" else lab["platelets"]


def test_vte_grades_follow_ctcae_v5_and_grade_3_4_clots_hold(demo, courses):
    clots = rows(demo, "SELECT * FROM adverse_events WHERE event_type = 'vte'")
    grades = {(clot["term"], clot["grade"]) for clot in clots}
    # A DVT treated with anticoagulation is grade 2; a pulmonary embolism grade 3 (urgent
    # intervention) or 4 (haemodynamic instability); no death in the demo.
    assert grades == {("Deep vein thrombosis", 2), ("Pulmonary embolism", 3),
                      ("Pulmonary embolism", 4)}  # fmt: skip
    by_course = {stored.course.id: stored for stored in courses}
    for clot in clots:
        stored = by_course[clot["course_id"]]
        onset = day(clot["onset_date"])
        if onset > stored.last_day:
            continue
        state = day_state(stored.history, onset)
        if clot["grade"] >= 3:
            assert state.withholds_lenalidomide, (clot, state.advice.reason)
            assert clot["action"] in {"held", "reduced"}
        else:
            assert clot["action"] == "none"


def test_counts_follow_the_count_schedule(courses):
    """Every count the schedule has due (by cycle day, from the actual starts) was drawn;
    every other count was weekly while held, or on a day a delayed cycle was tried."""
    schedule = count_schedule()
    extra = weekly_checked = 0
    for stored in courses:
        history = stored.history
        drawn = [count.on for count in history.counts]
        assert len(drawn) == len(set(drawn)) and drawn[0] == history.start
        due = {
            when
            for number, begun in enumerate(history.cycle_starts, start=1)
            for when in schedule.due_dates(number, begun)
            if when <= stored.last_day
        }
        assert due <= set(drawn), (stored.course.id, sorted(due - set(drawn)))
        cycle_length = timedelta(days=history.cycle_length)
        waits = [
            (previous + cycle_length, begun)
            for previous, begun in itertools.pairwise(history.cycle_starts)
        ]
        if stored.course.end_date is None:
            waits.append((history.next_cycle_due, stored.last_day + timedelta(days=1)))
        for previous, when in itertools.pairwise(drawn):
            if when in due:
                continue
            extra += 1
            weekly = when - previous == timedelta(days=schedule.while_interrupted_every_days)
            waiting = any(first <= when < begun for first, begun in waits)
            assert weekly or waiting, (stored.course.id, when)
        # While the label asks for weekly counts, the next one is at most a week later.
        week = timedelta(days=schedule.while_interrupted_every_days)
        for when in drawn:
            if when + week <= stored.last_day and label_advice(history, when).cbc_weekly:
                assert any(when < later <= when + week for later in drawn), (stored.course.id, when)
                weekly_checked += 1
    assert extra > 20 and weekly_checked > 20
