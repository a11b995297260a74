"""Put on PYTHONPATH of one test's app server: validating a KPI's baseline-date change takes 2 s,
as on a loaded server, so the user's next action (a click into the next field) arrives while
the date is still being saved. Streamlit then stops that run at its next session-state access.

With PB_TEST_RUN_LOG set, every script run also appends "thread start end" (monotonic seconds)
to that file, so a test can check that two runs of one session never overlapped."""

import os
import threading
import time

from streamlit.runtime.scriptrunner import script_runner

from plan_builder.plan import edit

_update_kpi = edit.update_kpi


def _slow_update_kpi(plan, kpi_key, **changes):  # type: ignore[no-untyped-def]
    if "baseline_as_of" in changes:
        time.sleep(float(os.environ.get("PB_TEST_DATE_SAVE_DELAY", "2")))
    return _update_kpi(plan, kpi_key, **changes)


edit.update_kpi = _slow_update_kpi

_run_script = script_runner.ScriptRunner._run_script


def _logged_run_script(self, rerun_data):  # type: ignore[no-untyped-def]
    start = time.monotonic()
    try:
        return _run_script(self, rerun_data)
    finally:
        if log := os.environ.get("PB_TEST_RUN_LOG"):
            with open(log, "a") as f:
                f.write(f"{threading.get_ident()} {start:.4f} {time.monotonic():.4f}\n")


script_runner.ScriptRunner._run_script = _logged_run_script
