"""Everything that arrives as a file from outside: checked here before anything else reads it.

- `load_plan_json` parses an exchanged plan (.json) with limits on size, depth and numbers.
- `validate_office_upload` checks a .docx (reference document for the Word export, Word import)
  or a .xlsx (bulk entry of KPI actuals, plan_builder.followup.bulk) *before* python-docx/openpyxl
  open it: size, zip structure, total uncompressed size, compression ratio, member names, macros, required parts, and the XML of the main parts
  (parsed with defusedxml, so entity expansion and external entities are refused).
- `safe_filename` turns any name (a plan title, an uploaded file's name) into a harmless one.

Every refusal is an `UploadError` whose message is Japanese and says what was wrong.
"""

from __future__ import annotations

import io
import json
import math
import re
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from typing import Any

from defusedxml import ElementTree as SafeET
from defusedxml.common import DefusedXmlException

from plan_builder.errors import PlanBuilderError

MAX_JSON_BYTES = 5 * 1024 * 1024  # as plan_builder.exchange.MAX_BYTES; a full sample plan is ~25 KB
MAX_JSON_DEPTH = 32  # a plan nests ~6 levels
MAX_JSON_NUMBER = 1e15  # same bound as plan_builder.plan.model.MAX_NUMBER
MAX_JSON_STRING = 100_000
MAX_JSON_ITEMS = 5_000  # longest list or object

MAX_OFFICE_BYTES = 10 * 1024 * 1024  # Streamlit's server.maxUploadSize is set to 10 (MB)
MAX_UNCOMPRESSED_BYTES = 60 * 1024 * 1024
MAX_RATIO = 100  # any single member compressed more than 100:1 is treated as a bomb
MAX_MEMBERS = 1_000
MAX_XML_PART_BYTES = 20 * 1024 * 1024


class UploadError(PlanBuilderError):
    """A file was refused; `str(err)` is a Japanese message for the user."""


# --- file names ---------------------------------------------------------------------------------

_UNSAFE_CHARS = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*\u202a-\u202e\u2066-\u2069]')
_WINDOWS_RESERVED = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


def safe_filename(name: str, *, default: str = "file", max_length: int = 120) -> str:
    """A file name without directories, control characters or characters Windows refuses.

    Japanese is kept (officials name files in Japanese). Only the last path component of `name`
    survives, so `../../etc/passwd` becomes `passwd`.
    """
    name = unicodedata.normalize("NFC", name or "")
    name = re.split(r"[/\\]", name)[-1]
    name = _UNSAFE_CHARS.sub("_", name).strip(" .")
    name = re.sub(r"_+", "_", name)
    if not name or set(name) <= {"_", "."} or _WINDOWS_RESERVED.match(name):
        name = default + (f"_{name}" if name and set(name) - {"_", "."} else "")
    if len(name) > max_length:
        stem, dot, ext = name.rpartition(".")
        if dot and 0 < len(ext) <= 10:
            name = stem[: max_length - len(ext) - 1] + "." + ext
        else:
            name = name[:max_length]
    return name


# --- plan JSON -----------------------------------------------------------------------------------


def _walk(root: Any) -> None:
    """Check depth, item counts, numbers and string lengths of a parsed value.

    Iterative, so a deep structure that json.loads accepted cannot exhaust the Python stack here.
    """
    stack: list[tuple[Any, int, str]] = [(root, 0, "")]
    while stack:
        value, depth, where = stack.pop()
        if depth > MAX_JSON_DEPTH:
            raise UploadError(f"ファイルの入れ子が深すぎます（{where}）")
        if isinstance(value, dict):
            if len(value) > MAX_JSON_ITEMS:
                raise UploadError(f"項目が多すぎます（{where}）")
            stack += [(v, depth + 1, f"{where}.{k}" if where else str(k)) for k, v in value.items()]
        elif isinstance(value, list):
            if len(value) > MAX_JSON_ITEMS:
                raise UploadError(f"一覧の件数が多すぎます（{where}）")
            stack += [(v, depth + 1, f"{where}[{i}]") for i, v in enumerate(value)]
        elif isinstance(value, bool) or value is None:
            continue
        elif isinstance(value, int | float):
            if not math.isfinite(value) or abs(value) > MAX_JSON_NUMBER:
                raise UploadError(f"数値が大きすぎるか、正しくありません（{where or '最上位'}）")
        elif isinstance(value, str) and len(value) > MAX_JSON_STRING:
            raise UploadError(f"文字列が長すぎます（{where}、{len(value):,}文字）")


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise UploadError(f"項目名「{k}」が重複しています（同じ場所に2回以上あります）")
        out[k] = v
    return out


