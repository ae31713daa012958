"""``tracker status``: the engine's answer for a patient and a day, as text or JSON."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import module_database
from tests.helpers import assert_cli_refusal, run_tracker
from tests.rems_seed import add_woman, negative_test, start_tested_course
from tracker.storage.operations.courses import start_course
from tracker.storage.operations.interruptions import interrupt
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient
from tracker.storage.server import open_store

START = date(2027, 3, 1)


@pytest.fixture(scope="module")
def clinic(
    engine: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Path | str:
    """The clinic's database, a file or a server database (``engine``)."""
    path = module_database(engine, tmp_path_factory, request)
    with open_store(path, clock=lambda: date(2027, 6, 1)) as store:
        patient = add_patient(store, mrn="ST-1", name="Stella Status")
        record_labs(store, patient, START, anc=2.1, platelets=190)
        course = start_course(store, patient, START)
        record_labs(store, patient, date(2027, 3, 10), anc=0.8, platelets=140)
        interrupt(store, course, date(2027, 3, 10), "ANC 0.8")
        add_patient(store, mrn="ST-2", name="No Course")
        woman = add_woman(store, "ST-3", name="Rita Rems")
        start_tested_course(store, woman, START, number="48213377")
        negative_test(store, woman, date(2027, 3, 8))
        waiting = add_woman(store, "ST-4", name="Wanda Waiting")
        negative_test(store, waiting, date(2027, 2, 20))
    return path


def _status(clinic: Path, *arguments: str) -> dict:
    result = run_tracker("status", "--db", clinic, *arguments, "--json")
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1
    return json.loads(result.stdout)


def test_an_interrupted_patient_has_nothing_due_and_advice_to_keep_holding(clinic: Path) -> None:
    answer = _status(clinic, "--mrn", "ST-1", "--on", "2027-03-12")
    assert answer["mrn"] == "ST-1" and answer["on"] == "2027-03-12"
    assert (answer["course_active"], answer["cycle"], answer["day"]) == (True, 1, 12)
    assert answer["lenalidomide"] == {
        "planned_mg": 25,
        "due_mg": 0,
        "on_hold": True,
        "on_hold_since": "2027-03-10",
    }
    assert answer["dexamethasone"] == {"planned_mg": 40, "due_mg": 40}
    assert answer["advice"]["action"] == "keep-holding"
    assert answer["advice"]["resume_mg"] == 25
    assert "ANC 0.8" in answer["advice"]["reason"]
    assert isinstance(answer["labs_due"], bool)


def test_before_the_hold_the_dose_is_due(clinic: Path) -> None:
    answer = _status(clinic, "--mrn", "ST-1", "--on", "2027-03-09")
    assert answer["lenalidomide"]["due_mg"] == 25 and not answer["lenalidomide"]["on_hold"]
    assert answer["advice"]["action"] == "continue"


def test_a_patient_without_a_course_has_nothing_due(clinic: Path) -> None:
    answer = _status(clinic, "--mrn", "ST-2", "--on", "2027-03-12")
    assert answer["course_active"] is False and answer["cycle"] is None
    assert answer["lenalidomide"]["due_mg"] == 0


@pytest.mark.parametrize(
    ("on", "due", "next_test"),
    [("2027-03-14", False, "2027-03-15"), ("2027-03-15", True, "2027-03-15"),
     ("2027-03-20", True, "2027-03-15")],
)  # fmt: skip
def test_rems_gives_the_category_the_test_due_and_the_authorization(clinic, on, due, next_test):
    answer = _status(clinic, "--mrn", "ST-3", "--on", on)
    assert answer["rems"] == {
        "category": "female_reproductive",
        "pregnancy_test_due": due,
        "next_pregnancy_test": next_test,
        "authorization": "48213377",
    }


def test_rems_without_a_course_and_for_a_patient_without_a_category(clinic: Path) -> None:
    assert _status(clinic, "--mrn", "ST-4", "--on", "2027-03-12")["rems"] == {
        "category": "female_reproductive",
        "pregnancy_test_due": False,
        "next_pregnancy_test": None,
        "authorization": None,
    }
    assert _status(clinic, "--mrn", "ST-2")["rems"]["category"] is None


def test_the_text_form_says_the_same(clinic: Path) -> None:
    result = run_tracker("status", "--db", clinic, "--mrn", "ST-1", "--on", "2027-03-12")
    assert result.returncode == 0
    assert "Lenalidomide due 0 mg (planned 25 mg), interrupted since 2027-03-10" in result.stdout
    assert "Advice: keep-holding (resume at 25 mg)" in result.stdout
    result = run_tracker("status", "--db", clinic, "--mrn", "ST-3", "--on", "2027-03-15")
    assert (
        "REMS: category female_reproductive; pregnancy test due; authorization 48213377"
        in result.stdout
    )


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--mrn", "NOPE"), "unknown MRN 'NOPE'"),
        (("--mrn", "ST-1", "--on", "2027-02-30"), "is not a date"),
        (("--mrn", "ST-1", "--on", "yesterday"), "is not a date"),
    ],
)
def test_bad_requests_give_one_line_and_status_2(clinic: Path, arguments, message) -> None:
    assert_cli_refusal(run_tracker("status", "--db", clinic, *arguments), message)


def test_a_missing_database_is_refused(tmp_path: Path) -> None:
    result = run_tracker("status", "--db", tmp_path / "none.sqlite", "--mrn", "X")
    assert_cli_refusal(result, "there is no database file")
    assert not (tmp_path / "none.sqlite").exists()
