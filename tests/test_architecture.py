"""The import order in ARCHITECTURE.md, enforced: a module may import only from lower layers
(or its own package), and only plan_builder/ui imports streamlit."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1] / "plan_builder"

# Keep in step with the "Import order" section of ARCHITECTURE.md.
LAYERS = [
    {"errors", "lazy"},
    {"guide"},
    {"plan", "uploads"},
    {"store", "docx_clean"},
    {"auth", "creation"},
    {"checks", "exchange", "export", "samples", "wordimport"},
    {"followup"},
    {"service"},
    {"review", "training"},
    {"cli", "ui"},
]
LEVEL = {name: i for i, layer in enumerate(LAYERS) for name in layer}


def _modules() -> list[Path]:
    return [p for p in sorted(ROOT.rglob("*.py")) if "migrations" not in p.parts]


def _top(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removesuffix(".py")


def _imports(path: Path) -> list[tuple[str, int]]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, node.lineno))
        elif isinstance(node, ast.Import):
            out += [(alias.name, node.lineno) for alias in node.names]
    return out


def test_every_top_level_module_has_a_layer() -> None:
    tops = {_top(p) for p in _modules()} - {"__init__", "__main__"}
    assert tops <= set(LEVEL), f"add {sorted(tops - set(LEVEL))} to LAYERS and ARCHITECTURE.md"


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_imports_follow_the_layers(path: Path) -> None:
    me = _top(path)
    if me in ("__init__", "__main__"):
        return
    for module, line in _imports(path):
        if module.split(".")[0] == "streamlit":
            assert me == "ui", f"{path.name}:{line} imports streamlit outside plan_builder/ui"
        if not module.startswith("plan_builder."):
            continue
        target = module.split(".")[1]
        if target == me or target not in LEVEL:
            continue
        assert LEVEL[target] < LEVEL[me], (
            f"{path.relative_to(ROOT)}:{line} imports {module} from a higher layer"
        )
