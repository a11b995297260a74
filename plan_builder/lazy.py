"""Packages whose public names load on first use (PEP 562).

Why: `python -m plan_builder list` must start in well under a second, but importing a package
such as `review` or `training` would pull in numpy, openpyxl, python-docx and plotly through
their modules. A package lists where each public name lives and lends its `__getattr__` here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any


def exports(package: str, where: dict[str, str], modules: tuple[str, ...] = ()) -> Callable[[str], Any]:
    """A module `__getattr__` importing `package.<where[name]>` when `name` is first used, and
    `package.<name>` itself for the submodules a package exports as a namespace (`modules`,
    e.g. `from plan_builder.auth import policy`)."""

    def __getattr__(name: str) -> Any:
        if name in modules:
            return importlib.import_module(f"{package}.{name}")
        if name not in where:
            raise AttributeError(name)
        return getattr(importlib.import_module(f"{package}.{where[name]}"), name)

    return __getattr__
