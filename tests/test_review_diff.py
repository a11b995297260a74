"""Round diff: segments reproduce both texts; answers, measures and KPI changes are listed."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.plan.model import Measure
from plan_builder.review.diff import diff_plans, round_diff, text_segments
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

LG = "033227"
PLANNER = Actor("yahaba", Role.PLANNER, org_code=LG)
REVIEWER = Actor("iwate", Role.REVIEWER, scope="03")


def _rebuild(segments, side: str) -> str:
    skip = "insert" if side == "old" else "delete"
    return "".join(s.text for s in segments if s.op != skip)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=80), st.text(max_size=80))
def test_segments_rebuild_both_texts(old: str, new: str) -> None:
    segs = text_segments(old, new)
    assert _rebuild(segs, "old") == old
    assert _rebuild(segs, "new") == new
    assert all(s.text for s in segs)
    assert all(a.op != b.op for a, b in zip(segs, segs[1:], strict=False))  # merged runs


def test_changed_words_are_marked() -> None:
    segs = text_segments("本町は県の中央に位置する。", "本町は県のほぼ中央に位置する。")
    assert [(s.op, s.text) for s in segs] == [
        ("equal", "本町は県の"),
        ("insert", "ほぼ"),
        ("equal", "中央に位置する。"),
    ]


def test_diff_lists_answers_kpi_values_and_measures(guide: Guide) -> None:
    old = sample_plan(guide, n_measures=6, n_kpis=5)
    kpi = old.kpis[0]
    new_kpi = kpi.model_copy(update={"targets": {**kpi.targets, max(kpi.targets): 999.0}})
    new = old.model_copy(
        update={
            "answers": {**old.answers, "current.issues": old.answers["current.issues"] + "追記しました。"},
            "kpis": [new_kpi, *old.kpis[1:4]],  # K05 removed
            "measures": [
                *[
                    m.model_copy(update={"kpi_keys": [k for k in m.kpi_keys if k != "K05"]})
                    for m in old.measures[1:]
                ],
                Measure(key="M99", pillar="online", name="新しい施策"),
            ],  # M01 removed, M99 added
        }
    )
    d = diff_plans(old, new, guide)
    [ans] = d.answers
    assert ans.question_key == "current.issues" and ans.kind == "変更"
    assert [s.text for s in ans.segments if s.op == "insert"] == ["追記しました。"]
    assert d.measures_added == [("M99", "新しい施策")]
    assert [k for k, _ in d.measures_removed] == ["M01"]
    assert [k for k, _ in d.kpis_removed] == ["K05"]
    target_changes = [c for c in d.kpi_changes if c.key == kpi.key]
    assert len(target_changes) == 1 and target_changes[0].new == "999" and "目標値" in target_changes[0].field
    assert not diff_plans(old, old, guide).answers and diff_plans(old, old, guide).empty


def test_round_diff_between_two_frozen_submissions(store: Store, guide: Guide) -> None:
    ps = PlanService(store, PLANNER)
    pid = ps.create(sample_plan(guide, lg_code=LG, lg_name="矢巾町")).id
    ReviewService(store, PLANNER).submit(pid)
    ReviewService(store, REVIEWER).start_review(pid)
    ReviewService(store, REVIEWER).return_plan(pid, note="課題を具体的に")
    cur = ps.get(pid)
    answers = {**cur.plan.answers, "current.issues": "窓口の待ち時間が長いことが最大の課題です。"}
    ps.save(pid, cur.plan.model_copy(update={"answers": answers}), expected_version=cur.version)
    ReviewService(store, PLANNER).resubmit(pid)
    # the planner keeps drafting after resubmission: the diff must not see it
    cur = ps.get(pid)
    ps.save(
        pid, cur.plan.model_copy(update={"title": "まだ提出していない名称"}), expected_version=cur.version
    )
    d = round_diff(ReviewService(store, REVIEWER), pid, 1, 2, guide)
    assert [a.question_key for a in d.answers] == ["current.issues"]
    assert d.answers[0].new == "窓口の待ち時間が長いことが最大の課題です。"
    assert (d.old_label, d.new_label) == ("第1回提出", "第2回提出")
