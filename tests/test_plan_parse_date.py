"""Typed dates (the KPI's 現状値の基準日 is typed, not picked): western and 和暦 forms."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plan_builder.plan import format_date, parse_date


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("2024/03/31", date(2024, 3, 31)),
        ("2024-3-31", date(2024, 3, 31)),
        ("20240331", date(2024, 3, 31)),
        ("2024年3月31日", date(2024, 3, 31)),
        ("令和6年3月31日", date(2024, 3, 31)),
        ("R6.3.31", date(2024, 3, 31)),
        ("r6/3/31", date(2024, 3, 31)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("平成31年4月30日", date(2019, 4, 30)),
        ("２０２４／０３／３１", date(2024, 3, 31)),
        (" 2024/03/31 ", date(2024, 3, 31)),
    ],
)
def test_forms_officials_type(text: str, day: date) -> None:
    assert parse_date(text) == day


@pytest.mark.parametrize("text", ["令和元年4月30日", "平成31年5月1日", "2024/02/30", "1800/01/01", "R0.1.1"])
def test_days_that_do_not_exist_are_refused_in_japanese(text: str) -> None:
    with pytest.raises(ValueError, match="存在しない日付"):
        parse_date(text)


@pytest.mark.parametrize("text", ["", "abc", "2024/03", "3/31", "令和6年度"])
def test_unreadable_text_says_the_forms_it_takes(text: str) -> None:
    with pytest.raises(ValueError, match="2024/03/31"):
        parse_date(text)


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2200, 12, 31)))
def test_every_shown_day_reads_back(day: date) -> None:
    """What the app shows (和暦 caption, YYYY/MM/DD field) is accepted as typed."""
    assert parse_date(format_date(day)) == day
    assert parse_date(day.strftime("%Y/%m/%d")) == day


@given(st.text(max_size=30))
def test_any_text_gives_a_date_or_a_japanese_message(text: str) -> None:
    try:
        parse_date(text)
    except ValueError as exc:
        assert "入力してください" in str(exc)
