"""The programs the start-up and memory benchmarks run in fresh interpreters.

Each gets the wall-clock time at which its process was created as ``sys.argv[1]`` and prints
one JSON object: seconds from that moment and the process's peak resident memory. Their
preferences and logs go where the test run's are (``tests/conftest.py``), never the user's.
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

# The tracker started as the ``tracker`` command starts it (``tracker gui --db FILE``: the
# entry point, its argument parser, logging, the application object, the window, the
# database opened into it once it is on screen, the staff prompt), watched by a timer that
# notes when the window is exposed and when Today is filled, then ends the process.
# Arguments: the database, and "tour" to also open the Patients list, the Cohort report and
# a patient's chart before the memory is read.
APP_WINDOW = textwrap.dedent(
    f"""
    import json, os, resource, sys, time

    created = float(sys.argv[1])
    from tracker.cli.main import main

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    # Made here, before ``main`` would make it, so the watching timer can be set up first.
    app = QApplication([sys.argv[0]])
    result = {{}}

    def main_window():
        from tracker.ui.shell.main_window import MainWindow

        windows = [widget for widget in app.topLevelWidgets() if isinstance(widget, MainWindow)]
        return windows[0] if windows else None

    def watch():
        window = main_window()
        if "shown" not in result:
            handle = window.windowHandle() if window is not None else None
            if handle is None or not handle.isExposed():
                return
            result["shown"] = time.time() - created
        if not window.context.has_store:
            return
        today_view = window.today_view
        if today_view.loading or today_view.shown_date is None:
            return
        timer.stop()
        result["filled"] = time.time() - created
        result["today_rows"] = today_view.model.rowCount()
        result["matplotlib_at_start"] = "matplotlib" in sys.modules
        if sys.argv[3:] == ["tour"]:
            tour(window)
        result["peak_mb"] = {peak_rss_megabytes_code()}
        print(json.dumps(result), flush=True)
        os._exit(0)

    def tour(window):
        from tracker.ui.widgets.table_model import PATIENT_ID_ROLE

        # The staff prompt comes up once the database is open: answered with Cancel, as a
        # user who does not give initials would.
        def cancel_prompt():
            prompt = app.activeModalWidget()
            if prompt is not None:
                prompt.reject()

        canceller = QTimer()
        canceller.timeout.connect(cancel_prompt)
        canceller.start(10)
        window.show_patients()
        app.processEvents()
        result["patients_listed"] = window.patients_view.model.rowCount()
        window.show_cohort()
        # The report is read off the GUI thread: the screen fills when it comes.
        while window.cohort_view.loading:
            app.processEvents()
            time.sleep(0.005)
        app.processEvents()
        result["cohort_patients"] = window.cohort_view.report.statistics.patients
        first = window.today_view.table.model().index(0, 0)
        window.open_patient(first.data(PATIENT_ID_ROLE))
        app.processEvents()
        window.patient_view.tabs.setCurrentWidget(window.patient_view.chart_view)
        app.processEvents()
        result["chart_drawn"] = window.patient_view.chart_view.figure is not None

    timer = QTimer()
    timer.timeout.connect(watch)
    timer.start(1)
    main(["gui", "--db", sys.argv[2]])
    raise SystemExit("the application ended before Today was filled")
    """
)

# The tracker started as the ``tracker`` command starts it; once Today is filled and the
# whole-file check has finished, a timer ticking every 5 ms measures the longest time the GUI
# thread answers nothing: first over an idle second (the baseline), then from asking for the
# Cohort report, the first time in the session, until the report has been drawn and the
# screen has been idle for half a second. Argument: the database.
COHORT_FIRST_OPEN = textwrap.dedent(
    """
    import json, os, sys, time

    from tracker.cli.main import main

    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    TICK_MS, IDLE_S, SETTLE_S = 5, 1.0, 0.5
    state = {"phase": "today"}
    gaps = []
    last = [time.perf_counter()]

    def tick():
        now = time.perf_counter()
        gaps.append(now - last[0])
        last[0] = now

    def main_window():
        from tracker.ui.shell.main_window import MainWindow

        windows = [widget for widget in app.topLevelWidgets() if isinstance(widget, MainWindow)]
        return windows[0] if windows else None

    def restart_ticks():
        gaps.clear()
        last[0] = time.perf_counter()

    def step():
        window = main_window()
        prompt = app.activeModalWidget()
        if prompt is not None:  # the staff prompt, answered with Cancel
            prompt.reject()
        now = time.perf_counter()
        phase = state["phase"]
        if phase == "today":
            today = window.today_view if window is not None else None
            ready = today is not None and window.context.has_store and not today.loading
            if ready and today.shown_date is not None:
                if not window.context.store.integrity_pending:
                    state.update(phase="idle", since=now)
                    restart_ticks()
        elif phase == "idle" and now - state["since"] >= IDLE_S:
            state.update(phase="cohort", idle_gap=max(gaps), since=now)
            restart_ticks()
            window.show_cohort()
        elif phase == "cohort":
            cohort = window.cohort_view
            if not cohort.loading and cohort.report is not None:
                state.update(phase="settle", drawn=now - state["since"], since=now)
        elif phase == "settle" and now - state["since"] >= SETTLE_S:
            print(json.dumps({
                "idle_gap_ms": 1000 * state["idle_gap"],
                "longest_stall_ms": 1000 * max(gaps),
                "report_in_s": state["drawn"],
                "cohort_patients": window.cohort_view.report.statistics.patients,
                "matplotlib_before": state.get("matplotlib_before"),
            }), flush=True)
            os._exit(0)
        if phase == "today":
            state["matplotlib_before"] = "matplotlib" in sys.modules

    ticker = QTimer()
    ticker.setInterval(TICK_MS)
    ticker.timeout.connect(tick)
    ticker.start()
    watcher = QTimer()
    watcher.setInterval(TICK_MS)
    watcher.timeout.connect(step)
    watcher.start()
    main(["gui", "--db", sys.argv[2]])
    raise SystemExit("the application ended before the cohort report was drawn")
    """
)
