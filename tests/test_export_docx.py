"""The Word export: open the produced .docx and check its structure, fonts, tables and pictures.

One export (with charts when Chromium is available) is shared by the module; the hostile text
in it must come out literally, and the no-Chromium path must still give a complete document.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from plan_builder.export import ExportResult, charts, export_plan
from plan_builder.export.styles import GOTHIC, MINCHO
from plan_builder.guide import Guide, get_guide
from plan_builder.plan.model import Plan
from plan_builder.samples import sample_plan

HAS_CHROMIUM = charts.find_browser() is not None and not charts.charts_disabled()

HOSTILE_OVERVIEW = "人口は18,214人 & 世帯数<7,020> 〜 ①番目\x07の町\x0bです。"
HOSTILE_ISSUES = "{{ 7*7 }} と {% if true %}X{% endif %} と <script>alert(1)</script> と ]]> &amp;"
HOSTILE_MEASURE = "子育て & 介護 <申請> の〜オンライン化"


def hostile_plan(guide: Guide, **kwargs) -> Plan:
    """A sample plan whose text needs escaping; control characters bypass the model's cleaning."""
    plan = sample_plan(guide, **kwargs)
    answers = dict(plan.answers)
    answers["current.overview"] = HOSTILE_OVERVIEW
    answers["current.issues"] = HOSTILE_ISSUES
    measures = list(plan.measures)
    measures[0] = measures[0].model_copy(update={"name": HOSTILE_MEASURE})
    return plan.model_copy(update={"answers": answers, "measures": measures})


@pytest.fixture(scope="module")
def guide() -> Guide:
    return get_guide("kanmin-2019-municipality")


@pytest.fixture(scope="module")
def plan(guide: Guide) -> Plan:
    return hostile_plan(guide)


@pytest.fixture(scope="module")
def exported(tmp_path_factory, plan: Plan, guide: Guide) -> tuple[ExportResult, object]:
    out = tmp_path_factory.mktemp("export") / "plan.docx"
    steps: list[tuple[float, str]] = []
    result = export_plan(plan, guide, "docx", out, progress=lambda f, m: steps.append((f, m)))
    assert steps and steps[-1][0] == 1.0 and all(0 <= f <= 1 for f, _ in steps)
    return result, Document(str(out))


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
                for inner in cell.tables:
                    parts.extend(c.text for r in inner.rows for c in r.cells)
    return "\n".join(parts)


def test_page_setup_is_a4_portrait(exported):
    _, doc = exported
    for section in doc.sections:
        assert abs(section.page_width - Mm(210)) < Mm(0.5)
        assert abs(section.page_height - Mm(297)) < Mm(0.5)
        assert section.left_margin >= Mm(20) and section.top_margin >= Mm(20)


def test_chapter_headings_present_and_in_order(exported, guide: Guide):
    _, doc = exported
    h1 = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    numbered = [t for t in h1 if t.startswith("第")]
    assert [int(re.match(r"第(\d+)章", t).group(1)) for t in numbered] == list(
        range(1, len(guide.chapters) + 1)
    )
    for text, chapter in zip(numbered, guide.chapters, strict=True):
        key_word = {"measures": "個別施策", "policy": "基本的な方針"}.get(chapter.key, chapter.title)
        assert key_word in text, (text, chapter.title)
    assert h1[-1] == "資料"  # closing matter after the chapters
    # Sub-levels: 1 / （1） / ①
    styles = {p.style.name: p.text for p in doc.paragraphs}
    assert re.match(r"\d+　", styles["Heading 2"])
    assert any(re.match(r"（\d+）　", p.text) for p in doc.paragraphs if p.style.name == "Heading 3")
    assert any(re.match(r"[①-⑳]　", p.text) for p in doc.paragraphs if p.style.name == "Heading 4")


