"""The demo cohort: labelled, deterministic, internally consistent, at the trial's event rates."""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections import Counter, defaultdict
from datetime import timedelta
from pathlib import Path

import pytest

from tests.storage_extras.demo_cohort import (
    PATIENTS,
    anc_per_litre,
    day,
    make_demo,
    platelets_per_litre,
    rows,
    stored_courses,
)
from tests.storage_extras.helpers import FIXED_TODAY, add_plain_patient
from tracker.domain.regimen import DEXAMETHASONE, LENALIDOMIDE, load_regimen
from tracker.domain.renal import age_on
from tracker.storage.database import open_database
from tracker.storage.demo import (
    COLUMNS,
    HISTORY_DAYS,
    MAX_CYCLES,
    fill_demo_database,
    reference_event_rates,
)
from tracker.storage.errors import ValidationError
from tracker.storage.queries import course_calendar

TRIAL_RATES = reference_event_rates("mm010", "lenalidomide")
# Timestamps of writing, which differ from run to run by design.
WRITE_TIME_COLUMNS = {"created_at", "updated_at", "at"}


def _without_times(column: str, value: object) -> object:
    """An audit row's hash and its digests of rows cover the moments of writing too."""
    if column == "hash":
        return None
    if column == "after_json" and isinstance(value, str):
        after = json.loads(value)
        if isinstance(after, dict):
            return {
                key: item
                for key, item in after.items()
                if key not in WRITE_TIME_COLUMNS and key != "attested"
            }
    return value


def shares_of_patients(path: Path) -> dict[str, float]:
    patients_with = defaultdict(set)
    for event in rows(path, "SELECT patient_id, event_type FROM adverse_events"):
        patients_with[event["event_type"]].add(event["patient_id"])
    total = rows(path, "SELECT COUNT(*) AS n FROM patients")[0]["n"]
    return {kind: len(ids) / total for kind, ids in patients_with.items()}


def dump(path: Path) -> dict[str, list[tuple]]:
    """Every table's rows, without the moments they were written."""
    connection = sqlite3.connect(path)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT LIKE 'sqlite_%' AND name != '_sqlite_migrations' ORDER BY name"
            )
        ]
        result = {}
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}" ORDER BY rowid')
            names = [c[0] for c in cursor.description]
            keep = [i for i, name in enumerate(names) if name not in WRITE_TIME_COLUMNS]
            result[table] = [
                tuple(_without_times(names[i], row[i]) for i in keep) for row in cursor
            ]
        return result
    finally:
        connection.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> Path:
    return make_demo(tmp_path_factory.mktemp("demo") / "demo.sqlite")


def neutropenia_grade(anc: float) -> int:
    return 4 if anc < 0.5 else 3 if anc < 1.0 else 0


def thrombocytopenia_grade(platelets: float) -> int:
    return 4 if platelets < 25 else 3 if platelets < 50 else 0


def test_every_record_is_labelled_synthetic(demo):
    patients = rows(demo, "SELECT * FROM patients ORDER BY id")
    assert len(patients) == PATIENTS
    assert patients[41]["name"] == "DEMO Patient 00042"
    assert patients[41]["mrn"] == "DEMO-00042"
    assert all(p["mrn"].startswith("DEMO-") and p["name"].startswith("DEMO ") for p in patients)
    assert all("synthetic" in p["notes"].lower() for p in patients)
    assert rows(demo, "SELECT value FROM settings WHERE key = 'demo'") == [{"value": "1"}]
    assert {p["sex"] for p in patients} == {"F", "M"}
    assert {p["creatinine_unit"] for p in patients} == {"mg/dL", "umol/L"}


def test_one_audit_row_per_table_batch(demo):
    audit = rows(demo, "SELECT * FROM audit_log WHERE row_id IS NULL OR table_name = 'settings'")
    by_table = {entry["table_name"]: entry for entry in audit}
    assert len(audit) == len(by_table) == len(COLUMNS) + 1  # + the demo setting
    for table in COLUMNS:
        entry = by_table[table]
        summary = json.loads(entry["after_json"])
        count = rows(demo, f"SELECT COUNT(*) AS n FROM {table}")[0]["n"]
        assert entry["action"] == "insert"
        assert summary["demo"] is True and summary["seed"] == 7
        assert summary["rows"] == count > 0
    assert json.loads(by_table["settings"]["after_json"]) == {"key": "demo", "value": "1"}


