"""The 自治体DX推進計画 guide: it validates like the others, keeps 重点取組事項 by version, labels
inferred content, and a plan that declares it serves both laws is checked and printed as such."""

from __future__ import annotations

from pathlib import Path

import pytest

from plan_builder.checks import check_plan
from plan_builder.export import export_bytes
from plan_builder.guide import GuideLoadError, Requirement, load_guide, load_guides
from plan_builder.guide.loader import default_guide_dir
from plan_builder.guide.model import Guide
from plan_builder.samples import sample_plan

DX = "municipal-dx-2024"
KANMIN = "kanmin-2019-municipality"


@pytest.fixture(scope="module")
def guides() -> dict[str, Guide]:
    return load_guides(default_guide_dir())


@pytest.fixture(scope="module")
def dx(guides: dict[str, Guide]) -> Guide:
    return guides[DX]


def test_dx_guide_loads_on_its_own(dx: Guide) -> None:
    g = load_guide(default_guide_dir() / f"{DX}.yaml", default_guide_dir())
    assert g == dx
    assert dx.variant == "municipality" and dx.plan_kind == "DX推進計画"
    assert [c.number for c in dx.chapters] == list(range(1, len(dx.chapters) + 1))


def test_priority_items_are_kept_by_version(dx: Guide) -> None:
    v1 = [i.label for i in dx.reference("dx_priorities_v1_0").items]
    r5 = [i.value for i in dx.reference("dx_priorities_2023").items]
    v23 = [i.value for i in dx.reference("dx_priorities_v2_3").items]
    assert len(v1) == 6 and "行政手続のオンライン化" in v1
    assert len(r5) == 6 and r5[0] == "front_yard"
    assert len(v23) == 7 and "eltax" in v23 and "eltax" not in r5
    union = {i.value for i in dx.reference("dx_priorities").items}
    every = {
        i.value
        for rid in ("dx_priorities_v1_0", "dx_priorities_2023", "dx_priorities_v2_3")
        for i in dx.reference(rid).items
    }
    assert union == every
    version = dx.question("policy.priority_version")
    assert [o.value for o in version.options] == ["v1_0", "r5_2023", "v2_3"]


def test_inferred_content_is_labelled_in_data_and_text(dx: Guide) -> None:
    inferred_q = [q for q in dx.questions() if q.inferred]
    inferred_items = [i for r in dx.references for i in r.items if i.inferred]
    assert inferred_q and inferred_items
    assert all("推定" in q.guidance for q in inferred_q)
    assert all("推定" in i.description for i in inferred_items)


def test_inferred_without_label_is_refused(tmp_path: Path) -> None:
    text = (default_guide_dir() / f"{DX}.yaml").read_text(encoding="utf-8")
    broken = text.replace(
        "（本ツールの推定）ステップ1の全体方針には工程表が含まれると本ツールは推定しています。",
        "ステップ1の全体方針には工程表が含まれます。",
    )
    assert broken != text
    (tmp_path / "reference").mkdir()
    for f in (default_guide_dir() / "reference").glob("*.yaml"):
        (tmp_path / "reference" / f.name).write_text(f.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "g.yaml").write_text(broken, encoding="utf-8")
    with pytest.raises(GuideLoadError, match="推定"):
        load_guide(tmp_path / "g.yaml", tmp_path)


def test_second_law_covers_every_requirement_of_the_kanmin_guide(guides: dict[str, Guide], dx: Guide) -> None:
    kanmin = guides[KANMIN]
    assert dx.also_serves and dx.also_serves.guide_id == KANMIN
    both = dx.for_both_laws()
    for q in kanmin.questions():
        if q.required is Requirement.OPTIONAL:
            continue
        mine = both.question(q.key)  # KeyError = a requirement the DX plan could not meet
        assert mine.type == q.type, q.key
        rank = [Requirement.OPTIONAL, Requirement.RECOMMENDED, Requirement.REQUIRED]
        assert rank.index(mine.required) >= rank.index(q.required), q.key


def test_check_covers_both_laws_only_when_declared(dx: Guide) -> None:
    plan = sample_plan(dx)
    bare = plan.model_copy(
        update={"answers": {**plan.answers, "purpose.goals": [], "positioning.serves_kanmin": "no"}}
    )
    assert not [f for f in check_plan(bare, dx).findings if f.question_key == "purpose.goals"]
    both = bare.model_copy(update={"answers": {**bare.answers, "positioning.serves_kanmin": "yes"}})
    found = [f for f in check_plan(both, dx).findings if f.question_key == "purpose.goals"]
    assert found and found[0].severity == "error"


def test_document_says_it_serves_both_laws(dx: Guide) -> None:
    plan = sample_plan(dx)
    yes = plan.model_copy(update={"answers": {**plan.answers, "positioning.serves_kanmin": "yes"}})
    no = plan.model_copy(update={"answers": {**plan.answers, "positioning.serves_kanmin": "no"}})
    md_yes = export_bytes(yes, dx, "md", render_charts=False)[0].decode()
    md_no = export_bytes(no, dx, "md", render_charts=False)[0].decode()
    phrase = f"第9条第3項に基づく{plan.lg_name}の市町村官民データ活用推進計画を兼ねる"
    assert phrase in md_yes and phrase not in md_no
    assert "第9条第4項" in md_yes and "第9条第4項" not in md_no


def test_document_prints_the_chosen_priority_items_and_version(dx: Guide) -> None:
    plan = sample_plan(dx)
    plan = plan.model_copy(
        update={
            "answers": {
                **plan.answers,
                "policy.priority_version": "v2_3",
                "policy.priorities": ["eltax", "front_yard"],
            }
        }
    )
    md = export_bytes(plan, dx, "md", render_charts=False)[0].decode()
    assert "国の自治体DX推進計画（第2.3版（令和6年2月））の重点取組事項" in md
    assert "公金収納における eLTAX の活用" in md and "自治体フロントヤード改革の推進" in md
    assert "官民データ活用の推進に関する施策の基本的な方針" not in md
    assert "第7章　取組と指標" in md and "第8章　セキュリティ対策と個人情報の適正な取扱い" in md
