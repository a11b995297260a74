"""The wizard's behaviour around a planner's text (issue 13): 記載例 inserted into an empty answer,
asked about before touching a written one (append / replace / cancel), undone in one step; the
「保存しました（版N）」 sign at the saved field; scrolling on chapter change; 点検's 「修正する」
opening the question highlighted."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.creation import new_plan
from plan_builder.guide import Guide
from plan_builder.plan import edit
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui import scroll

WIZARD = "plan_builder/ui/pages/wizard.py"
CHECK = "plan_builder/ui/pages/check.py"
OVERVIEW = "地域の現状（必須）"

pytestmark = pytest.mark.usefixtures("app_env")


@pytest.fixture
def plan_id(store: Store, guide: Guide) -> int:
    lg = store.local_government("033227")
    return PlanService(store, Actor.local()).create(new_plan(lg, guide)).id


def saved(store: Store, plan_id: int) -> str | None:
    return store.get_plan(plan_id).plan.answers.get("current.overview")


def example(store: Store, plan_id: int, guide: Guide) -> str:
    return edit.example_answer(guide.question("current.overview"), store.get_plan(plan_id).plan)


def click(at: AppTest, label: str, nth: int = 0) -> None:
    [b for b in at.button if b.label == label][nth].click().run()
    assert not at.exception, at.exception


def test_example_into_an_empty_answer_and_undo_in_one_step(store: Store, plan_id: int, guide: Guide) -> None:
    at = open_app(plan_id, WIZARD)
    click(at, "記載例を挿入")
    text = example(store, plan_id, guide)
    assert saved(store, plan_id) == text and text.startswith("本町")  # 矢巾町 is a 町
    assert by_label(at.text_area, OVERVIEW).value == text
    assert "記載例を挿入しました。" in texts(at)
    version = store.get_plan(plan_id).version
    click(at, "元に戻す")
    assert not saved(store, plan_id)
    assert store.get_plan(plan_id).version == version + 1  # one step, one revision
    assert by_label(at.text_area, OVERVIEW).value == ""
    assert not [b for b in at.button if b.label == "元に戻す"]


def test_written_answer_is_asked_about_then_appended_and_undone(
    store: Store, plan_id: int, guide: Guide
) -> None:
    at = open_app(plan_id, WIZARD)
    by_label(at.text_area, OVERVIEW).input("本町の独自の文章です。").run()
    version = store.get_plan(plan_id).version
    click(at, "記載例を挿入")
    assert store.get_plan(plan_id).version == version  # nothing changed: the app asks first
    assert "入力欄にはすでに文章があります。記載例をどうしますか。" in texts(at)
    click(at, "下に追加する")
    text = example(store, plan_id, guide)
    assert saved(store, plan_id) == f"本町の独自の文章です。\n\n{text}"
    assert by_label(at.text_area, OVERVIEW).value == f"本町の独自の文章です。\n\n{text}"
    assert "入力欄にはすでに文章があります。" not in texts(at)
    click(at, "元に戻す")
    assert saved(store, plan_id) == "本町の独自の文章です。"
    assert by_label(at.text_area, OVERVIEW).value == "本町の独自の文章です。"


def test_replace_only_after_asking_and_cancel_keeps_the_text(
    store: Store, plan_id: int, guide: Guide
) -> None:
    at = open_app(plan_id, WIZARD)
    by_label(at.text_area, OVERVIEW).input("残したい文章").run()
    click(at, "記載例を挿入")
    click(at, "やめる")
    assert saved(store, plan_id) == "残したい文章"
    assert "記載例をどうしますか" not in texts(at)
    click(at, "記載例を挿入")
    click(at, "置き換える")
    assert saved(store, plan_id) == example(store, plan_id, guide)
    click(at, "元に戻す")
    assert saved(store, plan_id) == "残したい文章"


def test_typed_text_not_yet_applied_is_kept_when_inserting(store: Store, plan_id: int) -> None:
    """Text typed and not yet sent (the click on the button sends it) is saved, never replaced."""
    at = open_app(plan_id, WIZARD)
    by_label(at.text_area, OVERVIEW).input("打ちかけの文章")  # no run: arrives with the click
    click(at, "記載例を挿入")
    assert saved(store, plan_id) == "打ちかけの文章"
    assert "記載例をどうしますか" in texts(at)


def test_undo_is_withdrawn_once_the_answer_is_edited(store: Store, plan_id: int) -> None:
    at = open_app(plan_id, WIZARD)
    click(at, "記載例を挿入")
    by_label(at.text_area, OVERVIEW).input("書き直した文章").run()
    assert not [b for b in at.button if b.label == "元に戻す"]  # 変更履歴 goes further back
    assert saved(store, plan_id) == "書き直した文章"


def test_saved_sign_names_the_version_beside_the_field(store: Store, plan_id: int) -> None:
    at = open_app(plan_id, WIZARD)
    assert "保存しました" not in texts(at)
    by_label(at.text_area, OVERVIEW).input("一つ目").run()
    assert ":material/check: 保存しました（版2）" in [c.value for c in at.caption]
    by_label(at.text_area, "地域と行政の課題（必須）").input("二つ目").run()
    signs = [c.value for c in at.caption if "保存しました" in c.value]
    assert signs == [":material/check: 保存しました（版3）"]  # only at the field saved last


def test_chapter_change_asks_for_a_scroll_to_the_top(plan_id: int, monkeypatch: pytest.MonkeyPatch) -> None:
    drawn: list[str | None] = []
    real_apply = scroll.apply
    monkeypatch.setattr(scroll, "apply", lambda: (drawn.append(scroll.pending()), real_apply()))
    at = open_app(plan_id, WIZARD)
    assert drawn[-1] is None  # typing or opening the page never scrolls
    click(at, "第2章へ →")
    assert drawn[-1] == scroll.TOP
    at.run()
    assert drawn[-1] is None  # once only


def test_fix_from_check_opens_the_question_highlighted(plan_id: int, guide: Guide, monkeypatch) -> None:
    drawn: list[str | None] = []
    real_apply = scroll.apply
    monkeypatch.setattr(scroll, "apply", lambda: (drawn.append(scroll.pending()), real_apply()))
    at = open_app(plan_id, CHECK)
    fix = next(b for b in at.button if b.key and b.key.startswith("fix:positioning:"))
    fix.click().run()
    assert not at.exception, at.exception
    assert any(m.value.startswith("##### 第3章") for m in at.markdown)
    assert drawn[-1] == scroll.FOCUSED
    badges = [m.value for m in at.markdown if "点検で指摘された設問" in m.value]
    assert len(badges) == 1  # one question is highlighted
    said = [
        e.value for kind in (at.info, at.caption, at.warning) for e in kind if "点検で指摘" in str(e.value)
    ]
    assert said == []  # and said once, at the question (not again above the chapter)
    keys = {getattr(b, "key", None) for b in _blocks(at)}
    assert scroll.FOCUSED in keys


def _blocks(at: AppTest) -> list:
    out, stack = [], [at.main]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(getattr(node, "children", {}).values())
    return out


def test_examples_say_their_figures_are_made_up(store: Store, plan_id: int) -> None:
    """A 記載例 takes the plan's name but its figures are invented: said where it is shown and
    after it is inserted, so nobody publishes 「人口は18,214人」 for their own town."""
    at = open_app(plan_id, WIZARD)
    note = "記載例の数値や地域の特徴は架空のものです"
    assert any(note in c.value for c in at.caption)
    click(at, "記載例を挿入")
    assert any("記載例を挿入しました。" in c.value and note in c.value for c in at.caption)
