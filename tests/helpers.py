"""Running the program and Python in a fresh process, as a user or a cold import would."""

from __future__ import annotations

import contextlib
import io
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path


def run_tracker(
    *arguments: str | Path,
    env: Mapping[str, str] | None = None,
    timeout: float | None = None,
) -> subprocess.CompletedProcess:
    """``python -m tracker ARGUMENTS``; the exit status is the caller's to check."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", *map(str, arguments)],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=timeout,
    )


def run_tracker_here(*arguments: str | Path) -> subprocess.CompletedProcess:
    """``tracker ARGUMENTS`` run in this process: what ``run_tracker`` gives, without the
    second or so a fresh interpreter takes. Commands that draw (sheet, chart) need the test's
    ``qapp`` first. An exception the command does not catch is raised here."""
    from tracker.cli.main import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = main([str(argument) for argument in arguments])
        except SystemExit as exit_:
            status = exit_.code if isinstance(exit_.code, int) else 1
    return subprocess.CompletedProcess(
        ["tracker", *map(str, arguments)], status, out.getvalue(), err.getvalue()
    )


def assert_cli_refusal(result: subprocess.CompletedProcess, message: str = "") -> None:
    """Exit status 2, nothing on stdout and one 'tracker: error: ' line holding ``message``."""
    assert result.returncode == 2, result
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("tracker: error: ")
    assert message in result.stderr


def python_output(code: str) -> str:
    """What ``code`` prints when run by a new interpreter (which must succeed)."""
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
