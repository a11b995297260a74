"""Put on PYTHONPATH of one test's app server: every plan page takes PB_TEST_PAGE_DELAY seconds
(default 2.5) to draw, as on a server busy with a room of participants, so anything the browser
sends while a page is being drawn (a timer's rerun, a second click) arrives mid-run."""

import os
import time

from plan_builder.ui import progress

_report = progress.report


def _slow_report(op):  # type: ignore[no-untyped-def]
    time.sleep(float(os.environ.get("PB_TEST_PAGE_DELAY", "2.5")))
    return _report(op)


progress.report = _slow_report