def test_each_demo_patient_has_an_added_row_in_their_history(demo):
    patients = {row["id"]: row for row in rows(demo, "SELECT * FROM patients")}
    added = rows(
        demo, "SELECT * FROM audit_log WHERE table_name = 'patients' AND row_id = patient_id"
    )
    assert sorted(entry["row_id"] for entry in added) == sorted(patients)
    assert {entry["action"] for entry in added} == {"insert"}
    for entry in added:
        assert json.loads(entry["after_json"]) == patients[entry["row_id"]]
    assert rows(demo, "SELECT COUNT(*) AS n FROM audit_log")[0]["n"] == len(COLUMNS) + 1 + len(
        patients
    )


def test_courses_run_until_they_end_in_sequence_over_the_history(demo):
    courses = rows(demo, "SELECT * FROM courses")
    assert len(courses) == PATIENTS
    starts = [day(course["start_date"]) for course in courses]
    assert min(starts) >= FIXED_TODAY - timedelta(days=HISTORY_DAYS)
    assert max(starts) <= FIXED_TODAY
    cycles = defaultdict(list)
    for cycle in rows(demo, "SELECT * FROM cycles ORDER BY course_id, number"):
        cycles[cycle["course_id"]].append(cycle)
    counts = [len(cycles[course["id"]]) for course in courses]
    assert min(counts) == 1 and max(counts) <= MAX_CYCLES and len(set(counts)) > 10
    delays = 0
    for course in courses:
        own = cycles[course["id"]]
        assert [c["number"] for c in own] == list(range(1, len(own) + 1))
        assert own[0]["actual_start"] == course["start_date"]
        for previous, cycle in itertools.pairwise(own):
            assert day(cycle["planned_start"]) == day(previous["actual_start"]) + timedelta(28)
        for cycle in own:
            late = day(cycle["actual_start"]) > day(cycle["planned_start"])
            assert late == bool(cycle["delay_reason"]), cycle
            delays += late
    assert delays > 10


def test_recent_courses_are_active_through_today_and_old_ones_ended(demo):
    courses = {course["id"]: course for course in rows(demo, "SELECT * FROM courses")}
    last_cycles = {
        cycle["course_id"]: cycle
        for cycle in rows(demo, "SELECT * FROM cycles ORDER BY course_id, number")
    }
    statuses = Counter(course["status"] for course in courses.values())
    assert statuses["active"] > 20 and statuses["ended"] > 50
    for course_id, course in courses.items():
        last = last_cycles[course_id]
        if course["status"] == "active":
            assert course["end_date"] is None and last["status"] == "active"
            # Today is in the last cycle, or in a delay before the next one.
            assert 0 <= (FIXED_TODAY - day(last["actual_start"])).days < 28 + 30
        else:
            assert day(course["end_date"]) < FIXED_TODAY
            assert course["end_reason"] in {"progression", "toxicity", "death", "other"}
            assert last["status"] == "completed"
    reasons = Counter(c["end_reason"] for c in courses.values() if c["status"] == "ended")
    assert reasons["progression"] > reasons["toxicity"] > 0

    def started_within(days: int) -> list[dict]:
        return [c for c in courses.values() if FIXED_TODAY - day(c["start_date"]) < timedelta(days)]

    # Even a one-cycle course runs at least 20 days; most recent courses are still running.
    assert all(course["status"] == "active" for course in started_within(20))
    recent = started_within(120)
    active = [course for course in recent if course["status"] == "active"]
    assert len(recent) > 10 and len(active) >= 0.75 * len(recent)


