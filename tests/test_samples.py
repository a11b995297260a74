"""The sample plan answers every question, is deterministic and scales for benchmarks."""

from __future__ import annotations

import pytest

from plan_builder.guide import get_guides
from plan_builder.guide.model import QuestionType
from plan_builder.plan.answers import get_answer, is_answered
from plan_builder.plan.model import Plan
from plan_builder.samples import sample_plan

GUIDES = sorted(get_guides().values(), key=lambda g: g.id)


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.id)
def test_every_question_is_answered(guide):
    plan = sample_plan(guide)
    missing = [q.key for q in guide.questions() if not is_answered(get_answer(plan, q))]
    assert missing == []
    # Choice answers use the guide's own option values.
    for q in guide.questions():
        if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE, QuestionType.CHECKLIST):
            values = {o.value for o in guide.options_for(q)}
            answer = plan.answers[q.key]
            assert set(answer if isinstance(answer, list) else [answer]) <= values


@pytest.mark.parametrize("guide", GUIDES, ids=lambda g: g.id)
def test_sample_round_trips_through_validation(guide):
    plan = sample_plan(guide, n_measures=25, n_kpis=15)
    assert Plan.model_validate(plan.model_dump()) == plan
    assert Plan.model_validate_json(plan.model_dump_json()) == plan


def test_deterministic_and_seeded():
    guide = GUIDES[0]
    assert sample_plan(guide, seed=0) == sample_plan(guide, seed=0)
    assert sample_plan(guide, n_measures=25, n_kpis=15) == sample_plan(guide, n_measures=25, n_kpis=15)
    a, b = sample_plan(guide, seed=1), sample_plan(guide, seed=2)
    assert [k.actuals for k in a.kpis] != [k.actuals for k in b.kpis]


@pytest.mark.parametrize(("n_measures", "n_kpis"), [(0, 0), (1, 1), (6, 5), (25, 15), (3, 12)])
def test_scales_and_links(n_measures, n_kpis):
    guide = GUIDES[0]
    plan = sample_plan(guide, n_measures=n_measures, n_kpis=n_kpis)
    assert len(plan.measures) == n_measures
    assert len(plan.kpis) == n_kpis
    assert len({m.key for m in plan.measures}) == n_measures
    assert {m.pillar for m in plan.measures} <= set(plan.pillars)
    pillars_with_measures = {m.pillar for m in plan.measures}
    for k in plan.kpis:
        assert k.baseline.value is not None and k.baseline.as_of is not None
        assert k.targets and k.actuals
        assert set(k.targets) == set(plan.period.years)
        if k.pillar in pillars_with_measures:
            assert any(k.key in m.kpi_keys for m in plan.measures), k.key
    for m in plan.measures:
        assert m.schedule and m.department and m.summary
        assert all(plan.period.start_fy <= e.fy <= plan.period.end_fy for e in m.schedule)
        assert all(plan.kpi(k).pillar == m.pillar for k in m.kpi_keys)


def test_measures_cover_the_five_core_pillars():
    guide = GUIDES[0]
    plan = sample_plan(guide, n_measures=25, n_kpis=15)
    core = [p.key for p in guide.pillars_shown()]
    assert plan.pillars == core
    counts = {p: sum(1 for m in plan.measures if m.pillar == p) for p in core}
    assert set(counts.values()) == {5}


def test_names_follow_the_variant_and_arguments():
    by_variant = {g.variant: g for g in GUIDES if g.plan_kind == "官民データ活用推進計画"}
    town = sample_plan(by_variant["municipality"])
    assert (town.lg_code, town.lg_name) == ("033227", "矢巾町") and town.title.startswith("矢巾町")
    # The guide's fictional names are replaced by the plan's own and its prefecture's.
    text = "\n".join(v for v in town.answers.values() if isinstance(v, str))
    assert "みどり町" not in text and "あおば県" not in text and "岩手県" in text
    pref = sample_plan(by_variant["prefecture"])
    assert (pref.lg_code, pref.lg_name) == ("030007", "岩手県")
    assert "あおば県" not in "\n".join(v for v in pref.answers.values() if isinstance(v, str))
    city = sample_plan(by_variant["municipality"], lg_code="011002", lg_name="札幌市")
    assert city.lg_code == "011002" and city.title.startswith("札幌市")
    assert "「札幌市官民データ活用推進本部」" in city.answers["structure.organization"]
    assert "北海道" in city.answers["positioning.basis"]
