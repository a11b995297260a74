"""Helpers shared by the reviewer pages: the acting user, dates, downloads, pages, messages."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import streamlit as st

from plan_builder.auth import Actor
from plan_builder.plan import today_jst
from plan_builder.store import Store
from plan_builder.ui import state
from plan_builder.ui.render import md_escape

K_FLASH = "rv_flash"


def ctx() -> tuple[Store, Actor]:
    return state.get_store(), state.actor()


def date_label(dt: datetime | None) -> str:
    return state.saved_label(dt) if dt else "－"


def downloads(
    name: str,
    header: list[str],
    rows: list[list],
    key: str,
    *,
    legend: Sequence[tuple[str, str]] = (),
) -> None:
    """Download buttons; the files are built only when a button is clicked (big tables).

    The sheet is named after the table; `legend` (term, meaning) goes to a second sheet 「凡例」.
    CSV has a BOM for Excel on Japanese Windows unless the reviewer asks for plain UTF-8."""
    c1, c2, c3 = st.columns([2, 2, 2])
    stamp = today_jst().strftime("%Y%m%d")
    c1.download_button(
        "Excel形式（.xlsx）で保存",
        lambda: _export().to_xlsx(header, rows, sheet=name, legend=legend),
        file_name=f"{name}_{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key=f"{key}_xlsx",
    )
    plain = c3.checkbox("CSVをBOMなしのUTF-8で保存", key=f"{key}_nobom", help="他のシステムに取り込む場合")
    c2.download_button(
        "CSV形式（UTF-8）で保存",
        lambda: _export().to_csv(header, rows, bom=not plain),
        file_name=f"{name}_{stamp}.csv",
        mime="text/csv",
        key=f"{key}_csv",
    )


def paginate(total: int, key: str, default_size: int = 50) -> tuple[int, int]:
    c1, c2, c3 = st.columns([1, 1, 3])
    size = c1.selectbox(
        "1ページの件数", [25, 50, 100, 200], index=[25, 50, 100, 200].index(default_size), key=f"{key}_size"
    )
    pages = max(1, -(-total // size))
    page = c2.number_input("ページ", min_value=1, max_value=pages, value=1, step=1, key=f"{key}_page")
    c3.caption(f"全{total:,}件（{pages}ページ）")
    return int(page), int(size)


def flash(message: str) -> None:
    """A success message shown after the rerun that a status change or comment triggers."""
    st.session_state[K_FLASH] = message


def show_flash() -> None:
    msg = st.session_state.pop(K_FLASH, None)
    if msg:
        st.success(md_escape(msg))


def _export():
    """plan_builder.review, whose spreadsheet writers load openpyxl on first use (at a download)."""
    from plan_builder import review

    return review
