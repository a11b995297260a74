"""Completeness and lint: every rule of check_plan, severities, completeness, speed, purity."""

from __future__ import annotations

import time

import pytest

from plan_builder.checks import CheckReport, Finding, check_plan, measure_findings
from plan_builder.guide import Guide, QuestionType
from plan_builder.plan.model import Baseline, Contact, Kpi, Measure, Plan, PlanPeriod
from plan_builder.samples import sample_plan


@pytest.fixture(scope="module")
def full(guide: Guide) -> Plan:
    return sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=6, n_kpis=5)


def empty_plan(guide: Guide) -> Plan:
    return Plan(lg_code="033227", lg_name="矢巾町", guide_id=guide.id, title="矢巾町官民データ活用推進計画")


def about(report: CheckReport, *, question: str | None = None, target: str | None = None) -> list[Finding]:
    return [
        f
        for f in report.findings
        if (question is None or f.question_key == question) and (target is None or f.target == target)
    ]


def messages(report: CheckReport) -> str:
    return "\n".join(f"{f.severity} {f.question_key} {f.target} {f.message}" for f in report.findings)


def q_of(guide: Guide, qtype: QuestionType) -> str:
    return next(q.key for q in guide.questions() if q.type is qtype)


# --- a complete plan, an empty plan ------------------------------------------------------------


@pytest.mark.parametrize("variant", ["guide", "pref_guide"])
def test_the_complete_sample_has_nothing_to_fix(variant: str, request: pytest.FixtureRequest) -> None:
    g: Guide = request.getfixturevalue(variant)
    plan = sample_plan(g)
    report = check_plan(plan, g)
    assert report.completeness == 1.0
    assert not report.has_blocking, messages(report)
    # the sample is the guide's examples with the town's name filled in: the only warnings say so
    warnings = [f for f in report.findings if f.severity == "warning"]
    assert warnings and all("手引の記載例と同じ内容です" in f.message for f in warnings), messages(report)
    assert all(report.chapter_completeness(c.key) == 1.0 for c in g.chapters)


def test_an_empty_plan_lists_every_required_question_as_an_error(guide: Guide) -> None:
    report = check_plan(empty_plan(guide), guide)
    assert report.has_blocking
    errors = {f.question_key for f in report.findings if f.severity == "error"}
    warnings = {f.question_key for f in report.findings if f.severity == "warning"}
    for q in guide.questions():
        if q.field == "title":
            continue  # the title is always there
        if q.required.value == "required":
            assert q.key in errors or (q.field or "").startswith("contact."), q.key
        elif q.required.value == "recommended" and not (q.field or "").startswith("contact."):
            assert q.key in warnings, q.key
    assert 0.0 < report.completeness < 0.1  # only the title is answered
    assert all(f.message and any("\u3040" <= c <= "\u9fff" for c in f.message) for f in report.findings)


def test_findings_are_grouped_by_chapter_in_guide_order(guide: Guide) -> None:
    report = check_plan(empty_plan(guide), guide)
    grouped = report.by_chapter()
    assert list(grouped) == [c.key for c in guide.chapters]
    assert sum(len(v) for v in grouped.values()) == len(report.findings)
    for key, findings in grouped.items():
        assert all(f.chapter_key == key for f in findings)
        assert all(f.question_key is None or f.question_key.startswith(key + ".") for f in findings)


def test_completeness_counts_required_and_recommended_questions_including_structured(guide: Guide) -> None:
    plan = empty_plan(guide)
    counted = [q for q in guide.questions() if q.required.value in ("required", "recommended")]
    base = check_plan(plan, guide).completeness
    with_period = plan.model_copy(update={"period": PlanPeriod(start_fy=2024, end_fy=2028)})
    assert check_plan(with_period, guide).completeness == pytest.approx(base + 1 / len(counted))
    chapter = q_of(guide, QuestionType.PLAN_PERIOD).split(".")[0]
    n_chapter = sum(1 for q in counted if q.key.startswith(chapter + "."))
    before = check_plan(plan, guide).chapter_completeness(chapter)
    assert check_plan(with_period, guide).chapter_completeness(chapter) == pytest.approx(
        before + 1 / n_chapter
    )


