"""Completeness and lint: check a plan against its guide, as a pure function.

The wizard calls `check_plan` on every rerun, the export prints its findings, reviewers read them,
and the CLI's `check` exits 1 when any finding is an error. It touches nothing but its arguments
and is linear in the size of the plan (a 25-measure plan takes well under a millisecond).

Severity: "error" = something required is missing or a value is invalid; "warning" = something the
guide recommends is missing or inconsistent; "info" = worth knowing, nothing to fix.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from plan_builder.guide import CHOICE_TYPES, Guide, Question, QuestionType, Requirement
from plan_builder.plan import (
    Kpi,
    KpiNature,
    Locality,
    Measure,
    Plan,
    copied_example,
    fictional_names_in,
    format_fiscal_year,
    get_answer,
    is_answered,
    is_web_url,
    parse_fiscal_year,
)

Severity = Literal["error", "warning", "info"]
SEVERITY_LABELS: dict[str, str] = {"error": "要対応", "warning": "確認", "info": "参考"}
MIN_PERIOD_YEARS, MAX_PERIOD_YEARS = 1, 10
_COUNTED = (Requirement.REQUIRED, Requirement.RECOMMENDED)
_MISSING_SEVERITY: dict[Requirement, Severity] = {
    Requirement.REQUIRED: "error",
    Requirement.RECOMMENDED: "warning",
    Requirement.OPTIONAL: "info",
}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    chapter_key: str
    question_key: str | None
    message: str
    target: str | None = None  # "M03" / "K02" for findings about one measure or KPI

    @property
    def severity_label(self) -> str:
        return SEVERITY_LABELS[self.severity]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class CheckReport:
    findings: list[Finding]
    completeness: float  # share of required + recommended questions answered, 0–1
    chapter_keys: tuple[str, ...] = ()
    _chapter_completeness: dict[str, float] = field(default_factory=dict, repr=False)

    @property
    def has_blocking(self) -> bool:
        return any(f.severity == "error" for f in self.findings)

    def by_chapter(self) -> dict[str, list[Finding]]:
        """Findings per chapter, in the guide's chapter order (chapters without findings too)."""
        out: dict[str, list[Finding]] = {k: [] for k in self.chapter_keys}
        for f in self.findings:
            out.setdefault(f.chapter_key, []).append(f)
        return out

    def chapter_completeness(self, chapter_key: str) -> float:
        return self._chapter_completeness.get(chapter_key, 1.0)

    def count(self, severity: Severity) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def to_dict(self) -> dict[str, Any]:
        return {
            "completeness": round(self.completeness, 4),
            "has_blocking": self.has_blocking,
            "chapters": {k: round(self.chapter_completeness(k), 4) for k in self.chapter_keys},
            "findings": [f.to_dict() for f in self.findings],
        }


def check_plan(plan: Plan, guide: Guide) -> CheckReport:
    """All findings for `plan` against `guide`, with overall and per-chapter completeness.

    A plan that declares it also serves a second law (guide.also_serves) is checked against both
    sets of requirements."""
    if guide.serves_both_laws(plan.answers):
        guide = guide.for_both_laws()
    ctx = _Context(plan, guide)
    ctx.check_questions()
    ctx.check_period()
    ctx.check_adoption()
    ctx.check_publication()
    ctx.check_pillars()
    ctx.check_measures()
    ctx.check_kpis()
    ctx.check_unknown_answers()
    ctx.check_copies()
    order = {c.key: i for i, c in enumerate(guide.chapters)}
    return CheckReport(
        findings=sorted(ctx.findings, key=lambda f: order.get(f.chapter_key, len(order))),
        completeness=ctx.ratio(ctx.answered_total, ctx.counted_total),
        chapter_keys=tuple(c.key for c in guide.chapters),
        _chapter_completeness={k: ctx.ratio(ctx.answered.get(k, 0), n) for k, n in ctx.counted.items()},
    )


