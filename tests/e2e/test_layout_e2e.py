"""Every planner page at 1024×768, 1366×768 and 1920×1080 in a real browser (issue 13).

For each size the test opens a sample plan (25 measures, 15 KPIs) in standalone mode, visits
every page of the sidebar, saves a full-page screenshot to
test-artifacts/screens/<width>x<height>/ (gitignored, for a person to look at) and checks what a
user would meet:

- no English word of Streamlit's that the app can replace: 「Upload」, 「… per file」, 「Clear
  value」, 「Skip to main content」, 「Download as CSV」 (text or screen-reader label);
- no internal key in a visible message: a question key such as `current.issues`, a list index
  such as `KPI[0]`, `reference.docx`;
- no select whose shown value is cut (its text wider than its box);
- the sidebar at most 240 px wide, and the first Tab stop a Japanese skip link to the content.
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from plan_builder.auth.actor import Actor
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

pytestmark = pytest.mark.browser

SIZES = [(1024, 768), (1366, 768), (1920, 1080)]
HEADING = '[data-testid="stMain"] :is(h1, h2, h3, h4, h5)'
ENGLISH = re.compile(r"\bUpload\b|per file|Clear value|Skip to main content|Download as CSV|Drag and drop")
MESSAGES = (
    '[data-testid="stAlert"], [data-testid="stCaptionContainer"], [data-testid="stToast"], '
    '[data-testid="stWidgetLabel"], [data-testid="stMarkdownContainer"]'
)

_CUT_SELECTS = """() => [...document.querySelectorAll('[data-testid="stSelectbox"] input')]
  .filter(i => i.offsetParent !== null && i.value && i.scrollWidth > i.clientWidth + 1)
  .map(i => i.value)"""

_LABELS = """() => [...document.querySelectorAll('[aria-label], [title], [placeholder]')]
  .flatMap(el => ['aria-label', 'title', 'placeholder'].map(a => el.getAttribute(a)).filter(Boolean))"""


@pytest.fixture
def plan_db(tmp_path: Path) -> tuple[str, int, re.Pattern[str]]:
    url = f"sqlite:///{tmp_path / 'layout.db'}"
    store = Store.open(url)
    guide = get_guide("kanmin-2019-municipality")
    pid = PlanService(store, Actor.local()).create(sample_plan(guide, n_measures=25, n_kpis=15)).id
    store.engine.dispose()
    keys = sorted((q.key for c in guide.chapters for q in c.questions), key=len, reverse=True)
    internal = re.compile("|".join([*(re.escape(k) for k in keys), r"[A-Za-z]+\[\d+\]", r"reference\.docx"]))
    return url, pid, internal


def _tall_shot(ap, name: str, width: int, height: int) -> None:
    """The whole page in one picture: Streamlit scrolls inside its main area, so a full-page
    screenshot shows one screen only; the window is made as tall as the content, then restored."""
    tall = ap.page.evaluate("() => document.querySelector('[data-testid=stMain]').scrollHeight")
    ap.page.set_viewport_size({"width": width, "height": max(height, min(tall, 8000))})
    ap.idle()
    ap.page.screenshot(path=str(ap.artifacts / f"{ap.step:02d}_{name}_whole.png"))
    ap.page.set_viewport_size({"width": width, "height": height})
    ap.idle()


def _slug(href: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", (urlsplit(href).path.strip("/") or "home").lower())


@pytest.mark.parametrize(("width", "height"), SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_every_page_at_three_sizes(app_server, app_page, plan_db, width: int, height: int) -> None:
    url, pid, internal = plan_db
    base = app_server(url)
    ap = app_page(
        base, f"screens/{width}x{height}", width=width, height=height, full_page=True, timeout_ms=60000
    )
    page = ap.page
    page.goto(f"{base}/?plan={pid}")
    page.wait_for_selector(HEADING, timeout=60000)
    ap.idle()

    # keyboard: the first Tab stop is the skip link, in Japanese, and it moves focus to the content
    page.keyboard.press("Tab")
    first = page.evaluate("() => [document.activeElement.textContent, document.activeElement.dataset.testid]")
    assert first == ["本文へ移動", "stSkipToContent"], first
    sidebar = page.locator('[data-testid="stSidebar"]').bounding_box()
    assert sidebar is not None and sidebar["width"] <= 241, sidebar

    hrefs = page.eval_on_selector_all(
        '[data-testid="stSidebarNav"] a', "els => els.map(e => e.getAttribute('href'))"
    )
    assert len(hrefs) >= 10
    problems: list[str] = []
    for href in hrefs:
        path = urlsplit(href).path or "/"
        if not page.evaluate("p => location.pathname === p", path):
            page.locator(f'[data-testid="stSidebarNav"] a[href="{href}"]').click()
            page.wait_for_function("p => location.pathname === p", arg=path, timeout=60000)
        page.wait_for_selector(HEADING, timeout=60000)
        name = _slug(href)
        ap.shot(name)
        _tall_shot(ap, name, width, height)
        text = page.inner_text("body")
        labels = page.evaluate(_LABELS)
        for found in ENGLISH.findall("\n".join([text, *labels])):
            problems.append(f"{name}: English 「{found}」")
        for msg in page.eval_on_selector_all(MESSAGES, "els => els.map(e => e.innerText)"):
            for key in internal.findall(msg):
                problems.append(f"{name}: internal key 「{key}」 in 「{msg[:80]}」")
        for cut in page.evaluate(_CUT_SELECTS):
            problems.append(f"{name}: select value cut 「{cut}」")
    assert not problems, "\n".join(dict.fromkeys(problems))