def test_the_check_is_pure(guide: Guide, full: Plan) -> None:
    before = full.model_dump()
    check_plan(full, guide)
    assert full.model_dump() == before
    assert check_plan(full, guide) == check_plan(full, guide)


# --- individual rules --------------------------------------------------------------------------


def test_required_text_missing_is_an_error_and_blank_counts_as_missing(guide: Guide, full: Plan) -> None:
    answers = {**full.answers, "current.overview": "   \n "}
    report = check_plan(full.model_copy(update={"answers": answers}), guide)
    [f] = about(report, question="current.overview")
    assert f.severity == "error" and f.chapter_key == "current" and "必須" in f.message


def test_recommended_missing_is_a_warning(guide: Guide, full: Plan) -> None:
    answers = {k: v for k, v in full.answers.items() if k != "current.initiatives"}
    [f] = about(
        check_plan(full.model_copy(update={"answers": answers}), guide), question="current.initiatives"
    )
    assert f.severity == "warning" and "推奨" in f.message


def test_no_period_is_an_error(guide: Guide, full: Plan) -> None:
    report = check_plan(full.model_copy(update={"period": None}), guide)
    [f] = about(report, question=q_of(guide, QuestionType.PLAN_PERIOD))
    assert f.severity == "error" and "計画期間" in f.message


@pytest.mark.parametrize(
    ("start", "end", "ok"), [(2024, 2024, True), (2024, 2033, True), (2024, 2034, False)]
)
def test_period_must_be_one_to_ten_years(guide: Guide, full: Plan, start: int, end: int, ok: bool) -> None:
    plan = Plan.model_validate({**full.model_dump(), "period": {"start_fy": start, "end_fy": end}})
    found = [f for f in about(check_plan(plan, guide), question=q_of(guide, QuestionType.PLAN_PERIOD))]
    period_errors = [f for f in found if "年間" in f.message and f.severity == "error"]
    assert (period_errors == []) is ok
    if not ok:
        assert "11年間" in period_errors[0].message


def test_no_publication_url_is_an_error_citing_the_law(guide: Guide, full: Plan) -> None:
    report = check_plan(full.model_copy(update={"publication_url": ""}), guide)
    [f] = [f for f in report.findings if "URL" in f.message]
    assert (
        f.severity == "error" and "第9条第4項" in f.message and f.question_key == "structure.publication_url"
    )


def test_no_contact_at_all_is_one_error(guide: Guide, full: Plan) -> None:
    report = check_plan(full.model_copy(update={"contact": Contact()}), guide)
    contact = [f for f in report.findings if (f.question_key or "").startswith("structure.contact")]
    assert len(contact) == 1 and contact[0].severity == "error" and "問い合わせ先" in contact[0].message


def test_a_partial_contact_still_needs_the_department(guide: Guide, full: Plan) -> None:
    report = check_plan(full.model_copy(update={"contact": Contact(phone="019-000-0000")}), guide)
    [f] = about(report, question="structure.contact_department")
    assert f.severity == "error" and "問い合わせ先" not in f.message.split("「")[0]


def _with_measure(full: Plan, **changes: object) -> Plan:
    m = {**full.measures[0].model_dump(), **_plain(changes)}
    return Plan.model_validate(
        {**full.model_dump(), "measures": [m, *[x.model_dump() for x in full.measures[1:]]]}
    )


def test_a_measure_without_kpi_is_a_warning_on_that_measure(guide: Guide, full: Plan) -> None:
    report = check_plan(_with_measure(full, kpi_keys=[]), guide)
    key = full.measures[0].key
    [f] = [f for f in about(report, target=key) if "KPI" in f.message]
    assert f.severity == "warning" and f.question_key == q_of(guide, QuestionType.MEASURES)
    assert f in measure_findings(report, full.measures[0])


def test_a_measure_whose_pillar_is_not_in_the_guide_is_an_error(guide: Guide, full: Plan) -> None:
    report = check_plan(_with_measure(full, pillar="space_program"), guide)
    [f] = [f for f in about(report, target=full.measures[0].key) if "space_program" in f.message]
    assert f.severity == "error"


