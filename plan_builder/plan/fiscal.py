"""Fiscal years (April–March) and Japanese era (和暦) dates, display and parsing.

Kept small on purpose: the eras are fixed history and the rules fit in one screen.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class Era:
    name: str
    start: date  # first day of the era

    @property
    def first_year(self) -> int:
        return self.start.year


# Newest first. Boundaries: 昭和64年1月7日 → 平成元年1月8日; 平成31年4月30日 → 令和元年5月1日.
ERAS: tuple[Era, ...] = (
    Era("令和", date(2019, 5, 1)),
    Era("平成", date(1989, 1, 8)),
    Era("昭和", date(1926, 12, 25)),
    Era("大正", date(1912, 7, 30)),
    Era("明治", date(1868, 10, 23)),
)
_ERA_BY_NAME = {e.name: e for e in ERAS}
_ERA_INITIALS = {"R": "令和", "H": "平成", "S": "昭和", "T": "大正", "M": "明治"}

MIN_FY, MAX_FY = 1900, 2200


def fiscal_year_of(day: date) -> int:
    """The fiscal year (年度) a day falls in: April to March, named by the April year."""
    return day.year if day.month >= 4 else day.year - 1


def era_of_date(day: date) -> Era:
    for era in ERAS:
        if day >= era.start:
            return era
    raise ValueError(f"{day.isoformat()} は明治より前の日付です。")


def era_of_fiscal_year(fy: int) -> Era:
    """The era used to name a fiscal year: the newest era begun by the end of calendar year `fy`.

    FY2019 is called 令和元年度 (the era began in May 2019) and FY1988 is 昭和63年度.
    """
    for era in ERAS:
        if era.first_year <= fy:
            return era
    raise ValueError(f"{fy}年度は明治より前です。")


def _year_label(n: int) -> str:
    return "元" if n == 1 else str(n)


def format_fiscal_year(fy: int, *, western: bool = False) -> str:
    """令和5年度; with western=True, 令和5年度（2023年度）."""
    era = era_of_fiscal_year(fy)
    text = f"{era.name}{_year_label(fy - era.first_year + 1)}年度"
    return f"{text}（{fy}年度）" if western else text


def format_date(day: date) -> str:
    """令和元年5月1日; a day before 明治 (only in imported data) in the western calendar."""
    if day < ERAS[-1].start:
        return f"{day.year}年{day.month}月{day.day}日"
    era = era_of_date(day)
    return f"{era.name}{_year_label(day.year - era.first_year + 1)}年{day.month}月{day.day}日"


_DATE_WAREKI = re.compile(
    r"^(令和|平成|昭和|大正|明治|[RHSTM])\.?\s*(元|\d{1,3})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$"
)
_DATE_WESTERN = re.compile(r"^(\d{4})\s*[年.\-/]\s*(\d{1,2})\s*[月.\-/]\s*(\d{1,2})\s*日?$")
_DATE_DIGITS = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
DATE_HINT = "「2024/03/31」または「令和6年3月31日」の形で入力してください"


def parse_date(text: str) -> date:
    """Parse 2024/03/31, 2024-3-31, 20240331, 2024年3月31日, 令和6年3月31日 or R6.3.31 (full-width
    digits too). Raises ValueError with a Japanese message; a 和暦 date must lie in its era."""
    s = unicodedata.normalize("NFKC", str(text)).strip().upper()
    try:
        if m := _DATE_WAREKI.match(s):
            era = _ERA_BY_NAME[_ERA_INITIALS.get(m.group(1), m.group(1))]
            n = 1 if m.group(2) == "元" else int(m.group(2))
            day = date(era.first_year + n - 1, int(m.group(3)), int(m.group(4)))
            nxt = _next_era(era)
            if n < 1 or day < era.start or (nxt is not None and day >= nxt.start):
                raise ValueError
            return day
        if m := _DATE_WESTERN.match(s) or _DATE_DIGITS.match(s):
            day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if not MIN_FY <= day.year <= MAX_FY:
                raise ValueError
            return day
    except ValueError:
        raise ValueError(f"「{text}」は存在しない日付です。{DATE_HINT}。") from None
    raise ValueError(f"「{text}」は日付として読めません。{DATE_HINT}。")


_FY_WAREKI = re.compile(r"^(令和|平成|昭和|大正|明治|[RHSTM])\.?\s*(元|\d{1,3})\s*(?:年度?)?$")
_FY_WESTERN = re.compile(r"^(\d{4})\s*(?:年度|年|fy)?$", re.IGNORECASE)
_FY_PREFIXED = re.compile(r"^fy\s*(\d{4})$", re.IGNORECASE)


def parse_fiscal_year(text: str | int) -> int:
    """Parse 令和5年度, 令和元年度, 平成31年度, R5, 2023, 2023年度 or FY2023 into 2023-style years.

    平成31年度 and 令和元年度 both give 2019. Raises ValueError with a Japanese message.
    """
    if isinstance(text, bool):
        raise ValueError("年度は数値または「令和5年度」の形式で入力してください。")
    if isinstance(text, int):
        fy = text
    else:
        s = unicodedata.normalize("NFKC", str(text)).strip().upper()
        if m := _FY_WAREKI.match(s):
            era = _ERA_BY_NAME[_ERA_INITIALS.get(m.group(1), m.group(1))]
            n = 1 if m.group(2) == "元" else int(m.group(2))
            if n < 1:
                raise ValueError(f"「{text}」は年度として正しくありません。")
            fy = era.first_year + n - 1
            nxt = _next_era(era)
            # 平成31年度 exists (FY2019 began before 令和); 平成32年度 and 昭和64年度 do not
            # (FY1989 began on 1 April 1989, under 平成).
            if nxt is not None and (
                fy > nxt.first_year or (fy == nxt.first_year and nxt.start <= date(fy, 4, 1))
            ):
                raise ValueError(
                    f"「{text}」は存在しない年度です（{era.name}は{nxt.first_year}年に終わりました）。"
                )
        elif (m := _FY_WESTERN.match(s)) or (m := _FY_PREFIXED.match(s)):
            fy = int(m.group(1))
        else:
            raise ValueError(
                f"「{text}」を年度として読み取れません。「令和5年度」や「2023」の形式で入力してください。"
            )
    if not MIN_FY <= fy <= MAX_FY:
        raise ValueError(f"年度 {fy} は範囲外です（{MIN_FY}〜{MAX_FY}年度）。")
    return fy


def _next_era(era: Era) -> Era | None:
    i = ERAS.index(era)
    return ERAS[i - 1] if i > 0 else None
