"""The hostile-input corpus, as data: each case builds its input and says what must happen.

Big inputs are generated here at test time (nothing large is committed). Test modules in this
folder run every case; `test_hostile_corpus_size` checks the corpus stays at 40 cases or more.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# --- plan import files (JSON) --------------------------------------------------------------------

Base = dict[str, Any]


@dataclass(frozen=True)
class JsonCase:
    id: str
    build: Callable[[Base], bytes]
    expect: str  # a fragment of the Japanese refusal message


def _dump(d: Any) -> bytes:
    return json.dumps(d, ensure_ascii=False).encode("utf-8")


def _with(path: list[Any], value: Any) -> Callable[[Base], bytes]:
    def build(base: Base) -> bytes:
        d = json.loads(json.dumps(base))
        target = d
        for p in path[:-1]:
            target = target[p]
        target[path[-1]] = value
        return _dump(d)

    return build


def _raw_target(raw: str) -> Callable[[Base], bytes]:
    """Put a literal JSON token (NaN, 1e999, a 5000-digit integer) into a KPI target."""

    def build(base: Base) -> bytes:
        d = json.loads(json.dumps(base))
        d["kpis"][0]["targets"] = {"2026": "__RAW__"}
        return _dump(d).replace(b'"__RAW__"', raw.encode())

    return build


JSON_CASES: list[JsonCase] = [
    JsonCase("empty", lambda b: b"", "空"),
    JsonCase("whitespace", lambda b: b" \n\t ", "空"),
    JsonCase("not-json", lambda b: "計画です".encode(), "JSON"),
    JsonCase("truncated", lambda b: _dump(b)[:-40], "JSON"),
    JsonCase("top-level-array", lambda b: _dump([b]), "最上位"),
    JsonCase("huge-6mb", lambda b: _with(["answers", "current.overview"], "あ" * 2_100_000)(b), "大きすぎ"),
    JsonCase("deep-arrays", lambda b: b"[" * 200_000 + b"]" * 200_000, "入れ子"),
    JsonCase("deep-objects-in-answer", lambda b: _with(["answers", "x"], _nest(40))(b), "入れ子"),
    JsonCase("nan", _raw_target("NaN"), "NaN"),
    JsonCase("infinity", _raw_target("-Infinity"), "Infinity"),
    JsonCase("float-overflow", _raw_target("1e999"), "数値"),
    JsonCase("5000-digit-integer", _raw_target("9" * 5000), "数値"),
    JsonCase("enormous-kpi-target", _raw_target("1e300"), "数値"),
    JsonCase("enormous-integer-answer", _with(["answers", "current.population"], 10**20), "数値"),
    JsonCase("duplicate-keys", lambda b: _dump(b)[:-1] + ', "title": "二重"}'.encode(), "重複"),
    JsonCase("shift-jis", lambda b: json.dumps(b, ensure_ascii=False).encode("cp932", "replace"), "UTF-8"),
    JsonCase("utf-16", lambda b: json.dumps(b, ensure_ascii=False).encode("utf-16"), "UTF-8"),
    JsonCase("negative-year", _with(["period"], {"start_fy": -5, "end_fy": 2028}), "計画期間"),
    JsonCase("year-99999", _with(["period"], {"start_fy": 2024, "end_fy": 99999}), "計画期間"),
    JsonCase("schema-version-99", _with(["schema_version"], 99), "schema_version"),
    JsonCase("unknown-field-proto", _with(["__proto__"], {"admin": True}), "__proto__"),
    JsonCase("bad-check-digit", _with(["lg_code"], "033228"), "団体コード"),
    JsonCase("unknown-lg-code", _with(["lg_code"], "000019"), "団体コード"),
    JsonCase("nul-in-title", _with(["title"], "計画\u0000名"), "制御文字"),
    JsonCase("long-string-200k", _with(["answers", "current.issues"], "長" * 200_000), "長すぎ"),
    JsonCase("10000-pillars", _with(["pillars"], [f"p{i}" for i in range(10_000)]), "件数"),
    JsonCase("answer-key-injection", _with(["answers", "'; DROP TABLE plan; --"], "x"), "キー"),
]


def _nest(n: int) -> Any:
    v: Any = "底"
    for _ in range(n):
        v = {"a": v}
    return v


# --- .docx / .xlsx uploads -----------------------------------------------------------------------

CT_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
CT_DOCM = "application/vnd.ms-word.document.macroEnabled.main+xml"
CT_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
    'officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)
DOC = (
    '<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/'
    'wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>本文</w:t></w:r></w:p></w:body></w:document>'
)


def content_types(part: str, ctype: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{part}" ContentType="{ctype}"/></Types>'
    )


def make_zip(members: list[tuple[str, bytes | str]], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression) as zf:
        for name, data in members:
            zf.writestr(zipfile.ZipInfo(name, (2024, 4, 1, 0, 0, 0)), data, compress_type=compression)
    return buf.getvalue()


def docx_members(**override: bytes | str) -> list[tuple[str, bytes | str]]:
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types("word/document.xml", CT_DOCX),
        "_rels/.rels": RELS,
        "word/document.xml": DOC,
    }
    parts.update(override)
    return [(k, v) for k, v in parts.items() if v is not None]


def minimal_docx(**override: bytes | str) -> bytes:
    return make_zip(docx_members(**override))


def _bomb(size: int = 100 * 1024 * 1024) -> bytes:
    """A zip whose one extra member inflates to `size` bytes of zeros (~100 KB on disk)."""
    members = docx_members()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members:
            zf.writestr(name, data)
        info = zipfile.ZipInfo("word/media/image1.png")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(size // len(chunk)):
                fh.write(chunk)
    return buf.getvalue()


def _lying_header() -> bytes:
    """A member whose headers claim 1 KB but whose data inflates to 50 MB."""
    data = bytearray(minimal_docx(**{"word/document.xml": DOC + " " * (50 * 1024 * 1024)}))
    name = b"word/document.xml"
    local = data.find(b"PK\x03\x04" + data[4:6])  # first local header
    while local != -1:
        n = int.from_bytes(data[local + 26 : local + 28], "little")
        if data[local + 30 : local + 30 + n] == name:
            data[local + 22 : local + 26] = (1024).to_bytes(4, "little")
        local = data.find(b"PK\x03\x04", local + 4)
    central = data.find(b"PK\x01\x02")
    while central != -1:
        n = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + n] == name:
            data[central + 24 : central + 28] = (1024).to_bytes(4, "little")
        central = data.find(b"PK\x01\x02", central + 4)
    return bytes(data)


def _corrupt_deflate() -> bytes:
    data = bytearray(minimal_docx())
    i = data.find(b"word/document.xml") + len(b"word/document.xml") + 10
    for j in range(i, i + 40):
        data[j] ^= 0x5A
    return bytes(data)


def _encrypted_flag() -> bytes:
    data = bytearray(minimal_docx())
    cd = data.rfind(b"PK\x01\x02")  # the last central directory entry
    data[cd + 8] |= 0x01
    return bytes(data)


BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    + ']><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">&lol9;</w:document>'
)
XXE = (
    '<?xml version="1.0"?><!DOCTYPE t [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">&xxe;</Types>'
)


@dataclass(frozen=True)
class UploadCase:
    id: str
    kind: str  # docx | xlsx
    name: str
    build: Callable[[], bytes]
    expect: str


XLSX_MIN = lambda: make_zip(  # noqa: E731
    [
        ("[Content_Types].xml", content_types("xl/workbook.xml", CT_XLSX)),
        ("_rels/.rels", RELS.replace("word/document.xml", "xl/workbook.xml")),
        ("xl/workbook.xml", '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>'),
    ]
)

UPLOAD_CASES: list[UploadCase] = [
    UploadCase("zip-bomb-docx", "docx", "見本.docx", _bomb, "圧縮"),
    UploadCase("lying-size-header", "docx", "見本.docx", _lying_header, "壊れて"),
    UploadCase(
        "many-members",
        "docx",
        "a.docx",
        lambda: make_zip(docx_members() + [(f"x/{i}", "") for i in range(1500)]),
        "多すぎ",
    ),
    UploadCase(
        "traversal-member",
        "docx",
        "a.docx",
        lambda: make_zip(docx_members() + [("../../evil.sh", "rm")]),
        "不正な名前",
    ),
    UploadCase(
        "absolute-member",
        "docx",
        "a.docx",
        lambda: make_zip(docx_members() + [("/etc/cron.d/x", "x")]),
        "不正な名前",
    ),
    UploadCase(
        "backslash-member",
        "docx",
        "a.docx",
        lambda: make_zip(docx_members() + [("..\\..\\evil", "x")]),
        "不正な名前",
    ),
    UploadCase(
        "drive-letter-member",
        "docx",
        "a.docx",
        lambda: make_zip(docx_members() + [("C:/evil", "x")]),
        "不正な名前",
    ),
    UploadCase(
        "pdf-renamed", "docx", "計画.docx", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "形式が違います"
    ),
    UploadCase("truncated-zip", "docx", "a.docx", lambda: minimal_docx()[:200], "壊れて"),
    UploadCase("xlsx-renamed-docx", "docx", "a.docx", XLSX_MIN, "必要な部品"),
    UploadCase(
        "macro-docm",
        "docx",
        "a.docx",
        lambda: minimal_docx(**{"[Content_Types].xml": content_types("word/document.xml", CT_DOCM)}),
        "マクロ",
    ),
    UploadCase(
        "vba-project",
        "docx",
        "a.docx",
        lambda: minimal_docx(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        "マクロ",
    ),
    UploadCase(
        "billion-laughs",
        "docx",
        "a.docx",
        lambda: minimal_docx(**{"word/document.xml": BILLION_LAUGHS}),
        "実体参照",
    ),
    UploadCase(
        "xxe-content-types",
        "docx",
        "a.docx",
        lambda: minimal_docx(**{"[Content_Types].xml": XXE}),
        "実体参照",
    ),
    UploadCase(
        "broken-xml",
        "docx",
        "a.docx",
        lambda: minimal_docx(**{"word/document.xml": "<w:document><w:body>"}),
        "XMLとして読めません",
    ),
    UploadCase("encrypted-flag", "docx", "a.docx", _encrypted_flag, "暗号化"),
    UploadCase("corrupt-deflate", "docx", "a.docx", _corrupt_deflate, "壊れて"),
    UploadCase(
        "oversized-11mb", "docx", "a.docx", lambda: b"PK\x03\x04" + b"\0" * (11 * 1024 * 1024), "大きすぎ"
    ),
    UploadCase("wrong-extension", "docx", "計画.exe", minimal_docx, ".docx で終わっていません"),
    UploadCase("zip-bomb-xlsx", "xlsx", "kpi.xlsx", lambda: _bomb_xlsx(), "圧縮"),
    UploadCase("xlsx-missing-workbook", "xlsx", "kpi.xlsx", minimal_docx, "必要な部品"),
]


def _bomb_xlsx() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        with zipfile.ZipFile(io.BytesIO(XLSX_MIN())) as src:
            for info in src.infolist():
                zf.writestr(info.filename, src.read(info))
        info = zipfile.ZipInfo("xl/worksheets/sheet1.xml")
        info.compress_type = zipfile.ZIP_DEFLATED
        with zf.open(info, "w", force_zip64=True) as fh:
            for _ in range(50):
                fh.write(b"<row/>" * (1024 * 1024 // 6))
    return buf.getvalue()


# --- file names ----------------------------------------------------------------------------------

FILENAME_CASES: list[tuple[str, str]] = [
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\System32\\cmd.exe", "cmd.exe"),
    ("/absolute/path/計画.docx", "計画.docx"),
    ("CON.docx", "file_CON.docx"),
    ("計画\x00.docx\x1f", "計画_.docx_"),
    ("計画\u202egpj.exe", "計画_gpj.exe"),
    ("..", "file"),
    ("", "file"),
    ('a<b>c:"d"|e?f*.docx', "a_b_c_d_e_f_.docx"),
]

# --- answers that reach the documents -----------------------------------------------------------

ANSWER_CASES: dict[str, str] = {
    "script-tag": "<script>alert('x')</script>",
    "img-onerror": '<img src=x onerror="alert(1)">',
    "html-entities": "&lt;b&gt;&amp;&quot; <b>太字</b>",
    "markdown-link": "[ここをクリック](javascript:alert(1))",
    "jinja-expression": "{{ 7*7 }}",
    "jinja-statement": "{% for x in range(3) %}繰り返し{% endfor %}",
    "jinja-escape-attempt": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "sql-drop": "'; DROP TABLE plan; --",
    "sql-union": "1' UNION SELECT password_hash FROM app_user --",
    "xml-breakout": "]]></w:t></w:r><w:r><w:t>注入",
    "control-chars": "前\x00\x01\x08\x0b\x0c\x1f\x7f後",
    "invalid-xml-chars": "前\ufffe\uffff後",
    "bidi-override": "前\u202e反転\u202c後",
}
ANSWER_EXPECT_REMOVED = {"control-chars": "前後", "invalid-xml-chars": "前後", "bidi-override": "前反転後"}

# --- hostile document templates (run in the Jinja sandbox) --------------------------------------

TEMPLATE_CASES: dict[str, str] = {
    "class-mro": "<p>{{ ''.__class__.__mro__ }}</p>",
    "subclasses": "<p>{{ ''.__class__.__mro__[1].__subclasses__() }}</p>",
    "globals-via-cycler": "<p>{{ cycler.__init__.__globals__.os.popen('id').read() }}</p>",
    "func-globals": "<p>{{ lipsum.__globals__['os'].system('id') }}</p>",
    "config-items": "<p>{{ self.__init__.__globals__ }}</p>",
    "mutate-context": "{% set _ = answers.update({'title': 'x'}) %}<p>x</p>",
    "mutate-list": "{% set _ = measures.append(1) %}<p>x</p>",
    "huge-range": "<p>{% for i in range(10**9) %}{{ i }}{% endfor %}</p>",
    "include-outside": "{% include '../../../../etc/passwd' %}",
}


def corpus_size() -> int:
    return len(JSON_CASES) + len(UPLOAD_CASES) + len(FILENAME_CASES) + len(ANSWER_CASES) + len(TEMPLATE_CASES)
