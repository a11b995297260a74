"""Briefing sessions: tables, joining, trainer actions, the board and hand-outs.

Names are loaded on first use (PEP 562), so the CLI can register its session commands without
importing python-docx, plotly and the guide files.
"""

from __future__ import annotations

from plan_builder import lazy

_WHERE = {
    "register": "cli_commands",
    "author_names": "authors",
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

__getattr__ = lazy.exports(__name__, _WHERE)
