"""The plan exchange format: one JSON file per plan, carrying `schema_version`.

The file is the plan model serialised as JSON, so `schema/plan.schema.json` (generated from the
model) describes it exactly. Import is all or nothing: the whole file is checked (size, UTF-8,
JSON syntax, schema version, control characters, the full model, the local government and the
guide) before anything is written, and a bad file is refused with a Japanese message naming
what is wrong.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from plan_builder.creation import ensure_guide_fits
from plan_builder.errors import NotFoundError, PlanBuilderError
from plan_builder.guide import get_guides
from plan_builder.plan import (
    SCHEMA_VERSION,
    SCHEMA_VERSIONS,
    Plan,
    PlanStatus,
    describe_validation_error,
    first_forbidden,
    location_label,
)
from plan_builder.store import Store
from plan_builder.uploads import UploadError, load_plan_json

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schema" / "plan.schema.json"
SCHEMA_ID = "https://plan-builder.invalid/schema/plan.schema.json"

# Control characters other than tab and newlines, lone surrogates, U+FFFE/FFFF, bidi overrides.


class PlanImportError(PlanBuilderError):
    """A plan file that cannot be imported; the message says why, in Japanese."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"計画ファイルを読み込めません。{reason}")


def export_json(plan: Plan) -> str:
    """The plan as exchange JSON (UTF-8 text, readable, stable key order)."""
    return json.dumps(plan.model_dump(mode="json"), ensure_ascii=False, indent=2) + "\n"


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the exchange file, generated from the plan model."""
    schema = Plan.model_json_schema(mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "$id": SCHEMA_ID, **schema}


def json_schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def parse_plan_json(text: str | bytes) -> Plan:
    """Validate a whole exchange file and return the plan, or raise PlanImportError."""
    try:  # size, encoding, syntax, duplicates, depth, item counts and absurd numbers
        data = load_plan_json(text)
    except UploadError as exc:
        raise PlanImportError(f"{exc}。") from None
    _check_schema_version(data)
    _check_characters(data, ())
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        detail = describe_validation_error(exc, Plan, data)
        raise PlanImportError(f"内容に誤りがあります（{exc.error_count()} 件）。\n{detail}") from None


def checked_for_import(plan: Plan, store: Store) -> Plan:
    """Check a parsed plan against the stored local governments and the guides.

    Returns the plan as a draft: a file cannot carry a submission or an approval.
    """
    try:
        lg = store.local_government(plan.lg_code)
    except NotFoundError:
        raise PlanImportError(f"団体コード「{plan.lg_code}」の地方公共団体が見つかりません。") from None
    if lg.name != plan.lg_name:
        raise PlanImportError(
            f"団体名「{plan.lg_name}」が団体コード {plan.lg_code} の団体名「{lg.name}」と一致しません。"
        )
    guides = get_guides()
    guide = guides.get(plan.guide_id)
    if guide is None:
        raise PlanImportError(
            f"手引「{plan.guide_id}」はこの環境にありません（利用できる手引: {', '.join(guides)}）。"
        )
    try:
        ensure_guide_fits(lg, guide)
    except PlanBuilderError as exc:
        raise PlanImportError(str(exc)) from None
    return plan.model_copy(update={"status": PlanStatus.DRAFT})


# --- steps of parse_plan_json ----------------------------------------------------------------


def _check_schema_version(data: dict[str, Any]) -> None:
    if "schema_version" not in data:
        raise PlanImportError(
            "schema_version がありません。このツールで書き出した計画ファイルを指定してください。"
        )
    v = data["schema_version"]
    if not isinstance(v, int) or isinstance(v, bool):
        raise PlanImportError(f"schema_version は整数にしてください（「{v}」）。")
    if v > SCHEMA_VERSION:
        raise PlanImportError(
            f"schema_version {v} のファイルは、このツールより新しい版で作成されています"
            f"（このツールが読めるのは {SCHEMA_VERSION} まで）。ツールを更新してください。"
        )
    if v not in SCHEMA_VERSIONS:
        raise PlanImportError(
            f"schema_version {v} には対応していません"
            f"（対応しているのは {'、'.join(str(x) for x in SCHEMA_VERSIONS)}）。"
        )


def _check_characters(node: Any, loc: tuple[Any, ...], data: Any = None) -> None:
    """Refuse control characters anywhere (JSON escapes like \\u0000 included), naming the place."""
    root = node if data is None else data
    if isinstance(node, str):
        bad = first_forbidden(node)
        if bad:
            where = location_label(loc, Plan, root) or "ファイル"
            raise PlanImportError(f"「{where}」に使えない制御文字（U+{ord(bad):04X}）が含まれています。")
    elif isinstance(node, dict):
        for k, v in node.items():
            if first_forbidden(k):
                where = location_label(loc, Plan, root) or "ファイル"
                raise PlanImportError(f"「{where}」の項目名に使えない制御文字が含まれています。")
            _check_characters(v, (*loc, k), root)
    elif isinstance(node, list):
        for i, v in enumerate(node):
            _check_characters(v, (*loc, i), root)