_JSON_MESSAGES = {
    "Expecting value": "値がありません",
    "Expecting property name enclosed in double quotes": '項目名は二重引用符（"）で囲んでください',
    "Expecting ',' delimiter": "区切りのカンマ（,）がありません",
    "Expecting ':' delimiter": "コロン（:）がありません",
    "Unterminated string starting at": "文字列が閉じられていません",
    "Invalid control character at": "文字列の中に制御文字があります",
    "Invalid \\escape": "不正なエスケープ（\\）があります",
    "Extra data": "JSONの後に余分なデータがあります",
}


def _refuse_constant(name: str) -> Any:
    raise UploadError(f"JSONでは使えない値「{name}」が含まれています")


def load_plan_json(data: bytes | str) -> dict[str, Any]:
    """Parse an exchanged plan file into a dict (not yet validated as a Plan)."""
    raw = data.encode("utf-8", "surrogatepass") if isinstance(data, str) else data
    if len(raw) > MAX_JSON_BYTES:
        raise UploadError(
            f"ファイルが大きすぎます（{len(raw) / 1024 / 1024:.1f} MB）。"
            f"取り込めるのは {MAX_JSON_BYTES // 1024 // 1024} MB までです。"
        )
    if not raw.strip():
        raise UploadError("ファイルが空です")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UploadError(
            f"ファイルの文字コードがUTF-8ではありません（{exc.start + 1} バイト目）。UTF-8 で保存し直してください"
        ) from None
    try:
        value = json.loads(text, object_pairs_hook=_no_duplicates, parse_constant=_refuse_constant)
    except UploadError:
        raise
    except json.JSONDecodeError as exc:
        what = next((ja for en, ja in _JSON_MESSAGES.items() if exc.msg.startswith(en)), exc.msg)
        raise UploadError(f"JSONの構文が正しくありません（{exc.lineno}行 {exc.colno}列：{what}）") from None
    except RecursionError:  # json.loads guards its own recursion; deeper than ~1000 levels
        raise UploadError("ファイルの入れ子が深すぎます") from None
    except ValueError:
        raise UploadError("JSONとして読めません（数値が大きすぎます）") from None
    if not isinstance(value, dict):
        raise UploadError("計画のファイルではありません（最上位がJSONのオブジェクトではありません）")
    _walk(value)  # depth is measured on the parsed structure: brackets inside text do not count
    return value


# --- .docx / .xlsx -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeKind:
    label: str
    extension: str
    main_part: str
    main_content_type: str
    required: tuple[str, ...]


DOCX = OfficeKind(
    "Word文書（.docx）",
    ".docx",
    "word/document.xml",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ("[Content_Types].xml", "_rels/.rels", "word/document.xml"),
)
XLSX = OfficeKind(
    "Excelブック（.xlsx）",
    ".xlsx",
    "xl/workbook.xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml"),
)
KINDS = {"docx": DOCX, "xlsx": XLSX}


def _bad_member_name(name: str) -> bool:
    return (
        not name
        or name.startswith(("/", "\\"))
        or "\\" in name
        or "\x00" in name
        or re.match(r"^[A-Za-z]:", name) is not None
        or any(part in ("..", ".") for part in name.split("/"))
        or any(ord(c) < 0x20 for c in name)
    )


