"""The plan model: plans, measures, KPIs and fiscal years, answers by question, text rules,
size limits and editing operations. Import from here; the modules are implementation."""

from plan_builder import lazy
from plan_builder.plan.answers import (
    answer_labels,
    answer_text,
    get_answer,
    is_answered,
    raw_answer,
    set_answer,
)
from plan_builder.plan.clock import JST, now_jst, to_jst, today_jst
from plan_builder.plan.edit import Change, EditError, answer_question, diff_plans, normalise_answer
from plan_builder.plan.fiscal import DATE_HINT, format_date, format_fiscal_year, parse_date, parse_fiscal_year
from plan_builder.plan.limits import MAX_ANSWER_CHARS, MAX_PLAN_BYTES, PlanLimitError, check_limits, too_long
from plan_builder.plan.model import (
    SCHEMA_VERSION,
    TITLE_MAX_LENGTH,
    Kpi,
    KpiKind,
    KpiNature,
    Measure,
    MeasureOrigin,
    Plan,
    PlanPeriod,
    PlanStatus,
)
from plan_builder.plan.text import clean_text, first_forbidden, is_web_url, strip_forbidden
from plan_builder.plan.validation import describe_validation_error

__all__ = [
    "DATE_HINT",
    "JST",
    "MAX_ANSWER_CHARS",
    "MAX_PLAN_BYTES",
    "SCHEMA_VERSION",
    "TITLE_MAX_LENGTH",
    "Change",
    "EditError",
    "Kpi",
    "KpiKind",
    "KpiNature",
    "Measure",
    "MeasureOrigin",
    "Plan",
    "PlanLimitError",
    "PlanPeriod",
    "PlanStatus",
    "answer_labels",
    "answer_question",
    "answer_text",
    "check_limits",
    "clean_text",
    "describe_validation_error",
    "diff_plans",
    "first_forbidden",
    "format_date",
    "format_fiscal_year",
    "get_answer",
    "is_answered",
    "is_web_url",
    "normalise_answer",
    "now_jst",
    "parse_date",
    "parse_fiscal_year",
    "raw_answer",
    "set_answer",
    "strip_forbidden",
    "to_jst",
    "today_jst",
    "too_long",
]


# More public names, loaded on first use (plan_builder.lazy) so that start-up does not pay for them.
_LATER = {
    "Baseline": "model",
    "Contact": "model",
    "FollowUpYear": "followup",
    "KpiValue": "model",
    "Locality": "locality",
    "MAX_NUMBER": "model",
    "MIN_CHARS": "copying",
    "MergeError": "merge",
    "PROGRESS_LABELS": "followup",
    "Progress": "followup",
    "Revision": "model",
    "SCHEMA_VERSIONS": "model",
    "ScheduleEntry": "model",
    "check_digit_ok": "model",
    "check_size": "limits",
    "copied_example": "copying",
    "coverage_summary": "summary",
    "example_locality": "locality",
    "fictional_names_in": "copying",
    "fiscal_year_of": "fiscal",
    "fold_search": "text",
    "kpi_rows": "summary",
    "location_label": "validation",
    "merge_plans": "merge",
    "migrate_plan": "migration",
    "normalise": "copying",
    "set_adoption": "adoption",
}
_MODULES = ("merge",)
__all__ += ["edit", *_LATER, *_MODULES]
__getattr__ = lazy.exports(__name__, _LATER, modules=_MODULES)
