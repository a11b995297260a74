"""Review fixes: 提出日 in Japan time, ％ and % as one unit, one completeness metric in the
coverage matrix, every KPI/measure field in the round diff, unique coverage headers."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from plan_builder.guide import Guide
from plan_builder.guide.model import Requirement
from plan_builder.plan.model import KpiKind, KpiNature, MeasureOrigin, PlanStatus
from plan_builder.review.coverage import COMPLETENESS_LABEL, coverage_columns, coverage_matrix
from plan_builder.review.diff import diff_plans
from plan_builder.review.digests import digest
from plan_builder.review.export import to_csv, to_xlsx
from plan_builder.review.kpi import benchmark, kpi_index, normalise_unit
from plan_builder.review.queue import QUEUE_HEADER, QueueRow, queue_records
from plan_builder.review.snapshots import Snapshot
from plan_builder.samples import sample_plan


def _snap(pid: int, data: dict, guide_id: str, *, completeness=None, findings=None, pop=27000) -> Snapshot:
    return Snapshot(pid, f"03{pid:04d}", f"町{pid}", "03", "岩手県", "town", pop, PlanStatus.SUBMITTED,
                    guide_id, False, 1, 2, None, completeness, findings, data)  # fmt: skip


def test_queue_export_dates_submissions_in_japan_time() -> None:
    late_evening_utc = datetime(2026, 3, 31, 23, 30, tzinfo=UTC)  # 2026-04-01 08:30 JST
    row = QueueRow(1, "033227", "矢巾町", "岩手県", "町", "", PlanStatus.SUBMITTED, 1,
                   late_evening_utc, 0, None, None, 0)  # fmt: skip
    [rec] = queue_records([row])
    assert rec[QUEUE_HEADER.index("提出日")].isoformat() == "2026-04-01"


def _rate_kpi(unit: str) -> dict:
    return {"key": "K01", "name": "主要手続のオンライン利用率", "unit": unit, "nature": "quantitative",
            "baseline": {"value": 40}, "targets": {"2027": 60}, "actuals": {}}  # fmt: skip


def test_full_width_percent_is_a_share_in_the_same_bucket(guide: Guide) -> None:
    snaps = [_snap(1, {"kpis": [_rate_kpi("％")]}, guide.id), _snap(2, {"kpis": [_rate_kpi("%")]}, guide.id)]
    idx = kpi_index(snaps)
    [tag] = list(idx)
    b = benchmark(idx, tag, value_kind="final_target")
    assert b.other_units == 0 and len(b.points) == 2
    assert not b.per_capita and b.values == [60, 60]  # a share is never divided by population


@given(st.sampled_from(["％", "%", " % ", "ｋｍ", "km", "件", "件 "]))
def test_normalise_unit_folds_width_and_spaces(unit: str) -> None:
    n = normalise_unit(unit)
    assert n == normalise_unit(n) and " " not in n and "％" not in n and "ｋ" not in n


def test_coverage_completeness_is_one_metric_for_every_plan(guide: Guide) -> None:
    data = digest(sample_plan(guide).model_dump(mode="json"))
    scored = _snap(1, data, guide.id, completeness=0.12, findings=40)  # the checks' score, stored
    unscored = _snap(2, data, guide.id)
    m = coverage_matrix([scored, unscored], guide)
    assert m.columns[-1].label == COMPLETENESS_LABEL
    a, b = m.rows
    assert a.values == b.values and a.findings == b.findings  # same content, same numbers


def test_coverage_headers_stay_unique_when_required_questions_share_a_label(guide: Guide) -> None:
    req = [q for q in guide.questions() if q.required is Requirement.REQUIRED]
    twin = req[1].model_copy(update={"label": req[0].label})
    chapters = []
    for ch in guide.chapters:
        qs = [twin if q.key == twin.key else q for q in ch.questions]
        chapters.append(ch.model_copy(update={"questions": qs}))
    g = guide.model_copy(update={"chapters": chapters})
    assert [c.label for c in coverage_columns(g)].count(req[0].label) == 2
    data = digest(sample_plan(guide).model_dump(mode="json"))
    m = coverage_matrix([_snap(1, data, g.id)], g)
    header = m.header()
    assert len(set(header)) == len(header)
    assert to_csv(header, m.records()) and to_xlsx(header, m.records())  # the download works


def test_round_diff_reports_every_kpi_and_measure_field(guide: Guide) -> None:
    old = sample_plan(guide, n_measures=2, n_kpis=2)
    k, m = old.kpis[0], old.measures[0]
    other_pillar = next(p.key for p in guide.pillars if p.key != k.pillar)
    new_kpi = k.model_copy(
        update={
            "kind": next(x for x in KpiKind if x is not k.kind),
            "nature": next(x for x in KpiNature if x is not k.nature),
            "pillar": other_pillar,
            "baseline": k.baseline.model_copy(update={"as_of": datetime(2025, 4, 1).date()}),
        }
    )
    new_measure = m.model_copy(
        update={
            "origin": next(x for x in MeasureOrigin if x is not m.origin),
            "national_ref": "国の施策の名称（変更後）",
            "article": (m.article or 10) + 1,
        }
    )
    new = old.model_copy(
        update={"kpis": [new_kpi, *old.kpis[1:]], "measures": [new_measure, *old.measures[1:]]}
    )
    d = diff_plans(old, new, guide)
    kpi_fields = {c.field for c in d.kpi_changes if c.key == k.key}
    assert {"指標の種類", "定量・定性", "柱", "現状値の基準日"} <= kpi_fields
    measure_fields = {c.field for c in d.measure_changes if c.key == m.key}
    assert {"施策の出典", "国の施策名", "基本法の条"} <= measure_fields
