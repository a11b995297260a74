"""Saves run in the script, from `state.on_edit`, and are redone when a run was cut off (issue 9).

Streamlit stops a running script at its next session-state access when the user's next action
arrives; a save in an `on_change` callback was then lost for good. Here the save function raises
Streamlit's own StopException the first time, as that cut-off does."""

from __future__ import annotations

from streamlit.testing.v1 import AppTest


def _page() -> None:
    import streamlit as st
    from streamlit.runtime.scriptrunner_utils.exceptions import StopException

    from plan_builder.ui import state

    saved = st.session_state.setdefault("saved", [])
    cut_offs = st.session_state.setdefault("cut_offs", [0])

    def save(wk: str) -> None:
        value = state.edited(wk)
        if value is state.NO_EDIT:
            return
        if cut_offs[0] < st.session_state.get("cut_off_first", 0):
            cut_offs[0] += 1
            raise StopException()  # the user's next action arrived: Streamlit stops this run here
        saved.append(value)

    state.begin_run()
    wk = state.bind("answer", "saved text")
    state.on_edit(wk, save, wk)
    st.text_input("回答", key=wk)


def _app(cut_off_first: int) -> AppTest:
    at = AppTest.from_function(_page, default_timeout=30)
    at.session_state["cut_off_first"] = cut_off_first
    return at.run()


def test_a_save_cut_off_by_the_next_action_is_done_by_the_next_run() -> None:
    at = _app(cut_off_first=1)
    at.text_input[0].input("typed text").run()  # cut off while saving
    assert at.session_state["saved"] == []
    at.run()  # the user's next action: its run saves what the cut-off run could not
    assert at.session_state["saved"] == ["typed text"]


def test_a_handled_edit_is_not_saved_again() -> None:
    at = _app(cut_off_first=0)
    at.text_input[0].input("typed text").run()
    at.run()
    at.run()
    assert at.session_state["saved"] == ["typed text"]
    at.text_input[0].input("more text").run()
    assert at.session_state["saved"] == ["typed text", "more text"]


def test_the_value_the_app_put_in_is_never_saved() -> None:
    at = _app(cut_off_first=0)
    at.run()
    assert at.text_input[0].value == "saved text"
    assert at.session_state["saved"] == []
