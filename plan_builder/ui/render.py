"""Markdown for showing plans in the app (no streamlit import: testable as plain functions).

User text is escaped so that whatever a planner types shows as typed: no Markdown formatting,
no links, no HTML, no math. Whole plans are shown as the export's Markdown (see preview_text.py);
that Markdown is meant for files (where `$` means nothing), so `inert_markdown` turns off what
Streamlit would add on top: `$…$` as KaTeX math and web addresses or e-mail addresses made into
links (a link in a plan is text to read, never something the browser fetches or opens).
"""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$=:@])")


_DOLLAR = re.compile(r"(?<!\\)((?:\\\\)*)\$")  # a `$` after an even run of backslashes
# Streamlit makes links of text that *looks* like an address after parsing the Markdown
# (remark-gfm on text nodes: `https?://`, `www.` and `name@domain.tld`), so escaping cannot stop
# it; an invisible WORD JOINER (U+2060) inside the pattern does, and shows nothing.
WORD_JOINER = "\u2060"
# Only where a link would be made (an address follows), so "http:// または https://" stays as is.
_LINKISH = re.compile(r"(?i)(https?|ftp|file)(?=://[-.\w])|www(?=\.)|(?<=[-.\w+])@(?=[-\w]+\.[-\w])")


def _unlink(text: str) -> str:
    return _LINKISH.sub(lambda m: m.group(0) + WORD_JOINER, text)


def inert_markdown(markdown: str) -> str:
    """Markdown whose `$` never starts math and whose addresses are never made into links."""
    return _unlink(_DOLLAR.sub(r"\1\\$", markdown))


def md_escape(text: object) -> str:
    """Escape Markdown (and the characters HTML would use) so text renders literally, with
    no math and no links."""
    s = _MD_SPECIAL.sub(r"\\\1", _unlink(str(text)))
    return s.replace("\n", "  \n")


def prose(text: str) -> str:
    """Join the hard-wrapped lines of guide text into paragraphs (Japanese needs no spaces)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join("".join(line.strip() for line in p.splitlines()) for p in paragraphs)
