"""Guides as data: files in guide_templates/ loaded into validated models.

The loader's names are imported on first use (PEP 562): modules that only need the models (the
store, through plan.answers) do not pay for PyYAML, so CLI commands such as `list` start fast.
"""

from __future__ import annotations

from typing import Any

from plan_builder.guide.model import Chapter, Guide, Pillar, Question, QuestionType, Requirement

_LOADER_NAMES = (
    "GuideLoadError",
    "default_guide_dir",
    "get_guide",
    "get_guides",
    "load_guide",
    "load_guides",
)

__all__ = [
    "Chapter",
    "Guide",
    "Pillar",
    "Question",
    "QuestionType",
    "Requirement",
    *_LOADER_NAMES,
]


def __getattr__(name: str) -> Any:
    if name not in _LOADER_NAMES:
        raise AttributeError(name)
    from plan_builder.guide import loader

    return getattr(loader, name)