def test_cover_and_table_of_contents(exported, plan: Plan):
    _, doc = exported
    first = [p.text for p in doc.paragraphs[:12] if p.text]
    assert plan.title in first and plan.lg_name in first
    assert any(re.match(r"令和\d+年\d+月策定", t) for t in first)
    body = doc.element.body
    instr = "".join(t.text or "" for t in body.iter(qn("w:instrText")))
    assert 'TOC \\o "1-2"' in instr
    toc_lines = [p.text for p in doc.paragraphs if p.style.name in ("TOC 1", "TOC 2")]
    assert toc_lines[0].startswith("第1章") and "資料" in toc_lines  # readable without updating
    settings = doc.settings.element
    assert settings.find(qn("w:updateFields")).get(qn("w:val")) == "true"


def test_page_numbers_in_footer(exported):
    _, doc = exported
    body_section = doc.sections[-1]
    xml = body_section.footer._element.xml
    assert "PAGE" in xml and "fldChar" in xml
    assert body_section._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"
    assert "PAGE" not in doc.sections[0].footer._element.xml  # no number on the cover


def _resolved_east_asia(style) -> str | None:
    while style is not None:
        rpr = style.element.rPr
        if rpr is not None and rpr.rFonts is not None and rpr.rFonts.get(qn("w:eastAsia")):
            return rpr.rFonts.get(qn("w:eastAsia"))
        style = style.base_style
    return None


def test_east_asian_fonts_set_on_every_style_used(exported):
    _, doc = exported
    used = {p.style.name for p in doc.paragraphs}
    for table in doc.tables:
        used |= {p.style.name for row in table.rows for c in row.cells for p in c.paragraphs}
    defaults = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    rfonts = defaults.find(qn("w:rFonts"))
    assert rfonts.get(qn("w:eastAsia")) == MINCHO
    for attr in ("w:asciiTheme", "w:eastAsiaTheme", "w:hAnsiTheme"):
        assert rfonts.get(qn(attr)) is None
    for name in used:
        style = doc.styles[name]
        assert _resolved_east_asia(style) in (MINCHO, GOTHIC), name
    for level in range(1, 5):
        heading = doc.styles[f"Heading {level}"]
        assert _resolved_east_asia(heading) == GOTHIC
        assert heading.element.rPr.rFonts.get(qn("w:eastAsiaTheme")) is None
    assert _resolved_east_asia(doc.styles["Body Text"]) == MINCHO


def test_one_measures_table_per_pillar_with_measures(exported, plan: Plan):
    _, doc = exported
    tables = doc.tables
    headers = [[c.text for c in t.rows[0].cells] for t in tables]
    measure_tables = [
        t for t, h in zip(tables, headers, strict=True) if h[:2] == ["番号", "施策名"] and "概要" in h
    ]
    assert len(measure_tables) == len({m.pillar for m in plan.measures})
    assert all(
        h == ["番号", "施策名", "概要", "担当課", "スケジュール", "関連KPI"]
        for h in headers
        if h[:2] == ["番号", "施策名"] and "概要" in h
    )
    assert sum(len(t.rows) - 1 for t in measure_tables) == len(plan.measures)
    kpi_tables = [h for h in headers if "指標" in h and "単位" in h]
    assert kpi_tables == [["番号", "指標", "種類", "単位", "現状値（基準日）", "目標値（年度）"]]
    # Borders and a shaded, repeating header row.
    table = measure_tables[0]
    assert table._tbl.tblPr.find(qn("w:tblBorders")) is not None
    first_cell = table.rows[0].cells[0]._tc
    assert first_cell.tcPr.find(qn("w:shd")).get(qn("w:fill"))
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


@pytest.mark.skipif(not HAS_CHROMIUM, reason="no Chromium to render charts")
def test_one_picture_per_kpi(exported, plan: Plan):
    """The 工程表 is a native table now (test_export_publish), not a picture."""
    result, doc = exported
    assert result.charts_rendered and result.warnings == []
    assert len(doc.inline_shapes) == len(plan.kpis)
    assert result.charts_placed == result.charts_total == len(plan.kpis)
    for shape in doc.inline_shapes:  # pictures were given a width (kaleido PNGs are 72 dpi)
        assert Mm(60) < shape.width <= Mm(161)


