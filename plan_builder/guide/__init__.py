"""Guides as data: files in guide_templates/ loaded into validated models."""

from plan_builder.guide.loader import (
    GuideLoadError,
    default_guide_dir,
    get_guide,
    get_guides,
    load_guide,
    load_guides,
)
from plan_builder.guide.model import Chapter, Guide, Pillar, Question, QuestionType, Requirement

__all__ = [
    "Chapter",
    "Guide",
    "GuideLoadError",
    "Pillar",
    "Question",
    "QuestionType",
    "Requirement",
    "default_guide_dir",
    "get_guide",
    "get_guides",
    "load_guide",
    "load_guides",
]
