"""A hostile 組織の様式 (reference.docx) is rebuilt without anything that reaches out (issue 10, item 2).

Each case of tests/hostile/docx_corpus.py adds one hostile thing to a real reference that also has
a header with text and an embedded PNG, a footer, styles, numbering and page setup. After
cleaning (and after a Word export that uses it) none of the hostile things is left, and all of
the look is. The PDF export runs LibreOffice under strace while an HTTP server on 127.0.0.1
counts requests for the hostile links: none may arrive and no inet socket may be opened.
"""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import docx
import pytest

from plan_builder.docx_clean import clean_docx
from plan_builder.uploads import UploadError
from tests.hostile.docx_corpus import CASES, FOOTER_TEXT, HEADER_TEXT, SHIPPED, hostile, png

ROOT = Path(__file__).resolve().parents[2]
URL = "http://127.0.0.1:9"  # port 9 (discard): nothing listens, and it is loopback anyway
ALLOWED_PARTS = re.compile(
    r"^(\[Content_Types\]\.xml|_rels/\.rels|docProps/(core|app)\.xml|word/(_rels/)?"
    r"(document|styles|stylesWithEffects|numbering|settings|fontTable|header\d+|footer\d+|"
    r"footnotes|endnotes)\.xml(\.rels)?|word/theme/theme\d+\.xml|word/media/[\w.]+)$"
)
FORBIDDEN = [
    b'TargetMode="External"',
    b"INCLUDEPICTURE",
    b"INCLUDETEXT",
    b"attachedTemplate",
    b"oleObject",
    b"OLEObject",
    b"vbaProject",
    b"activeX",
    b"w:control",
    b"customXml",
    b"dataBinding",
    b"<!DOCTYPE",
    b"127.0.0.1:9",
    b"file:///",
    b"evil",
    b"r:link",
    b"o:href",
]


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


_PLAN_LINK = re.compile(
    rb'<Relationship Id="[^"]+" Type="http://schemas\.openxmlformats\.org/officeDocument/2006/'
    rb'relationships/hyperlink" Target="(https://[^"]+)" TargetMode="External"/>'
)


def assert_clean(data: bytes, links: tuple[str, ...] = ()) -> dict[str, bytes]:
    """No hostile remnant in any part. `links`: the plan's own https URLs, which the document
    may carry as clickable hyperlinks (a link is never fetched by Word or LibreOffice)."""
    parts = _parts(data)
    for name, body in parts.items():
        assert ALLOWED_PARTS.match(name), f"unexpected part {name}"
        if name.endswith(".rels"):
            for m in _PLAN_LINK.finditer(body):
                assert m.group(1).decode() in links, f"unexpected link {m.group(1)!r} in {name}"
            body = _PLAN_LINK.sub(b"", body)
        for bad in FORBIDDEN:
            assert bad not in body, f"{bad!r} left in {name}"
    return parts


def assert_look_kept(data: bytes) -> None:
    parts = _parts(data)
    original = docx.Document(str(SHIPPED))
    doc = docx.Document(io.BytesIO(data))
    assert {s.name for s in original.styles} <= {s.name for s in doc.styles}
    assert "word/numbering.xml" in parts
    sec, orig_sec = doc.sections[0], original.sections[0]
    assert (sec.page_width, sec.page_height, sec.top_margin, sec.left_margin) == (
        orig_sec.page_width,
        orig_sec.page_height,
        orig_sec.top_margin,
        orig_sec.left_margin,
    )
    assert HEADER_TEXT in "".join(p.text for p in sec.header.paragraphs)
    assert FOOTER_TEXT in "".join(p.text for p in sec.footer.paragraphs)
    assert png() in parts.values(), "the embedded header image was dropped"


@pytest.mark.parametrize("case", [*CASES, "everything"])
def test_hostile_reference_is_rebuilt_clean(case: str) -> None:
    data = hostile(case, URL)
    with pytest.raises(AssertionError):
        assert_clean(data)  # the case really is hostile
    result = clean_docx("様式.docx", data)
    assert_clean(result.data)
    assert_look_kept(result.data)
    assert result.summary() or case in ("unknown_part",)


