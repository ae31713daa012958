"""Another program's (or window's) writes reach the screens within two seconds: the context
watches SQLite's data_version."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

from tests.ui.conftest import show_loaded
from tracker.storage.operations.patients import add_patient


def _add_patient_in_another_process(path, mrn: str) -> None:
    code = textwrap.dedent(
        f"""
        from tracker.storage.database import open_database
        from tracker.storage.operations.patients import add_patient

        with open_database({str(path)!r}, staff="ZZ") as store:
            add_patient(store, mrn={mrn!r}, name="Written, Elsewhere")
        """
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


def test_a_patient_added_by_another_process_is_listed_within_two_seconds(
    qtbot, window, store, messages
) -> None:
    for number in range(3):
        add_patient(store, mrn=f"P-{number}", name=f"Listed, {number}")
    show_loaded(qtbot, window)
    window.show_patients()
    view = window.patients_view
    assert len(view.visible_patient_ids()) == 3

    _add_patient_in_another_process(store.path, "ELSEWHERE-1")
    written = time.monotonic()
    qtbot.waitUntil(lambda: len(view.visible_patient_ids()) == 4, timeout=2000)
    assert time.monotonic() - written < 2.0
    assert messages == []


def test_own_writes_are_announced_once_and_quiet_files_not_at_all(qtbot, context, store):
    seen: list[str] = []
    context.data_changed.connect(lambda: seen.append("changed"))
    assert context.check_outside_writes() is False
    context.run(add_patient, mrn="OWN-1", name="Own, Write")
    assert seen == ["changed"]
    # The program's own commit does not move data_version on its connection.
    assert context.check_outside_writes() is False
    _add_patient_in_another_process(store.path, "ELSEWHERE-2")
    assert context.check_outside_writes() is True
    assert seen == ["changed", "changed"]
    assert context.check_outside_writes() is False
