"""Reviewer views read like Japanese: labels instead of keys, display names instead of user
names, no literal None, units, named sheets with a legend, CSV with a BOM."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook
from streamlit.testing.v1 import AppTest

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import Guide
from plan_builder.review.comments import CommentService
from plan_builder.review.export import to_csv, to_xlsx
from plan_builder.review.labels import display_names, place_label
from plan_builder.store import Store
from tests.desk_support import REVIEWER, seed_fujieda


def test_xlsx_sheet_is_named_and_has_a_legend_and_csv_has_a_bom() -> None:
    data = to_xlsx(
        ["団体名", "充足度（%）"], [["藤枝市", 30.0]], sheet="策定状況", legend=[("充足度（%）", "0〜100")]
    )
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["策定状況", "凡例"]
    assert [c.value for c in wb["凡例"][2]] == ["充足度（%）", "0〜100"]
    assert to_xlsx(["a"], [[1]], sheet="a/b:c").startswith(b"PK")  # forbidden characters replaced
    assert to_csv(["a"], [[None]]) == b'\xef\xbb\xbfa\r\n""\r\n'  # an empty cell, never "None"


def _account(store: Store, display_name: str) -> None:
    UserAdmin(store, Actor("admin", Role.ADMIN)).add(
        "shizuoka-ken", role=Role.REVIEWER, password=None, scope="22", display_name=display_name
    )


def test_labels_and_display_names(store: Store, guide: Guide) -> None:
    label = place_label(guide, "current", "current.overview")
    assert label.startswith("第") and label.endswith("＞ 地域の現状") and "current" not in label
    assert place_label(guide, "current", None).endswith("（章全体）")
    _account(store, "静岡県 デジタル戦略課 審査担当")
    assert display_names(store, ["shizuoka-ken", "gone"]) == {
        "shizuoka-ken": "静岡県 デジタル戦略課 審査担当",
        "gone": "gone",
    }


def test_queue_and_comments_show_labels_names_and_no_none(
    store: Store, guide: Guide, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    monkeypatch.setenv("DATABASE_URL", db_url)
    pid = seed_fujieda(store, guide)
    _account(store, "県の審査担当")
    CommentService(store, REVIEWER).add(pid, question_key="current.overview", body="数値を挙げてください。")

    def app() -> None:
        from plan_builder.ui import review_pages

        review_pages.queue_page()

    at = AppTest.from_function(app, default_timeout=30).run()
    assert not at.exception, at.exception
    df = at.dataframe[0].value
    assert "None" not in df.astype(str).to_string()
    assert "充足度（%）" in df.columns
    md = "\n".join(m.value for m in at.markdown)
    assert "地域の現状" in md and "県の審査担当" in md
    assert "current.overview" not in md and "shizuoka-ken" not in md
