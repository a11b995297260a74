"""Word import on documents made here: headings with styles, numbered headings without styles,
an empty one, and broken and hostile files (refused by the upload screening with a message)."""

from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document

from plan_builder.creation import new_plan
from plan_builder.guide.model import Guide
from plan_builder.plan.model import Plan
from plan_builder.uploads import UploadError
from plan_builder.wordimport import WordImportError, apply_mapping, propose_mapping, read_sections

OVERVIEW = "本町の人口は18,214人で、10年前と比べて約1,900人減少しています。高齢化率は36.4％です。"
ISSUES = "来庁しなければならない手続の負担が大きく、職員数も減っています。"
SECURITY = "情報セキュリティポリシーを毎年度見直し、全職員を対象に研修を行います。"


def _docx(build) -> bytes:
    doc = Document()
    build(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _styled(doc) -> None:
    doc.add_paragraph("みどり町情報化計画", style="Title")
    doc.add_heading("地域の現状", level=1)
    doc.add_paragraph(OVERVIEW)
    doc.add_heading("地域と行政の課題", level=1)
    doc.add_paragraph(ISSUES)
    doc.add_paragraph("あわせて、観光データの公開が進んでいません。")
    doc.add_heading("サイバーセキュリティの確保", level=2)
    doc.add_paragraph(SECURITY)
    doc.add_heading("おわりに", level=1)
    doc.add_paragraph("町民の皆様のご協力をお願いします。")


def _unstyled(doc) -> None:
    doc.add_paragraph("第1章　地域の現状")
    doc.add_paragraph(OVERVIEW)
    doc.add_paragraph("第2章　計画の目的")
    doc.add_paragraph("手続の負担を軽くし、データに基づく行政を進めることを目的とします。")


@pytest.fixture
def plan(guide: Guide) -> Plan:
    return Plan(lg_code="033227", lg_name="矢巾町", guide_id=guide.id, title="矢巾町官民データ活用推進計画")


def test_sections_and_proposals_from_styled_headings(guide: Guide) -> None:
    sections = read_sections("plan.docx", _docx(_styled))
    titles = [s.title for s in sections]
    assert titles[:4] == [
        "みどり町情報化計画",
        "地域の現状",
        "地域と行政の課題",
        "サイバーセキュリティの確保",
    ]
    assert sections[2].paragraphs == [ISSUES, "あわせて、観光データの公開が進んでいません。"]
    proposed = {sections[p.section].title: p.question_key for p in propose_mapping(sections, guide)}
    assert proposed["地域の現状"] == "current.overview"
    assert proposed["地域と行政の課題"] == "current.issues"
    assert proposed["サイバーセキュリティの確保"] == "security.cybersecurity"
    assert proposed["おわりに"] is None  # nothing fits: the planner decides


def test_numbered_headings_without_styles(guide: Guide) -> None:
    sections = read_sections("plan.docx", _docx(_unstyled))
    assert [s.title for s in sections] == ["地域の現状", "計画の目的"]
    proposed = {sections[p.section].title: p.question_key for p in propose_mapping(sections, guide)}
    assert proposed["地域の現状"] == "current.overview"
    assert proposed["計画の目的"] == "purpose.statement"


def test_confirmed_mapping_fills_answers_and_keeps_answered_ones(plan: Plan, guide: Guide) -> None:
    sections = read_sections("plan.docx", _docx(_styled))
    mapping = {p.section: p.question_key for p in propose_mapping(sections, guide)}
    # The planner corrects one proposal: 「おわりに」 goes nowhere, the title page text nowhere.
    plan = plan.model_copy(update={"answers": {"current.issues": "既に書いた課題"}})
    new, filled = apply_mapping(plan, guide, sections, mapping)
    assert new.answers["current.overview"] == OVERVIEW
    assert new.answers["current.issues"] == "既に書いた課題" and "current.issues" not in filled
    assert new.answers["security.cybersecurity"] == SECURITY
    over, _ = apply_mapping(plan, guide, sections, mapping, overwrite=True)
    assert over.answers["current.issues"].startswith(ISSUES)


def test_mapping_to_a_structured_question_is_refused(plan: Plan, guide: Guide) -> None:
    sections = read_sections("plan.docx", _docx(_styled))
    with pytest.raises(WordImportError, match="measures.list"):
        apply_mapping(plan, guide, sections, {1: "measures.list"})


def test_empty_document_is_refused() -> None:
    with pytest.raises(WordImportError, match="本文がありません"):
        read_sections("empty.docx", _docx(lambda d: None))


def _rezip(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            dst.writestr(info.filename, replace.get(info.filename, src.read(info)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return buf.getvalue()


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b'<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
    b"<w:p><w:r><w:t>&lol2;</w:t></w:r></w:p></w:body></w:document>"
)


@pytest.mark.parametrize(
    ("name", "make", "error", "fragment"),
    [
        ("plan.docx", lambda good: b"this is not a word file", UploadError, "形式"),
        ("plan.docx", lambda good: good[: len(good) // 2], UploadError, "壊れています"),
        ("plan.doc", lambda good: good, UploadError, ".docx"),
        (
            "plan.docx",
            lambda good: _rezip(good, {"word/document.xml": BILLION_LAUGHS}),
            UploadError,
            "実体参照",
        ),
        ("plan.docx", lambda good: _rezip(good, {}, {"word/vbaProject.bin": b"x"}), UploadError, "マクロ"),
        ("plan.docx", lambda good: _rezip(good, {}, {"../evil.txt": b"x"}), UploadError, "不正な名前"),
        (
            "plan.docx",
            lambda good: _rezip(good, {"word/document.xml": b"<w:document"}),
            UploadError,
            "壊れています",
        ),
    ],
)
def test_broken_and_hostile_files_are_refused(name, make, error, fragment) -> None:
    good = _docx(_styled)
    with pytest.raises(error, match=fragment):
        read_sections(name, make(good))


def test_new_plan_helper_still_works_with_import(guide: Guide) -> None:
    # A planner can import into a plan created the usual way.
    from plan_builder.store.tables import LocalGovernment

    lg = LocalGovernment(code6="033227", name="矢巾町", prefecture="岩手県", level="municipality")
    plan = new_plan(lg, guide)
    sections = read_sections("plan.docx", _docx(_unstyled))
    new, filled = apply_mapping(
        plan, guide, sections, {p.section: p.question_key for p in propose_mapping(sections, guide)}
    )
    assert set(filled) == {"current.overview", "purpose.statement"}
