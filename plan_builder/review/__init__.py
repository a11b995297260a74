"""Reviewing many plans: the submission workflow, comments, snapshots of the plans in an
actor's scope, the queue, round diffs, side-by-side answers, coverage, KPI benchmarks and
table exports. Each concern that reads plans is a service class built with (store, actor) and
scoped by plan_builder.auth.policy. Import from here; the modules are implementation.

Names are loaded on first use (PEP 562): the CLI registers its review commands without
importing numpy, openpyxl or plotly.
"""

from __future__ import annotations

from plan_builder import lazy

_WHERE = {
    "BOARD_COLOURS": "status_board",
    "BOARD_LABELS": "status_board",
    "BoardFilter": "status_board",
    "BoardRow": "status_board",
    "BoardStatus": "status_board",
    "Brief": "guard",
    "Campaign": "campaigns",
    "CampaignError": "campaigns",
    "CampaignService": "campaigns",
    "ConfirmationRequired": "guard",
    "DOCUMENT_FORMATS": "documents",
    "DocumentService": "documents",
    "GUARDED": "guard",
    "GuardService": "guard",
    "Notice": "notices",
    "NoticeService": "notices",
    "SURVEY_HEADER": "status_board",
    "StatusBoardService": "status_board",
    "Summary": "summary_report",
    "SummaryService": "summary_report",
    "board_counts": "status_board",
    "board_grid": "board_chart",
    "status_message": "guard",
    "summary_docx": "summary_report",
    "summary_xlsx": "summary_report",
    "survey_records": "status_board",
    "ACTION_LABELS": "workflow",
    "BAND_LABELS": "snapshots",
    "Comment": "comments",
    "CommentError": "comments",
    "CommentService": "comments",
    "Completeness": "completeness",
    "CoverageMatrix": "coverage",
    "FLAG_LABELS": "side_by_side",
    "KpiBenchmark": "kpi",
    "LG_HEADER": "snapshots",
    "LG_TYPE_LABELS": "snapshots",
    "QUEUE_HEADER": "queue",
    "QueuePage": "queue",
    "QueueRow": "queue",
    "QueueService": "queue",
    "ReviewService": "workflow",
    "RoundDiff": "diff",
    "SORT_KEYS": "queue",
    "SideBySide": "side_by_side",
    "Snapshot": "snapshots",
    "SnapshotFilter": "snapshots",
    "SnapshotService": "snapshots",
    "Submission": "workflow",
    "TRANSITIONS": "workflow",
    "Transition": "workflow",
    "benchmark": "kpi",
    "coverage_columns": "coverage",
    "coverage_heatmap": "charts",
    "coverage_matrix": "coverage",
    "kinds": "kpi",
    "kpi_boxplot": "charts",
    "kpi_index": "kpi",
    "plan_completeness": "completeness",
    "population_band": "snapshots",
    "question_path": "side_by_side",
    "queue_records": "queue",
    "round_diff": "diff",
    "side_by_side": "side_by_side",
    "text_segments": "diff",
    "to_csv": "export",
    "to_xlsx": "export",
}
__all__ = sorted(_WHERE)

__getattr__ = lazy.exports(__name__, _WHERE)