def test_dose_records_are_the_engines_doses_due(demo):
    """A record (mostly taken, a few missed) for every dose the course calendar has due up
    to yesterday or the course end, at its dose; none on interrupted days, none "held"."""
    doses = Counter(
        (d["drug"], d["status"]) for d in rows(demo, "SELECT drug, status FROM dose_records")
    )
    assert set(doses) == {(drug, status) for drug in ("lenalidomide", "dexamethasone")
                          for status in ("taken", "missed")}  # fmt: skip
    assert doses["lenalidomide", "taken"] > 0.9 * sum(
        count for (drug, _), count in doses.items() if drug == "lenalidomide"
    )
    courses = rows(demo, "SELECT id, status, end_date FROM courses")
    yesterday = FIXED_TODAY - timedelta(days=1)
    held_days = 0
    with open_database(demo, clock=lambda: FIXED_TODAY) as store:
        for course in courses:
            until = yesterday if course["end_date"] is None else day(course["end_date"])
            due = {}
            for planned in course_calendar(store, course["id"]):
                held_days += bool(planned.held)
                for drug, mg in (
                    ("lenalidomide", planned.lenalidomide_mg),
                    ("dexamethasone", planned.dexamethasone_mg),
                ):
                    if mg and planned.date <= until:
                        due[planned.date.isoformat(), drug] = mg
            records = rows(demo, "SELECT * FROM dose_records WHERE course_id = ?", (course["id"],))
            assert {(r["date"], r["drug"]): r["dose_mg"] for r in records} == due, course
            assert len(records) == len(due)
    assert held_days > 100


def test_cycle_levels_are_the_levels_in_force_at_their_start(demo):
    changes = rows(demo, "SELECT * FROM level_changes WHERE drug = 'lenalidomide'")
    assert len({change["course_id"] for change in changes}) > 10
    # Lenalidomide changes only as the label resumes it: never for a grade 2 toxicity.
    for change in changes:
        assert "resume" in change["reason"], change
        assert "fatigue" not in change["reason"] and "grade 2" not in change["reason"]
    dexamethasone = rows(demo, "SELECT DISTINCT reason FROM level_changes WHERE drug = ?",
                         ("dexamethasone",))  # fmt: skip
    assert dexamethasone == [{"reason": "steroid side effects (insomnia, hyperglycaemia)"}]
    cycles = defaultdict(list)
    for cycle in rows(demo, "SELECT * FROM cycles ORDER BY course_id, number"):
        cycles[cycle["course_id"]].append(cycle)
    lowered = 0
    for stored in stored_courses(demo):
        for cycle in cycles[stored.course.id]:
            start = day(cycle["actual_start"])
            assert cycle["len_level"] == stored.history.level_on(LENALIDOMIDE, start)
            assert cycle["dex_level"] == stored.history.level_on(DEXAMETHASONE, start)
            lowered += cycle["len_level"] > stored.course.len_start_level
    assert lowered > 20


def test_labs_in_both_units_with_the_baseline_creatinine(demo):
    labs = rows(demo, "SELECT * FROM labs ORDER BY patient_id, date")
    assert {lab["anc_unit"] for lab in labs} == {"10^9/L", "/mm3"}
    assert all(lab["anc_unit"] == lab["platelets_unit"] for lab in labs)
    first = {}
    for lab in labs:
        first.setdefault(lab["patient_id"], lab)
    assert len(first) == PATIENTS
    starts = {c["patient_id"]: c["start_date"] for c in rows(demo, "SELECT * FROM courses")}
    for patient_id, lab in first.items():
        assert lab["date"] == starts[patient_id]
        assert lab["creatinine"] is not None and lab["creatinine_unit"] in {"mg/dL", "umol/L"}
    assert all(lab["creatinine"] is None for lab in labs if lab not in first.values())


