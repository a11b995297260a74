"""The three-way field-level merge (plan_builder.plan.merge): edits to different fields combine,
the same field edited differently is a conflict that keeps theirs in the result and names the field."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.guide import get_guide
from plan_builder.plan import edit
from plan_builder.plan.merge import MergeError, merge_plans
from plan_builder.plan.model import Plan
from plan_builder.samples import sample_plan

GUIDE = get_guide("kanmin-2019-municipality")
BASE = sample_plan(GUIDE, lg_code="033227", lg_name="矢巾町", n_measures=2, n_kpis=2)
KEYS = sorted(k for k, v in BASE.answers.items() if isinstance(v, str))
text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=40).filter(
    lambda s: s.strip() != ""
)


def _with(plan: Plan, key: str, value: str) -> Plan:
    return plan.model_copy(update={"answers": {**plan.answers, key: value}})


def test_one_side_changed_takes_that_side() -> None:
    mine = _with(BASE, KEYS[0], "自分の文")
    assert merge_plans(BASE, mine, BASE).plan == mine
    assert merge_plans(BASE, BASE, mine).plan == mine
    assert merge_plans(BASE, mine, BASE).conflicts == {}


def test_different_fields_merge_and_same_field_conflicts() -> None:
    mine = _with(BASE, KEYS[0], "自分の文")
    theirs = _with(BASE, KEYS[1], "相手の文")
    result = merge_plans(BASE, mine, theirs)
    assert result.conflicts == {}
    assert result.plan.answers[KEYS[0]] == "自分の文" and result.plan.answers[KEYS[1]] == "相手の文"
    clash = merge_plans(BASE, mine, _with(theirs, KEYS[0], "相手も書いた"))
    assert clash.conflicts == {f"answers.{KEYS[0]}": ("自分の文", "相手も書いた")}
    assert clash.plan.answers[KEYS[0]] == "相手も書いた"  # theirs is never overwritten silently
    assert clash.plan.answers[KEYS[1]] == "相手の文"


def test_kpi_fields_merge_per_field_and_per_year() -> None:
    k = BASE.kpis[0]
    mine = edit.update_kpi(BASE, k.key, method="自分の測定方法")
    fy = min(k.targets)
    theirs = edit.update_kpi(BASE, k.key, unit="件", targets={**k.targets, fy: 999})
    result = merge_plans(BASE, mine, theirs)
    assert result.conflicts == {}
    merged = result.plan.kpi(k.key)
    assert (merged.method, merged.unit, merged.targets[fy]) == ("自分の測定方法", "件", 999)
    both = merge_plans(BASE, edit.update_kpi(BASE, k.key, unit="人"), theirs)
    assert list(both.conflicts) == [f"kpis.{k.key}.unit"]


def test_added_items_on_both_sides_are_both_kept() -> None:
    mine = edit.add_kpi(BASE, name="自分のKPI", unit="件", pillar=None, link_to=None)
    theirs = edit.add_measure(BASE, GUIDE, name="相手の施策", pillar=BASE.measures[0].pillar)
    result = merge_plans(BASE, mine, theirs)
    assert result.conflicts == {}
    assert [k.name for k in result.plan.kpis][-1] == "自分のKPI"
    assert len(result.plan.measures) == len(theirs.measures)


def test_period_is_one_field() -> None:
    from plan_builder.plan.model import PlanPeriod

    assert BASE.period is not None
    mine = BASE.model_copy(
        update={"period": PlanPeriod(start_fy=BASE.period.start_fy, end_fy=BASE.period.end_fy + 2)}
    )
    theirs = BASE.model_copy(
        update={"period": PlanPeriod(start_fy=BASE.period.start_fy - 1, end_fy=BASE.period.end_fy)}
    )
    result = merge_plans(BASE, mine, theirs)
    assert list(result.conflicts) == ["period"]
    assert result.plan.period == theirs.period


def test_invalid_merge_raises() -> None:
    kpi = BASE.kpis[0].key
    linked = [m for m in BASE.measures if kpi in m.kpi_keys]
    if not linked:
        pytest.skip("sample has no linked KPI")
    theirs = edit.remove_kpi(BASE, kpi)
    mine = BASE.model_copy(
        update={"measures": [m.model_copy(update={"kpi_keys": [*m.kpi_keys, kpi]}) for m in BASE.measures]}
    )
    try:
        result = merge_plans(BASE, mine, theirs)
    except MergeError:
        return
    assert all(kpi not in m.kpi_keys for m in result.plan.measures) or kpi in [
        k.key for k in result.plan.kpis
    ]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.dictionaries(st.sampled_from(KEYS), text, max_size=4),
    st.dictionaries(st.sampled_from(KEYS), text, max_size=4),
)
def test_merge_properties(mine_edits: dict[str, str], their_edits: dict[str, str]) -> None:
    mine = BASE.model_copy(update={"answers": {**BASE.answers, **mine_edits}})
    theirs = BASE.model_copy(update={"answers": {**BASE.answers, **their_edits}})
    mine, theirs = Plan.model_validate(mine.model_dump()), Plan.model_validate(theirs.model_dump())
    result = merge_plans(BASE, mine, theirs)
    expected_conflicts = {
        f"answers.{k}"
        for k in set(mine_edits) & set(their_edits)
        if mine.answers[k] != theirs.answers[k]
        and BASE.answers[k] not in (mine.answers[k], theirs.answers[k])
    }
    assert set(result.conflicts) == expected_conflicts
    for k in KEYS:
        if f"answers.{k}" in expected_conflicts:
            assert result.plan.answers[k] == theirs.answers[k]
        elif mine.answers[k] != BASE.answers[k]:
            assert result.plan.answers[k] == mine.answers[k]  # my edit is kept
        else:
            assert result.plan.answers[k] == theirs.answers[k]  # their edit is kept
    assert merge_plans(BASE, mine, mine).plan == mine
    assert merge_plans(BASE, mine, BASE).plan == mine


def test_with_value_sets_the_conflicting_field() -> None:
    from plan_builder.plan.merge import with_value

    k = BASE.kpis[0].key
    assert with_value(BASE, f"answers.{KEYS[0]}", "選んだ文").answers[KEYS[0]] == "選んだ文"
    assert with_value(BASE, f"kpis.{k}.method", "測る").kpi(k).method == "測る"
    assert KEYS[0] not in with_value(BASE, f"answers.{KEYS[0]}", None).answers
    assert with_value(BASE, "contact.phone", "019-000-0000").contact.phone == "019-000-0000"


def _years(plan: Plan, key: str) -> dict[int, str]:
    return {e.fy: e.activity for e in plan.measure(key).schedule}


def test_measure_schedules_merge_per_year() -> None:
    """Issue 9: the measures page saves each year's 取組内容 on its own; two tabs writing different
    years of one measure both keep theirs, the same year is a conflict named by the year."""
    m = BASE.measures[0].key
    base = edit.set_schedule(BASE, m, {2026: "検討"})
    mine = edit.set_activity(base, m, 2027, "設計")
    theirs = edit.set_activity(base, m, 2028, "運用開始")
    result = merge_plans(base, mine, theirs)
    assert result.conflicts == {}
    assert _years(result.plan, m) == {2026: "検討", 2027: "設計", 2028: "運用開始"}
    assert [e.fy for e in result.plan.measure(m).schedule] == [2026, 2027, 2028]  # year order
    # one side removes a year, the other writes another: both count
    result = merge_plans(base, edit.set_activity(base, m, 2026, ""), theirs)
    assert result.conflicts == {}
    assert _years(result.plan, m) == {2028: "運用開始"}
    # the same year written differently: a conflict at that year, theirs kept
    clash = merge_plans(
        base, edit.set_activity(base, m, 2026, "自分の取組"), edit.set_activity(base, m, 2026, "相手の取組")
    )
    assert clash.conflicts == {f"measures.{m}.schedule.2026.activity": ("自分の取組", "相手の取組")}
    assert _years(clash.plan, m) == {2026: "相手の取組"}
    # written here, removed there: a conflict on the year, and the written text is kept
    gone = merge_plans(
        base, edit.set_activity(base, m, 2026, "書き直し"), edit.set_activity(base, m, 2026, "")
    )
    assert list(gone.conflicts) == [f"measures.{m}.schedule.2026"]
    assert _years(gone.plan, m) == {2026: "書き直し"}


def test_with_value_sets_and_removes_a_schedule_year() -> None:
    from plan_builder.plan.merge import with_value

    m = BASE.measures[0].key
    base = edit.set_schedule(BASE, m, {2026: "検討", 2027: "設計"})
    assert _years(with_value(base, f"measures.{m}.schedule.2026.activity", "選んだ取組"), m) == {
        2026: "選んだ取組",
        2027: "設計",
    }
    assert _years(with_value(base, f"measures.{m}.schedule.2027", None), m) == {2026: "検討"}
    added = with_value(base, f"measures.{m}.schedule.2029", {"fy": 2029, "activity": "評価"})
    assert _years(added, m) == {2026: "検討", 2027: "設計", 2029: "評価"}
    assert [e.fy for e in added.measure(m).schedule] == [2026, 2027, 2029]
