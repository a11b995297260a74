"""Text rules shared by every path that stores or shows user text, each defined once here.

Control characters, characters XML 1.0 cannot carry and bidirectional overrides are removed on
input (`clean_text`), stripped on output (`strip_forbidden`) and refused in imported files
(`first_forbidden`); a web address is what `is_web_url` accepts, wherever it is checked.
"""

from __future__ import annotations

import re
import unicodedata

# XML 1.0 allows tab, LF, CR and everything from U+0020 except surrogates and U+FFFE/U+FFFF.
_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_FORBIDDEN = re.compile(f"{_INVALID.pattern}|{_BIDI_CONTROLS.pattern}")
_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)


def is_web_url(text: str) -> bool:
    """An http(s) address without spaces, quotes or angle brackets (the one URL rule)."""
    return bool(_URL.match(text))


def strip_forbidden(text: str) -> str:
    """Drop control, XML-invalid and bidi-override characters (for output of unchecked text)."""
    return _FORBIDDEN.sub("", text)


def first_forbidden(text: str) -> str | None:
    """The first character `strip_forbidden` would drop, or None (for refusing input)."""
    m = _FORBIDDEN.search(text)
    return m.group() if m else None


def clean_text(value: str) -> str:
    """NFC-normalise, unify newlines, drop control and XML-invalid characters, strip ends."""
    # Remove first, normalise after: a control character between a letter and its combining
    # mark would otherwise block composition, and a second cleaning would change the text.
    s = value.replace("\r\n", "\n").replace("\r", "\n")
    s = strip_forbidden(s)
    return unicodedata.normalize("NFC", s).strip()
