"""The app's own start-up check, for when it is started without scripts/run_app.sh.

Runs first on every script run (cheap: a few config reads). With an unknown PLAN_BUILDER_MODE,
or standalone mode listening beyond this computer, or no allowed host names, the page shows why
in Japanese and stops: no page, plan or account is served.
"""

from __future__ import annotations

import streamlit as st
from streamlit import config

from plan_builder.auth import DeploymentError, check_deployment, deployment_mode
from plan_builder.ui.launch import quiet_address_lookups


def one_run_at_a_time() -> None:
    """Turn Streamlit's fast reruns off (.streamlit/config.toml does; this covers a server started
    elsewhere): with them, a user's next action starts a run beside the one it stops, and both
    change the session's record of seeded and saved fields at once (a typed value was lost)."""
    if config.get_option("runner.fastReruns"):
        config.set_option("runner.fastReruns", False)


def guard() -> None:
    """Stop the run with a Japanese explanation when the deployment must not serve pages."""
    quiet_address_lookups()
    one_run_at_a_time()
    try:
        check_deployment(
            deployment_mode(),
            str(st.get_option("server.address") or ""),
            list(st.get_option("server.allowedHosts") or []),
        )
    except DeploymentError as exc:
        st.error(f"この設定では起動できません。{exc}")
        st.stop()
