"""PDF through LibreOffice: page count and chapter titles checked with pdftotext."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from plan_builder.export import export_plan
from plan_builder.export.pdf import find_soffice, heading_pages
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        find_soffice() is None or shutil.which("pdftotext") is None, reason="needs LibreOffice"
    ),
]


def test_pdf_has_reasonable_pages_and_the_chapter_titles(tmp_path: Path):
    guide = get_guide("kanmin-2019-municipality")
    plan = sample_plan(guide)
    out = tmp_path / "plan.pdf"
    result = export_plan(plan, guide, "pdf", out)
    assert out.read_bytes()[:5] == b"%PDF-"
    info = subprocess.run(["pdfinfo", str(out)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert 10 <= pages <= 40, pages
    text = subprocess.run(
        ["pdftotext", "-layout", str(out), "-"], capture_output=True, text=True, check=True
    ).stdout
    flat = re.sub(r"\s+", "", text)
    for i in range(1, len(guide.chapters) + 1):
        assert f"第{i}章" in flat
    for word in (
        "現状及び課題",
        "個別施策",
        "セキュリティ及び個人情報の適正な取扱いの確保",
        "改定履歴",
        plan.title,
    ):
        assert word in flat, word
    # The contents carry page numbers from the first rendering: 「第1章 …… 1」.
    assert re.search(r"^\s*第\s*1\s*章.*?現状及び課題\.{3,}\s*1\s*$", text, re.MULTILINE)
    assert result.path == out


def test_heading_pages_reads_the_footers():
    pages = [
        "表紙",
        "目次 第1章 はじめに 第2章 終わりに",
        "第1章 はじめに\n- 1 -",
        "本文\n- 2 -",
        "第2章 終わりに\n- 3 -",
    ]
    assert heading_pages(pages, ["第1章 はじめに", "第2章 終わりに", "存在しない"]) == [1, 3, None]
