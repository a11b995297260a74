"""Fiscal years (April–March) and 和暦: era boundaries, 元年, parsing and display round trips."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plan_builder.plan.fiscal import (
    MAX_FY,
    MIN_FY,
    era_of_date,
    era_of_fiscal_year,
    fiscal_year_of,
    format_date,
    format_fiscal_year,
    parse_fiscal_year,
)


@pytest.mark.parametrize(
    ("day", "fy"),
    [
        (date(2024, 3, 31), 2023),
        (date(2024, 4, 1), 2024),
        (date(2024, 12, 31), 2024),
        (date(2025, 1, 1), 2024),
        (date(2019, 4, 30), 2019),
        (date(2019, 5, 1), 2019),
    ],
)
def test_fiscal_year_runs_april_to_march(day: date, fy: int) -> None:
    assert fiscal_year_of(day) == fy


@pytest.mark.parametrize(
    ("day", "text"),
    [
        (date(1989, 1, 7), "昭和64年1月7日"),
        (date(1989, 1, 8), "平成元年1月8日"),
        (date(2019, 4, 30), "平成31年4月30日"),
        (date(2019, 5, 1), "令和元年5月1日"),
        (date(2020, 1, 1), "令和2年1月1日"),
        (date(1926, 12, 24), "大正15年12月24日"),
        (date(1926, 12, 25), "昭和元年12月25日"),
    ],
)
def test_era_boundaries_are_exact(day: date, text: str) -> None:
    assert format_date(day) == text


def test_era_of_date_switches_on_the_first_day() -> None:
    assert era_of_date(date(1989, 1, 7)).name == "昭和"
    assert era_of_date(date(1989, 1, 8)).name == "平成"
    assert era_of_date(date(2019, 4, 30)).name == "平成"
    assert era_of_date(date(2019, 5, 1)).name == "令和"


def test_dates_before_meiji_are_refused_in_japanese() -> None:
    with pytest.raises(ValueError, match="明治より前"):
        era_of_date(date(1868, 10, 22))


@pytest.mark.parametrize(
    "text", ["平成31年度", "令和元年度", "令和1年度", "R1", "H31", "2019", "2019年度", "FY2019", "fy 2019"]
)
def test_fy2019_has_many_names(text: str) -> None:
    assert parse_fiscal_year(text) == 2019


@pytest.mark.parametrize(
    ("text", "fy"),
    [
        ("令和5年度", 2023),
        ("令和６年度", 2024),  # 全角 digits
        ("Ｒ６", 2024),
        ("平成元年度", 1989),
        ("昭和63年度", 1988),
        ("H.30", 2018),
        (2030, 2030),
    ],
)
def test_parse_fiscal_year(text: str | int, fy: int) -> None:
    assert parse_fiscal_year(text) == fy


@pytest.mark.parametrize(
    "text", ["平成32年度", "昭和65年度", "令和0年度", "天平5年度", "来年度", "", "20", True]
)
def test_impossible_or_unreadable_years_are_refused(text: str) -> None:
    with pytest.raises(ValueError) as exc:
        parse_fiscal_year(text)
    assert any("\u3040" <= ch <= "\u9fff" for ch in str(exc.value))  # a Japanese message


@pytest.mark.parametrize("fy", [MIN_FY - 1, MAX_FY + 1, 99999])
def test_years_out_of_range_are_refused(fy: int) -> None:
    with pytest.raises(ValueError, match="範囲外"):
        parse_fiscal_year(fy)


def test_format_fiscal_year_uses_gannen_and_the_new_era_for_fy2019() -> None:
    assert format_fiscal_year(2019) == "令和元年度"
    assert format_fiscal_year(2018) == "平成30年度"
    assert format_fiscal_year(1989) == "平成元年度"
    assert format_fiscal_year(1988) == "昭和63年度"
    assert format_fiscal_year(2024, western=True) == "令和6年度（2024年度）"
    assert era_of_fiscal_year(2019).name == "令和"


@given(st.integers(min_value=MIN_FY, max_value=MAX_FY), st.booleans())
def test_format_then_parse_gives_the_same_fiscal_year(fy: int, western: bool) -> None:
    text = format_fiscal_year(fy)
    assert parse_fiscal_year(text) == fy
    if western:
        assert parse_fiscal_year(str(fy)) == fy


@given(st.dates(min_value=date(1873, 1, 1), max_value=date(2200, 12, 31)))
def test_every_date_has_exactly_one_era_and_a_year_that_starts_at_one(day: date) -> None:
    era = era_of_date(day)
    text = format_date(day)
    assert text.startswith(era.name)
    year_no = day.year - era.first_year + 1
    assert year_no >= 1
    assert text.startswith(f"{era.name}{'元' if year_no == 1 else year_no}年")
    # The day before an era starts belongs to the previous era.
    if day == era.start and day > date(1873, 1, 1):
        assert era_of_date(day - timedelta(days=1)) != era


def test_showa_64_nendo_does_not_exist_but_heisei_31_does() -> None:
    """FY1989 began on 1 April 1989, after 平成 began (8 January): there is no 昭和64年度.
    FY2019 began on 1 April 2019, before 令和 (1 May): 平成31年度 exists."""
    with pytest.raises(ValueError):
        parse_fiscal_year("昭和64年度")
    assert parse_fiscal_year("平成元年度") == 1989
    assert parse_fiscal_year("平成31年度") == 2019


def test_dates_before_meiji_are_shown_in_the_western_calendar() -> None:
    assert format_date(date(1800, 1, 1)) == "1800年1月1日"
    assert format_date(date(1868, 10, 23)) == "明治元年10月23日"
