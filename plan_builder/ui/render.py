"""Markdown for showing plans in the app (no streamlit import: testable as plain functions).

User text is escaped so that whatever a planner types shows as typed: no Markdown formatting,
no links, no HTML. Whole plans are shown as the export's Markdown (see preview_text.py).
"""

from __future__ import annotations

import re

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$=:])")


def md_escape(text: object) -> str:
    """Escape Markdown (and the characters HTML would use) so text renders literally."""
    s = str(text)
    s = _MD_SPECIAL.sub(r"\\\1", s)
    return s.replace("\n", "  \n")


def prose(text: str) -> str:
    """Join the hard-wrapped lines of guide text into paragraphs (Japanese needs no spaces)."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join("".join(line.strip() for line in p.splitlines()) for p in paragraphs)
