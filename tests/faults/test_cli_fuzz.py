"""Every command, given malformed arguments and files, answers as a user's mistake is
answered: one line on stderr, exit status 2, no traceback, and its inputs unchanged."""

from __future__ import annotations

import pytest

from tests.faults.cli_inputs import (
    answer_in_process,
    answer_in_subprocess,
    cases,
    make_inputs,
    smoke_test_cases,
)


def _report(answers) -> str:
    return "\n".join(
        f"{answer.case.name}: status {answer.status}, stderr {answer.stderr[:300]!r}, "
        f"stdout {answer.stdout[:100]!r}, changed {answer.changed}, "
        f"traceback {(answer.traceback or '')[-600:]}"
        for answer in answers
        if not answer.clean
    )


def test_every_command_refuses_malformed_input_cleanly(qapp, clinic, tmp_path):
    folder = tmp_path / "inputs"
    make_inputs(folder, clinic.path)
    tried = cases(folder, clinic.mrn, clinic.week)
    answers = [answer_in_process(case, folder) for case in tried]
    assert len(tried) > 240
    commands = {case.argv[0] for case in tried}
    assert commands >= {"report", "chart", "sheet", "sheets", "status", "backup", "restore",
                        "export", "demo", "schedule", "gui"}
    assert _report(answers) == ""


@pytest.mark.slow
def test_the_smoke_test_refuses_bad_files_cleanly(clinic, tmp_path):
    folder = tmp_path / "inputs"
    make_inputs(folder, clinic.path)
    answers = [answer_in_subprocess(case, folder) for case in smoke_test_cases(folder)]
    assert _report(answers) == ""
