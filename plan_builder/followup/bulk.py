"""Bulk entry of actuals from .xlsx or CSV: one row per KPI and fiscal year.

Every row either goes in whole or is refused with its row number and the reason; the result is
one new plan the caller saves as one revision. A file whose rows are all refused changes
nothing. The screening of uploads (size, zip structure, macros) applies to .xlsx files first.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import TYPE_STRING

from plan_builder.followup.entry import FollowUpError, find_kpi, parse_fy, set_actual
from plan_builder.plan import Plan, format_fiscal_year
from plan_builder.uploads import UploadError, validate_office_upload

MAX_ROWS = 2000
MAX_CSV_BYTES = 2 * 1024 * 1024
HEADER = ["KPI番号", "指標名", "年度", "実績値", "単位", "測定日", "備考"]
_ALIASES = {
    "kpi": "KPI番号",
    "kpi番号": "KPI番号",
    "番号": "KPI番号",
    "指標名": "指標名",
    "指標": "指標名",
    "年度": "年度",
    "実績値": "実績値",
    "実績": "実績値",
    "単位": "単位",
    "測定日": "測定日",
    "備考": "備考",
}
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowResult:
    row: int  # the row number as the spreadsheet shows it (header = 1)
    kpi_key: str = ""
    fy: int | None = None
    reason: str = ""  # empty when the row went in


@dataclass
class BulkResult:
    plan: Plan
    applied: list[RowResult] = field(default_factory=list)
    refused: list[RowResult] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.applied)

    def summary(self) -> str:
        return f"{len(self.applied)}行を取り込みました。{len(self.refused)}行は取り込めませんでした。"


def _norm(text: Any) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip().lower().replace(" ", "")


def _read_csv(data: bytes) -> list[list[Any]]:
    if len(data) > MAX_CSV_BYTES:
        raise UploadError(f"CSVファイルが大きすぎます（{MAX_CSV_BYTES // 1024 // 1024} MB まで）")
    if b"\x00" in data:
        raise UploadError("CSVファイルではありません（バイナリのデータが含まれています）")
    for enc in ("utf-8-sig", "cp932"):
        try:
            text = data.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UploadError("CSVファイルの文字コードを読み取れません（UTF-8 で保存してください）")
    try:
        return [row for row in csv.reader(io.StringIO(text))]
    except csv.Error as exc:
        raise UploadError(f"CSVファイルとして読めません（{exc}）") from None


def _read_xlsx(name: str, data: bytes) -> list[list[Any]]:
    validate_office_upload(name, data, "xlsx")
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds on a damaged workbook
        raise UploadError("Excelブック（.xlsx）が壊れていて読めません") from None
    try:
        ws = wb.worksheets[0]
        rows = []
        for i, row in enumerate(ws.iter_rows(values_only=True)):
            if i > MAX_ROWS + 1:
                raise UploadError(f"行が多すぎます（{MAX_ROWS}行まで）")
            rows.append(list(row))
        return rows
    finally:
        wb.close()


def read_rows(name: str, data: bytes) -> list[list[Any]]:
    """The file's rows (header first) or UploadError."""
    lower = (name or "").lower()
    if lower.endswith(".xlsx"):
        rows = _read_xlsx(name, data)
    elif lower.endswith((".csv", ".txt")):
        rows = _read_csv(data)
    else:
        raise UploadError("Excelブック（.xlsx）かCSVファイル（.csv）を選んでください")
    if len(rows) > MAX_ROWS + 1:
        raise UploadError(f"行が多すぎます（{MAX_ROWS}行まで）")
    return rows


def _columns(header: list[Any]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for i, h in enumerate(header):
        name = _ALIASES.get(_norm(h))
        if name and name not in cols:
            cols[name] = i
    missing = [c for c in ("年度", "実績値") if c not in cols]
    if "KPI番号" not in cols and "指標名" not in cols:
        missing.insert(0, "KPI番号（または指標名）")
    if missing:
        raise UploadError(
            f"1行目の見出しに必要な列がありません：{'、'.join(missing)}（ひな形の見出しをそのまま使ってください）"
        )
    return cols


def import_actuals(plan: Plan, name: str, data: bytes) -> BulkResult:
    """Apply every good row of the file to `plan`; refuse bad rows with their number and reason."""
    rows = read_rows(name, data)
    if not rows:
        raise UploadError("ファイルに行がありません")
    cols = _columns(rows[0])
    result = BulkResult(plan=plan)
    seen: dict[tuple[str, int], int] = {}

    def cell(row: list[Any], col: str) -> Any:
        i = cols.get(col)
        return row[i] if i is not None and i < len(row) else None

    for n, row in enumerate(rows[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in row):
            continue
        try:
            ref = cell(row, "KPI番号") or cell(row, "指標名")
            kpi = find_kpi(result.plan, str(ref or ""))
            fy = parse_fy(cell(row, "年度"), result.plan)
            if (kpi.key, fy) in seen:
                raise FollowUpError(
                    f"{kpi.key}の{format_fiscal_year(fy)}は{seen[(kpi.key, fy)]}行目にもあります（1行にしてください）"
                )
            new = set_actual(
                result.plan,
                kpi.key,
                fy,
                cell(row, "実績値"),
                measured_on=cell(row, "測定日"),
                note=cell(row, "備考"),
            )
        except FollowUpError as exc:
            result.refused.append(RowResult(row=n, reason=str(exc)))
            continue
        seen[(kpi.key, fy)] = n
        result.plan = new
        result.applied.append(RowResult(row=n, kpi_key=kpi.key, fy=fy))
    if not result.applied:
        result.plan = plan  # nothing went in: the plan is exactly as it was
    return result


def template_rows(plan: Plan, fy: int) -> list[list[Any]]:
    """One row per KPI for `fy`, with the actual already entered (if any)."""
    out = []
    notes = plan.followup.get(fy)
    for k in plan.kpis:
        note = notes.actuals.get(k.key) if notes else None
        out.append(
            [
                k.key,
                k.name,
                format_fiscal_year(fy),
                k.actuals.get(fy, ""),
                k.unit,
                note.measured_on.isoformat() if note and note.measured_on else "",
                note.note if note else "",
            ]
        )
    return out


def template_xlsx(plan: Plan, fy: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "実績値"
    ws.append(HEADER)
    for r in template_rows(plan, fy):
        ws.append(r)
    for row in ws.iter_rows(min_row=2):
        for c in row:
            if isinstance(c.value, str) and c.value.startswith(_FORMULA_START):
                c.data_type = TYPE_STRING  # user text is never a formula
    for col, width in zip("ABCDEFG", (9, 40, 12, 12, 8, 12, 30), strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A2"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_csv(plan: Plan, fy: int) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(HEADER)
    for r in template_rows(plan, fy):
        w.writerow(["'" + v if isinstance(v, str) and v.startswith(_FORMULA_START) else v for v in r])
    return b"\xef\xbb\xbf" + buf.getvalue().encode("utf-8")
