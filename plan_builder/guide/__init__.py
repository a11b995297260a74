"""Guides as data: files in guide_templates/ loaded into validated models.

The loader's names are imported on first use (PEP 562): modules that only need the models (the
store, through plan.answers) do not pay for PyYAML, so CLI commands such as `list` start fast.
"""

from __future__ import annotations

from plan_builder import lazy
from plan_builder.guide.model import Chapter, Guide, Pillar, Question, QuestionType, Requirement

_LATER = dict.fromkeys(
    ("GuideLoadError", "default_guide_dir", "get_guide", "get_guides", "load_guide", "load_guides"), "loader"
)

__all__ = ["Chapter", "Guide", "Pillar", "Question", "QuestionType", "Requirement", *_LATER]
__getattr__ = lazy.exports(__name__, _LATER)


# More public names, loaded on first use (plan_builder.lazy) so that start-up does not pay for them.
_LATER.update(
    {
        "CHOICE_TYPES": "model",
        "GuideDiff": "diff",
        "ReferenceItem": "model",
        "diff_guides": "diff",
        "fill": "placeholders",
        "guide_files": "loader",
    }
)
__all__ += ["CHOICE_TYPES", "GuideDiff", "ReferenceItem", "diff_guides", "fill", "guide_files"]
