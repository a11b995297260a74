"""KPI and schedule figures (shared with the wizard) and their PNG rendering in one session."""

from __future__ import annotations

import pytest

from plan_builder.export import charts, figures
from plan_builder.guide import get_guide
from plan_builder.plan.model import Baseline, Kpi, KpiNature, PlanPeriod
from plan_builder.samples import sample_plan

HAS_CHROMIUM = charts.find_browser() is not None and not charts.charts_disabled()


@pytest.fixture(scope="module")
def plan():
    return sample_plan(get_guide("kanmin-2019-municipality"), n_measures=7, n_kpis=4)


def test_kpi_figure_shows_baseline_targets_and_actuals(plan):
    kpi = plan.kpis[0]
    fig = figures.kpi_figure(kpi, plan.period)
    names = [t.name for t in fig.data]
    assert names == ["実績値", "目標値", "現状値"]
    target = next(t for t in fig.data if t.name == "目標値")
    assert list(target.y) == [kpi.baseline.value, *[kpi.targets[y] for y in sorted(kpi.targets)]]
    actual = next(t for t in fig.data if t.name == "実績値")
    assert list(actual.x) == sorted(kpi.actuals)
    assert "令和2年度" in fig.layout.xaxis.ticktext and "現状" in fig.layout.xaxis.ticktext[0]
    compact = figures.kpi_spec(kpi, plan.period)
    assert "R2" in compact["layout"]["xaxis"]["ticktext"]


def test_qualitative_kpi_is_a_table():
    kpi = Kpi(
        key="K01",
        name="庁内のデータ活用の定着",
        nature=KpiNature.QUALITATIVE,
        baseline=Baseline(value="未着手"),
        targets={2024: "全課で実施"},
        actuals={2023: "3課で試行"},
    )
    fig = figures.kpi_figure(kpi, PlanPeriod(start_fy=2023, end_fy=2024))
    assert fig.data[0].type == "table"


def test_schedule_figure_has_a_row_per_measure(plan):
    fig = figures.schedule_figure(plan, get_guide("kanmin-2019-municipality"))
    rows = {y for t in fig.data for y in t.y}
    assert len(rows) == len(plan.measures)
    bars = sum(len(t.x) for t in fig.data)
    assert bars == sum(len(m.schedule) for m in plan.measures)
    assert list(fig.layout.xaxis.ticktext) == [
        "令和2年度",
        "令和3年度",
        "令和4年度",
        "令和5年度",
        "令和6年度",
    ]


def test_a_long_activity_keeps_the_schedule_legend_short_and_its_hover_whole(plan):
    """A 200-character 取組内容 filled the legend and squeezed the chart to a strip."""
    long = "庁内の全ての申請手続について、" + "業務の見直しと様式の統一を行い、" * 12 + "オンライン化する"
    m = plan.measures[0]
    entries = [m.schedule[0].model_copy(update={"activity": long}), *m.schedule[1:]]
    spec = figures.schedule_spec(
        plan.model_copy(update={"measures": [m.model_copy(update={"schedule": entries}), *plan.measures[1:]]})
    )
    short = figures.schedule_spec(plan)["layout"]
    # the legend's extra rows make the chart taller; the plot itself keeps its height
    assert spec["layout"]["height"] > short["height"]
    assert spec["layout"]["height"] - spec["layout"]["margin"]["b"] == short["height"] - short["margin"]["b"]
    trace = next(t for t in spec["data"] if t["name"].startswith("庁内の全ての申請手続"))
    assert len(trace["name"]) <= figures.LEGEND_CHARS
    assert trace["customdata"] == [long] and "%{customdata}" in trace["hovertemplate"]


def test_disabled_rendering_says_why():
    batch = charts.render_pngs(
        [figures.schedule_spec(sample_plan(get_guide("kanmin-2019-municipality")))], enabled=False
    )
    assert batch.images == [None] and not batch.rendered and batch.reason


@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_one_session_renders_all_and_the_cache_serves_repeats(plan):
    charts.clear_cache()
    specs = [figures.kpi_spec(k, plan.period) for k in plan.kpis] + [figures.schedule_spec(plan)]
    done: list[int] = []
    batch = charts.render_pngs(specs, progress=lambda i, n: done.append(i), keep_warm=0)
    assert batch.rendered and done[-1] == len(specs)
    assert all(img[:8] == b"\x89PNG\r\n\x1a\n" for img in batch.images)
    again = charts.render_pngs(specs, keep_warm=0)
    assert again.images == batch.images and again.seconds < 0.5


@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_concurrent_exports_each_get_their_own_charts():
    """Threads share one browser in turn: no caller receives another caller's picture."""
    import threading

    guide = get_guide("kanmin-2019-municipality")
    plans = [sample_plan(guide, n_measures=2, n_kpis=2, seed=s) for s in (1, 2, 3)]
    jobs = [[figures.kpi_spec(k, p.period) for k in p.kpis] for p in plans]
    expected = [charts.render_pngs(specs, use_cache=False).images for specs in jobs]
    results: dict[int, list] = {}

    def run(i: int) -> None:
        results[i] = charts.render_pngs(jobs[i], use_cache=False).images

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert [results[i] for i in range(len(jobs))] == expected


@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_prewarm_starts_the_browser_ahead():
    charts.shutdown()
    thread = charts.prewarm(keep_warm=30)
    assert thread is not None
    thread.join(120)
    assert charts._warm is not None
    charts.shutdown()
    assert charts._warm is None
