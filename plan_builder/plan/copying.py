"""Is this text the guide's 記載例, copied? One normalisation for the planner's 点検 and the
reviewer's flags, so both sides call the same text a copy.

Both the answer and the example are normalised the same way before comparing: NFKC, no white
space or punctuation, and every name that a copier would swap — the plan's own name (with and
without 市/町/村), its prefecture, the guide's fictional みどり町 / あおば県, ○○ placeholders and
本町/本市/当村-style self-references — replaced by one mask. An example with the town's name
swapped in is then still the example.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

MASK = "○○"
FICTIONAL_NAMES = ("みどり町", "みどり県", "あおば県", "あおば市")
PREFECTURES = tuple(
    [
        "北海道",
        "青森県",
        "岩手県",
        "宮城県",
        "秋田県",
        "山形県",
        "福島県",
        "茨城県",
        "栃木県",
        "群馬県",
        "埼玉県",
        "千葉県",
        "東京都",
        "神奈川県",
        "新潟県",
        "富山県",
        "石川県",
        "福井県",
        "山梨県",
        "長野県",
        "岐阜県",
        "静岡県",
        "愛知県",
        "三重県",
        "滋賀県",
        "京都府",
        "大阪府",
        "兵庫県",
        "奈良県",
        "和歌山県",
        "鳥取県",
        "島根県",
        "岡山県",
        "広島県",
        "山口県",
        "徳島県",
        "香川県",
        "愛媛県",
        "高知県",
        "福岡県",
        "佐賀県",
        "長崎県",
        "熊本県",
        "大分県",
        "宮崎県",
        "鹿児島県",
        "沖縄県",
    ]
)
_DROP = re.compile(r"[\s、。，．,.・「」『』（）()【】〔〕［］\[\]：:；;！!？?\-ー－―…‥\"'“”‘’]+")
_PLACEHOLDER = re.compile(r"\{[^{}]+\}")
MIN_CHARS = 20  # shorter texts are too short to call copies


def _stem(name: str) -> str:
    return name[:-1] if len(name) > 2 and name[-1] in "市町村区県都府道" else ""


def _alternation(names: Iterable[str]) -> str:
    """One regex alternative per name, longest first (静岡市 before 静岡)."""
    return "|".join(re.escape(n) for n in sorted(set(names), key=len, reverse=True) if n)


# Names masked in every text: the guide's fictional ones (and their stems), every prefecture,
# ○○ placeholders and self-references such as 本町 / 当市.
_FIXED = re.compile(
    _alternation([*FICTIONAL_NAMES, *map(_stem, FICTIONAL_NAMES), *PREFECTURES])
    + r"|○○(?:市町村|都道府県|市|町|村|県|都|府|道|区)?|[本当](?:市町村|市|町|村|区|県|都|府|道)"
)


@lru_cache(maxsize=8192)
def normalise(text: str, *names: str) -> str:
    """The comparable form of `text`: see the module docstring. `names` are the plan's own
    names to mask (every prefecture's name is masked anyway). Cached: the 点検 runs on every
    rerun of the wizard over the same examples and mostly the same answers."""
    s = unicodedata.normalize("NFKC", text or "")
    own = [unicodedata.normalize("NFKC", n) for n in names if n]
    own += [x for x in map(_stem, own) if x]
    if own:
        s = re.sub(_alternation(own), MASK, s)
    s = _FIXED.sub(MASK, s)
    s = _PLACEHOLDER.sub(MASK, s)  # a 記載例 not yet filled for a body: {団体名} and the like
    return _DROP.sub("", s)


def copied_example(text: str, examples: Iterable[str], *names: str) -> bool:
    """Whether `text` is one of `examples` unchanged (up to names, spacing and punctuation)."""
    norm = normalise(text, *names)
    if len(norm) < MIN_CHARS:
        return False
    return any(norm == normalise(e, *names) for e in examples)


def fictional_names_in(text: str) -> list[str]:
    """The guide's fictional names left in a text (みどり町 and the like), in order found."""
    s = unicodedata.normalize("NFKC", text or "")
    return [n for n in FICTIONAL_NAMES if n in s]
