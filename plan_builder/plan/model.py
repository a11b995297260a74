"""The plan model (pydantic v2): what a planner writes, independent of storage and screens.

Answers are addressed by the guide's stable question keys. Measures and KPIs carry short
readable keys of their own (M01, K01) so that links and templates survive edits and reordering.
Validation messages are Japanese and name the field.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from plan_builder.plan.fiscal import MAX_FY, MIN_FY, format_fiscal_year
from plan_builder.plan.followup import FollowUpYear
from plan_builder.plan.text import clean_text, is_web_url

SCHEMA_VERSION = 3  # 2: adopted_on (策定年月); 3: a KPI's kind may be null (not chosen)
SCHEMA_VERSIONS = (1, 2, 3)  # older files still load

FiscalYear = Annotated[int, Field(ge=MIN_FY, le=MAX_FY)]
AnswerValue = str | int | float | bool | list[str] | None
KpiValue = float | str

_CODE6_RE = re.compile(r"^\d{6}$")
_MEASURE_KEY = r"^M\d{2,4}$"
_KPI_KEY = r"^K\d{2,4}$"
MAX_NUMBER = 1e15
TITLE_MAX_LENGTH = 200


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def _clean_strings(cls, data: object) -> object:
        """Every text field and list of texts goes through clean_text (nested models do their own)."""
        if not isinstance(data, dict):
            return data
        out = {}
        for k, v in data.items():
            if isinstance(v, str):
                v = clean_text(v)
            elif isinstance(v, list) and all(isinstance(x, str) for x in v):
                v = [clean_text(x) for x in v]
            out[k] = v
        return out


class PlanStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    RETURNED = "returned"
    RESUBMITTED = "resubmitted"
    APPROVED = "approved"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    PlanStatus.DRAFT: "作成中",
    PlanStatus.SUBMITTED: "提出済",
    PlanStatus.IN_REVIEW: "確認中",
    PlanStatus.RETURNED: "差戻し",
    PlanStatus.RESUBMITTED: "再提出",
    PlanStatus.APPROVED: "承認",
}


def check_digit_ok(code6: str) -> bool:
    """総務省の検査数字: digits 1–5 weighted 6..2, (11 − sum mod 11) mod 10."""
    if not _CODE6_RE.match(code6):
        return False
    total = sum(int(d) * w for d, w in zip(code6[:5], (6, 5, 4, 3, 2), strict=True))
    return (11 - total % 11) % 10 == int(code6[5])


class PlanPeriod(_Model):
    start_fy: FiscalYear = Field(title="計画期間（開始年度）")
    end_fy: FiscalYear = Field(title="計画期間（終了年度）")

    @model_validator(mode="after")
    def _ordered(self) -> PlanPeriod:
        if self.end_fy < self.start_fy:
            raise ValueError(
                f"計画期間の終了年度（{format_fiscal_year(self.end_fy)}）が"
                f"開始年度（{format_fiscal_year(self.start_fy)}）より前です"
            )
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.start_fy, self.end_fy + 1))

    @property
    def length(self) -> int:
        return self.end_fy - self.start_fy + 1

    def label(self) -> str:
        return f"{format_fiscal_year(self.start_fy)}〜{format_fiscal_year(self.end_fy)}（{self.length}年間）"


class Contact(_Model):
    department: str = Field(default="", title="担当部署", max_length=200)
    phone: str = Field(default="", title="電話番号", max_length=50)
    email: str = Field(default="", title="メールアドレス", max_length=200)
    address: str = Field(default="", title="所在地", max_length=300)

    @field_validator("email")
    @classmethod
    def _email(cls, v: str) -> str:
        if v and not re.match(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", v):
            raise ValueError("メールアドレスの形式が正しくありません")
        return v

    def is_empty(self) -> bool:
        return not (self.department or self.phone or self.email)


class KpiKind(StrEnum):
    OUTCOME = "outcome"
    OUTPUT = "output"

    @property
    def label(self) -> str:
        return "成果指標（アウトカム）" if self is KpiKind.OUTCOME else "活動指標（アウトプット）"


class KpiNature(StrEnum):
    QUANTITATIVE = "quantitative"
    QUALITATIVE = "qualitative"

    @property
    def label(self) -> str:
        return "定量" if self is KpiNature.QUANTITATIVE else "定性"


class Baseline(_Model):
    value: KpiValue | None = Field(default=None, title="現状値")
    as_of: date | None = Field(default=None, title="現状値の基準日")


def _is_number(v: object) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool)


def _coerce_number(v: object, field: str) -> KpiValue:
    """Accept numbers and numeric strings (全角 too); keep other strings for the validator."""
    if isinstance(v, bool):
        raise ValueError(f"{field}に真偽値は使えません")
    if isinstance(v, str):
        s = v.strip().replace(",", "").replace("，", "")
        s = s.translate(str.maketrans("０１２３４５６７８９．－", "0123456789.-"))
        try:
            number = float(s) if s else None
        except ValueError:
            return clean_text(v)
        # "nan" and "inf" parse as floats but are not numbers anyone means; keep them as text.
        return number if number is not None and math.isfinite(number) else clean_text(v)
    if isinstance(v, float) and not math.isfinite(v):
        raise ValueError(f"{field}が数値として正しくありません")
    return v  # type: ignore[return-value]


class Kpi(_Model):
    key: str = Field(pattern=_KPI_KEY, title="KPI番号")
    name: str = Field(min_length=1, max_length=200, title="指標名")
    unit: str = Field(default="", max_length=30, title="単位")
    # None: the planner has not chosen, and nothing is printed. Files before version 3 always
    # carried "outcome" (the old default), so a chosen 成果指標 and an unchosen one look the same
    # there and both stay 成果指標; only a file without the field loads as not chosen.
    kind: KpiKind | None = Field(default=None, title="指標の種類")
    nature: KpiNature = Field(default=KpiNature.QUANTITATIVE, title="定量・定性")
    baseline: Baseline = Field(default_factory=Baseline, title="現状値")
    targets: dict[FiscalYear, KpiValue] = Field(default_factory=dict, title="目標値")
    actuals: dict[FiscalYear, KpiValue] = Field(default_factory=dict, title="実績値")
    source: str = Field(default="", max_length=500, title="データの出典")
    method: str = Field(default="", max_length=1000, title="測定方法")
    pillar: str | None = Field(default=None, title="柱")
    reference_key: str | None = Field(default=None, title="参照する設問")

    @field_validator("targets", "actuals", mode="before")
    @classmethod
    def _coerce_series(cls, v: object) -> object:
        if isinstance(v, dict):
            return {k: _coerce_number(x, "値") for k, x in v.items()}
        return v

    @field_validator("baseline", mode="before")
    @classmethod
    def _coerce_baseline(cls, v: object) -> object:
        if isinstance(v, dict) and "value" in v and v["value"] is not None:
            return {**v, "value": _coerce_number(v["value"], "現状値")}
        return v

    @model_validator(mode="after")
    def _numbers_are_numbers(self) -> Kpi:
        if self.nature is not KpiNature.QUANTITATIVE:
            return self
        where = f"KPI「{self.name}」"
        values: list[tuple[str, object]] = []
        if self.baseline.value is not None:
            values.append(("現状値", self.baseline.value))
        values += [(f"目標値（{format_fiscal_year(fy)}）", x) for fy, x in self.targets.items()]
        values += [(f"実績値（{format_fiscal_year(fy)}）", x) for fy, x in self.actuals.items()]
        for label, x in values:
            if not _is_number(x):
                raise ValueError(f"{where}の{label}は数値で入力してください（「{x}」は数値ではありません）")
            if not math.isfinite(float(x)) or abs(float(x)) > MAX_NUMBER:  # type: ignore[arg-type]
                raise ValueError(f"{where}の{label}が大きすぎるか、数値として正しくありません")
        return self

    @property
    def target_years(self) -> list[int]:
        return sorted(self.targets)

    @property
    def final_target(self) -> tuple[int, KpiValue] | None:
        if not self.targets:
            return None
        fy = max(self.targets)
        return fy, self.targets[fy]


class MeasureOrigin(StrEnum):
    NATIONAL = "national"
    OWN = "own"

    @property
    def label(self) -> str:
        return "国の施策" if self is MeasureOrigin.NATIONAL else "独自施策"


class ScheduleEntry(_Model):
    fy: FiscalYear = Field(title="年度")
    activity: str = Field(min_length=1, max_length=200, title="取組内容")


class Measure(_Model):
    key: str = Field(pattern=_MEASURE_KEY, title="施策番号")
    pillar: str = Field(min_length=1, title="柱")
    article: int | None = Field(default=None, ge=1, le=99, title="基本法の条")
    name: str = Field(min_length=1, max_length=200, title="施策名")
    summary: str = Field(default="", max_length=5000, title="概要")
    department: str = Field(default="", max_length=200, title="担当課")
    schedule: list[ScheduleEntry] = Field(default_factory=list, title="スケジュール")
    kpi_keys: list[str] = Field(default_factory=list, title="関連KPI")
    origin: MeasureOrigin = Field(default=MeasureOrigin.OWN, title="施策の出典")
    national_ref: str = Field(default="", max_length=200, title="国の施策名")

    @field_validator("name", "summary", "department", "national_ref", mode="before")
    @classmethod
    def _clean(cls, v: object) -> object:
        return clean_text(v) if isinstance(v, str) else v

    @property
    def schedule_years(self) -> list[int]:
        return sorted({e.fy for e in self.schedule})


class Revision(_Model):
    """One line of the plan's own 改定履歴 as printed in the document (not the storage history)."""

    on: date = Field(title="改定日")
    note: str = Field(min_length=1, max_length=500, title="改定内容")


