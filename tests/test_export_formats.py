"""Markdown and HTML from the same templates: same content, user text escaped, nothing remote."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from plan_builder.export import ExportError, export_bytes, export_plan
from plan_builder.export.context import format_value
from plan_builder.guide import Guide, get_guide
from plan_builder.plan.model import Plan
from plan_builder.samples import sample_plan

HOSTILE = "<script>alert('x')</script> & {{ 7*7 }} <img src=x onerror=alert(1)> # 見出し? | 〜①"


@pytest.fixture(scope="module")
def guide() -> Guide:
    return get_guide("kanmin-2019-municipality")


@pytest.fixture(scope="module")
def plan(guide: Guide) -> Plan:
    p = sample_plan(guide, n_measures=5, n_kpis=3)
    answers = dict(p.answers)
    answers["current.issues"] = HOSTILE
    measures = list(p.measures)
    measures[0] = measures[0].model_copy(update={"name": "施策 <b>太字</b> | 区切り"})
    return p.model_copy(update={"answers": answers, "measures": measures})


@pytest.fixture(scope="module")
def html(plan: Plan, guide: Guide, tmp_path_factory) -> str:
    out = tmp_path_factory.mktemp("html") / "plan.html"
    export_plan(plan, guide, "html", out, render_charts=False)
    return out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def markdown(plan: Plan, guide: Guide) -> str:
    data, result = export_bytes(plan, guide, "md")
    assert result.warnings == []
    return data.decode("utf-8")


def test_html_escapes_user_text(html: str):
    assert "<script" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; {{ 7*7 }}" in html
    assert "施策 &lt;b&gt;太字&lt;/b&gt; | 区切り" in html
    assert "〜①" in html


def test_html_is_self_contained(html: str):
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"""src=["']?(https?:)?//""", html)  # nothing is loaded from anywhere
    assert "<link" not in html
    external = re.findall(r"""<(\w+)[^>]*href=["']?https?://""", html)
    assert external and set(external) == {"a"}  # only the publication URL, as a plain link


def test_html_has_the_document_structure(html: str, plan: Plan):
    assert html.count("<h1 ") == 8  # 7 chapters + 資料
    assert "第1章　矢巾町の現状及び課題" in html
    assert html.count(">概要</th>") == len({m.pillar for m in plan.measures})
    assert html.count('class="chart-note"') == len(plan.kpis)  # charts off: a note each
    assert '<a href="#s1">' in html  # contents link to the headings


def test_markdown_escapes_user_text(markdown: str):
    assert not re.search(r"(?<!\\)<(script|img|b)\b", markdown)  # every < of user text is escaped
    assert r"\<script\>alert('x')\</script\> & {{ 7\*7 }}" in markdown
    assert r"施策 \<b\>太字\</b\> \| 区切り" in markdown


def test_markdown_has_chapters_tables_and_chart_data(markdown: str, plan: Plan):
    chapters = re.findall(r"^## (第\d+章)", markdown, re.MULTILINE)
    assert chapters == [f"第{i}章" for i in range(1, 8)]
    assert markdown.count("| 番号 | 施策名 | 概要 | 担当課 | スケジュール | 関連KPI |") == len(
        {m.pillar for m in plan.measures}
    )
    assert "| 番号 | 指標 | 種類 | 単位 | 現状値（基準日） | 目標値（年度） |" in markdown
    k = plan.kpis[0]
    assert "| 区分 | 現状値<br>（令和元年度） | 令和2年度 |" in markdown  # the chart's data as a table
    assert f"| 目標値 | {format_value(k.baseline.value)} |" in markdown
    assert "| 番号 | 施策名 | 令和2年度 |" in markdown  # the 工程表 as a table


def test_unknown_format_is_refused(plan: Plan, guide: Guide, tmp_path: Path):
    with pytest.raises(ExportError, match="対応していません"):
        export_plan(plan, guide, "rtf", tmp_path / "x.rtf")  # type: ignore[arg-type]


def test_a_kpi_of_a_pillar_not_taken_up_still_gets_its_section(guide) -> None:
    """Reviewer finding: such a KPI kept only its row in the KPI table; its chart place and
    method vanished from chapter 6."""
    from plan_builder.export import export_bytes
    from plan_builder.samples import sample_plan

    plan = sample_plan(guide)
    kpi = plan.kpis[0].model_copy(update={"pillar": "my_number", "name": "柱外の指標"})
    plan = plan.model_validate(
        {**plan.model_dump(), "pillars": ["online"], "measures": [], "kpis": [kpi.model_dump()]}
    )
    data, _ = export_bytes(plan, guide, "md", render_charts=False)
    text = data.decode()
    assert text.count("柱外の指標") >= 2  # its own heading in chapter 6, not just the table row
    assert "柱外の指標の推移" in text


def test_a_plan_without_pillars_does_not_print_zero_pillars(guide) -> None:
    from plan_builder.export import export_bytes
    from plan_builder.samples import sample_plan

    plan = sample_plan(guide)
    plan = plan.model_validate({**plan.model_dump(), "pillars": [], "measures": [], "kpis": []})
    text = export_bytes(plan, guide, "md", render_charts=False)[0].decode()
    assert "0つの柱" not in text
    assert "取り組む柱は、今後定めます。" in text