def test_japanese_text_intact_and_escaped_characters_kept(exported):
    _, doc = exported
    text = all_text(doc)
    assert "人口は18,214人 & 世帯数<7,020> 〜 ①番目の町です。" in text  # \x07 and \x0b stripped
    assert HOSTILE_MEASURE in text
    assert "\x07" not in text and "\x0b" not in text


def test_answers_are_data_never_evaluated(exported):
    _, doc = exported
    text = all_text(doc)
    assert HOSTILE_ISSUES in text
    assert "49" not in text.split("{{ 7*7 }}")[1][:5]


def test_no_chromium_still_gives_a_document_with_notes(tmp_path: Path, guide: Guide, monkeypatch):
    plan = sample_plan(guide, n_measures=3, n_kpis=2)
    monkeypatch.setattr(charts, "find_browser", lambda: None)
    charts.clear_cache()
    out = tmp_path / "no-chromium.docx"
    result = export_plan(plan, guide, "docx", out)
    assert out.exists() and not result.charts_rendered and result.charts_placed == 0
    assert result.warnings and "Chromium" in result.warnings[0]
    doc = Document(str(out))
    assert len(doc.inline_shapes) == 0
    paragraphs = ("".join(p.itertext()) for p in doc.element.body.iter(qn("w:p")))  # nested tables too
    notes = [text for text in paragraphs if "グラフは省略しました" in text]
    assert len(notes) == len(plan.kpis)  # the 工程表 is a table, not a chart
    assert all("Chromium" in n for n in notes)


def test_charts_can_be_switched_off_by_environment(tmp_path: Path, guide: Guide, monkeypatch):
    monkeypatch.setenv(charts.NO_CHARTS_ENV, "1")
    plan = sample_plan(guide, n_measures=2, n_kpis=1)
    result = export_plan(plan, guide, "docx", tmp_path / "off.docx")
    assert not result.charts_rendered and "無効" in result.warnings[0]
    assert len(Document(str(tmp_path / "off.docx")).inline_shapes) == 0


def test_organisation_reference_docx_is_used(tmp_path: Path, guide: Guide):
    reference = tmp_path / "house.docx"
    house = Document()  # python-docx's own template: US Letter, no Japanese styles
    house.styles["Normal"].font.name = "Meiryo"
    house.save(str(reference))
    plan = sample_plan(guide, n_measures=2, n_kpis=1)
    out = tmp_path / "house-plan.docx"
    result = export_plan(plan, guide, "docx", out, reference_docx=reference, render_charts=False)
    doc = Document(str(out))
    assert abs(doc.sections[-1].page_width - Mm(215.9)) < Mm(0.5)  # the organisation's page size
    assert doc.styles["Normal"].font.name == "Meiryo"
    assert any("補いました" in w for w in result.warnings)  # missing styles were added
    assert "Body Text" in [s.name for s in doc.styles] and "Table Text" in [s.name for s in doc.styles]


def test_broken_reference_docx_is_a_clear_error(tmp_path: Path, guide: Guide):
    from plan_builder.export import ExportError

    bad = tmp_path / "bad.docx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ExportError, match="参照用の Word 文書"):
        export_plan(
            sample_plan(guide, n_measures=1, n_kpis=1), guide, "docx", tmp_path / "x.docx", reference_docx=bad
        )


def test_prefecture_guide_exports_too(tmp_path: Path):
    guide = get_guide("kanmin-2019-prefecture")
    plan = sample_plan(guide, n_measures=5, n_kpis=3)
    out = tmp_path / "pref.docx"
    export_plan(plan, guide, "docx", out, render_charts=False)
    doc = Document(str(out))
    assert any(p.text == "第1章　岩手県の現状及び課題" for p in doc.paragraphs)
    assert any("市町村への支援" in p.text for p in doc.paragraphs)


def test_shipped_reference_docx_is_small_and_styled():
    from plan_builder.export import reference_docx_for

    path = reference_docx_for(get_guide("kanmin-2019-municipality"))
    assert path.stat().st_size < 60_000
    doc = Document(str(path))
    assert abs(doc.sections[0].page_width - Mm(210)) < Mm(0.5)
    assert _resolved_east_asia(doc.styles["Heading 1"]) == GOTHIC
