"""The wizard's chapter list reads well at 1024×768, 1280×800, 1366×768, 1440×900 and 1920×1080 (issue 13).

At 1024 px the list was 150 px wide and its labels broke inside words: 「現状及／び課題」,
「位置付／け」, 「セキュ／リティ」. A line of a label may now end only where a reader would
break it: after a space, before the 「（100%）」 share, or at a phrase boundary (a hiragana
particle or ending followed by a kanji or katakana word: 「施策の／基本的な方針」).
Screenshots go to test-artifacts/chapter_list/.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser
SIZES = [(1024, 768), (1280, 800), (1366, 768), (1440, 900), (1920, 1080)]

# For every label: the characters either side of each line break (by the top of each character).
_BREAKS = """() => [...document.querySelectorAll('[aria-label="章を選ぶ"] [data-testid="stMarkdownContainer"] p')]
  .map(p => {
    const text = p.textContent, node = p.firstChild, out = [];
    let top = null;
    for (let i = 0; i < text.length; i++) {
      const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
      const rect = r.getBoundingClientRect();
      if (!rect.width) continue;  // the zero-width space
      if (top !== null && rect.top > top + 2) out.push([text.slice(0, i).replace(/\\u200b$/, "").slice(-1), text[i]]);
      top = rect.top;
    }
    return {text, breaks: out, overflow: p.scrollWidth > p.clientWidth + 1};
  })"""

HIRAGANA = range(0x3041, 0x30A0)


def _kind(ch: str) -> str:
    if ch.isspace():
        return "space"
    if ord(ch) in HIRAGANA:
        return "hiragana"
    return "other"


def _fits(before: str, after: str) -> bool:
    """A break a reader would make: after a space, before the share, after a particle/ending."""
    return (
        _kind(before) == "space"
        or after == "（"
        or (_kind(before) == "hiragana" and _kind(after) != "hiragana")
    )


@pytest.fixture
def plan_db(sample_db) -> tuple[str, int]:
    return sample_db(n_measures=3, n_kpis=2)


def test_chapter_labels_break_between_words_only(app_server, app_page, plan_db) -> None:
    url, pid = plan_db
    base = app_server(url)
    ap = app_page(base, "chapter_list", width=1024, height=768, timeout_ms=60000)
    page = ap.page
    page.goto(f"{base}/wizard?plan={pid}")
    page.wait_for_selector('[aria-label="章を選ぶ"]', timeout=60000)
    problems = []
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        ap.shot(f"wizard_{width}")
        labels = page.evaluate(_BREAKS)
        assert len(labels) == 7, labels
        for label in labels:
            problems += [
                f"{width}: 「{label['text']}」 broken at {b}|{a}"
                for b, a in label["breaks"]
                if not _fits(b, a)
            ]
            if label["overflow"]:
                problems.append(f"{width}: 「{label['text']}」 wider than its column")
        # the list never gets squeezed below a readable width: at least 12 characters a line
        box = page.locator('[aria-label="章を選ぶ"]').bounding_box()
        if box is None or box["width"] < 190:
            problems.append(f"{width}: the list is {box and box['width']} px wide")
    assert not problems, "\n".join(problems)
