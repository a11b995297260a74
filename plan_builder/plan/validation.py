"""Turn a pydantic ValidationError into Japanese lines that name the field a person can find.

pydantic reports `('kpis', 2, 'targets', '2025')` and English text; a planner needs
「KPI（K03）の目標値（2025）」 and Japanese. Field names come from each model field's `title`;
the messages our validators raise (already Japanese) are used as they are.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ValidationError

from plan_builder.plan.model import Plan

MAX_LINES = 20
KEY_TAG = "[key]"

_MESSAGES: dict[str, str] = {
    "missing": "入力が必要です",
    "extra_forbidden": "想定されていない項目です（項目名の綴りを確認してください）",
    "string_type": "文字列にしてください",
    "string_too_short": "空にできません",
    "string_too_long": "{max_length}文字以内にしてください",
    "string_pattern_mismatch": "形式が正しくありません",
    "int_type": "整数にしてください",
    "int_parsing": "整数にしてください",
    "int_from_float": "整数にしてください",
    "float_type": "数値にしてください",
    "float_parsing": "数値にしてください",
    "finite_number": "有限の数値にしてください",
    "bool_type": "true または false にしてください",
    "bool_parsing": "true または false にしてください",
    "greater_than_equal": "{ge}以上にしてください",
    "greater_than": "{gt}より大きくしてください",
    "less_than_equal": "{le}以下にしてください",
    "less_than": "{lt}より小さくしてください",
    "literal_error": "次のいずれかにしてください：{expected}",
    "enum": "次のいずれかにしてください：{expected}",
    "date_type": "日付（YYYY-MM-DD）にしてください",
    "date_parsing": "日付（YYYY-MM-DD）にしてください",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）として正しくありません",
    "date_from_datetime_inexact": "日付（YYYY-MM-DD）にしてください（時刻は付けられません）",
    "datetime_type": "日時（YYYY-MM-DDThh:mm:ss）にしてください",
    "datetime_parsing": "日時（YYYY-MM-DDThh:mm:ss）として正しくありません",
    "datetime_from_date_parsing": "日時（YYYY-MM-DDThh:mm:ss）として正しくありません",
    "dict_type": "項目名と値の組（JSONのオブジェクト）にしてください",
    "model_type": "項目名と値の組（JSONのオブジェクト）にしてください",
    "model_attributes_type": "項目名と値の組（JSONのオブジェクト）にしてください",
    "list_type": "リスト（JSONの配列）にしてください",
    "too_short": "{min_length}件以上必要です",
    "too_long": "{max_length}件以内にしてください",
    "none_required": "空（null）にしてください",
    "recursion_loop": "同じ内容が循環して参照されています",
}

# Names pydantic gives to the members of a union, as Japanese nouns.
_UNION_NOUNS: dict[str, str] = {
    "str": "文字列",
    "constrained-str": "文字列",
    "int": "整数",
    "constrained-int": "整数",
    "float": "数値",
    "constrained-float": "数値",
    "bool": "true または false",
    "list[str]": "文字列のリスト",
    "list[constrained-str]": "文字列のリスト",
    "none": "null",
}


def describe_validation_error(exc: ValidationError, model: type[BaseModel] = Plan, data: Any = None) -> str:
    """One Japanese line per error. Pass the input `data` to have items named by their key."""
    return "\n".join(describe_errors(exc, model, data))


def describe_errors(exc: ValidationError, model: type[BaseModel] = Plan, data: Any = None) -> list[str]:
    lines: list[str] = []
    unions: dict[str, list[str]] = {}  # path label -> member tags that failed
    order: list[tuple[str, str | None]] = []  # (path label, message or None for a union group)
    for err in exc.errors(include_url=False):
        path, tag = _walk(tuple(err["loc"]), model, data)
        if tag is not None:
            if path not in unions:
                unions[path] = []
                order.append((path, None))
            unions[path].append(tag)
        else:
            order.append((path, _message(err)))
    seen: set[str] = set()
    for path, message in order:
        if message is None:
            nouns = list(dict.fromkeys(_UNION_NOUNS.get(t, t) for t in unions[path]))
            message = f"{'・'.join(nouns)}のいずれかにしてください"
        line = f"「{path}」：{message}" if path else message
        if line not in seen:
            seen.add(line)
            lines.append(line)
    if len(lines) > MAX_LINES:
        rest = len(lines) - MAX_LINES
        lines = [*lines[:MAX_LINES], f"（ほか {rest} 件の誤りがあります）"]
    return lines


def location_label(loc: Sequence[Any], model: type[BaseModel] = Plan, data: Any = None) -> str:
    """「KPI（K03）の目標値（2025）」 for ('kpis', 2, 'targets', '2025') (without the brackets)."""
    return _walk(tuple(loc), model, data)[0]


def _message(err: dict[str, Any]) -> str:
    ctx = err.get("ctx") or {}
    if err["type"] in ("value_error", "assertion_error") and "error" in ctx:
        return str(ctx["error"]).removeprefix("Value error, ")
    template = _MESSAGES.get(err["type"])
    if template is None:
        return f"値が正しくありません（{err['msg']}）"
    if "expected" in ctx:
        ctx = {**ctx, "expected": str(ctx["expected"]).replace("' or '", "', '")}
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template


def _unwrap(tp: Any) -> Any:
    """Strip Annotated and Optional so we can see what the value is meant to be."""
    while True:
        origin = typing.get_origin(tp)
        if origin is typing.Annotated:
            tp = typing.get_args(tp)[0]
            continue
        if origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            if len(args) == 1:
                tp = args[0]
                continue
        return tp


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, BaseModel)


def _walk(loc: tuple[Any, ...], model: type[BaseModel], data: Any) -> tuple[str, str | None]:
    """(Japanese path label, the union member tag if the error is about one member)."""
    tp: Any = model
    node: Any = data
    parts: list[str] = []
    i = 0
    while i < len(loc):
        part = loc[i]
        nxt = loc[i + 1] if i + 1 < len(loc) else None
        tp = _unwrap(tp)
        origin = typing.get_origin(tp)
        if _is_model(tp):
            fields = tp.model_fields
            if isinstance(part, str) and part in fields:
                title = fields[part].title or part
                if parts and title.startswith(parts[-1]):
                    parts.pop()  # 現状値 › 現状値の基準日 reads as 現状値の基準日
                parts.append(title)
                tp = fields[part].annotation
            else:
                parts.append(str(part))
                tp = None
            node = node.get(part) if isinstance(node, dict) else None
        elif origin in (list, tuple) and isinstance(part, int):
            # 「KPI（K03）」 by its number where it has one, else 「KPI（3件目）」: never the
            # programmer's 0-based 「KPI[2]」 (issue 13)
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            if isinstance(item, dict) and isinstance(item.get("key"), str) and item["key"]:
                label = f"（{item['key']}）"
            else:
                label = f"（{part + 1}件目）"
            parts[-1:] = [f"{parts[-1] if parts else ''}{label}"]
            tp = typing.get_args(tp)[0] if typing.get_args(tp) else None
            node = item
        elif origin is dict:
            key_tp, val_tp = (typing.get_args(tp) + (None, None))[:2]
            base = parts[-1] if parts else ""
            if nxt == KEY_TAG:
                what = "年度" if _unwrap(key_tp) is int else "項目名"
                parts[-1:] = [f"{base}の{what}「{part}」"]
                return "の".join(parts), None
            parts[-1:] = [f"{base}（{part}）"]
            node = node.get(part, node.get(str(part))) if isinstance(node, dict) else None
            tp = val_tp
        elif origin in (typing.Union, types.UnionType) and isinstance(part, str):
            return "の".join(parts), part  # a union member that failed
        else:
            parts.append(str(part))
            tp = None
            node = None
        i += 1
    return "の".join(parts), None
