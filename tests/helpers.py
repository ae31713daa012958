"""Running the program and Python in a fresh process, as a user or a cold import would."""

from __future__ import annotations

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
