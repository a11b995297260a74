"""Benchmark: a plan with 25 measures, 15 KPIs and a 工程表 exported to .docx (target: 2 s median).

The 工程表 is a native Word table, so the charts are the 15 KPI charts.

    .venv/bin/python bench/export_docx.py [--runs 5] [--cold-each N]

Prints one `metric_name: value unit` line per figure:

- export_docx_cold: the first export in a fresh process (Chromium starts inside it);
- export_docx_prewarmed: the first export after `charts.prewarm()` (browser started ahead);
- export_docx_median: median of --runs exports of the same plan with the browser kept warm
  between exports (as in the app) but the PNG cache cleared, so every chart is drawn again;
- export_docx_median_cached: the same plan exported again with the PNG cache in use
  (e.g. docx, then pdf, then html of an unchanged plan);
- export_docx_no_charts_median: the document alone (charts switched off);
- chart_session_cold / chart_session_warm: all 15 KPI charts drawn in one browser session,
  including / excluding the browser start;
- chart_cold_each: each chart drawn by its own cold call (a new browser per chart, as a one-shot
  `write_image` does), summed (measured on --cold-each charts and scaled to all charts when fewer);
- chart_session_speedup: chart_cold_each / chart_session_cold.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from plan_builder.export import build_document, chart_specs, charts, export_plan
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan


def _timed(fn) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--cold-each", type=int, default=16, help="charts to time with a cold call each")
    args = ap.parse_args()

    guide = get_guide("kanmin-2019-municipality")
    plan = sample_plan(guide, n_measures=25, n_kpis=15)
    specs = [s for s in chart_specs(build_document(plan, guide), plan, guide) if s is not None]
    if charts.find_browser() is None:
        print("warning: no Chromium found; chart figures are skipped", file=sys.stderr)

    with tempfile.TemporaryDirectory(prefix="bench-export-") as tmp:
        out = Path(tmp) / "plan.docx"

        def export(**kw) -> None:
            result = export_plan(plan, guide, "docx", out, **kw)
            if kw.get("render_charts", True) and not result.charts_rendered:
                raise SystemExit(f"charts were not rendered: {result.warnings}")

        charts.shutdown()
        charts.clear_cache()
        cold = _timed(export)

        charts.shutdown()  # the app can start the browser when the export page opens
        charts.clear_cache()
        thread = charts.prewarm()
        if thread is not None:
            thread.join()
        prewarmed = _timed(export)

        warm = []
        for _ in range(args.runs):
            charts.clear_cache()
            warm.append(_timed(export))
        size_kb = out.stat().st_size / 1024
        cached = [_timed(export) for _ in range(args.runs)]
        no_charts = [_timed(lambda: export(render_charts=False)) for _ in range(args.runs)]

    charts.shutdown()
    charts.clear_cache()
    session_cold = _timed(lambda: charts.render_pngs(specs, keep_warm=60))
    charts.clear_cache()
    session_warm = _timed(lambda: charts.render_pngs(specs, keep_warm=0))
    charts.shutdown()

    n_each = max(1, min(args.cold_each, len(specs)))
    each = 0.0
    for spec in specs[:n_each]:
        charts.clear_cache()
        each += _timed(lambda s=spec: charts.render_pngs([s], keep_warm=0))
    cold_each = each * len(specs) / n_each
    charts.clear_cache()

    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"plan: {len(plan.measures)} measures, {len(plan.kpis)} KPIs, {len(specs)} charts")
    print(f"cpu_count: {os.cpu_count()} cores")
    print(f"load_average_1min: {load:.2f}")
    print(f"export_docx_cold: {cold:.2f} s")
    print(f"export_docx_prewarmed: {prewarmed:.2f} s")
    print(f"export_docx_median: {statistics.median(warm):.2f} s")
    print(f"export_docx_min: {min(warm):.2f} s")
    print(f"export_docx_median_cached: {statistics.median(cached):.2f} s")
    print(f"export_docx_no_charts_median: {statistics.median(no_charts):.2f} s")
    print(f"docx_size: {size_kb:.0f} KiB")
    print(f"chart_session_cold: {session_cold:.2f} s")
    print(f"chart_session_warm: {session_warm:.2f} s")
    print(f"chart_cold_each: {cold_each:.2f} s")
    print(f"chart_session_speedup: {cold_each / session_cold:.1f} x")
    print(f"chart_session_speedup_warm: {cold_each / session_warm:.1f} x")
    print(f"schedule_table_rows: {sum(len(m.schedule) > 0 for m in plan.measures)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
