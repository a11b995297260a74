"""Reviewing many plans: the submission workflow, comments, snapshots of the plans in an
actor's scope, the queue, round diffs, side-by-side answers, coverage, KPI benchmarks and
table exports. Each concern that reads plans is a service class built with (store, actor) and
scoped by plan_builder.auth.policy. Import from here; the modules are implementation.

The plotly figures (`coverage_heatmap`, `kpi_boxplot`) load plotly on first use only.
"""

from typing import Any

from plan_builder.review.comments import Comment, CommentError, CommentService
from plan_builder.review.completeness import Completeness, plan_completeness
from plan_builder.review.coverage import CoverageMatrix, coverage_columns, coverage_matrix
from plan_builder.review.diff import RoundDiff, round_diff, text_segments
from plan_builder.review.export import to_csv, to_xlsx
from plan_builder.review.kpi import KpiBenchmark, benchmark, kinds, kpi_index
from plan_builder.review.queue import (
    QUEUE_HEADER,
    SORT_KEYS,
    QueuePage,
    QueueRow,
    QueueService,
    queue_records,
)
from plan_builder.review.side_by_side import FLAG_LABELS, SideBySide, question_path, side_by_side
from plan_builder.review.snapshots import (
    BAND_LABELS,
    LG_HEADER,
    LG_TYPE_LABELS,
    Snapshot,
    SnapshotFilter,
    SnapshotService,
    population_band,
)
from plan_builder.review.workflow import ACTION_LABELS, TRANSITIONS, ReviewService, Submission, Transition

__all__ = [
    "ACTION_LABELS",
    "BAND_LABELS",
    "FLAG_LABELS",
    "LG_HEADER",
    "LG_TYPE_LABELS",
    "QUEUE_HEADER",
    "SORT_KEYS",
    "TRANSITIONS",
    "Comment",
    "CommentError",
    "CommentService",
    "Completeness",
    "CoverageMatrix",
    "KpiBenchmark",
    "QueuePage",
    "QueueRow",
    "QueueService",
    "ReviewService",
    "RoundDiff",
    "SideBySide",
    "Snapshot",
    "SnapshotFilter",
    "SnapshotService",
    "Submission",
    "Transition",
    "benchmark",
    "coverage_columns",
    "coverage_heatmap",
    "coverage_matrix",
    "kinds",
    "kpi_boxplot",
    "kpi_index",
    "plan_completeness",
    "population_band",
    "question_path",
    "queue_records",
    "round_diff",
    "side_by_side",
    "text_segments",
    "to_csv",
    "to_xlsx",
]


def __getattr__(name: str) -> Any:
    if name in ("coverage_heatmap", "kpi_boxplot"):
        from plan_builder.review import charts

        return getattr(charts, name)
    raise AttributeError(name)