def test_a_measure_in_a_pillar_not_chosen_is_a_warning(guide: Guide, full: Plan) -> None:
    other = next(p.key for p in guide.pillars if p.key not in full.pillars)
    report = check_plan(_with_measure(full, pillar=other, article=guide.pillar(other).article), guide)
    [f] = [f for f in about(report, target=full.measures[0].key) if "選ばれていません" in f.message]
    assert f.severity == "warning"


def test_a_measure_with_the_wrong_article_is_a_warning(guide: Guide, full: Plan) -> None:
    report = check_plan(_with_measure(full, article=99), guide)
    [f] = [f for f in about(report, target=full.measures[0].key) if "第99条" in f.message]
    assert f.severity == "warning"


def test_a_schedule_outside_the_period_is_a_warning(guide: Guide, full: Plan) -> None:
    schedule = [*(e.model_dump() for e in full.measures[0].schedule), {"fy": 2040, "activity": "延長"}]
    report = check_plan(_with_measure(full, schedule=schedule), guide)
    assert any("令和22年度" in f.message for f in about(report, target=full.measures[0].key))


def test_a_chosen_pillar_without_measures_is_only_info(guide: Guide, full: Plan) -> None:
    extra = next(p for p in guide.pillars if p.key not in full.pillars)
    report = check_plan(full.model_copy(update={"pillars": [*full.pillars, extra.key]}), guide)
    [f] = [f for f in report.findings if extra.name in f.message]
    assert f.severity == "info" and f.question_key == q_of(guide, QuestionType.PILLARS)
    assert not report.has_blocking


def test_an_unknown_chosen_pillar_is_an_error(guide: Guide, full: Plan) -> None:
    report = check_plan(full.model_copy(update={"pillars": [*full.pillars, "nonsense"]}), guide)
    assert [f.severity for f in report.findings if "nonsense" in f.message] == ["error"]


def _with_kpi(full: Plan, **changes: object) -> Plan:
    k = {**full.kpis[0].model_dump(), **_plain(changes)}
    return Plan.model_validate({**full.model_dump(), "kpis": [k, *[x.model_dump() for x in full.kpis[1:]]]})


def _plain(changes: dict[str, object]) -> dict[str, object]:
    """Validated input for a copy: models as dicts, so nothing bypasses validation."""
    return {k: v.model_dump() if hasattr(v, "model_dump") else v for k, v in changes.items()}


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"baseline": Baseline()}, "現状値がありません"),
        ({"baseline": Baseline(value=3)}, "基準日がありません"),
        ({"targets": {}}, "目標値と目標年度がありません"),
        ({"unit": ""}, "単位がありません"),
    ],
)
def test_kpi_gaps_are_warnings_on_that_kpi(guide: Guide, full: Plan, changes: dict, fragment: str) -> None:
    report = check_plan(_with_kpi(full, **changes), guide)
    [f] = [f for f in about(report, target=full.kpis[0].key) if fragment in f.message]
    assert f.severity == "warning"


def test_a_qualitative_kpi_needs_no_unit(guide: Guide, full: Plan) -> None:
    plan = _with_kpi(full, nature="qualitative", unit="", targets={2028: "全庁で実施"})
    assert not [f for f in about(check_plan(plan, guide), target=full.kpis[0].key) if "単位" in f.message]


def test_a_target_year_outside_the_period_is_a_warning(guide: Guide, full: Plan) -> None:
    assert full.period is not None
    late = full.period.end_fy + 2
    report = check_plan(_with_kpi(full, targets={**full.kpis[0].targets, late: 99}), guide)
    [f] = [f for f in about(report, target=full.kpis[0].key) if "計画期間" in f.message]
    assert f.severity == "warning" and str(late - 2018) in f.message  # 令和 year in the message


def test_a_non_numeric_value_in_a_quantitative_kpi_is_an_error(guide: Guide, full: Plan) -> None:
    # The model refuses this; a plan built without validation (model_construct) is still caught.
    bad = Kpi.model_construct(**{**full.kpis[0].__dict__, "targets": {2026: "N/A"}})
    plan = full.model_copy(update={"kpis": [bad, *full.kpis[1:]]})
    [f] = [f for f in about(check_plan(plan, guide), target=bad.key) if "N/A" in f.message]
    assert f.severity == "error"


