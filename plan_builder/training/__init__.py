"""Briefing sessions: tables, joining, trainer actions, the board and hand-outs.

Names are loaded on first use (PEP 562), so the CLI can register its session commands without
importing python-docx, plotly and the guide files.
"""

from __future__ import annotations

import importlib
from typing import Any

_WHERE = {
    "Board": "board",
    "NotReached": "board",
    "SeatStatus": "board",
    "read_board": "board",
    "handout": "handouts",
    "handout_docx": "handouts",
    "handout_markdown": "handouts",
    "join_steps": "handouts",
    "MAX_NAME": "sessions",
    "MAX_SEATS": "sessions",
    "START_LABELS": "sessions",
    "STATUS_LABELS": "sessions",
    "SeatInfo": "sessions",
    "SessionInfo": "sessions",
    "TrainingInputError": "sessions",
    "TrainingService": "sessions",
    "join": "sessions",
    "normalise_code": "sessions",
    "participant_actor": "sessions",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"plan_builder.training.{_WHERE[name]}"), name)
