import json
from datetime import date, timedelta

import pytest

from tests.helpers import assert_cli_refusal, run_tracker
from tracker.cli.main import main


def test_schedule_json_for_six_cycles(capsys):
    assert main(["schedule", "--start", "2027-02-01", "--cycles", "6", "--json"]) == 0
    days = json.loads(capsys.readouterr().out)
    assert len(days) == 168
    assert all(
        set(day) == {"date", "cycle", "day", "lenalidomide_mg", "dexamethasone_mg"} for day in days
    )
    assert days[0] == {
        "date": "2027-02-01",
        "cycle": 1,
        "day": 1,
        "lenalidomide_mg": 25,
        "dexamethasone_mg": 40,
    }
    assert days[-1]["date"] == "2027-07-18"
    assert sum(1 for day in days if day["lenalidomide_mg"] == 25) == 6 * 21
    dex_days = [(day["cycle"], day["day"]) for day in days if day["dexamethasone_mg"] == 40]
    assert len(dex_days) == 4 * 12 + 2 * 4
    assert (4, 17) in dex_days and (5, 17) not in dex_days
    pulses = {1, 2, 3, 4, 9, 10, 11, 12, 17, 18, 19, 20}
    for index, day in enumerate(days):
        assert day["date"] == (date(2027, 2, 1) + timedelta(days=index)).isoformat()
        assert (day["cycle"], day["day"]) == (index // 28 + 1, index % 28 + 1)
        assert day["lenalidomide_mg"] == (25 if day["day"] <= 21 else 0)
        dex_days_of_cycle = pulses if day["cycle"] <= 4 else {1, 2, 3, 4}
        assert day["dexamethasone_mg"] == (40 if day["day"] in dex_days_of_cycle else 0)


def test_schedule_json_in_a_new_process():
    result = run_tracker("schedule", "--start", "2027-02-01", "--cycles", "6", "--json")
    assert result.returncode == 0 and result.stderr == ""
    days = json.loads(result.stdout)
    assert len(days) == 168
    assert days[27] == {
        "date": "2027-02-28",
        "cycle": 1,
        "day": 28,
        "lenalidomide_mg": 0,
        "dexamethasone_mg": 0,
    }


def test_schedule_len_dose(capsys):
    assert (
        main(["schedule", "--start", "2027-02-01", "--cycles", "1", "--len-dose", "10", "--json"])
        == 0
    )
    days = json.loads(capsys.readouterr().out)
    assert {day["lenalidomide_mg"] for day in days} == {10, 0}


def test_schedule_text_table(capsys):
    assert main(["schedule", "--start", "2027-02-01", "--cycles", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 29
    assert lines[1].split()[:2] == ["2027-02-01", "Mon"]
    assert lines[-1].split()[-2:] == ["rest", "-"]


@pytest.mark.parametrize(
    "arguments",
    [
        ["--start", "2027-02-30", "--cycles", "2"],
        ["--start", "2027-02-01", "--cycles", "0"],
        ["--start", "2027-02-01", "--cycles", "x"],
        ["--cycles", "2"],
        ["--start", "2027-02-01", "--cycles", "2", "--len-dose", "7"],
        ["--start", "2027-02-01", "--cycles", "2", "--len-dose", "-5"],
        ["--start", "9999-12-01", "--cycles", "2"],
    ],
)
def test_bad_arguments_give_one_line_and_exit_two(arguments):
    assert_cli_refusal(run_tracker("schedule", *arguments))


def test_only_known_regimen_ids_are_read_never_a_path():
    for regimen in ("../advice/lenalidomide-label", "../../pyproject", "/etc/passwd", ""):
        result = run_tracker("schedule", "--start", "2026-01-05", "--cycles", "1",
                             "--regimen", regimen)
        assert_cli_refusal(result, "unknown regimen")
        assert "(known: mm010-rd)" in result.stderr
