"""Every planner page at 1024×768, 1366×768 and 1920×1080 in a real browser (issue 13), and the
home page's plan list buttons at 1024, 1280 and 1920 px.

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
ENGLISH = re.compile(
    r"\bUpload\b|per file|Clear value|Skip to main content|Download as CSV|Drag and drop|Help for"
)
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


# Each list button's label: how many lines its text takes, whether it is cut (an ellipsis), its
# box; for the plan list on ホーム.
_LIST_BUTTONS = """(names) => [...document.querySelectorAll('[data-testid="stMain"] button')]
  .filter((b) => b.offsetParent !== null && names.includes(b.innerText.trim()))
  .map((b) => {
    const walker = document.createTreeWalker(b, NodeFilter.SHOW_TEXT);
    const tops = new Set();
    let cut = false;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.nodeValue.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      for (const r of range.getClientRects()) if (r.width > 0) tops.add(Math.round(r.top));
      // cut: the text reaches outside an element between it and the button that clips it
      const t = range.getBoundingClientRect();
      for (let el = node.parentElement; el && b.contains(el); el = el.parentElement) {
        const box = el.getBoundingClientRect();
        const clips = getComputedStyle(el).overflowX !== "visible" || el === b;
        if (clips && (t.left < box.left - 0.5 || t.right > box.right + 0.5)) cut = true;
        if (el.scrollWidth > el.clientWidth + 1) cut = true;
      }
    }
    const r = b.getBoundingClientRect();
    return {text: b.innerText.trim(), lines: tops.size, cut, top: Math.round(r.top),
            height: Math.round(r.height), left: Math.round(r.left), right: Math.round(r.right)};
  })"""

LIST_WIDTHS = [(1024, 768), (1280, 800), (1920, 1080)]


@pytest.mark.parametrize(("width", "height"), LIST_WIDTHS, ids=[f"{w}x{h}" for w, h in LIST_WIDTHS])
def test_plan_list_buttons_on_one_line(app_server, app_page, plan_db, width: int, height: int) -> None:
    """ホーム's plan list: 「開く」 and 「複製」 each read on one line and whole (not cut with an
    ellipsis), side by side in the row; at 1024 px they wrapped onto two lines."""
    from playwright.sync_api import expect

    url, pid, _ = plan_db
    base = app_server(url)
    ap = app_page(base, f"plan_list/{width}x{height}", width=width, height=height)
    page = ap.page
    page.goto(f"{base}/?plan={pid}")
    expect(page.get_by_text("計画の一覧")).to_be_visible(timeout=60_000)
    expect(page.get_by_role("button", name="複製", exact=True).first).to_be_visible(timeout=60_000)
    page.get_by_text("計画の一覧").scroll_into_view_if_needed()
    ap.shot("plan_list")
    buttons = page.evaluate(_LIST_BUTTONS, ["開く", "複製"])
    assert sorted(b["text"] for b in buttons) == ["複製", "開く"], buttons
    for b in buttons:
        assert b["lines"] == 1 and not b["cut"], f"{width}px: 「{b['text']}」 {b}"
    open_, dup = sorted(buttons, key=lambda b: b["left"])
    assert open_["text"] == "開く" and open_["top"] == dup["top"] and open_["right"] <= dup["left"], buttons
