"""What a yearly follow-up (PDCA) records beside the KPI values: when and how each actual was
measured, and how each measure is going. The values themselves stay in `Kpi.actuals`, so the
document, charts and reviewers read one series."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, field_validator

from plan_builder.plan.text import clean_text

_KPI_KEY = r"^K\d{2,4}$"
_MEASURE_KEY = r"^M\d{2,4}$"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True, str_strip_whitespace=True)


class Progress(StrEnum):
    ON_TRACK = "on_track"
    DELAYED = "delayed"
    NOT_STARTED = "not_started"
    DONE = "done"
    REVISED = "revised"

    @property
    def label(self) -> str:
        return PROGRESS_LABELS[self]


PROGRESS_LABELS = {
    Progress.ON_TRACK: "順調",
    Progress.DELAYED: "遅れ",
    Progress.NOT_STARTED: "未着手",
    Progress.DONE: "完了",
    Progress.REVISED: "見直し",
}


class ActualNote(_Model):
    measured_on: date | None = Field(default=None, title="測定日")
    note: str = Field(default="", max_length=500, title="備考")

    @field_validator("note", mode="before")
    @classmethod
    def _clean(cls, v: object) -> object:
        return clean_text(v) if isinstance(v, str) else v


class MeasureStatus(_Model):
    status: Progress = Field(title="進捗状況")
    comment: str = Field(default="", max_length=1000, title="コメント")

    @field_validator("comment", mode="before")
    @classmethod
    def _clean(cls, v: object) -> object:
        return clean_text(v) if isinstance(v, str) else v


class FollowUpYear(_Model):
    """One fiscal year's follow-up: notes on the KPI actuals and a status per measure."""

    actuals: dict[str, ActualNote] = Field(default_factory=dict, title="実績の測定日・備考")
    measures: dict[str, MeasureStatus] = Field(default_factory=dict, title="施策の進捗")

    @field_validator("actuals")
    @classmethod
    def _kpi_keys(cls, v: dict[str, ActualNote]) -> dict[str, ActualNote]:
        bad = [k for k in v if not re.match(_KPI_KEY, k)]
        if bad:
            raise ValueError(f"KPI番号「{bad[0]}」の形式が正しくありません（例：K01）")
        return v

    @field_validator("measures")
    @classmethod
    def _measure_keys(cls, v: dict[str, MeasureStatus]) -> dict[str, MeasureStatus]:
        bad = [k for k in v if not re.match(_MEASURE_KEY, k)]
        if bad:
            raise ValueError(f"施策番号「{bad[0]}」の形式が正しくありません（例：M01）")
        return v
