"""Export a plan as the document a municipality publishes: Word, PDF, HTML or Markdown.

    result = export_plan(plan, guide, "docx", Path("plan.docx"))
    result.warnings        # Japanese messages for the user (e.g. why charts are missing)
    result.charts_rendered # True when every chart place holds a picture

The narrative comes from the guide's Jinja2 templates (guide_templates/templates/<name>/),
rendered in a sandbox into one document tree; the Word, HTML and Markdown writers all walk that
tree. Charts are plotly figures (see `figures`, also used by the wizard) drawn to PNG in one
browser session per export, while the Word document is being built.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from xml.etree.ElementTree import Element

from plan_builder import lazy
from plan_builder.docx_clean import clean_docx
from plan_builder.errors import PlanBuilderError
from plan_builder.export import charts, figures
from plan_builder.export.charts import ChartBatch
from plan_builder.export.context import build_context
from plan_builder.export.pdf import PdfUnavailableError, docx_to_pdf, heading_pages, pdf_pages_text
from plan_builder.export.text import TemplateError, chart_elements, parse_document, render_template
from plan_builder.guide import Guide, default_guide_dir
from plan_builder.plan import Plan

__all__ = [
    "ExportError",
    "ExportFormat",
    "ExportResult",
    "PdfUnavailableError",
    "TemplateError",
    "build_document",
    "export_bytes",
    "export_plan",
    "figures",
    "preview_html",
    "reference_docx_for",
    "template_dir_for",
]

ExportFormat = Literal["docx", "md", "html", "pdf"]
FORMATS: tuple[str, ...] = ("docx", "md", "html", "pdf")
MEDIA_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
    "md": "text/markdown; charset=utf-8",
}
DEFAULT_TEMPLATES = "kanmin-2019"

Progress = Callable[[float, str], None]


class ExportError(PlanBuilderError):
    """The export could not be made; the message is Japanese and meant for the user."""


@dataclass
class ExportResult:
    path: Path
    format: str
    warnings: list[str] = field(default_factory=list)
    charts_rendered: bool = False  # every chart place holds a picture (False for Markdown)
    charts_total: int = 0
    charts_placed: int = 0
    seconds: float = 0.0
    chart_seconds: float = 0.0


def template_dir_for(guide: Guide) -> Path:
    name = guide.templates or DEFAULT_TEMPLATES
    path = default_guide_dir() / "templates" / name
    if not (path / "document.xml.j2").is_file():
        raise ExportError(
            f"手引「{guide.id}」の文書テンプレート（templates/{name}/document.xml.j2）が見つかりません。"
        )
    return path


def reference_docx_for(guide: Guide) -> Path:
    return template_dir_for(guide) / "reference.docx"


def build_document(plan: Plan, guide: Guide, *, template_dir: Path | None = None) -> Element:
    """Render the templates for `plan` into the document tree (raises TemplateError)."""
    context = build_context(plan, guide)
    xml = render_template(template_dir or template_dir_for(guide), context)
    return parse_document(xml)


def chart_specs(root: Element, plan: Plan, guide: Guide) -> list[dict[str, Any] | None]:
    specs: list[dict[str, Any] | None] = []
    kpis = {k.key: k for k in plan.kpis}
    for el in chart_elements(root):
        kind = el.get("kind", "kpi")
        if kind == "schedule":
            specs.append(figures.schedule_spec(plan, guide))
        elif kind == "kpi" and el.get("key") in kpis:
            specs.append(figures.kpi_spec(kpis[el.get("key", "")], plan.period))
        else:
            specs.append(None)
    return specs


def chart_alts(root: Element, plan: Plan) -> list[str]:
    """Each chart place described in words with its numbers (alternative text), in order."""
    kpis = {k.key: k for k in plan.kpis}
    out = []
    for el in chart_elements(root):
        caption = f"{el.get('number', '')}　{el.get('caption', '')}".strip()
        if el.get("kind") == "schedule":
            out.append(f"{caption}。{figures.schedule_alt(plan)}")
        elif el.get("key") in kpis:
            out.append(f"{caption}。{figures.kpi_alt(kpis[el.get('key', '')])}")
        else:
            out.append(caption)
    return out


class _ChartJob:
    """Draw the charts on a worker thread while the caller builds the document."""

    def __init__(self, specs: list[dict[str, Any] | None], enabled: bool) -> None:
        self.done = 0
        self.total = sum(1 for s in specs if s is not None)
        self._specs = specs
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="plan-builder-export")
        self.future: Future[ChartBatch] = self._pool.submit(self._run, enabled)

    def _run(self, enabled: bool) -> ChartBatch:
        real = [s for s in self._specs if s is not None]

        def tick(i: int, n: int) -> None:
            self.done = i

        batch = charts.render_pngs(real, enabled=enabled, progress=tick)
        it = iter(batch.images)
        images = [next(it) if s is not None else None for s in self._specs]
        return ChartBatch(images=images, reason=batch.reason, seconds=batch.seconds, errors=batch.errors)

    def wait(self, report: Progress, start: float, end: float) -> ChartBatch:
        try:
            while True:
                try:
                    return self.future.result(timeout=0.1)
                except FutureTimeout:
                    frac = self.done / self.total if self.total else 1.0
                    report(
                        start + (end - start) * frac, f"グラフを作成しています（{self.done}/{self.total}）"
                    )
        finally:
            self._pool.shutdown(wait=False)


def _chart_warnings(batch: ChartBatch, n_places: int, missing_specs: int) -> list[str]:
    out = []
    missing = sum(1 for i in batch.images if i is None) - missing_specs
    if missing > 0:
        out.append(
            f"グラフ{missing}点を画像にできなかったため、その位置に注記を入れました"
            f"（理由：{batch.reason or '不明'}）。サーバーに Chromium と日本語フォントがあるか確認してください。"
        )
    if missing_specs:
        out.append(
            f"テンプレートが参照する指標のうち {missing_specs} 件が計画にないため、グラフを省略しました。"
        )
    return out


def _noop(fraction: float, message: str) -> None:
    return None


def export_plan(
    plan: Plan,
    guide: Guide,
    fmt: ExportFormat,
    out: Path,
    *,
    reference_docx: Path | None = None,
    progress: Progress | None = None,
    template_dir: Path | None = None,
    render_charts: bool = True,
) -> ExportResult:
    """Write `plan` to `out` as docx, pdf, html or md and report what happened.

    reference_docx: an organisation's own styled .docx (default: the guide's reference.docx).
    progress: called with (fraction 0–1, Japanese message) from the calling thread.
    render_charts=False (or PLAN_BUILDER_NO_CHARTS=1) skips the browser: chart places get a note.
    Raises TemplateError (names template file and line), ExportError or PdfUnavailableError.
    """
    if fmt not in FORMATS:
        raise ExportError(f"出力形式「{fmt}」には対応していません（{', '.join(FORMATS)}）。")
    t0 = time.perf_counter()
    report = progress or _noop
    out = Path(out)
    report(0.02, "文書の構成を作っています")
    tdir = template_dir or template_dir_for(guide)
    root = build_document(plan, guide, template_dir=tdir)
    specs = chart_specs(root, plan, guide)
    missing_specs = sum(1 for s in specs if s is None)
    warnings: list[str] = []
    result = ExportResult(path=out, format=fmt, charts_total=len(specs))

    if fmt == "md":
        from plan_builder.export.markdown import render_markdown

        report(0.5, "テキストを書き出しています")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(render_markdown(root, plan), encoding="utf-8")
        if missing_specs:
            warnings.append(f"テンプレートが参照する指標のうち {missing_specs} 件が計画にありません。")
        result.warnings = warnings
        result.seconds = time.perf_counter() - t0
        report(1.0, "完了しました")
        return result

    job = _ChartJob(specs, enabled=render_charts)  # the browser starts while we build
    if fmt == "html":
        from plan_builder.export.html import render_html

        batch = job.wait(report, 0.1, 0.9)
        report(0.92, "HTML を書き出しています")
        out.parent.mkdir(parents=True, exist_ok=True)
        html = render_html(root, batch.images, batch.reason, title=plan.title, alts=chart_alts(root, plan))
        out.write_text(html, encoding="utf-8")
    else:
        from plan_builder.export.docx_builder import DocxBuilder

        reference = Path(reference_docx) if reference_docx else reference_docx_for(guide)
        report(0.1, "Word 文書を組み立てています")
        try:
            if reference_docx:  # an organisation's file: rebuilt without anything that reaches out
                with tempfile.TemporaryDirectory(prefix="plan-builder-ref-") as tmp:
                    clean = Path(tmp) / "reference.docx"
                    clean.write_bytes(clean_docx(reference.name, reference.read_bytes()).data)
                    builder = DocxBuilder(clean, title=plan.title, author=plan.lg_name)
            else:
                builder = DocxBuilder(reference, title=plan.title, author=plan.lg_name)
        except Exception as exc:
            job.wait(_noop, 0, 0)
            raise ExportError(f"参照用の Word 文書（{reference.name}）を開けません：{exc}") from exc
        if reference_docx and builder.added_styles:
            warnings.append(
                "参照用の Word 文書に次のスタイルがなかったため、標準の書式で補いました："
                + "、".join(builder.added_styles)
            )
        builder.build(root)
        batch = job.wait(report, 0.4, 0.85)
        report(0.88, "グラフを配置しています")
        result.charts_placed = builder.fill_charts(batch.images, batch.reason, chart_alts(root, plan))
        if fmt == "docx":
            out.parent.mkdir(parents=True, exist_ok=True)
            builder.save(out)
        else:
            report(0.9, "PDF に変換しています（LibreOffice）")
            with tempfile.TemporaryDirectory(prefix="plan-builder-export-") as tmp:
                first_docx, first_pdf = Path(tmp) / "plan.docx", Path(tmp) / "first.pdf"
                builder.save(first_docx)
                docx_to_pdf(first_docx, first_pdf)
                # Second pass: put the page numbers of the first rendering into the contents.
                pages = pdf_pages_text(first_pdf) if builder.toc_runs else None
                numbers = heading_pages(pages, [t for _, t in builder.toc_runs]) if pages else []
                if any(n is not None for n in numbers):
                    report(0.95, "目次にページ番号を入れています")
                    builder.set_toc_pages(numbers)
                    builder.save(first_docx)
                    docx_to_pdf(first_docx, out)
                else:
                    shutil.move(str(first_pdf), out)
    if fmt == "html":
        result.charts_placed = sum(1 for i in batch.images if i)
        result.charts_rendered = result.charts_placed == len(specs)
    warnings.extend(_chart_warnings(batch, len(specs), missing_specs))
    result.warnings = warnings
    result.charts_rendered = result.charts_placed == len(specs)
    result.chart_seconds = batch.seconds
    result.seconds = time.perf_counter() - t0
    report(1.0, "完了しました")
    return result


PREVIEW_CHART_NOTE = "グラフは、Word・PDF・HTML に出力するときに作成します"


def preview_html(plan: Plan, guide: Guide) -> str:
    """The HTML export without pictures, for the in-app preview: the same tree, tables and
    numbers as the documents, and no browser is started."""
    from plan_builder.export.html import render_html

    root = build_document(plan, guide)
    return render_html(root, [], PREVIEW_CHART_NOTE, title=plan.title, alts=chart_alts(root, plan))


def export_bytes(plan: Plan, guide: Guide, fmt: ExportFormat, **kwargs: Any) -> tuple[bytes, ExportResult]:
    """The export as bytes (for download buttons), with its result."""
    with tempfile.TemporaryDirectory(prefix="plan-builder-export-") as tmp:
        path = Path(tmp) / f"plan.{fmt}"
        result = export_plan(plan, guide, fmt, path, **kwargs)
        data = path.read_bytes()
    result.path = Path(f"plan.{fmt}")
    return data, result


# More public names, loaded on first use (plan_builder.lazy) so that start-up does not pay for them.
_LATER = {
    "DocxBuilder": "docx_builder",
    "number_document": "text",
}
__all__ += ["chart_elements", "chart_specs", "charts", "docx_to_pdf", *_LATER]
__getattr__ = lazy.exports(__name__, _LATER)