class _Context:
    """The state of one check run: the plan, the guide's lookups and the findings so far."""

    def __init__(self, plan: Plan, guide: Guide) -> None:
        self.plan, self.guide = plan, guide
        self.findings: list[Finding] = []
        self.counted: dict[str, int] = {}
        self.answered: dict[str, int] = {}
        self.counted_total = self.answered_total = 0
        self.questions = guide.questions()
        self.by_type: dict[QuestionType, Question] = {}
        self.by_field: dict[str, Question] = {}
        for q in self.questions:
            self.by_type.setdefault(q.type, q)
            if q.field:
                self.by_field[q.field] = q
        self.pillar_keys = {p.key: p for p in guide.pillars}
        self.fallback_chapter = guide.chapters[0].key

    # helpers --------------------------------------------------------------------------------
    @staticmethod
    def ratio(done: int, total: int) -> float:
        return done / total if total else 1.0

    def chapter_of(self, q: Question | None) -> str:
        return q.key.split(".", 1)[0] if q else self.fallback_chapter

    def add(self, severity: Severity, q: Question | None, message: str, target: str | None = None) -> None:
        self.findings.append(Finding(severity, self.chapter_of(q), q.key if q else None, message, target))

    # rules ----------------------------------------------------------------------------------
    def check_questions(self) -> None:
        """Missing answers (by requirement level) and answers that do not fit their question."""
        handled_elsewhere = {QuestionType.PLAN_PERIOD}
        contact_empty = self.plan.contact.is_empty()
        for q in self.questions:
            chapter = self.chapter_of(q)
            value = get_answer(self.plan, q)
            answered = is_answered(value)
            if q.required in _COUNTED:
                self.counted[chapter] = self.counted.get(chapter, 0) + 1
                self.counted_total += 1
                if answered:
                    self.answered[chapter] = self.answered.get(chapter, 0) + 1
                    self.answered_total += 1
            if q.type in handled_elsewhere or q.field == "publication_url":
                continue
            if q.field and q.field.startswith("contact.") and contact_empty:
                continue  # reported once by check_publication
            if not answered:
                if q.required in _COUNTED:
                    self.add(_MISSING_SEVERITY[q.required], q, _missing_message(q))
                continue
            self.check_value(q, value)

    def check_value(self, q: Question, value: Any) -> None:
        label = f"「{q.label}」"
        if q.type in CHOICE_TYPES:
            allowed = {o.value for o in self.guide.options_for(q)}
            chosen = value if isinstance(value, list) else [value]
            if q.type is QuestionType.SINGLE_CHOICE and isinstance(value, list):
                self.add("error", q, f"{label}は選択肢から1つだけ選んでください。")
                return
            unknown = [str(v) for v in chosen if v not in allowed]
            if unknown:
                self.add("error", q, f"{label}の回答 {', '.join(unknown)} は選択肢にありません。")
        elif q.type is QuestionType.NUMBER:
            if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
                self.add("error", q, f"{label}は数値で入力してください（「{value}」）。")
        elif q.type is QuestionType.FISCAL_YEAR:
            try:
                parse_fiscal_year(value)
            except (ValueError, TypeError):
                self.add("error", q, f"{label}の「{value}」は年度として読み取れません。")
        elif q.type is QuestionType.DATE:
            try:
                date.fromisoformat(str(value))
            except ValueError:
                self.add("error", q, f"{label}の「{value}」は日付（YYYY-MM-DD）として読み取れません。")
        elif q.type is QuestionType.URL:
            text = str(value)
            if not is_web_url(text):
                self.add("error", q, f"{label}は http:// または https:// で始まるURLにしてください。")
        elif q.type in (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT) and isinstance(value, str):
            n = len(value.strip())
            if q.min_length and n < q.min_length:
                self.add(
                    "warning", q, f"{label}の記述が短すぎます（{n}文字。目安は{q.min_length}文字以上）。"
                )
            if q.max_length and n > q.max_length:
                self.add(
                    "warning", q, f"{label}の記述が長すぎます（{n}文字。目安は{q.max_length}文字以内）。"
                )

    def check_period(self) -> None:
        q = self.by_type.get(QuestionType.PLAN_PERIOD)
        period = self.plan.period
        if period is None:
            self.add("error", q, "計画期間（開始年度と終了年度）が設定されていません。")
            return
        if not MIN_PERIOD_YEARS <= period.length <= MAX_PERIOD_YEARS:
            self.add(
                "error",
                q,
                f"計画期間が{period.length}年間です。{MIN_PERIOD_YEARS}年から{MAX_PERIOD_YEARS}年の間で"
                f"設定してください（{period.label()}）。",
            )

    def check_adoption(self) -> None:
        """The cover and 資料 print the 策定年月; without it the cover can only say 「（案）」."""
        q = self.by_type.get(QuestionType.PLAN_PERIOD)
        adopted = self.plan.adopted_on
        if adopted is None:
            self.add(
                "warning",
                q,
                "策定年月が設定されていません。表紙には「（案）」と出力されます"
                "（「計画の位置付け」の章の「策定年月と改定履歴」で設定できます）。",
            )
            return
        for r in self.plan.history:
            if r.on < adopted:
                self.add("warning", q, f"改定履歴「{r.note}」の日付が策定年月より前です。")

    def check_publication(self) -> None:
        """法第9条第4項: the plan is published, with a place to ask about it."""
        url_q = self.by_field.get("publication_url")
        if not self.plan.publication_url:
            sev = _MISSING_SEVERITY[url_q.required] if url_q else "error"
            self.add(
                sev, url_q, "計画を公表するURLが設定されていません（官民データ活用推進基本法第9条第4項）。"
            )
        if self.plan.contact.is_empty():
            contact_q = next(
                (q for f, q in self.by_field.items() if f.startswith("contact.")),
                url_q,
            )
            self.add(
                "error", contact_q, "問い合わせ先（担当部署・電話番号・メールアドレス）が設定されていません。"
            )

    def check_pillars(self) -> None:
        q = self.by_type.get(QuestionType.PILLARS)
        chosen = self.plan.pillars
        with_measures = {m.pillar for m in self.plan.measures}
        for key in chosen:
            if key not in self.pillar_keys:
                self.add("error", q, f"取り組む柱「{key}」は手引の柱にありません。")
            elif key not in with_measures:
                p = self.pillar_keys[key]
                self.add(
                    "info",
                    q,
                    f"柱「{p.name}」（{p.article_label}）を選んでいますが、施策がまだありません。"
                    "できるところから始めて構いません。",
                )

    def check_measures(self) -> None:
        q = self.by_type.get(QuestionType.MEASURES)
        chosen = set(self.plan.pillars)
        years = set(self.plan.period.years) if self.plan.period else None
        for m in self.plan.measures:
            where = f"施策 {m.key}「{m.name}」"
            pillar = self.pillar_keys.get(m.pillar)
            if pillar is None:
                self.add("error", q, f"{where}の柱「{m.pillar}」は手引の柱にありません。", m.key)
            else:
                if chosen and m.pillar not in chosen:
                    self.add(
                        "warning",
                        q,
                        f"{where}の柱「{pillar.name}」は、取り組む柱として選ばれていません。",
                        m.key,
                    )
                if m.article is not None and m.article != pillar.article:
                    self.add(
                        "warning",
                        q,
                        f"{where}の基本法の条（第{m.article}条）が柱「{pillar.name}」"
                        f"（{pillar.article_label}）と一致しません。",
                        m.key,
                    )
            if not m.kpi_keys:
                self.add("warning", q, f"{where}に関連するKPIがありません。", m.key)
            if years is not None:
                outside = [fy for fy in m.schedule_years if fy not in years]
                if outside:
                    self.add(
                        "warning",
                        q,
                        f"{where}のスケジュールに計画期間外の年度があります（"
                        f"{'、'.join(format_fiscal_year(fy) for fy in outside)}）。",
                        m.key,
                    )

    def check_kpis(self) -> None:
        q = self.by_type.get(QuestionType.KPIS) or self.by_type.get(QuestionType.MEASURES)
        period = self.plan.period
        linked = {k for m in self.plan.measures for k in m.kpi_keys}
        chosen = set(self.plan.pillars)
        for k in self.plan.kpis:
            where = f"KPI {k.key}「{k.name}」"
            quantitative = k.nature is KpiNature.QUANTITATIVE
            pillar = self.pillar_keys.get(k.pillar) if k.pillar else None
            if pillar is not None and chosen and k.pillar not in chosen:
                self.add(
                    "warning", q, f"{where}の柱「{pillar.name}」は、取り組む柱として選ばれていません。", k.key
                )
            if k.baseline.value is None or k.baseline.value == "":
                self.add("warning", q, f"{where}の現状値がありません。", k.key)
            elif k.baseline.as_of is None:
                self.add("warning", q, f"{where}の現状値の基準日がありません。", k.key)
            if not k.targets:
                self.add("warning", q, f"{where}の目標値と目標年度がありません。", k.key)
            if quantitative and not k.unit:
                self.add("warning", q, f"{where}の単位がありません。", k.key)
            if period is not None:
                outside = [fy for fy in k.targets if not period.start_fy <= fy <= period.end_fy]
                if outside:
                    self.add(
                        "warning",
                        q,
                        f"{where}の目標年度（{'、'.join(format_fiscal_year(fy) for fy in sorted(outside))}）が"
                        f"計画期間（{period.label()}）の外にあります。",
                        k.key,
                    )
            if quantitative:
                self._check_numbers(q, k, where)
            if k.key not in linked and self.plan.measures:
                self.add("info", q, f"{where}はどの施策にも関連付けられていません。", k.key)

    def _check_numbers(self, q: Question | None, k: Kpi, where: str) -> None:
        """The model refuses these already; kept for plans built without validation."""
        values = [k.baseline.value] if k.baseline.value is not None else []
        values += list(k.targets.values()) + list(k.actuals.values())
        bad = [str(v) for v in values if not _is_finite_number(v)]
        if bad:
            self.add(
                "error", q, f"{where}は定量指標ですが、数値でない値があります（{'、'.join(bad)}）。", k.key
            )

    def check_copies(self) -> None:
        _copy_checks(self)

    def check_unknown_answers(self) -> None:
        known = {q.key for q in self.questions}
        for key in self.plan.answers:
            if key not in known:
                chapter = key.split(".", 1)[0]
                if chapter not in {c.key for c in self.guide.chapters}:
                    chapter = self.fallback_chapter
                self.findings.append(
                    Finding(
                        "info",
                        chapter,
                        key,
                        f"回答「{key}」はこの手引の設問にありません（表示・出力されません）。",
                    )
                )


