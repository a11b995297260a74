"""`python -m plan_builder.ui.launch run app.py [options]`: Streamlit, minus its address look-ups.

Why: when a WebSocket arrives with a foreign Origin, Streamlit compares it with "this machine's
internal and external IP", which it finds by opening a UDP socket towards 8.8.8.8 and by asking
checkip.amazonaws.com (DNS, then HTTP). Any web page a user visits could make their browser
trigger that, and on a closed network it is traffic that must not happen. The app answers only
to the names in server.allowedHosts, so the look-ups add nothing: their cached answers are set
here, before the server starts. (host_guard does the same on the first page run, for a server
started with plain `streamlit run`.) scripts/run_app.sh starts the app this way.

It also starts loading what the first page needs (`warmup.preload`) while the server starts and
the browser loads Streamlit's scripts, so the first page does not wait for it (issue 13).
"""

from __future__ import annotations

import sys

from streamlit import net_util
from streamlit.web import cli

from plan_builder.ui import warmup


def quiet_address_lookups() -> None:
    """Answer Streamlit's own-address look-ups from memory: loopback, and "no external IP"."""
    net_util._internal_ip = "127.0.0.1"
    net_util._external_ip = ""  # a cached empty answer: get_external_ip() never goes out


def main() -> None:
    quiet_address_lookups()
    if sys.argv[1:2] == ["run"]:
        warmup.preload()
    sys.exit(cli.main(prog_name="streamlit"))


if __name__ == "__main__":
    main()
