"""The reviewer pages in Streamlit's AppTest: they render real data and their buttons act."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.review.comments import CommentService
from plan_builder.review.diff import text_segments
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

ADMIN = Actor("admin", Role.ADMIN)


def _page_app(name: str) -> None:
    from plan_builder.ui import review_pages

    getattr(review_pages, name)()


@pytest.fixture
def app_store(store: Store, db_url: str, monkeypatch: pytest.MonkeyPatch, guide: Guide):
    """The pages' store is the test's store; two submitted plans, one of them resubmitted."""
    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    monkeypatch.setenv("DATABASE_URL", db_url)
    ids = []
    for code, name in (("033227", "矢巾町"), ("032018", "盛岡市")):
        pid = PlanService(store, ADMIN).create(sample_plan(guide, lg_code=code, lg_name=name)).id
        ReviewService(store, ADMIN).submit(pid)
        ids.append(pid)
    rs = ReviewService(store, ADMIN)
    rs.start_review(ids[0])
    rs.return_plan(ids[0])
    cur = PlanService(store, ADMIN).get(ids[0])
    answers = {**cur.plan.answers, "current.issues": "[リンク](https://example.com) を含む修正後の課題です。"}
    PlanService(store, ADMIN).save(
        ids[0], cur.plan.model_copy(update={"answers": answers}), expected_version=cur.version
    )
    rs.resubmit(ids[0])
    return store, ids


def _run(name: str) -> AppTest:
    at = AppTest.from_function(_page_app, args=(name,), default_timeout=30)
    return at.run()


def test_queue_page_lists_and_acts(app_store) -> None:
    store, ids = app_store
    at = _run("queue_page")
    assert not at.exception
    assert at.title[0].value == "審査キュー"
    df = at.dataframe[0].value
    assert set(df["団体名"]) == {"矢巾町", "盛岡市"}
    start = next(b for b in at.button if b.label == "確認を開始する")
    start.click().run()
    assert not at.exception
    assert {store.plan_meta(i).status for i in ids} & {"in_review"}


def test_queue_page_adds_a_comment(app_store) -> None:
    store, ids = app_store
    at = _run("queue_page")
    pid = at.selectbox(key="rvq_pick").value
    at.selectbox(key=f"rv_where_{pid}").set_value("current.issues")
    at.text_area(key=f"rv_body_{pid}").input("課題の記述を具体的にしてください。")
    next(b for b in at.button if b.label == "コメントを追加").click().run()
    assert not at.exception
    [c] = CommentService(store, ADMIN).open_comments_for(pid, "current.issues")
    assert c.body == "課題の記述を具体的にしてください。"


def test_diff_page_shows_changes_escaped(app_store) -> None:
    _, ids = app_store
    at = _run("diff_page")
    at.selectbox(key="rvd_plan").set_value(ids[0]).run()
    assert not at.exception
    md = "\n".join(m.value for m in at.markdown)
    assert ":green-background[" in md
    # the planner's Markdown is shown literally, not as a link (U+2060 stops autolinking: issue 10)
    assert "\\[リンク\\]\\(https\u2060\\:" in md


@pytest.mark.parametrize("name", ["side_by_side_page", "coverage_page", "kpi_page"])
def test_other_pages_render(app_store, name: str) -> None:
    at = _run(name)
    assert not at.exception
    assert at.title[0].value in {"比較（横並び）", "カバレッジ", "KPIベンチマーク"}
    assert any(b.label.startswith("Excel形式") for b in at.get("download_button"))


def test_segments_markdown_escapes_and_marks() -> None:
    from plan_builder.ui.review_pages import segments_markdown

    md = segments_markdown(text_segments("古い*文*\n二行目", "新しい*文*\n二行目![x](http://a)"))
    assert ":red-background[~~古~~]" in md and ":green-background[新し]" in md
    assert "\\*文\\*" in md and "!\\[x\\]\\(http\u2060\\:" in md
    assert "  \n" in md  # the line break survives outside the colour directives


def _planner_app(plan_id: int) -> None:
    from plan_builder.ui import review_pages, state

    review_pages.comments_at_question(state.service(), plan_id, "current.issues")
    review_pages.submit_panel(state.service(), plan_id)


def test_planner_sees_comments_and_resubmits(app_store) -> None:
    store, ids = app_store
    pid = ids[1]
    rs = ReviewService(store, ADMIN)
    rs.start_review(pid)
    CommentService(store, ADMIN).add(pid, question_key="current.issues", body="数値を挙げてください。")
    CommentService(store, ADMIN).add(pid, question_key="current.overview", body="別の設問へのコメント")
    rs.return_plan(pid)
    at = AppTest.from_function(_planner_app, args=(pid,), default_timeout=30).run()
    assert not at.exception
    md = "\n".join(m.value for m in at.markdown)
    assert "数値を挙げてください。" in md and "別の設問へのコメント" not in md
    assert any("未解決のコメントが2件" in w.value for w in at.warning)
    labels = [b.label for b in at.button]
    assert "解決済みにする" not in labels  # the planner replies; the reviewer resolves
    next(b for b in at.button if b.label == "再提出する").click().run()
    assert not at.exception
    # the confirmation box lists the open comments; nothing changes until it is confirmed
    assert "未解決のコメント（" in "\n".join(m.value for m in at.markdown)
    next(b for b in at.button if b.label == "再提出する（確定）").click().run()
    assert any("確認しました」にチェック" in e.value for e in at.error)
    next(c for c in at.checkbox if c.label == "上記の内容を確認しました").check().run()
    next(b for b in at.button if b.label == "再提出する（確定）").click().run()
    assert not at.exception
    assert store.plan_meta(pid).status == "resubmitted"
    assert [s.round for s in rs.submissions(pid)] == [1, 2]


def test_returning_a_plan_is_asked_first(app_store) -> None:
    """差し戻す sits in a popover with a confirming button: one stray click sends nothing back."""
    store, ids = app_store
    ReviewService(store, ADMIN).start_review(ids[1])
    at = _run("queue_page")
    at.selectbox(key="rvq_pick").set_value(ids[1]).run()
    assert any(p.proto.popover.label == "差し戻す" for p in at.get("popover"))
    assert [b for b in at.button if b.label == "差し戻す"] == []  # no button that acts at once
    assert store.plan_meta(ids[1]).status == "in_review"
    at.text_input(key=f"rv_note_{ids[1]}_reviewer_").input("第3章を見直してください。").run()
    assert any("第3章を見直してください。" in c.value for c in at.caption)  # the memo it will send
    next(b for b in at.button if b.label == "差し戻す（確定）").click().run()
    assert not at.exception
    assert store.plan_meta(ids[1]).status == "returned"
