"""Rendered pages of the three plans issue 12 was judged on (a 市 plan, a small-start 町 plan,
the 25-measure plan), saved as PNG under test-artifacts/publish/ (gitignored) for a person to
look at, with the checks a reader would make first."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from plan_builder.export import charts, export_plan
from plan_builder.export.pdf import find_soffice
from plan_builder.guide import get_guide
from tests.export_samples import city_plan, large_plan, small_start_plan

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "publish"
PLANS = {"city": city_plan, "town_small_start": small_start_plan, "measures_25": large_plan}

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
