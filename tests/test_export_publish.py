"""Issue 12: a plan a city can publish as is. Structure of the Word file (alternative text,
language, Word mode, true properties, native 工程表, yearly targets as text, links, 番号) and the
tagged Japanese PDF whose text holds every yearly target."""

from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from lxml import etree

from plan_builder.export import export_plan, preview_html
from plan_builder.export.context import format_value
from plan_builder.export.pdf import find_soffice
from plan_builder.guide import Guide, get_guide
from plan_builder.plan.fiscal import format_fiscal_year
from plan_builder.plan.model import KpiKind, Plan
from tests.export_samples import city_plan, large_plan, small_start_plan

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {
    "w": W,
    "wp": "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
}


@pytest.fixture(scope="module")
def guide() -> Guide:
    return get_guide("kanmin-2019-municipality")


@pytest.fixture(scope="module")
def city(guide: Guide) -> Plan:
    return city_plan(guide)


@pytest.fixture(scope="module")
def city_docx(tmp_path_factory, city: Plan, guide: Guide) -> tuple[Path, datetime, datetime]:
    out = tmp_path_factory.mktemp("publish") / "city.docx"
    before = datetime.now(UTC).replace(microsecond=0)
    export_plan(city, guide, "docx", out)
    return out, before, datetime.now(UTC)


def _xml(docx: Path, part: str) -> etree._Element:
    with zipfile.ZipFile(docx) as z:
        return etree.fromstring(z.read(part))


def _text(el: etree._Element) -> str:
    return "".join(el.itertext())


def _body(docx: Path) -> etree._Element:
    return _xml(docx, "word/document.xml")


def test_every_picture_has_alternative_text_with_its_numbers(city_docx, city: Plan):
    body = _body(city_docx[0])
    doc_prs = body.findall(".//wp:docPr", NS)
    assert doc_prs, "the KPI charts are pictures"
    for d in doc_prs:
        assert d.get("descr", "").strip(), etree.tostring(d)
    alts = " ".join(d.get("descr") for d in doc_prs)
    kpi = city.kpis[0]
    assert kpi.name in alts
    for fy, value in kpi.targets.items():
        assert f"{format_fiscal_year(fy)} {format_value(value)}" in alts


def test_document_language_is_japanese(city_docx):
    styles = _xml(city_docx[0], "word/styles.xml")
    lang = styles.find("w:docDefaults/w:rPrDefault/w:rPr/w:lang", NS)
    assert lang is not None
    assert lang.get(f"{{{W}}}val") == "ja-JP" and lang.get(f"{{{W}}}eastAsia") == "ja-JP"


def test_word_2013_mode_and_true_properties(city_docx):
    docx, before, after = city_docx
    settings = _xml(docx, "word/settings.xml")
    mode = settings.find(".//w:compatSetting[@w:name='compatibilityMode']", NS)
    assert mode is not None and mode.get(f"{{{W}}}val") == "15"
    core = _xml(docx, "docProps/core.xml")
    stamps = {
        el.tag.split("}")[1]: datetime.fromisoformat(el.text.replace("Z", "+00:00"))
        for el in core
        if el.tag.endswith(("created", "modified"))
    }
    assert set(stamps) == {"created", "modified"}
    for stamp in stamps.values():
        assert before - timedelta(seconds=1) <= stamp <= after + timedelta(seconds=1)
    app = _xml(docx, "docProps/app.xml")
    assert [_text(a) for a in app if a.tag.endswith("Application")] == ["plan_builder"]


def test_schedule_is_a_native_table_grouped_by_pillar(city_docx, city: Plan, guide: Guide):
    body = _body(city_docx[0])
    tables = body.findall(".//w:tbl", NS)
    schedule = next(
        t for t in tables if "工程表" not in _text(t) and "番号" in _text(t) and "令和2年度" in _text(t)
    )
    text = _text(schedule)
    for m in city.measures:
        assert m.key in text and m.name in text  # full names, never cut
        for e in m.schedule:
            assert e.activity in text
    names = {p.key: p.name for p in guide.pillars}
    for key in {m.pillar for m in city.measures}:
        assert names[key] in text  # each group row names its pillar
    fills = {s.get(f"{{{W}}}fill") for s in schedule.findall(".//w:tcPr/w:shd", NS)}
    assert len(fills) >= 3  # phases told apart by shade (and by their text)
    assert schedule.findall(".//w:gridSpan", NS)  # consecutive years of one activity merge
    sizes = {int(s.get(f"{{{W}}}val")) for s in schedule.findall(".//w:sz", NS)}
    assert not sizes or min(sizes) >= 18  # nothing below 9 pt set directly