def test_grade_3_4_events_at_trial_rates_and_consistent_with_labs(demo):
    events = rows(demo, "SELECT * FROM adverse_events")
    labs = {lab["id"]: lab for lab in rows(demo, "SELECT * FROM labs")}
    assert {e["grade"] for e in events if e["event_type"] != "vte"} == {3, 4}
    assert all(event["ctcae_version"] == "CTCAE v5.0" for event in events)
    # The trial counted clots that needed treatment (NCI CTC v2.0 grade 3-4); the demo logs
    # the same clots graded by CTCAE v5.0, so its share of patients is the trial's.
    shares = shares_of_patients(demo)
    for kind, rate in TRIAL_RATES.by_type().items():
        assert abs(shares[kind] - rate) < 0.08, (kind, shares[kind], rate)
    # Each count event points at its onset lab, whose value has the event's grade.
    worst = defaultdict(lambda: {"neutropenia": 0, "thrombocytopenia": 0})
    for lab in labs.values():
        grades = worst[lab["patient_id"]]
        grades["neutropenia"] = max(grades["neutropenia"], neutropenia_grade(anc_per_litre(lab)))
        grades["thrombocytopenia"] = max(
            grades["thrombocytopenia"], thrombocytopenia_grade(platelets_per_litre(lab))
        )
    for event in events:
        if event["event_type"] == "vte":
            assert event["lab_id"] is None
            continue
        lab = labs[event["lab_id"]]
        assert lab["date"] == event["onset_date"]
        assert lab["patient_id"] == event["patient_id"]
        if event["event_type"] == "neutropenia":
            assert neutropenia_grade(anc_per_litre(lab)) == event["grade"]
        else:
            assert thrombocytopenia_grade(platelets_per_litre(lab)) == event["grade"]
    # And no lab reaches grade 3 without an event saying so.
    for patient_id, grades in worst.items():
        for kind, grade in grades.items():
            recorded = [
                e["grade"]
                for e in events
                if e["patient_id"] == patient_id and e["event_type"] == kind
            ]
            assert grade == max(recorded, default=0), (patient_id, kind)


def test_rates_come_from_the_reference_file(tmp_path):
    assert TRIAL_RATES.by_type() == pytest.approx(
        {"neutropenia": 0.295, "thrombocytopenia": 0.114, "vte": 0.114}
    )
    assert TRIAL_RATES.source == "MM-010 Len+Dex"
    placebo = reference_event_rates("mm010", "placebo")
    assert placebo.neutropenia < 0.05
    shares = shares_of_patients(make_demo(tmp_path / "placebo.sqlite", rates=placebo))
    assert shares.get("neutropenia", 0) < 0.08


def test_same_seed_same_database_and_another_seed_differs(tmp_path):
    first = dump(make_demo(tmp_path / "a.sqlite", seed=11, patients=60))
    second = dump(make_demo(tmp_path / "b.sqlite", seed=11, patients=60))
    third = dump(make_demo(tmp_path / "c.sqlite", seed=12, patients=60))
    assert first == second
    assert first["dose_records"] and first["labs"] and first["interruptions"]
    assert first["courses"] != third["courses"]


def test_refuses_a_database_with_patients_and_writes_nothing(tmp_path):
    path = tmp_path / "clinic.sqlite"
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        add_plain_patient(store, "REAL-1")
    before = dump(path)
    with open_database(path, clock=lambda: FIXED_TODAY) as store:
        with pytest.raises(ValidationError, match="already holds 1 patients"):
            fill_demo_database(store, 5, seed=1)
        with pytest.raises(ValidationError, match="1 to"):
            fill_demo_database(store, 0, seed=1)
    assert dump(path) == before


def test_dexamethasone_starts_at_40_mg_whatever_the_age(demo):
    """MM-010 gave 40 mg whatever the age: no demo course starts lower."""
    courses = rows(
        demo,
        "SELECT c.start_date, c.dex_start_level, p.date_of_birth FROM courses c "
        "JOIN patients p ON p.id = c.patient_id",
    )
    ages = {age_on(day(c["date_of_birth"]), day(c["start_date"])) for c in courses}
    assert {course["dex_start_level"] for course in courses} == {0}
    assert min(ages) < 60 and max(ages) > 80


def test_prophylaxis_follows_the_imwg_suggestion(demo):
    from tracker.domain.prophylaxis import suggest

    regimen = load_regimen()
    courses = rows(demo, "SELECT thromboprophylaxis, vte_risk_factors FROM courses")
    for course in courses:
        factors = course["vte_risk_factors"].split(",") if course["vte_risk_factors"] else []
        expected = suggest(factors, regimen).agent
        # Full-dose warfarin is the IMWG alternative to LMWH.
        allowed = {expected, "warfarin"} if expected == "LMWH" else {expected}
        assert course["thromboprophylaxis"] in allowed
    assert any(course["vte_risk_factors"] for course in courses)
