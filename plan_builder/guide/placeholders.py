"""Placeholders in the guide's 記載例: `{団体名}` and friends, filled with the plan's own body.

The examples are written once for a fictional body; a 市 must not be shown 「本町では…町内全域」.
Guide files may use only the names below; `unknown_placeholders` lets the loader refuse any
other name (or a stray brace) with the file and question key, before a planner ever sees it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS: dict[str, str] = {
    "団体名": "計画を作る団体の名称（例：矢巾町、岩手県）",
    "本団体": "本市・本町・本村・本区・本県・本都・本道・本府",
    "団体": "市・町・村・区・県・都・道・府（「{団体}民」「{団体}内」のように使う）",
    "都道府県名": "団体が属する都道府県の名称（都道府県の計画ではその団体自身）",
    "都道府県": "県・都・道・府（「{都道府県}内市町村」のように使う）",
    "首長": "市長・町長・村長・区長・知事（「副{首長}」のように使う）",
    "役所": "市役所・町役場・村役場・区役所・県庁・都庁・道庁・府庁",
}
_NAME = re.compile(r"\{([^{}]*)\}")


def unknown_placeholders(text: str) -> list[str]:
    """Names in braces that are not placeholders, and stray braces, as shown to a guide author."""
    bad = [f"{{{name}}}" for name in _NAME.findall(text) if name not in PLACEHOLDERS]
    rest = _NAME.sub("", text)
    if "{" in rest or "}" in rest:
        bad.append("対応する括弧のない { または }")
    return bad


def fill(text: str, values: Mapping[str, str]) -> str:
    """The text with every known placeholder replaced; `values` must name them all."""
    return _NAME.sub(lambda m: values[m.group(1)] if m.group(1) in PLACEHOLDERS else m.group(0), text)
