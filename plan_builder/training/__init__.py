"""Briefing sessions: tables, joining, trainer actions, the board and hand-outs."""

from plan_builder.training.board import Board, NotReached, SeatStatus, read_board
from plan_builder.training.handout import handout, handout_docx, handout_markdown, join_steps
from plan_builder.training.sessions import (
    MAX_NAME,
    MAX_SEATS,
    START_LABELS,
    STATUS_LABELS,
    SeatInfo,
    SessionInfo,
    TrainingInputError,
    TrainingService,
    join,
    normalise_code,
    participant_actor,
)

__all__ = [
    "MAX_NAME",
    "MAX_SEATS",
    "START_LABELS",
    "STATUS_LABELS",
    "Board",
    "NotReached",
    "SeatInfo",
    "SeatStatus",
    "SessionInfo",
    "TrainingInputError",
    "TrainingService",
    "handout",
    "handout_docx",
    "handout_markdown",
    "join",
    "join_steps",
    "normalise_code",
    "participant_actor",
    "read_board",
]
