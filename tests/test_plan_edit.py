"""Editing operations used by the wizard: each returns a new validated plan or raises EditError
with a Japanese message, and never changes the plan it was given."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.guide import Guide, get_guide
from plan_builder.plan import clean_text, edit, format_fiscal_year
from plan_builder.plan.edit import EditError
from plan_builder.plan.model import MeasureOrigin, Plan
from plan_builder.samples import sample_plan


@pytest.fixture
def empty(guide: Guide) -> Plan:
    return Plan(lg_code="033227", lg_name="矢巾町", guide_id=guide.id, title="矢巾町官民データ活用推進計画")


def test_answer_text_and_bound_fields(empty: Plan, guide: Guide) -> None:
    p = edit.answer_question(empty, guide, "current.overview", "  本町の人口は2万人です。  ")
    assert p.answers["current.overview"] == "本町の人口は2万人です。"
    p = edit.answer_question(p, guide, "structure.publication_url", "https://www.town.example.lg.jp/plan")
    assert p.publication_url == "https://www.town.example.lg.jp/plan"
    p = edit.answer_question(p, guide, "structure.contact_department", "総務課")
    assert p.contact.department == "総務課"
    assert empty.answers == {} and empty.publication_url == ""  # the input is untouched


def test_bad_url_names_the_field(empty: Plan, guide: Guide) -> None:
    with pytest.raises(EditError, match="URL"):
        edit.answer_question(empty, guide, "structure.publication_url", "javascript:alert(1)")


def test_bad_email_names_the_field(empty: Plan, guide: Guide) -> None:
    with pytest.raises(EditError, match="メールアドレス"):
        edit.answer_question(empty, guide, "structure.contact_email", "not-an-address")


def test_text_longer_than_allowed(empty: Plan, guide: Guide) -> None:
    q = guide.question("positioning.review")
    assert q.max_length
    with pytest.raises(EditError, match=f"{q.max_length}文字以内"):
        edit.answer_question(empty, guide, q.key, "あ" * (q.max_length + 1))


def test_period_needs_both_years_in_order(empty: Plan, guide: Guide) -> None:
    p = edit.answer_question(empty, guide, "positioning.period", (2025, 2029))
    assert p.period is not None and p.period.years == [2025, 2026, 2027, 2028, 2029]
    with pytest.raises(EditError, match="両方"):
        edit.answer_question(empty, guide, "positioning.period", (2025, None))
    with pytest.raises(EditError, match="終了年度"):
        edit.answer_question(empty, guide, "positioning.period", (2029, 2025))
    assert edit.answer_question(p, guide, "positioning.period", (None, None)).period is None


def test_choices_are_checked_and_kept_in_guide_order(empty: Plan, guide: Guide) -> None:
    q = guide.question("purpose.goals")
    values = [o.value for o in q.options]
    p = edit.answer_question(empty, guide, q.key, list(reversed(values)))
    assert p.answers[q.key] == values
    with pytest.raises(EditError, match="選択肢"):
        edit.answer_question(empty, guide, q.key, ["no_such_goal"])


def test_pillars_must_exist(empty: Plan, guide: Guide) -> None:
    p = edit.answer_question(empty, guide, "policy.pillars", ["open_data", "online"])
    assert p.pillars == ["online", "open_data"]
    with pytest.raises(EditError, match="柱"):
        edit.answer_question(empty, guide, "policy.pillars", ["moonshot"])


def test_clearing_an_answer_removes_it(empty: Plan, guide: Guide) -> None:
    p = edit.answer_question(empty, guide, "current.overview", "文章")
    assert "current.overview" not in edit.answer_question(p, guide, "current.overview", "").answers


def test_example_uses_the_plans_name(empty: Plan, guide: Guide) -> None:
    q = guide.question("positioning.title")
    text = edit.example_answer(q, empty)
    assert text == "矢巾町官民データ活用推進計画"


def _city(guide: Guide) -> Plan:
    return Plan(lg_code="032018", lg_name="盛岡市", guide_id=guide.id, title="盛岡市官民データ活用推進計画")


def test_examples_speak_of_a_city_as_a_city(guide: Guide) -> None:
    city = _city(guide)
    text = "\n".join(
        edit.example_answer(q, city, i) for q in guide.questions() for i in range(len(q.examples))
    )
    assert "本市" in text and "市内全域" in text and "市民" in text and "岩手県官民データ活用推進計画" in text
    assert "盛岡市官民データ活用推進本部" in text and "副市長" in text and "市役所" in text
    for town_word in ("本町", "町内", "町民", "みどり", "あおば", "副町長", "役場", "{", "}"):
        assert town_word not in text, town_word


def test_examples_of_a_prefecture_and_of_a_village(guide: Guide, pref_guide: Guide) -> None:
    tokyo = Plan(lg_code="130001", lg_name="東京都", guide_id=pref_guide.id, title="東京都の計画")
    text = "\n".join(
        edit.example_answer(q, tokyo, i) for q in pref_guide.questions() for i in range(len(q.examples))
    )
    assert "本都" in text and "都民" in text and "東京都官民データ活用推進本部" in text
    assert "本県" not in text and "県民" not in text and "あおば" not in text
    muni = guide
    village = Plan(lg_code="034827", lg_name="普代村", guide_id=muni.id, title="普代村の計画")
    assert edit.example_answer(muni.question("current.overview"), village).startswith("本村の人口は")


def test_insert_example_fills_an_empty_answer_and_undoes_in_one_step(empty: Plan, guide: Guide) -> None:
    p, step = edit.insert_example(empty, guide, "current.overview")
    assert p.answers["current.overview"] == edit.example_answer(guide.question("current.overview"), empty)
    assert edit.undo(p, guide, step) == empty


def test_insert_example_appends_to_a_written_answer(empty: Plan, guide: Guide) -> None:
    mine = "矢巾町は岩手県のほぼ中央に位置します。"
    written = edit.answer_question(empty, guide, "current.overview", mine)
    p, step = edit.insert_example(written, guide, "current.overview", 1)
    example = edit.example_answer(guide.question("current.overview"), empty, 1)
    assert p.answers["current.overview"] == f"{mine}\n\n{example}"
    again, _ = edit.insert_example(p, guide, "current.overview", 1)
    assert again.answers["current.overview"] == p.answers["current.overview"]  # not twice
    assert edit.undo(p, guide, step).answers["current.overview"] == mine


def test_insert_example_replaces_only_when_asked(empty: Plan, guide: Guide) -> None:
    written = edit.answer_question(empty, guide, "current.overview", "自分の文章")
    p, step = edit.insert_example(written, guide, "current.overview", replace=True)
    assert p.answers["current.overview"] == edit.example_answer(guide.question("current.overview"), empty)
    assert edit.undo(p, guide, step).answers["current.overview"] == "自分の文章"


def test_undo_after_a_later_edit_is_refused_and_changes_nothing(empty: Plan, guide: Guide) -> None:
    p, step = edit.insert_example(empty, guide, "current.overview")
    later = edit.answer_question(p, guide, "current.overview", p.answers["current.overview"] + "追記")
    with pytest.raises(EditError, match="変更履歴"):
        edit.undo(later, guide, step)
    assert later.answers["current.overview"].endswith("追記")


def test_insert_example_into_a_bound_field_and_too_long_text(empty: Plan, guide: Guide) -> None:
    p, step = edit.insert_example(empty, guide, "positioning.title", replace=True)
    assert p.title == "矢巾町官民データ活用推進計画"
    assert edit.undo(p, guide, step).title == empty.title
    q = guide.question("positioning.title")
    long = edit.answer_question(empty, guide, "positioning.title", "あ" * (q.max_length - 3))
    with pytest.raises(EditError, match=q.label):
        edit.insert_example(long, guide, "positioning.title")
    with pytest.raises(EditError, match="記載例を挿入できません"):
        edit.insert_example(empty, guide, "policy.pillars")


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.text(max_size=300), index=st.integers(0, 5), replace=st.booleans())
def test_insert_then_undo_gives_back_any_answer(
    empty: Plan, guide: Guide, text: str, index: int, replace: bool
) -> None:
    try:
        before = edit.answer_question(empty, guide, "current.issues", text)
    except EditError:
        return
    after, step = edit.insert_example(before, guide, "current.issues", index, replace=replace)
    example = edit.example_answer(guide.question("current.issues"), empty, index)
    assert example in after.answers["current.issues"]
    if not replace and before.answers.get("current.issues"):
        assert after.answers["current.issues"].startswith(before.answers["current.issues"])
    undone = edit.undo(after, guide, step)
    # an answer the model cleaned to "" may be stored as "" or not at all: both are unanswered
    assert (undone.answers.get("current.issues") or "") == (before.answers.get("current.issues") or "")
    assert undone.model_dump(exclude={"answers"}) == before.model_dump(exclude={"answers"})


def test_measure_lifecycle(empty: Plan, guide: Guide) -> None:
    p = edit.add_measure(empty, guide, pillar="online", name="電子申請の拡大", department="総務課")
    p = edit.add_measure(
        p,
        guide,
        pillar="open_data",
        name="推奨データセットの公開",
        origin=MeasureOrigin.NATIONAL,
        national_ref="オープンデータの推進",
    )
    assert [m.key for m in p.measures] == ["M01", "M02"]
    assert p.measure("M01").article == guide.pillar("online").article
    assert p.measure("M02").origin is MeasureOrigin.NATIONAL
    p = edit.update_measure(p, guide, "M01", name="電子申請の対象拡大", pillar="systems")
    assert p.measure("M01").name == "電子申請の対象拡大"
    assert p.measure("M01").article == guide.pillar("systems").article
    p = edit.set_schedule(p, "M01", {2025: "検討", 2026: "実施", 2027: ""})
    assert [(e.fy, e.activity) for e in p.measure("M01").schedule] == [(2025, "検討"), (2026, "実施")]
    p = edit.remove_measure(p, "M01")
    assert [m.key for m in p.measures] == ["M02"]
    assert edit.add_measure(p, guide, pillar="online", name="x").measures[-1].key == "M01"  # number reused


def test_measure_errors(empty: Plan, guide: Guide) -> None:
    with pytest.raises(EditError, match="施策名"):
        edit.add_measure(empty, guide, pillar="online", name="  ")
    with pytest.raises(EditError, match="柱"):
        edit.add_measure(empty, guide, pillar="nope", name="x")
    p = edit.add_measure(empty, guide, pillar="online", name="x")
    with pytest.raises(EditError, match="施策名"):
        edit.update_measure(p, guide, "M01", name="")
    with pytest.raises(EditError, match="見つかりません"):
        edit.remove_measure(p, "M09")
    with pytest.raises(EditError, match="関連KPI"):
        edit.update_measure(p, guide, "M01", kpi_keys=["K07"])


def test_kpi_lifecycle_and_links(empty: Plan, guide: Guide) -> None:
    p = edit.add_measure(empty, guide, pillar="online", name="電子申請")
    p = edit.add_kpi(p, name="オンライン手続数", unit="件", pillar="online", link_to="M01")
    assert p.measure("M01").kpi_keys == ["K01"]
    p = edit.update_kpi(
        p,
        "K01",
        baseline_value="１２",
        baseline_as_of=date(2025, 3, 31),
        targets={2025: "20", 2026: 30, 2027: None},
        actuals={2025: 18},
        source="業務統計",
    )
    k = p.kpi("K01")
    assert k.baseline.value == 12.0 and k.baseline.as_of == date(2025, 3, 31)
    assert k.targets == {2025: 20.0, 2026: 30.0} and k.actuals == {2025: 18.0}
    p = edit.remove_kpi(p, "K01")
    assert p.kpis == [] and p.measure("M01").kpi_keys == []


def test_quantitative_kpi_refuses_text(empty: Plan) -> None:
    p = edit.add_kpi(empty, name="満足度")
    with pytest.raises(EditError, match="数値"):
        edit.update_kpi(p, "K01", baseline_value="たくさん")
    q = edit.update_kpi(p, "K01", nature="qualitative", baseline_value="試行中")
    assert q.kpi("K01").baseline.value == "試行中"


def test_open_data_feeds_a_kpi(empty: Plan, guide: Guide) -> None:
    q = edit.open_data_question(guide)
    assert q is not None
    items = [i.value for i in guide.reference("open_data_sets").items]
    p = edit.set_open_data(empty, guide, items[:3])
    assert edit.checked_open_data(p, guide) == items[:3]
    p = edit.add_kpi(p, name="公開データセット数", unit="件")
    p = edit.baseline_from_count(p, "K01", len(edit.checked_open_data(p, guide)), date(2026, 4, 1))
    assert p.kpi("K01").baseline.value == 3.0 and p.kpi("K01").baseline.as_of == date(2026, 4, 1)
    with pytest.raises(EditError):
        edit.set_open_data(empty, guide, ["not_a_data_set"])


def test_diff_lists_what_changed(guide: Guide) -> None:
    old = sample_plan(guide, n_measures=3, n_kpis=2)
    new = edit.answer_question(old, guide, "current.overview", "新しい現状")
    new = edit.remove_measure(new, "M03")
    new = edit.update_kpi(new, "K01", baseline_value=99)
    labels = [c.label for c in edit.diff_plans(old, new, guide)]
    assert any("地域の現状" in x for x in labels)
    assert "施策 M03" in labels and "KPI K01" in labels
    assert edit.diff_plans(old, old, guide) == []
    removed = next(c for c in edit.diff_plans(old, new, guide) if c.label == "施策 M03")
    assert removed.after == "（削除）"


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(text=st.text(max_size=300))
def test_any_text_answer_either_saves_cleanly_or_is_refused(empty: Plan, guide: Guide, text: str) -> None:
    """Whatever is typed into a long-text question ends up stored (cleaned) or refused in Japanese."""
    try:
        p = edit.answer_question(empty, guide, "current.overview", text)
    except EditError as exc:
        assert str(exc)
        return
    stored = p.answers.get("current.overview", "")
    assert Plan.model_validate_json(p.model_dump_json()) == p
    assert all(ord(c) >= 0x20 or c in "\n\t" for c in stored)


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(value=st.one_of(st.text(max_size=20), st.floats(allow_nan=True, allow_infinity=True), st.integers()))
def test_any_baseline_input_is_validated(empty: Plan, value: object) -> None:
    p = edit.add_kpi(empty, name="指標")
    try:
        q = edit.update_kpi(p, "K01", baseline_value=value)
    except EditError as exc:
        assert "現状値" in str(exc) or "KPI" in str(exc)
        return
    v = q.kpi("K01").baseline.value
    assert v is None or isinstance(v, float)


@settings(max_examples=80, deadline=None)
@given(
    fy=st.integers(2020, 2040),
    text=st.text(st.characters(exclude_categories=("Cs",)), max_size=230),
)
def test_set_activity_sets_one_year_only(fy: int, text: str) -> None:
    """Any text: stored as cleaned if 200 characters or fewer after cleaning, the year removed if
    empty, refused with a message naming the measure and the year if longer; the other years and
    the other measures are untouched."""
    guide = get_guide("kanmin-2019-municipality")
    start = Plan(lg_code="033227", lg_name="矢巾町", guide_id=guide.id, title="計画")
    plan = edit.add_measure(start, guide, pillar="online", name="施策1")
    plan = edit.add_measure(plan, guide, pillar="online", name="施策2")
    others = {2019: "前の計画", 2041: "次の計画"}
    plan = edit.set_schedule(plan, "M01", {**others, fy: "元の取組"})
    plan = edit.set_schedule(plan, "M02", {fy: "別の施策"})
    clean = clean_text(text)
    if len(clean) > 200:
        with pytest.raises(EditError, match=rf"施策 M01 の{format_fiscal_year(fy)}の取組内容は200文字以内"):
            edit.set_activity(plan, "M01", fy, text)
        return
    changed = edit.set_activity(plan, "M01", fy, text)
    expected = {**others, fy: clean} if clean else others
    assert {e.fy: e.activity for e in changed.measure("M01").schedule} == expected
    assert changed.measure("M02") == plan.measure("M02")
    assert changed.measures[0].model_copy(update={"schedule": []}) == plan.measures[0].model_copy(
        update={"schedule": []}
    )


def test_set_activity_unknown_measure_is_refused_in_japanese(empty: Plan) -> None:
    with pytest.raises(EditError, match="施策「M09」が見つかりません"):
        edit.set_activity(empty, "M09", 2026, "検討")