def _copy_checks(ctx: _Context) -> None:
    """Text copied from the guide's 記載例 unchanged, and the guide's fictional names left in."""
    texts = (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)
    local = Locality.of(ctx.plan.lg_code, ctx.plan.lg_name)
    for q in ctx.questions:
        if q.type not in texts or q.field:
            continue
        value = ctx.plan.answers.get(q.key)
        if not isinstance(value, str) or not value.strip():
            continue
        if q.examples and copied_example(value, [local.fill(e) for e in q.examples], ctx.plan.lg_name):
            ctx.add(
                "warning",
                q,
                f"「{q.label}」は手引の記載例と同じ内容です。{ctx.plan.lg_name}の実情に合わせて書き直してください。",
            )
        left = fictional_names_in(value)
        if left:
            ctx.add(
                "warning",
                q,
                f"「{q.label}」に手引の記載例の架空の団体名（{'、'.join(left)}）が残っています。",
            )


def _missing_message(q: Question) -> str:
    if q.required is Requirement.REQUIRED:
        return f"必須の設問「{q.label}」が未記入です。"
    return f"推奨の設問「{q.label}」が未記入です。"


def _is_finite_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def measure_findings(report: CheckReport, measure: Measure) -> list[Finding]:
    """The findings about one measure (for showing them next to it in the wizard)."""
    return [f for f in report.findings if f.target == measure.key]
