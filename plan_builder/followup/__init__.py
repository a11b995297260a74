"""The plan's life after adoption: yearly follow-up (PDCA) of actuals and measure statuses,
bulk entry, target-versus-actual standings and charts, the 年次報告, and the next plan period.

Names are loaded on first use (PEP 562), so the CLI can register its commands without
importing openpyxl, python-docx and plotly.
"""

from __future__ import annotations

from plan_builder import lazy

_WHERE = {
    "compare_actuals": "overview",
    "fmt": "figures",
    "gap_text": "figures",
    "kpi_names": "overview",
    "register": "cli_commands",
    "BulkResult": "bulk",
    "import_actuals": "bulk",
    "template_csv": "bulk",
    "template_xlsx": "bulk",
    "FollowUpError": "entry",
    "clear_actual": "entry",
    "set_actual": "entry",
    "set_status": "entry",
    "alt_text": "figures",
    "progress_figure": "figures",
    "progress_spec": "figures",
    "KpiProgress": "progress",
    "Track": "progress",
    "followup_years": "progress",
    "kpi_progress": "progress",
    "reported_years": "progress",
    "export_report": "report",
    "report_bytes": "report",
    "carry_forward": "carry",
    "followup_rows": "overview",
}
__all__ = sorted(_WHERE)

__getattr__ = lazy.exports(__name__, _WHERE)
