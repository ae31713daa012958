"""An older file's bare 'reproductive potential' flag becomes the REMS category when it is
opened; what the record cannot decide is left empty, listed, and stops a course start."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import sqlite_utils
from sqlite_utils import Migrations

from tracker.storage.database import open_database
from tracker.storage.errors import ValidationError
from tracker.storage.operations import courses
from tracker.storage.queries import get_patient
from tracker.storage.rems_upgrade import category_from_flag, rems_categories_undecided
from tracker.storage.schema import (
    MIGRATION_SET,
    m001_initial,
    m002_interruptions,
    m003_date_of_death,
    m004_mrn_key,
    m005_vte_risk_factors,
)

STAMP = "2027-01-01T00:00:00+00:00"
BOOK = {"archived": 0, "created_at": STAMP, "updated_at": STAMP}
TODAY = date.today()


def born(age: int) -> str:
    return date(TODAY.year - age, 1, 1).isoformat()


# (id, sex, age or None, reproductive potential flag) -> category, None where undecided.
PATIENTS = [
    (1, "F", 34, 1, "female_reproductive"),
    (2, "F", 15, 1, "female_child"),
    (3, "F", None, 1, "female_reproductive"),
    (4, "F", 15, 0, "female_child"),
    (5, "F", 70, 0, None),  # menopause, hysterectomy or oophorectomy: not recorded
    (6, "F", None, 0, None),
    (7, "M", 66, 0, "male_adult"),
    (8, "M", 12, 0, "male_child"),
    (9, "M", None, 0, None),
    (10, None, 50, 0, None),
]


def _older_file(path: Path) -> None:
    db = sqlite_utils.Database(path)
    migrations = Migrations(MIGRATION_SET)
    for migration in (
        m001_initial,
        m002_interruptions,
        m003_date_of_death,
        m004_mrn_key,
        m005_vte_risk_factors,
    ):
        migrations()(migration)
    migrations.apply(db)
    for patient_id, sex, age, flag, _ in PATIENTS:
        db["patients"].insert(
            {
                "id": patient_id, "mrn": f"OLD-{patient_id}", "mrn_key": f"OLD-{patient_id}",
                "name": f"Older {patient_id}", "sex": sex,
                "date_of_birth": None if age is None else born(age),
                "reproductive_potential": flag, **BOOK,
            }
        )  # fmt: skip
    db.close()


@pytest.fixture
def upgraded(tmp_path: Path):
    path = tmp_path / "older.sqlite"
    _older_file(path)
    with open_database(path, clock=lambda: TODAY) as store:
        yield store


def test_the_flag_becomes_the_category_the_record_decides(upgraded) -> None:
    found = {pid: get_patient(upgraded, pid).rems_category for pid, *_ in PATIENTS}
    assert found == {pid: category for pid, *_, category in PATIENTS}
    columns = {column.name for column in upgraded.db["patients"].columns}
    assert "reproductive_potential" not in columns
    assert {"rems_category", "rems_category_reason", "irregular_cycles"} <= columns


def test_what_it_could_not_decide_is_listed_females_first(upgraded) -> None:
    listed = [(patient.id, why) for patient, why in rems_categories_undecided(upgraded)]
    assert [pid for pid, _ in listed] == [5, 6, 9, 10]
    assert "no reason recorded (natural menopause" in listed[0][1]
    assert listed[2][1] == "male, date of birth not recorded: adult or child?"
    assert listed[3][1] == "sex not recorded"


def test_each_patient_row_gets_an_audit_row_saying_what_the_upgrade_did(upgraded) -> None:
    rows = list(
        upgraded.db.query(
            "SELECT row_id, staff, action, before_json, after_json FROM audit_log "
            "WHERE table_name = 'patients' AND action != 'attest' ORDER BY row_id"
        )
    )
    assert [row["row_id"] for row in rows] == [pid for pid, *_ in PATIENTS]
    assert {(row["staff"], row["action"]) for row in rows} == {("schema upgrade", "update")}
    assert '"reproductive_potential": 1' in rows[0]["before_json"]
    assert '"rems_category": "female_reproductive"' in rows[0]["after_json"]
    assert "reproductive_potential" not in rows[0]["after_json"]


def test_an_undecided_female_cannot_start_a_course_until_it_is_set(upgraded) -> None:
    with pytest.raises(ValidationError, match="a REMS category for this female patient"):
        courses.start_course(upgraded, 5, TODAY, override_reason="counts are not the subject")


@pytest.mark.parametrize(
    ("sex", "age", "flag", "category"),
    [
        ("F", 17, 1, "female_child"),
        ("F", 18, 1, "female_reproductive"),
        ("F", 17, 0, "female_child"),
        ("F", 18, 0, None),
        ("M", 17, 0, "male_child"),
        ("M", 18, 1, "male_adult"),  # a flag on a male says nothing about the category
    ],
)
def test_eighteen_is_the_age_of_an_adult(sex, age, flag, category) -> None:
    birth = date(2000, 6, 15)
    on = date(2000 + age, 6, 15)
    assert category_from_flag(sex, birth, bool(flag), on) == category
