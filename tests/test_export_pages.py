"""Rendered pages of the three plans issue 12 was judged on (a 市 plan, a small-start 町 plan,
the 25-measure plan), saved as PNG under test-artifacts/publish/ (gitignored) for a person to
look at, with the checks a reader would make first: the cover's 策定年月, no stock sentence, a
KPI's chart on the same page as its table of years, and no half-empty page inside a chapter."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from plan_builder.export import charts, export_plan
from plan_builder.export.pdf import find_soffice
from plan_builder.guide import get_guide
from tests.export_samples import city_plan, large_plan, small_start_plan

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "publish"
PLANS = {"city": city_plan, "town_small_start": small_start_plan, "measures_25": large_plan}
XHTML = {"h": "http://www.w3.org/1999/xhtml"}
MIN_FILL = 0.5  # a page followed by more of the same chapter is at least half full

pytestmark = pytest.mark.skipif(
    find_soffice() is None or shutil.which("pdftoppm") is None, reason="LibreOffice or poppler missing"
)


@pytest.mark.parametrize("name", list(PLANS))
def test_pages_are_rendered_for_a_person_to_look_at(name: str):
    guide = get_guide("kanmin-2019-municipality")
    plan = PLANS[name](guide)
    out = ARTIFACTS / name
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    pdf = out / f"{name}.pdf"
    result = export_plan(plan, guide, "pdf", pdf)
    has_browser = charts.find_browser() is not None and not charts.charts_disabled()
    assert result.charts_rendered or not has_browser, result.warnings
    subprocess.run(["pdftoppm", "-r", "70", "-png", str(pdf), str(out / "page")], check=True, timeout=120)
    pages = sorted(out.glob("page-*.png"))
    assert len(pages) >= 8
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, check=True
    ).stdout.decode()
    first = re.sub(r"\s+", "", text.split("\f")[0])
    assert plan.title in first and "策定" in first and "令和8年" not in first  # the 策定年月, not today
    assert "次章に掲げる施策により取組を進めます" not in text
    pages_text = [re.sub(r"\s+", "", t) for t in text.split("\f")]  # captions may wrap
    for k in plan.kpis:  # the chart's caption (図N …の推移) and its table of years share a page
        table_pages = [i for i, t in enumerate(pages_text) if f"{k.key}{k.name}の年度別の値" in t]
        assert len(table_pages) == 1, k.key
        assert f"{k.name}の推移" in pages_text[table_pages[0]], (k.key, table_pages[0] + 1)
    fills = _page_fills(pdf)
    for i, (fill, _) in enumerate(fills[:-1]):
        next_start = fills[i + 1][1]
        if re.match(r"(第\d+章|資料|目次)", next_start) or i == 0:
            continue  # the page before a chapter (and the cover) may end anywhere
        assert fill >= MIN_FILL, (
            f"page {i + 1} of {name} is only {fill:.0%} full; the next starts {next_start}"
        )


def _page_fills(pdf: Path) -> list[tuple[float, str]]:
    """Per page: how far down the body text reaches (0..1 of the page height), and its first words."""
    raw = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, check=True).stdout
    root = ET.fromstring(re.sub(rb"<!DOCTYPE[^>]*>", b"", raw))
    out = []
    for page in root.iterfind(".//h:page", XHTML):
        height = float(page.get("height"))
        body = [  # leave out the running header and the page number
            w for w in page.iterfind("h:word", XHTML) if 0.08 * height < float(w.get("yMin")) < 0.9 * height
        ]
        body.sort(key=lambda w: (round(float(w.get("yMin"))), float(w.get("xMin"))))
        bottom = max((float(w.get("yMax")) for w in body), default=0.0)
        out.append((bottom / height, "".join(w.text or "" for w in body[:4])))
    return out