class Plan(_Model):
    schema_version: Literal[1, 2, 3] = SCHEMA_VERSION
    lg_code: str = Field(title="団体コード")
    lg_name: str = Field(min_length=1, max_length=100, title="団体名")
    guide_id: str = Field(min_length=1, title="手引ID")
    guide_edition: str = Field(default="", title="手引の版")
    title: str = Field(min_length=1, max_length=TITLE_MAX_LENGTH, title="計画の名称")
    period: PlanPeriod | None = Field(default=None, title="計画期間")
    answers: dict[str, AnswerValue] = Field(default_factory=dict, title="回答")
    pillars: list[str] = Field(default_factory=list, title="取り組む柱")
    measures: list[Measure] = Field(default_factory=list, title="施策")
    kpis: list[Kpi] = Field(default_factory=list, title="KPI")
    publication_url: str = Field(default="", max_length=500, title="公表URL")
    contact: Contact = Field(default_factory=Contact, title="問い合わせ先")
    status: PlanStatus = Field(default=PlanStatus.DRAFT, title="状態")
    adopted_on: date | None = Field(default=None, title="策定年月")
    history: list[Revision] = Field(default_factory=list, title="改定履歴")
    is_training: bool = Field(default=False, title="研修用")
    created_at: datetime | None = None
    followup: dict[FiscalYear, FollowUpYear] = Field(default_factory=dict, title="進捗管理")
    previous_plan_id: int | None = Field(default=None, title="前期計画")

    @model_validator(mode="before")
    @classmethod
    def _upgrade(cls, data: object) -> object:
        """Version 1 had no 策定年月: its first 改定履歴 line was the adoption, as the export read it."""
        if isinstance(data, dict) and "adopted_on" not in data:
            history = data.get("history")
            if isinstance(history, list) and history:
                first = history[0]
                on = first.get("on") if isinstance(first, dict) else getattr(first, "on", None)
                if on is not None:
                    data = {**data, "adopted_on": on}
        return data

    @field_validator("schema_version", mode="after")
    @classmethod
    def _current_version(cls, v: int) -> int:
        return SCHEMA_VERSION  # an older file is upgraded on load and saved as the current version

    @property
    def revisions(self) -> list[Revision]:
        """The 改定 lines after the adoption (the history may start with the 策定 line itself)."""
        if self.adopted_on is None:
            return list(self.history)
        return [r for r in self.history if r.on > self.adopted_on]

    @field_validator("lg_code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not check_digit_ok(v):
            raise ValueError(f"団体コード「{v}」は6桁の全国地方公共団体コード（検査数字付き）ではありません")
        return v

    @field_validator("publication_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if v and not is_web_url(v):
            raise ValueError("公表URLは http:// または https:// で始まるURLにしてください")
        return v

    @field_validator("answers", mode="before")
    @classmethod
    def _clean_answers(cls, v: object) -> object:
        if not isinstance(v, dict):
            return v
        out: dict[object, object] = {}
        for k, x in v.items():
            if not isinstance(k, str) or not re.match(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", k):
                raise ValueError(f"回答のキー「{k}」は設問キーの形式ではありません")
            if isinstance(x, str):
                x = clean_text(x)
            elif isinstance(x, list):
                x = [clean_text(i) if isinstance(i, str) else i for i in x]
            elif isinstance(x, float) and not math.isfinite(x):
                raise ValueError(f"回答「{k}」の数値が正しくありません")
            out[k] = x
        return out

    @field_validator("title", "lg_name", mode="before")
    @classmethod
    def _clean_title(cls, v: object) -> object:
        return clean_text(v) if isinstance(v, str) else v

    @model_validator(mode="after")
    def _links(self) -> Plan:
        mkeys = [m.key for m in self.measures]
        kkeys = [k.key for k in self.kpis]
        if len(set(mkeys)) != len(mkeys):
            raise ValueError("施策番号が重複しています")
        if len(set(kkeys)) != len(kkeys):
            raise ValueError("KPI番号が重複しています")
        known = set(kkeys)
        for m in self.measures:
            missing = [k for k in m.kpi_keys if k not in known]
            if missing:
                raise ValueError(f"施策「{m.name}」の関連KPI {', '.join(missing)} がKPI一覧にありません")
        return self

    # Helpers used by the wizard, checks and export ------------------------------------
    def measure(self, key: str) -> Measure:
        return next(m for m in self.measures if m.key == key)

    def kpi(self, key: str) -> Kpi:
        return next(k for k in self.kpis if k.key == key)

    def next_measure_key(self) -> str:
        return _next_key("M", [m.key for m in self.measures])

    def next_kpi_key(self) -> str:
        return _next_key("K", [k.key for k in self.kpis])

    def measures_by_pillar(self) -> dict[str, list[Measure]]:
        out: dict[str, list[Measure]] = {}
        for m in self.measures:
            out.setdefault(m.pillar, []).append(m)
        return out

    def kpis_of(self, measure: Measure) -> list[Kpi]:
        return [self.kpi(k) for k in measure.kpi_keys]


def _next_key(prefix: str, existing: list[str]) -> str:
    used = {int(k[1:]) for k in existing if k[1:].isdigit()}
    n = 1
    while n in used:
        n += 1
    return f"{prefix}{n:02d}"