def test_an_unlinked_kpi_is_info(guide: Guide, full: Plan) -> None:
    assert full.period is not None
    lonely = Kpi(
        key="K90",
        name="単独の指標",
        unit="件",
        baseline={"value": 1, "as_of": "2024-03-31"},
        targets={full.period.end_fy: 5},
    )
    plan = full.model_copy(update={"kpis": [*full.kpis, lonely]})
    assert [f.severity for f in about(check_plan(plan, guide), target="K90")] == ["info"]


@pytest.mark.parametrize(
    ("key", "value", "fragment"),
    [
        ("purpose.goals", ["reduce_burden", "to_the_moon"], "to_the_moon"),
        ("structure.ordinance", ["a", "b"], "1つだけ"),
    ],
)
def test_answers_outside_the_options_are_errors(
    guide: Guide, full: Plan, key: str, value: object, fragment: str
) -> None:
    report = check_plan(full.model_copy(update={"answers": {**full.answers, key: value}}), guide)
    [f] = about(report, question=key)
    assert f.severity == "error" and fragment in f.message


def test_answers_of_the_wrong_kind_are_errors(guide: Guide, full: Plan) -> None:
    kinds = {
        QuestionType.NUMBER: "many",
        QuestionType.FISCAL_YEAR: "来年",
        QuestionType.DATE: "2024-02-30",
        QuestionType.URL: "www.example.jp",
    }
    for qtype, bad in kinds.items():
        q = next((q for q in guide.questions() if q.type is qtype and not q.field), None)
        if q is None:
            continue
        report = check_plan(full.model_copy(update={"answers": {**full.answers, q.key: bad}}), guide)
        assert [f.severity for f in about(report, question=q.key)] == ["error"], q.key


def test_an_answer_to_no_question_is_info(guide: Guide, full: Plan) -> None:
    report = check_plan(
        full.model_copy(update={"answers": {**full.answers, "current.retired_question": "x"}}), guide
    )
    [f] = about(report, question="current.retired_question")
    assert f.severity == "info" and f.chapter_key == "current"


def test_to_dict_is_json_ready(guide: Guide) -> None:
    import json

    d = check_plan(empty_plan(guide), guide).to_dict()
    assert json.loads(json.dumps(d, ensure_ascii=False)) == d
    assert d["has_blocking"] is True and set(d["chapters"]) == {c.key for c in guide.chapters}


def test_a_25_measure_plan_is_checked_well_under_10_ms(guide: Guide) -> None:
    plan = sample_plan(guide, n_measures=25, n_kpis=25)
    check_plan(plan, guide)
    runs = []
    for _ in range(30):
        t = time.perf_counter()
        check_plan(plan, guide)
        runs.append(time.perf_counter() - t)
    assert sorted(runs)[len(runs) // 2] < 0.005, f"median {sorted(runs)[15] * 1000:.2f} ms"


def test_measure_helper_uses_measure_keys(full: Plan) -> None:
    m = Measure(key="M77", pillar="online", name="x")
    report = CheckReport(findings=[Finding("warning", "measures", None, "m", "M77")], completeness=1.0)
    assert measure_findings(report, m) == report.findings and not report.has_blocking
    assert full.measures  # the fixture is a real plan


def test_a_kpi_in_a_pillar_not_taken_up_is_flagged(guide) -> None:
    from plan_builder.checks import check_plan
    from plan_builder.samples import sample_plan

    plan = sample_plan(guide)
    kpi = plan.kpis[0]
    other = next(p.key for p in guide.pillars_shown() if p.key != kpi.pillar)
    plan = plan.model_validate(
        {**plan.model_dump(), "pillars": [other], "kpis": [{**kpi.model_dump(), "pillar": kpi.pillar}]}
        | {"measures": []}
    )
    messages = [f.message for f in check_plan(plan, guide).findings if f.target == kpi.key]
    assert any("取り組む柱として選ばれていません" in m for m in messages)
