"""Load guide files (YAML) into validated `Guide` models, all or nothing.

A broken file raises `GuideLoadError` naming the file and the path of the bad key, so a guide
author can fix it without reading Python. `{"$include": "reference/x.yaml"}` pulls in a shared
file (relative to the guide folder), so both variants can share pillars and reference lists.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from plan_builder.errors import NotFoundError, PlanBuilderError
from plan_builder.guide.model import Guide

INCLUDE = "$include"
_MAX_INCLUDE_DEPTH = 5


class GuideLoadError(PlanBuilderError):
    def __init__(self, file: Path, key_path: str, message: str) -> None:
        self.file, self.key_path, self.message = file, key_path, message
        where = f" の {key_path}" if key_path else ""
        super().__init__(f"手引ファイル {file}{where}: {message}")


def default_guide_dir() -> Path:
    """guide_templates/ beside the package, or PLAN_BUILDER_GUIDES when set."""
    env = os.environ.get("PLAN_BUILDER_GUIDES")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "guide_templates"


def _format_loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


# libyaml's parser when PyYAML has it (the wheels do): the three guides load in 0.03 s of CPU
# instead of 0.2 s, on the first page of every server process (issue 13). Same safe constructor.
_SafeBase: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeBase):
    """SafeLoader that rejects a mapping key given twice (PyYAML silently keeps the last one)."""


def _construct_unique_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> Any:
    seen: dict[Any, int] = {}
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=deep)
        try:
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None,
                    None,
                    f"キー「{key}」が重複しています（{seen[key]}行目にもあります）",
                    key_node.start_mark,
                )
            seen[key] = key_node.start_mark.line + 1
        except TypeError:  # unhashable key: let the base constructor report it
            continue
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_unique_mapping)


def _read_yaml(file: Path) -> Any:
    try:
        return yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a SafeLoader subclass
    except FileNotFoundError:
        raise GuideLoadError(file, "", "ファイルが見つかりません") from None
    except UnicodeDecodeError:
        raise GuideLoadError(file, "", "UTF-8 で保存してください") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{mark.line + 1}行目" if mark else ""
        raise GuideLoadError(
            file, where, f"YAML として読めません（{getattr(exc, 'problem', exc)}）"
        ) from None


def _resolve_includes(node: Any, base: Path, file: Path, path: str, depth: int = 0) -> Any:
    if isinstance(node, dict):
        if set(node) == {INCLUDE}:
            if depth >= _MAX_INCLUDE_DEPTH:
                raise GuideLoadError(file, path, "$include の入れ子が深すぎます")
            target = (base / str(node[INCLUDE])).resolve()
            if base.resolve() not in target.parents:
                raise GuideLoadError(
                    file, path, f"$include は手引フォルダの中のファイルに限ります: {node[INCLUDE]}"
                )
            return _resolve_includes(_read_yaml(target), base, target, path, depth + 1)
        return {
            k: _resolve_includes(v, base, file, f"{path}.{k}" if path else str(k), depth)
            for k, v in node.items()
        }
    if isinstance(node, list):
        return [_resolve_includes(v, base, file, f"{path}[{i}]", depth) for i, v in enumerate(node)]
    return node


def load_guide(file: Path, base: Path | None = None) -> Guide:
    """Load and validate one guide file; raise GuideLoadError on the first problem found."""
    file = Path(file)
    base = base or file.parent
    data = _resolve_includes(_read_yaml(file), base, file, "")
    if not isinstance(data, dict):
        raise GuideLoadError(file, "", "最上位はキーと値の組（マッピング）にしてください")
    try:
        return Guide.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        more = f"（ほか {exc.error_count() - 1} 件）" if exc.error_count() > 1 else ""
        raise GuideLoadError(file, _format_loc(err["loc"]), f"{_translate(err)}{more}") from None


_MESSAGES = {
    "missing": "必須のキーがありません",
    "extra_forbidden": "想定されていないキーです（綴りを確認してください）",
    "string_type": "文字列にしてください",
    "string_too_short": "空にできません",
    "string_pattern_mismatch": "使えない文字が含まれています（半角英小文字・数字・_ と . のみ）",
    "enum": "決められた値のいずれかにしてください",
    "literal_error": "決められた値のいずれかにしてください",
    "int_parsing": "整数にしてください",
    "date_from_datetime_parsing": "日付（YYYY-MM-DD）にしてください",
    "too_short": "1件以上必要です",
    "list_type": "リストにしてください",
}


def _translate(err: dict[str, Any]) -> str:
    if err["type"] == "value_error":
        return str(err.get("ctx", {}).get("error", err["msg"]))
    base = _MESSAGES.get(err["type"], err["msg"])
    if err["type"] in ("enum", "literal_error") and "expected" in err.get("ctx", {}):
        base += f"（{err['ctx']['expected']}）"
    return base


def guide_files(directory: Path | None = None) -> list[Path]:
    directory = directory or default_guide_dir()
    return sorted(p for p in directory.glob("*.yaml") if p.is_file())


def load_guides(directory: Path | None = None) -> dict[str, Guide]:
    """All guides in a folder, by id. Raises on the first invalid file: nothing half-loads."""
    directory = Path(directory or default_guide_dir())
    guides: dict[str, Guide] = {}
    for file in guide_files(directory):
        guide = load_guide(file, directory)
        if guide.id in guides:
            raise GuideLoadError(file, "id", f"手引ID「{guide.id}」が他のファイルと重複しています")
        guides[guide.id] = guide
    return guides


@lru_cache(maxsize=8)
def _cached(directory: str) -> dict[str, Guide]:
    return load_guides(Path(directory))


def get_guides() -> dict[str, Guide]:
    """Guides from the default folder, loaded once per process (they are frozen models)."""
    return _cached(str(default_guide_dir()))


def get_guide(guide_id: str) -> Guide:
    guides = get_guides()
    if guide_id not in guides:
        raise NotFoundError(f"手引「{guide_id}」が見つかりません。利用できる手引: {', '.join(guides)}")
    return guides[guide_id]
