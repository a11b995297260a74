"""Tables to .xlsx and CSV following the Digital Agency's 機械可読性ルール.

One header row, then one row per record; no merged cells, no blank spacer rows, no notes
inside the table; one value per cell (numbers as numbers, booleans as 1/0 so any tool reads
them, dates as ISO 8601); UTF-8. Text that a spreadsheet would run as a formula (=, +, -, @)
is written as text in .xlsx and prefixed with an apostrophe in CSV.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.utils import get_column_letter

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell_value(v: Any) -> str | int | float | None:
    """One plain value for a cell."""
    if v is None:
        return None
    if isinstance(v, bool):
        return 1 if v else 0
    if isinstance(v, int):
        return v
    if isinstance(v, float):
        return v if math.isfinite(v) else None
    if isinstance(v, datetime):
        return v.isoformat(timespec="seconds")
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, list | tuple | set | dict):
        raise TypeError("1つのセルには1つの値だけを入れてください（一覧は列か行に分けてください）")
    return str(v)


def _check(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    if not header or any(not str(h).strip() for h in header):
        raise ValueError("見出し行の項目名に空欄があります")
    if len(set(header)) != len(header):
        raise ValueError("見出し行の項目名が重複しています")
    for i, r in enumerate(rows, 2):
        if len(r) != len(header):
            raise ValueError(f"{i}行目の列数（{len(r)}）が見出し（{len(header)}）と合いません")


_SHEET_FORBIDDEN = str.maketrans({c: "_" for c in "[]:*?/\\"})


def sheet_name(name: str) -> str:
    """A valid Excel sheet name (≤ 31 characters, none of []:*?/\\)."""
    return (name or "表").translate(_SHEET_FORBIDDEN)[:31]


def to_xlsx(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    sheet: str = "表",
    legend: Sequence[tuple[str, str]] = (),
) -> bytes:
    """One table on a sheet named `sheet`; `legend` (term, meaning) on a second sheet 「凡例」,
    so the table itself stays one header row and records."""
    return to_xlsx_sheets([(sheet, header, rows)], legend=legend)


def to_xlsx_sheets(
    tables: Sequence[tuple[str, Sequence[str], Sequence[Sequence[Any]]]],
    *,
    legend: Sequence[tuple[str, str]] = (),
) -> bytes:
    """Several tables, one per named sheet, each one header row and records; `legend` on a
    last sheet 「凡例」."""
    wb = Workbook()
    wb.remove(wb.active)
    for sheet, header, rows in tables:
        _check(header, rows)
        _sheet(wb.create_sheet(sheet_name(sheet)), header, rows)
    if legend:
        lg = wb.create_sheet("凡例")
        lg.append(["項目", "説明"])
        for term, meaning in legend:
            lg.append([str(term), str(meaning)])
        lg.column_dimensions["A"].width, lg.column_dimensions["B"].width = 30, 90
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _sheet(ws, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    ws.append([str(h) for h in header])
    for r in rows:
        ws.append([cell_value(v) for v in r])
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith(_FORMULA_START):
                c.data_type = TYPE_STRING  # text, never a formula
    ws.freeze_panes = "A2"
    for i, h in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = min(60, max(8, len(str(h)) * 2 + 2))


def _csv_text(v: Any) -> str:
    x = cell_value(v)
    if x is None:
        return ""
    if isinstance(x, str) and x.startswith(_FORMULA_START):
        return "'" + x
    return str(x)


def to_csv(header: Sequence[str], rows: Sequence[Sequence[Any]], *, bom: bool = True) -> bytes:
    """UTF-8 CSV (RFC 4180, CRLF) with a BOM, so Excel on Japanese Windows does not read it as
    Shift_JIS; `bom=False` for tools that want plain UTF-8."""
    _check(header, rows)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([str(h) for h in header])
    for r in rows:
        w.writerow([_csv_text(v) for v in r])
    data = buf.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data
