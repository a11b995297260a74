"""Planner text renders with math off and addresses inert (issue 10, item 9); browser check in
tests/e2e/test_markup_e2e.py. These pin the string rules Streamlit's Markdown depends on."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from plan_builder.ui.render import WORD_JOINER, inert_markdown, md_escape

# What Streamlit (remark-gfm) turns into links after parsing, copied from its bundle.
STREAMLIT_URL = re.compile(r"(https?://|www(?=\.))([-.\w]+)([^ \t\r\n]*)", re.IGNORECASE)
STREAMLIT_MAIL = re.compile(r"([-.\w+]+)@([-\w]+(?:\.[-\w]+)+)")
ASCII_PUNCT = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _unescape(md: str) -> str:
    """CommonMark backslash escapes resolved, as the Markdown parser does before linking."""
    return re.sub(rf"\\([{ASCII_PUNCT}])", r"\1", md)


def _unescaped_dollars(md: str) -> list[str]:
    return re.findall(r"(?<!\\)(?:\\\\)*\$", md)


TEXT = st.lists(st.sampled_from([*"ab$:/.@\\ 1w", "https://", "www.", "x@y.jp", "費"]), max_size=30).map(
    "".join
)


@given(TEXT)
def test_escaped_text_reads_as_typed_without_math_or_links(text: str) -> None:
    shown = _unescape(md_escape(text)).replace("  \n", "\n")
    assert shown.replace(WORD_JOINER, "") == text
    assert not STREAMLIT_URL.search(shown) and not STREAMLIT_MAIL.search(shown)
    assert not _unescaped_dollars(md_escape(text))


@given(TEXT)
def test_inert_markdown_keeps_the_text_and_stops_math_and_links(text: str) -> None:
    out = inert_markdown(text)
    assert not _unescaped_dollars(out)
    shown = _unescape(out)
    assert not STREAMLIT_URL.search(shown) and not STREAMLIT_MAIL.search(shown)
    assert shown.replace(WORD_JOINER, "") == _unescape(text).replace(WORD_JOINER, "") or "\\" in text


def test_examples() -> None:
    assert inert_markdown("費用は$100") == "費用は\\$100"
    assert inert_markdown("詳細はhttps://example.com") == f"詳細はhttps{WORD_JOINER}://example.com"
    assert WORD_JOINER in inert_markdown("joho@town.example.lg.jp")
    assert inert_markdown("## 見出し\n- 項目") == "## 見出し\n- 項目"  # the export's own markup stays