def test_fields_become_their_result_and_safe_fields_stay() -> None:
    parts = _parts(clean_docx("a.docx", hostile("includepicture", URL)).data)
    assert "取り込まれた本文".encode() in parts["word/document.xml"]
    assert "絵".encode() in parts["word/document.xml"]
    assert b" PAGE " in parts["word/header1.xml"]


def test_hyperlink_text_and_custom_xml_text_are_kept() -> None:
    doc = _parts(clean_docx("a.docx", hostile("everything", URL)).data)["word/document.xml"].decode()
    assert "リンクの文字" in doc and "カスタム内の本文" in doc and "結合" in doc


def test_shipped_reference_survives_unchanged_in_look() -> None:
    result = clean_docx("reference.docx", SHIPPED.read_bytes())
    assert_clean(result.data)
    doc = docx.Document(io.BytesIO(result.data))
    assert len(doc.styles) == len(docx.Document(str(SHIPPED)).styles)


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda p: p.pop("word/document.xml"), "必要な部品"),
        (lambda p: p.update({"word/document.xml": b"<w:document"}), "壊れて"),
        (
            lambda p: p.update(
                {"word/styles.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'}
            ),
            "実体参照",
        ),
        (
            lambda p: p.update(
                {"_rels/.rels": p["_rels/.rels"].replace(b'officeDocument"', b'officeDocumentX"')}
            ),
            "本文",
        ),
    ],
)
def test_what_cannot_be_cleaned_is_refused_in_japanese(mutate, message: str) -> None:
    parts = _parts(SHIPPED.read_bytes())
    mutate(parts)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    with pytest.raises(UploadError, match=message):
        clean_docx("a.docx", buf.getvalue())


def test_word_export_with_hostile_reference_has_none_of_it(tmp_path: Path, guide) -> None:
    from plan_builder.export import export_plan
    from plan_builder.samples import sample_plan

    ref = tmp_path / "様式.docx"
    ref.write_bytes(hostile("everything", URL))
    plan = sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=2, n_kpis=1)
    out = tmp_path / "plan.docx"
    export_plan(plan, guide, "docx", out, reference_docx=ref, render_charts=False)
    parts = assert_clean(out.read_bytes(), links=(plan.publication_url,))
    assert any(HEADER_TEXT.encode() in b for n, b in parts.items() if "header" in n)


def test_upload_writes_the_rebuilt_file(tmp_path: Path) -> None:
    from plan_builder.ui.uploads_ui import check_reference, write_reference

    data = hostile("everything", URL)
    assert check_reference("様式.docx", data) is None
    path = write_reference("様式.docx", data, tmp_path)
    assert_clean(path.read_bytes())
    assert check_reference("様式.docm", data) is not None


# --- PDF export: LibreOffice must not fetch anything --------------------------------------------


class _Counter(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self) -> None:
        _Counter.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.end_headers()
        self.wfile.write(png(64, 64))

    def log_message(self, *args) -> None:
        return None


@pytest.fixture
def listener() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Counter)
    _Counter.hits = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


EXPORT = """
import sys
from pathlib import Path
from plan_builder.export import export_plan
from plan_builder.guide import get_guide
from plan_builder.samples import sample_plan
guide = get_guide("kanmin-2019-municipality")
plan = sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=1, n_kpis=1)
export_plan(plan, guide, "pdf", Path(sys.argv[2]), reference_docx=Path(sys.argv[1]), render_charts=False)
"""


@pytest.mark.slow
def test_pdf_export_with_hostile_reference_opens_no_socket(tmp_path: Path, listener: str) -> None:
    if not shutil.which("soffice") and not shutil.which("libreoffice"):
        pytest.skip("LibreOffice is not installed")
    if not shutil.which("strace"):
        pytest.skip("strace is not installed")
    ref, out, trace = tmp_path / "様式.docx", tmp_path / "plan.pdf", tmp_path / "strace.log"
    ref.write_bytes(hostile("everything", listener))
    done = subprocess.run(
        ["strace", "-f", "-qq", "-e", "trace=connect,sendto", "-o", str(trace),
         sys.executable, "-c", EXPORT, str(ref), str(out)],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert out.stat().st_size > 1000
    assert _Counter.hits == [], f"LibreOffice fetched {_Counter.hits}"
    inet = [ln for ln in trace.read_text().splitlines() if "AF_INET" in ln]
    assert not inet, "\n".join(inet[:5])
