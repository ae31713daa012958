"""The programs the start-up and memory benchmarks run in fresh interpreters.

Each gets the wall-clock time at which its process was created as ``sys.argv[1]`` and prints
one JSON object: seconds from that moment and the process's peak resident memory.
"""

from __future__ import annotations

import textwrap

from tests.benchmarks.conftest import peak_rss_megabytes_code

# The baseline: the least a PySide6 application does to put a window on screen, at the size
# the tracker's window opens with.
BARE_WINDOW = textwrap.dedent(
    f"""
    import json, resource, sys, time
    from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

    created = float(sys.argv[1])
    app = QApplication([sys.argv[0]])
    window = QMainWindow()
    window.setCentralWidget(QLabel("Rd Cycle Tracker"))
    window.resize(1200, 780)
    window.show()
    while window.windowHandle() is None or not window.windowHandle().isExposed():
        app.processEvents()
    shown = time.time() - created
    print(json.dumps({{"shown": shown, "peak_mb": {peak_rss_megabytes_code()}}}))
    """
)

# The tracker as ``tracker gui --db FILE`` starts it: the command's entry module and argument
# parser, then ``launch`` (the window first, the database opened into it once it is on
# screen). Arguments: database, settings file, today's date, and "tour" to also open the
# Patients list, the Cohort report and a patient's chart before the memory is read.
APP_WINDOW = textwrap.dedent(
    f"""
    import json, resource, sys, time

    created = float(sys.argv[1])
    from tracker.cli.main import build_parser

    args = build_parser().parse_args(["gui", "--db", sys.argv[2]])
    from datetime import date

    from PySide6.QtWidgets import QApplication

    from tracker.ui.app import launch
    from tracker.ui.settings import AppSettings

    app = QApplication([sys.argv[0]])
    today = date.fromisoformat(sys.argv[4])
    window = launch(
        args.db, AppSettings.in_file(sys.argv[3]), ask_staff=False, clock=lambda: today
    )
    while not window.windowHandle().isExposed():
        app.processEvents()
    shown = time.time() - created
    while not window.context.has_store or window.today_view.loading:
        if time.time() - created > 60:
            raise SystemExit("Today was not filled within a minute")
        app.processEvents()
        time.sleep(0.001)
    filled = time.time() - created
    result = {{
        "shown": shown,
        "filled": filled,
        "today_rows": window.today_view.table.model().rowCount(),
        "matplotlib_at_start": "matplotlib" in sys.modules,
    }}
    if sys.argv[5:] == ["tour"]:
        window.show_patients()
        app.processEvents()
        result["patients_listed"] = window.patients_view.proxy.rowCount()
        window.show_cohort()
        app.processEvents()
        result["cohort_patients"] = window.cohort_view.report.statistics.patients
        from tracker.ui.table_model import PATIENT_ID_ROLE

        first = window.today_view.table.model().index(0, 0)
        window.open_patient(first.data(PATIENT_ID_ROLE))
        app.processEvents()
        window.patient_view.tabs.setCurrentWidget(window.patient_view.chart_view)
        app.processEvents()
        result["chart_drawn"] = window.patient_view.chart_view.figure is not None
    result["peak_mb"] = {peak_rss_megabytes_code()}
    print(json.dumps(result))
    """
)
