"""The plan's life after adoption: yearly follow-up (PDCA) of actuals and measure statuses,
bulk entry, target-versus-actual standings and charts, the 年次報告, and the next plan period."""

from plan_builder.followup.bulk import BulkResult, import_actuals, template_csv, template_xlsx
from plan_builder.followup.entry import FollowUpError, clear_actual, set_actual, set_status
from plan_builder.followup.figures import alt_text, progress_figure, progress_spec
from plan_builder.followup.progress import KpiProgress, Track, followup_years, kpi_progress, reported_years
from plan_builder.followup.report import export_report, report_bytes

__all__ = [
    "BulkResult",
    "FollowUpError",
    "KpiProgress",
    "Track",
    "alt_text",
    "clear_actual",
    "export_report",
    "followup_years",
    "import_actuals",
    "kpi_progress",
    "progress_figure",
    "progress_spec",
    "report_bytes",
    "reported_years",
    "set_actual",
    "set_status",
    "template_csv",
    "template_xlsx",
]
