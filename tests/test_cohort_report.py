"""The clinic's cohort read from a real database, and the report and chart commands."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from scipy.stats import beta

from tests.domain.test_statistics import exact_two_sided_p
from tests.helpers import assert_cli_refusal, run_tracker
from tests.starts import start_course
from tracker.cli.main import main
from tracker.domain.references import load_reference
from tracker.reports.cohort_report import cohort_report
from tracker.resources import resources_dir
from tracker.storage.cohort import cohort_records
from tracker.storage.operations.courses import end_course
from tracker.storage.operations.events import archive_event, log_event
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.storage.server import open_store

TODAY = date(2027, 6, 1)


@pytest.fixture
def clinic(db_target: Path | str) -> Path | str:
    """Ten patients: 3 with grade 3-4 neutropenia (one of them twice), 1 with grade 2
    neutropenia only, 1 with a VTE logged without a course link, and an archived patient
    (on each engine)."""
    path = db_target
    with open_store(path, clock=lambda: TODAY) as store:
        courses = []
        for number in range(10):
            patient = add_patient(store, mrn=f"C{number:03d}", name=f"Patient {number}")
            start = date(2026, 1 + number, 5)
            courses.append((patient, start_course(store, patient, start)))
        for patient, course in courses[:3]:
            log_event(store, patient, "neutropenia", 4, date(2026, 11, 20), course_id=course)
        log_event(
            store, courses[0][0], "neutropenia", 3, date(2026, 12, 1), course_id=courses[0][1]
        )
        log_event(
            store, courses[3][0], "neutropenia", 2, date(2026, 11, 20), course_id=courses[3][1]
        )
        log_event(store, courses[4][0], "vte", 3, date(2026, 12, 20))
        wrong = log_event(store, courses[5][0], "thrombocytopenia", 4, date(2026, 12, 20))
        archive_event(store, wrong, reason="entered in error")
        gone = add_patient(store, mrn="GONE", name="Archived Patient")
        gone_course = start_course(store, gone, date(2026, 3, 1))
        log_event(store, gone, "vte", 4, date(2026, 4, 1), course_id=gone_course)
        end_course(store, gone_course, date(2026, 5, 1), "other")
        archive_patient(store, gone, reason="entered in error")
        # Never started a course: not one of the patients the rates are over.
        waiting = add_patient(store, mrn="WAIT", name="Waiting Patient")
        log_event(store, waiting, "vte", 4, date(2026, 6, 1))
    return path


def test_cohort_records_one_per_course_with_worst_grades(clinic: Path):
    with open_store(clinic, clock=lambda: TODAY) as store:
        records = cohort_records(store)
    assert len(records) == 10
    first = records[0]
    assert first.course_start == date(2026, 1, 5)
    assert first.cycles_started == 1
    assert first.worst_grade == {"neutropenia": 4}
    assert first.events_grade34 == {"neutropenia": 2}
    assert records[3].worst_grade == {"neutropenia": 2}
    assert records[3].events_grade34 == {"neutropenia": 0}
    assert records[4].worst_grade == {"vte": 3}
    assert records[5].worst_grade == {}


def test_report_rates_and_exact_intervals(clinic: Path):
    with open_store(clinic, clock=lambda: TODAY) as store:
        report = cohort_report(store)
    neutropenia = report.statistics.rate("neutropenia")
    assert (neutropenia.patients_with_event, neutropenia.patients) == (3, 10)
    assert neutropenia.ci_low == pytest.approx(beta.ppf(0.025, 3, 8))
    assert neutropenia.ci_high == pytest.approx(beta.ppf(0.975, 4, 7))
    assert neutropenia.p_value == pytest.approx(exact_two_sided_p(3, 10, 0.295), rel=1e-6)
    assert report.statistics.rate("vte").patients_with_event == 1
    assert report.statistics.rate("thrombocytopenia").patients_with_event == 0


def test_report_json_from_the_command(clinic: Path, capsys):
    assert main(["report", "--db", str(clinic), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["patients"] == 10
    events = {event["event"]: event for event in data["events"]}
    assert list(events) == ["neutropenia", "thrombocytopenia", "vte"]
    for event in events.values():
        assert {
            "event",
            "patients_with_event",
            "rate",
            "ci_low",
            "ci_high",
            "p_value",
            "reference_rate",
            "placebo_reference_rate",
            "grade5_patients",
            "from_counts_only",
        } <= set(event)
    assert "CTCAE v5.0 grade 2-4" in data["definitions"]["vte"]
    assert "NCI CTC v2.0" in data["definitions"]["vte"]
    assert set(data["definitions"]) >= {"denominator", "neutropenia", "grade5_patients"}
    # Rates as fractions; published 95% Clopper-Pearson bounds for 3/10, 0/10 and 1/10;
    # p-values from the textbook exact test against MM-010's lenalidomide arm.
    expected = {
        "neutropenia": (3, 0.3, 0.0667, 0.6525, 0.295, 0.023),
        "thrombocytopenia": (0, 0.0, 0.0, 0.3085, 0.114, 0.057),
        "vte": (1, 0.1, 0.0025, 0.4450, 0.114, 0.046),
    }
    for kind, (count, rate, low, high, reference, placebo) in expected.items():
        event = events[kind]
        assert event["patients_with_event"] == count
        assert event["rate"] == pytest.approx(rate)
        assert (event["ci_low"], event["ci_high"]) == pytest.approx((low, high), abs=1e-4)
        assert event["p_value"] == pytest.approx(exact_two_sided_p(count, 10, reference), rel=1e-6)
        assert event["reference_rate"] == pytest.approx(reference)
        assert event["placebo_reference_rate"] == pytest.approx(placebo)


def test_report_period_filter(clinic: Path, capsys):
    arguments = [
        "report",
        "--db",
        str(clinic),
        "--json",
        "--from",
        "2026-02-01",
        "--to",
        "2026-05-31",
    ]
    assert main(arguments) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["patients"] == 4
    assert data["events"][0]["patients_with_event"] == 2


def test_report_text_table(clinic: Path, capsys):
    assert main(["report", "--db", str(clinic)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "10 patients" in lines[0]
    assert lines[2].split()[:3] == ["neutropenia", "3/10", "30.0%"]
    assert any(line.startswith("vte: Venous thromboembolism needing treatment") for line in lines)


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_chart_command_writes_each_format(clinic: Path, tmp_path: Path, suffix: str, capsys):
    output = tmp_path / f"cohort{suffix}"
    assert main(["chart", "--db", str(clinic), "-o", str(output)]) == 0
    assert output.stat().st_size > 1000
    head = output.read_bytes()[:8]
    assert {".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix] in head


def test_chart_command_draws_the_cohort_beside_both_mm010_arms(clinic: Path, tmp_path: Path):
    output = tmp_path / "cohort.pdf"
    assert main(["chart", "--db", str(clinic), "-o", str(output), "--from", "2026-02-01"]) == 0
    text = " ".join(PdfReader(output).pages[0].extract_text().split())
    assert "Grade 3-4 events: courses started from 2026-02-01, 9 patients" in text
    assert "Clinic (95% exact CI)" in text
    assert "MM-010 Len+Dex (n=176)" in text and "MM-010 Placebo+Dex (n=175)" in text
    assert "22.2% 2/9" in text and "11.1% 1/9" in text
    # The chart says how VTE is counted to compare like for like with the trial.
    assert "VTE: needing treatment, CTCAE v5.0 grade 2-4 (= NCI CTC v2.0 grade 3-4" in text
    assert "Grade 5 in this period: 0" in text


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["report", "--db", "{missing}"], "no database file"),
        (["report", "--db", "{db}", "--from", "2026-13-01"], "YYYY-MM-DD"),
        (["report", "--db", "{db}", "--from", "2027-01-01", "--to", "2026-01-01"], "after"),
        (["chart", "--db", "{db}", "-o", "{tmp}/chart.gif"], ".png, .svg or .pdf"),
        (["chart", "--db", "{db}", "-o", "{tmp}/nowhere/chart.png"], "no folder"),
    ],
)
def test_bad_requests_give_one_line_and_exit_two(clinic, tmp_path, arguments, message):
    filled = [
        part.format(db=clinic, missing=tmp_path / "missing.sqlite", tmp=tmp_path)
        for part in arguments
    ]
    assert_cli_refusal(run_tracker(*filled), message)
    assert not (tmp_path / "missing.sqlite").exists()
    assert not list(tmp_path.glob("chart.*"))


def test_reference_rates_follow_the_reference_data_file(clinic: Path, tmp_path: Path, monkeypatch):
    resources = tmp_path / "resources"
    shutil.copytree(resources_dir(), resources)
    reference_file = resources / "references" / "mm010.toml"
    text = reference_file.read_text(encoding="utf-8")
    assert text.count("neutropenia = 29.5") == 1 and text.count("vte = 4.6") == 1
    text = text.replace("neutropenia = 29.5", "neutropenia = 31.0")
    reference_file.write_text(text.replace("vte = 4.6", "vte = 5.0"), encoding="utf-8")
    monkeypatch.setenv("RD_TRACKER_RESOURCES", str(resources))
    load_reference.cache_clear()
    try:
        with open_store(clinic, clock=lambda: TODAY) as store:
            data = cohort_report(store).as_json()
    finally:
        monkeypatch.undo()
        load_reference.cache_clear()
    events = {event["event"]: event for event in data["events"]}
    assert events["neutropenia"]["reference_rate"] == pytest.approx(0.31)
    assert events["neutropenia"]["p_value"] == pytest.approx(
        exact_two_sided_p(3, 10, 0.31), rel=1e-6
    )
    assert events["vte"]["placebo_reference_rate"] == pytest.approx(0.05)
