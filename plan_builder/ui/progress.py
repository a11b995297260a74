"""The check report of the open plan, computed once per saved version (reruns reuse it)."""

from __future__ import annotations

import streamlit as st

from plan_builder.checks import CheckReport, check_plan
from plan_builder.ui.state import OpenPlan

_KEY = "pb_report"


def report(op: OpenPlan) -> CheckReport:
    cached = st.session_state.get(_KEY)
    if cached and cached[0] == (op.id, op.version):
        return cached[1]
    rep = check_plan(op.plan, op.guide)
    st.session_state[_KEY] = ((op.id, op.version), rep)
    return rep


def pct(x: float) -> str:
    return f"{round(x * 100)}%"
