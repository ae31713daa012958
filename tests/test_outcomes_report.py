"""Outcomes read from a real database: the courses' outcomes as storage reads them, the
report, ``tracker outcomes`` and ``tracker chart --kind outcomes``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from pypdf import PdfReader
from scipy.stats import binomtest

from tests.helpers import assert_cli_refusal, run_tracker
from tests.starts import start_course
from tracker.cli.main import main
from tracker.domain.outcomes import Assessment, course_outcome
from tracker.reports.outcomes_report import outcomes_report
from tracker.storage import queries
from tracker.storage.operations.courses import end_course, record_death
from tracker.storage.operations.labs import record_labs
from tracker.storage.operations.patients import add_patient, archive_patient
from tracker.storage.operations.responses import archive_response, record_response
from tracker.storage.outcomes import course_outcomes
from tracker.storage.server import open_store

TODAY = date(2027, 6, 1)
RESPONSE_KEYS = {
    "n", "responders", "rate", "ci_low", "ci_high", "p_value", "reference_rate",
    "placebo_reference_rate",
}  # fmt: skip
TTP_KEYS = {
    "n", "events", "censored", "median_months", "median_ci_low", "median_ci_high",
    "reference_median_months", "placebo_reference_median_months",
}  # fmt: skip


@pytest.fixture
def clinic(db_target: Path | str) -> Path | str:
    """Six courses on record (and one of an archived patient):
    1. PR, VGPR, then PD with progression on 2026-08-20: best VGPR, progressed on day 227;
    2. CR then sCR, counts a month later: best sCR, censored at its last assessment (day 120);
    3. SD, then ended for toxicity: censored at its assessment (day 61);
    4. PR, then the patient died without progression: censored at day 61, died on day 105;
    5. one CR entered in error and withdrawn: not assessed, a non-responder, adds nothing;
    6. ended for progression with no assessment: progressed at its end (day 61).
    """
    path = db_target  # a file, or a server database (``engine``)
    with open_store(path, clock=lambda: TODAY) as store:
        starts = [date(2026, month, day) for month, day in ((1, 5), (2, 1), (3, 1), (4, 1),
                                                             (5, 1), (6, 1))]  # fmt: skip
        courses = []
        for number, start in enumerate(starts, start=1):
            patient = add_patient(store, mrn=f"OUT-{number}", name=f"Outcome Patient {number}")
            courses.append((patient, start_course(store, patient, start)))
        (_, c1), (p2, c2), (_, c3), (p4, c4), (_, c5), (_, c6) = courses
        record_response(store, c1, date(2026, 3, 2), "PR")
        record_response(store, c1, date(2026, 5, 1), "VGPR")
        record_response(store, c1, date(2026, 9, 1), "PD", progression_date=date(2026, 8, 20))
        record_response(store, c2, date(2026, 4, 1), "CR")
        record_response(store, c2, date(2026, 6, 1), "sCR")
        record_labs(store, p2, date(2026, 7, 1), anc=2.0, platelets=150)
        record_response(store, c3, date(2026, 5, 1), "SD")
        end_course(store, c3, date(2026, 5, 20), "toxicity")
        record_response(store, c4, date(2026, 6, 1), "PR")
        record_death(store, p4, date(2026, 7, 15))
        archive_response(
            store, record_response(store, c5, date(2026, 7, 1), "CR"), reason="entered twice"
        )
        end_course(store, c6, date(2026, 8, 1), "progression")
        gone = add_patient(store, mrn="GONE", name="Archived Patient")
        gone_course = start_course(store, gone, date(2026, 2, 1))
        record_response(store, gone_course, date(2026, 4, 1), "CR")
        archive_patient(store, gone, reason="left the clinic")
    return path


def test_storage_reads_what_the_domain_makes_of_each_courses_records(clinic: Path):
    with open_store(clinic, clock=lambda: TODAY) as store:
        read = course_outcomes(store)
        expected = []
        for outcome in read:
            course = queries.get_course(store, outcome.course_id)
            patient = queries.get_patient(store, course.patient_id)
            expected.append(
                course_outcome(
                    course.id,
                    course.start_date,
                    [
                        Assessment(r.assessed_on, r.response, r.progression_date)
                        for r in queries.responses_of(store, course.id)
                    ],
                    end_date=course.end_date,
                    end_reason=course.end_reason,
                    date_of_death=patient.date_of_death,
                    last_known_alive=outcome.last_known_alive,
                )
            )
    assert read == expected
    assert [outcome.best_response for outcome in read] == [
        "VGPR", "sCR", "SD", "PR", None, None,
    ]  # fmt: skip
    alive = {outcome.course_id: outcome.last_known_alive for outcome in read}
    first, second, third, fourth, fifth, sixth = (outcome.course_id for outcome in read)
    assert alive[first] == date(2026, 9, 1)  # the last assessment
    assert alive[second] == date(2026, 7, 1)  # counts after the last assessment
    assert alive[third] == date(2026, 5, 20)  # the course end
    assert alive[fourth] == date(2026, 7, 15)  # the course ended by the death
    assert alive[fifth] == date(2026, 5, 1)  # a withdrawn assessment says nothing
    assert alive[sixth] == date(2026, 8, 1)


def test_the_report_by_intention_to_treat_with_the_censoring_rules(clinic: Path):
    with open_store(clinic, clock=lambda: TODAY) as store:
        statistics = outcomes_report(store).statistics
    assert statistics.courses == 6
    assert (statistics.response.responders, statistics.complete_response.responders) == (3, 1)
    ttp = statistics.ttp.curve
    assert ttp.times == (61, 120, 227)
    assert (ttp.events, ttp.censored) == ((1, 0, 1), (2, 1, 0))
    assert statistics.ttp.not_counted == 1
    assert statistics.os.curve.event_count == 1
    assert 105 in statistics.os.curve.times


def test_outcomes_json_has_the_keys_and_the_exact_figures(clinic: Path, capsys):
    assert main(["outcomes", "--db", str(clinic), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["courses"] == 6
    assert set(data["response"]) >= RESPONSE_KEYS
    assert set(data["complete_response"]) >= RESPONSE_KEYS
    assert set(data["ttp"]) >= TTP_KEYS
    for key, responders, reference, placebo in (
        ("response", 3, 0.602, 0.24),
        ("complete_response", 1, 0.159, 0.034),
    ):
        figures = data[key]
        test = binomtest(responders, 6, reference)
        interval = test.proportion_ci(0.95, method="exact")
        assert (figures["n"], figures["responders"]) == (6, responders)
        assert figures["rate"] == pytest.approx(responders / 6)  # a fraction, not a percent
        assert (figures["ci_low"], figures["ci_high"]) == pytest.approx(
            (interval.low, interval.high)
        )
        assert figures["p_value"] == pytest.approx(test.pvalue)
        assert (figures["reference_rate"], figures["placebo_reference_rate"]) == (
            reference,
            placebo,
        )
    ttp = data["ttp"]
    assert (ttp["n"], ttp["events"], ttp["censored"]) == (5, 2, 3)
    # Two progressions among five: the curve 4/5 after day 61, 0 after day 227 (the last).
    assert ttp["median_months"] == pytest.approx(227 / 30.4375)
    assert (ttp["reference_median_months"], ttp["placebo_reference_median_months"]) == (11.3, 4.7)
    assert data["best_response"]["not assessed"] == 2
    assert data["os"]["events"] == 1 and data["os"]["reference_hazard_ratio"] == 0.66
    assert data["pooled_reference"]["confirmed"] is False
    assert data["criteria"]["reference"].startswith("EBMT")


def test_outcomes_period_and_text(clinic: Path, capsys):
    assert main(["outcomes", "--db", str(clinic), "--json", "--from", "2026-03-01",
                 "--to", "2026-04-30"]) == 0  # fmt: skip
    data = json.loads(capsys.readouterr().out)
    assert (data["courses"], data["from"], data["to"]) == (2, "2026-03-01", "2026-04-30")
    assert data["response"]["responders"] == 1
    assert main(["outcomes", "--db", str(clinic)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "Outcomes, all courses: 6 courses"
    assert lines[2].split()[-6:-3] == ["3/6", "50.0%", "11.8%-88.2%"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--from", "2026-05-01", "--to", "2026-01-01"), "--from 2026-05-01 is after --to"),
        (("--from", "2026-02-30"), "is not a date in the form YYYY-MM-DD"),
        (("--kind", "outcomes"), "unrecognized arguments"),
    ],
)
def test_bad_arguments_one_line_and_exit_2(clinic: Path, arguments, message):
    assert_cli_refusal(run_tracker("outcomes", "--db", clinic, *arguments), message)


def test_a_missing_database_is_refused(tmp_path: Path):
    result = run_tracker("outcomes", "--db", tmp_path / "none.sqlite", "--json")
    assert_cli_refusal(result, "there is no database file")


def test_chart_kind_outcomes_writes_each_format(clinic: Path, tmp_path: Path):
    for name, magic in (("o.png", b"\x89PNG"), ("o.svg", b"<?xml")):
        result = run_tracker("chart", "--db", clinic, "--kind", "outcomes", "-o", tmp_path / name)
        assert result.returncode == 0, result.stderr
        assert (tmp_path / name).read_bytes().startswith(magic)
    assert main(["chart", "--db", str(clinic), "--kind", "outcomes", "-o",
                 str(tmp_path / "o.pdf")]) == 0  # fmt: skip
    text = PdfReader(tmp_path / "o.pdf").pages[0].extract_text()
    assert "Time to progression" in text and "No. at risk" in text
    refused = run_tracker("chart", "--db", clinic, "--kind", "survival", "-o", tmp_path / "x.png")
    assert_cli_refusal(refused, "invalid choice: 'survival'")
