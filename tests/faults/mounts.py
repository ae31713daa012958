"""Small file systems for the disk-full and read-only tests, where the machine allows it.

Mounting needs root (or a user namespace) and a kernel that permits it in the container;
where it is refused, the tests that need it are skipped with the reason.
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, check=False)


@contextlib.contextmanager
def small_tmpfs(folder: Path, size_kb: int) -> Iterator[Path]:
    """``folder`` as a tmpfs of ``size_kb`` KiB; the test is skipped where mounting fails."""
    folder.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        pytest.skip("no mount command: the disk-full tests need a small tmpfs")
    mounted = _run("mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() or 'refused'})")
    try:
        yield folder
    finally:
        _run("umount", "-l", str(folder))


def make_read_only(folder: Path) -> None:
    """Remount a tmpfs made by ``small_tmpfs`` read-only (root ignores file permissions)."""
    remounted = _run("mount", "-o", "remount,ro", str(folder))
    if remounted.returncode != 0:
        pytest.skip(f"cannot remount read-only here ({remounted.stderr.strip()})")


def fill_up(folder: Path, leave_bytes: int = 0) -> None:
    """Fill the file system of ``folder`` until at most ``leave_bytes`` are free."""
    ballast = folder / "ballast"
    usage = shutil.disk_usage(folder)
    with ballast.open("ab") as handle, contextlib.suppress(OSError):
        remaining = usage.free - leave_bytes
        while remaining > 0:
            chunk = min(remaining, 1 << 16)
            handle.write(b"\0" * chunk)
            handle.flush()
            remaining -= chunk
