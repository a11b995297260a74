"""Run the export's helper programs (Chromium, LibreOffice) with no network at all.

Their own switches already stop the requests they would make; where the machine allows it
they also run in an empty network namespace (`unshare -n`), so a request nobody thought of
cannot leave the machine either.
"""

from __future__ import annotations

import shutil
import subprocess

_prefix: list[str] | None = None


def netns_prefix() -> list[str]:
    """`unshare` arguments that run a command without any network, or [] where not allowed.

    Root may create a network namespace directly; other users need a user namespace too
    (`-r`). Probed once per process with `true`.
    """
    global _prefix
    if _prefix is None:
        _prefix = []
        tool = shutil.which("unshare")
        for args in (["-n"], ["-r", "-n"]):
            if tool is None:
                break
            try:
                ok = subprocess.run([tool, *args, "true"], capture_output=True, timeout=5).returncode == 0
            except (OSError, subprocess.SubprocessError):
                ok = False
            if ok:
                _prefix = [tool, *args, "--"]
                break
    return list(_prefix)
