"""The import order in ARCHITECTURE.md, enforced: a module may import only from lower layers
(or its own package), and only plan_builder/ui imports streamlit."""

from __future__ import annotations

import ast
import importlib
import pkgutil
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


# Packages whose public names other code imports; `ui` is pages, not a library.
PACKAGES = sorted(p.name for p in ROOT.iterdir() if (p / "__init__.py").exists() and p.name != "ui")
CALLERS = [*_modules(), ROOT.parent / "app.py", *sorted((ROOT.parent / "bench").glob("*.py"))]


@pytest.mark.parametrize("path", CALLERS, ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_other_packages_are_used_through_their_public_api(path: Path) -> None:
    """Outside its own package, a package is imported as `from plan_builder.<pkg> import name`
    with `name` in the package's `__all__` (its `__init__` loads heavy modules on first use, so
    this costs no start-up time); never a submodule, never a `_private` name. Tests may reach
    into the module they test."""
    me = _top(path) if ROOT in path.parents else None
    public = {pkg: set(importlib.import_module(f"plan_builder.{pkg}").__all__) for pkg in PACKAGES}
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            mods = [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            mods = [(node.module, [a.name for a in node.names])]
        else:
            continue
        for module, names in mods:
            parts = module.split(".")
            if parts[0] != "plan_builder" or len(parts) < 2 or parts[1] not in public or parts[1] == me:
                continue
            where = f"{path.relative_to(ROOT.parent)}:{node.lineno}"
            assert len(parts) == 2, f"{where} imports {module}: import from plan_builder.{parts[1]}"
            missing = [n for n in names if n not in public[parts[1]]]
            assert not missing, f"{where}: {missing} are not in plan_builder.{parts[1]}.__all__"


@pytest.mark.parametrize("pkg", PACKAGES)
def test_no_public_name_is_shadowed_by_a_submodule(pkg: str) -> None:
    """Importing a submodule binds its name on the package, so a lazily exported function named
    like a module (`review.side_by_side` once was both) silently turns into the module."""
    package = importlib.import_module(f"plan_builder.{pkg}")
    subs = {info.name for info in pkgutil.iter_modules(package.__path__)}
    for name in set(package.__all__) & subs:
        assert getattr(package, name) is importlib.import_module(f"plan_builder.{pkg}.{name}"), (
            f"plan_builder.{pkg}.{name} is both a module and another public name"
        )