def test_yearly_targets_and_actuals_appear_as_text(city_docx, city: Plan):
    body = _body(city_docx[0])
    rows = [" ".join(_text(c) for c in tr.findall("w:tc", NS)) for tr in body.iter(f"{{{W}}}tr")]
    for kpi in city.kpis:
        target_row = " ".join(
            ["目標値", format_value(kpi.baseline.value)]
            + [format_value(v) for _, v in sorted(kpi.targets.items())]
        )
        assert target_row in rows, (kpi.key, target_row)
        actuals = [format_value(v) for _, v in sorted(kpi.actuals.items())]
        assert any(r.startswith("実績値") and " ".join(actuals) in r for r in rows)


def test_cover_uses_adoption_and_revision_months(city_docx):
    body = _body(city_docx[0])
    text = _text(body)
    assert "令和3年3月策定（令和5年3月改定）" in text
    assert "令和5年3月24日" in text and "指標（KPI）の目標値を見直し" in text


def test_urls_are_links_and_keys_have_number_columns(city_docx, city: Plan):
    docx = city_docx[0]
    body = _body(docx)
    links = body.findall(".//w:hyperlink", NS)
    assert any(_text(h) == city.publication_url for h in links)
    rels = _xml(docx, "word/_rels/document.xml.rels")
    assert any(r.get("Target") == city.publication_url and r.get("TargetMode") == "External" for r in rels)
    headers = [
        [_text(c) for c in tbl.find("w:tr", NS).findall("w:tc", NS)] for tbl in body.iter(f"{{{W}}}tbl")
    ]
    measure_tables = [h for h in headers if "施策名" in h and "概要" in h]
    assert measure_tables and all(h[0] == "番号" for h in measure_tables)


def test_short_columns_are_wide_enough_for_their_text(city_docx):
    body = _body(city_docx[0])
    for tbl in body.iter(f"{{{W}}}tbl"):
        first = [_text(c) for c in tbl.find("w:tr", NS).findall("w:tc", NS)]
        if "担当課" not in first:
            continue
        i = first.index("担当課")
        width = int(tbl.findall("w:tblGrid/w:gridCol", NS)[i].get(f"{{{W}}}w"))  # twips
        longest = max(len(_text(tr.findall("w:tc", NS)[i])) for tr in tbl.findall("w:tr", NS))
        assert width >= longest * 9 * 20 + 200  # 9 pt per character plus the cell margins


def test_chapter_titles_do_not_repeat_the_plan_title(city_docx, city: Plan):
    body = _body(city_docx[0])
    heads = [
        _text(p)
        for p in body.iter(f"{{{W}}}p")
        if (
            p.find("w:pPr/w:pStyle", NS) is not None
            and p.find("w:pPr/w:pStyle", NS).get(f"{{{W}}}val").startswith("Heading1")
        )
    ]
    assert heads and not [h for h in heads if city.title in h]


def test_overall_policy_once_and_no_stock_sentence(tmp_path: Path, guide: Guide):
    plan = small_start_plan(guide)
    out = tmp_path / "small.docx"
    export_plan(plan, guide, "docx", out, render_charts=False)
    text = _text(_body(out))
    overall = plan.answers["policy.overall"].splitlines()[0]
    assert text.count(overall) == 1
    assert "次章に掲げる施策により取組を進めます" not in text
    assert "令和元年5月策定" in text  # the era edge: 2019-05 is 令和元年


def test_cover_without_adoption_says_draft(tmp_path: Path, guide: Guide):
    plan = small_start_plan(guide).model_copy(update={"adopted_on": None})
    out = tmp_path / "draft.md"
    export_plan(plan, guide, "md", out)
    head = out.read_text(encoding="utf-8").split("## 目次")[0]
    assert "（案）" in head and "策定" not in head


@pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdfinfo") is None, reason="LibreOffice or poppler missing"
)
def test_pdf_is_tagged_japanese_and_holds_every_yearly_target(tmp_path: Path, guide: Guide):
    plan = large_plan(guide)
    out = tmp_path / "large.pdf"
    export_plan(plan, guide, "pdf", out, render_charts=False)
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Tagged:\s+yes", info, re.MULTILINE)
    raw = out.read_bytes()
    assert b"/Lang(ja-JP)" in raw
    assert b"/Outlines" in raw  # bookmarks from the headings
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, check=True
    ).stdout.decode()
    squashed = re.sub(r"\s+", "", text)
    for kpi in plan.kpis:
        values = [format_value(kpi.baseline.value)] + [
            format_value(v) for _, v in sorted(kpi.targets.items())
        ]
        assert "目標値" + "".join(values) in squashed, kpi.key


def _kpi_list_header(docx: Path) -> list[str]:
    from docx import Document

    tables = [t for t in Document(str(docx)).tables if t.rows and t.rows[0].cells[0].text == "番号"]
    lists = [t for t in tables if any(c.text == "指標" for c in t.rows[0].cells)]
    assert len(lists) == 1, "one 指標（KPI）の一覧"
    return [c.text for c in lists[0].rows[0].cells]


def test_kpi_kind_printed_only_when_chosen(tmp_path: Path, guide: Guide):
    """A KPI whose planner never chose 成果/活動 prints no kind in any format (issue 12, item 8)."""
    plan = city_plan(guide)
    unchosen = plan.model_copy(update={"kpis": [k.model_copy(update={"kind": None}) for k in plan.kpis]})
    for fmt in ("docx", "md", "html"):
        out = tmp_path / f"none.{fmt}"
        export_plan(unchosen, guide, fmt, out, render_charts=False)
        if fmt == "docx":
            assert "種類" not in _kpi_list_header(out)
            text = _text(_body(out))
        else:
            text = out.read_text(encoding="utf-8")
        assert "種類" not in text and "成果指標" not in text and "活動指標" not in text, fmt
    assert "種類" not in preview_html(unchosen, guide)

    one = plan.kpis[0].model_copy(update={"kind": KpiKind.OUTPUT})
    mixed = unchosen.model_copy(update={"kpis": [one, *unchosen.kpis[1:]]})
    out = tmp_path / "mixed.docx"
    export_plan(mixed, guide, "docx", out, render_charts=False)
    assert "種類" in _kpi_list_header(out)
    from docx import Document

    kpi_list = next(t for t in Document(str(out)).tables if "種類" in [c.text for c in t.rows[0].cells])
    col = [c.text for c in kpi_list.rows[0].cells].index("種類")
    kinds = [r.cells[col].text for r in kpi_list.rows[1:]]
    assert kinds[0] == "活動" and set(kinds[1:]) == {""}


def test_kpi_chart_and_its_years_table_are_one_unsplittable_block(city_docx, city: Plan):
    """Keep-with-next after a table is lost in LibreOffice; a one-row block keeps them together."""
    body = _body(city_docx[0])
    blocks = [
        t
        for t in body.findall("w:body/w:tbl", NS)
        if len(t.findall("w:tr", NS)) == 1 and len(t.findall("w:tr/w:tc", NS)) == 1
    ]
    for kpi in city.kpis:
        block = next(b for b in blocks if f"{kpi.key}　{kpi.name}の年度別の値" in _text(b))
        assert block.find("w:tr/w:trPr/w:cantSplit", NS) is not None
        assert f"{kpi.name}の推移" in _text(block)  # the chart's caption (its picture slot) is inside
        years = block.findall("w:tr/w:tc/w:tbl", NS)[-1]
        for value in kpi.targets.values():
            assert format_value(value) in _text(years)


def test_a_long_table_may_break_between_rows(tmp_path: Path, guide: Guide):
    """A 施策 table of 5-line schedules keeps only its header with the first row (no half-empty
    page before it); a short table of years keeps all its rows together."""
    out = tmp_path / "large.docx"
    export_plan(large_plan(guide), guide, "docx", out, render_charts=False)
    checked = 0
    for tbl in _body(out).iter(f"{{{W}}}tbl"):
        rows = tbl.findall("w:tr", NS)
        header = [_text(c) for c in rows[0].findall("w:tc", NS)]
        keeps = [bool(r.findall(".//w:keepNext", NS)) for r in rows]
        if header[:3] == ["番号", "施策名", "概要"] and len(rows) > 3:
            assert keeps[0] and not any(keeps[1:]), header
            checked += 1
        if header and header[0] == "区分":
            assert all(keeps[:-1]) and not keeps[-1]
    assert checked >= 4