def _read_capped(zf: zipfile.ZipFile, info: zipfile.ZipInfo, cap: int) -> bytes:
    """Read a member but stop at `cap` bytes, whatever its header claims."""
    out = bytearray()
    with zf.open(info) as fh:
        while chunk := fh.read(64 * 1024):
            out += chunk
            if len(out) > cap:
                raise UploadError(f"ファイル内の「{info.filename}」が大きすぎます")
    return bytes(out)


def _parse_xml(data: bytes, part: str) -> Any:
    try:
        return SafeET.fromstring(data)
    except DefusedXmlException:
        raise UploadError(
            f"ファイル内の「{part}」に使えないXMLの機能（実体参照など）が含まれています"
        ) from None
    except SafeET.ParseError:
        raise UploadError(f"ファイル内の「{part}」が壊れています（XMLとして読めません）") from None


def validate_office_upload(name: str, data: bytes, kind: str) -> bytes:
    """Return `data` unchanged when it is a plausible, harmless .docx/.xlsx; else UploadError."""
    k = KINDS[kind]
    if not (name or "").lower().endswith(k.extension):
        raise UploadError(f"{k.label}を選んでください（ファイル名が {k.extension} で終わっていません）")
    if len(data) > MAX_OFFICE_BYTES:
        raise UploadError(
            f"ファイルが大きすぎます（{len(data) / 1024 / 1024:.1f} MB）。"
            f"{MAX_OFFICE_BYTES // 1024 // 1024} MB までにしてください。"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise UploadError(f"{k.label}ではありません（ファイルの形式が違います）")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise UploadError(f"{k.label}が壊れています（ZIPとして読めません）") from None
    with zf:
        if len(infos) > MAX_MEMBERS:
            raise UploadError(f"ファイル内の部品が多すぎます（{len(infos)}個）")
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise UploadError("ファイル内に同じ名前の部品が重複しています")
        total = 0
        for info in infos:
            if _bad_member_name(info.filename):
                raise UploadError(f"ファイル内に不正な名前の部品があります（{info.filename!r}）")
            if info.flag_bits & 0x1:
                raise UploadError("暗号化されたファイルは使えません")
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise UploadError(f"ファイル内の「{info.filename}」の圧縮方式には対応していません")
            total += info.file_size
            if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise UploadError(f"ファイル内の「{info.filename}」の圧縮率が異常です（圧縮爆弾の疑い）")
        if total > MAX_UNCOMPRESSED_BYTES:
            raise UploadError(
                f"展開後の大きさが上限を超えています（{total / 1024 / 1024:.0f} MB、"
                f"上限 {MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB）"
            )
        lower = {n.lower() for n in names}
        if any(n.endswith("vbaproject.bin") for n in lower):
            raise UploadError("マクロを含むファイルは使えません")
        missing = [p for p in k.required if p not in names]
        if missing:
            raise UploadError(f"{k.label}として必要な部品がありません（{', '.join(missing)}）")
        by_name = {i.filename: i for i in infos}
        try:
            ct = _parse_xml(
                _read_capped(zf, by_name["[Content_Types].xml"], MAX_XML_PART_BYTES), "[Content_Types].xml"
            )
            types = {
                el.get("PartName", "").lstrip("/"): el.get("ContentType", "")
                for el in ct.iter()
                if el.tag.endswith("Override")
            }
            if types.get(k.main_part) != k.main_content_type:
                raise UploadError(f"{k.label}ではありません（マクロ付きや別形式のファイルは使えません）")
            for part in ("_rels/.rels", k.main_part):
                _parse_xml(_read_capped(zf, by_name[part], MAX_XML_PART_BYTES), part)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError):
            raise UploadError(f"{k.label}が壊れています（部品を展開できません）") from None
    return data
