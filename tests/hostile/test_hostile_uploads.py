"""Hostile .docx/.xlsx uploads: refused by plan_builder.uploads before python-docx/openpyxl see them."""

from __future__ import annotations

import io
import time
import tracemalloc

import pytest
from conftest import JAPANESE
from hostile_cases import UPLOAD_CASES, UploadCase, make_zip, minimal_docx

from plan_builder import uploads
from plan_builder.uploads import UploadError, validate_office_upload


def test_real_documents_accepted(tmp_path) -> None:
    """Control: files written by python-docx and openpyxl, and the shipped reference.docx, pass."""
    import docx
    import openpyxl

    from plan_builder.store.db import PROJECT_ROOT

    d = docx.Document()
    d.add_paragraph("本文")
    buf = io.BytesIO()
    d.save(buf)
    assert validate_office_upload("見本.docx", buf.getvalue(), "docx") == buf.getvalue()
    wb = openpyxl.Workbook()
    wb.active["A1"] = "KPI"
    buf = io.BytesIO()
    wb.save(buf)
    validate_office_upload("KPI.XLSX", buf.getvalue(), "xlsx")
    ref = PROJECT_ROOT / "guide_templates" / "templates" / "kanmin-2019" / "reference.docx"
    if ref.exists():
        validate_office_upload(ref.name, ref.read_bytes(), "docx")
    validate_office_upload("min.docx", minimal_docx(), "docx")


@pytest.mark.parametrize("case", UPLOAD_CASES, ids=[c.id for c in UPLOAD_CASES])
def test_hostile_upload_refused(case: UploadCase) -> None:
    data = case.build()
    tracemalloc.start()
    t0 = time.perf_counter()
    try:
        with pytest.raises(UploadError) as exc:
            validate_office_upload(case.name, data, case.kind)
        elapsed = time.perf_counter() - t0
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(exc.value)
    assert JAPANESE.search(message) and case.expect in message, message
    assert elapsed < 2, f"{case.id}: {elapsed:.2f}s"
    assert peak < 40 * 1024 * 1024, f"{case.id}: the validator itself used {peak / 1e6:.0f} MB"


def test_total_uncompressed_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Many moderately compressible members that add up beyond the limit (limit lowered to 2 MB)."""
    monkeypatch.setattr(uploads, "MAX_UNCOMPRESSED_BYTES", 2 * 1024 * 1024)
    import random

    rng = random.Random(0)
    members = [(f"word/media/p{i}.bin", rng.randbytes(300 * 1024)) for i in range(8)]
    data = make_zip([*[(n, d) for n, d in _docx_parts()], *members])
    with pytest.raises(UploadError, match="展開後の大きさが上限を超えています"):
        validate_office_upload("a.docx", data, "docx")


def test_duplicate_member_names() -> None:
    import warnings
    import zipfile

    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(buf, "w") as zf:
            for name, d in _docx_parts():
                zf.writestr(name, d)
            zf.writestr("word/document.xml", "<x/>")
    with pytest.raises(UploadError, match="重複"):
        validate_office_upload("a.docx", buf.getvalue(), "docx")


def _docx_parts():
    import zipfile

    with zipfile.ZipFile(io.BytesIO(minimal_docx())) as zf:
        return [(i.filename, zf.read(i)) for i in zf.infolist()]
