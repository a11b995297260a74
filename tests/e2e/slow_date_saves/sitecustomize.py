"""Put on PYTHONPATH of one test's app server: validating a KPI's baseline-date change takes 2 s,
as on a loaded server, so the user's next action (a click into the 目標値 table) arrives while
the date is still being saved. Streamlit then stops that run at its next session-state access."""

import os
import time

from plan_builder.plan import edit

_update_kpi = edit.update_kpi


def _slow_update_kpi(plan, kpi_key, **changes):  # type: ignore[no-untyped-def]
    if "baseline_as_of" in changes:
        time.sleep(float(os.environ.get("PB_TEST_DATE_SAVE_DELAY", "2")))
    return _update_kpi(plan, kpi_key, **changes)


edit.update_kpi = _slow_update_kpi
