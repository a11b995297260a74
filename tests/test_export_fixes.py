"""Export fix: 策定日 (issued) falls back to today's date in Japan, not the server's (UTC) date."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from plan_builder.export import context
from plan_builder.guide import Guide
from plan_builder.plan import clock
from plan_builder.plan.fiscal import format_date
from plan_builder.samples import sample_plan


@given(st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2090, 1, 1)))
def test_to_jst_is_nine_hours_ahead_of_utc(naive_utc: datetime) -> None:
    local = clock.to_jst(naive_utc)  # stored moments are naive UTC
    assert local.replace(tzinfo=None) == naive_utc + timedelta(hours=9)
    assert clock.to_jst(naive_utc.replace(tzinfo=UTC)) == local


def test_today_jst_is_japan_date() -> None:
    before = datetime.now(UTC)
    today = clock.today_jst()
    after = datetime.now(UTC)
    assert today in {(before + timedelta(hours=9)).date(), (after + timedelta(hours=9)).date()}


def test_issued_date_defaults_to_japan_today(guide: Guide, monkeypatch) -> None:
    plan = sample_plan(guide).model_copy(update={"history": [], "adopted_on": None})
    monkeypatch.setattr(context, "today_jst", lambda: date(2026, 4, 1))  # 08:30 JST = 23:30 UTC on 3/31
    assert context.build_context(plan, guide)["issued"] == format_date(date(2026, 4, 1))
