"""Word → PDF with LibreOffice (headless), when it is installed.

Each conversion gets its own LibreOffice profile (`-env:UserInstallation=file:///tmp/...`):
two conversions sharing one profile make one of them silently produce nothing. A private
fontconfig file maps the document's Windows font names (ＭＳ 明朝 / ＭＳ ゴシック) to the
installed Noto CJK faces, so the PDF keeps the 明朝 body and ゴシック headings on Linux.

The PDF is tagged (structure for screen readers, the document's language ja-JP) and has
bookmarks from the headings. LibreOffice must not reach the network while converting: the
profile is seeded to never update links and to block untrusted remote references, external
relationships other than hyperlinks are removed from the copy it converts, and where the
machine allows it LibreOffice runs in an empty network namespace (offline.netns_prefix).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from xml.etree import ElementTree as ET

from defusedxml import ElementTree as SafeET

from plan_builder.errors import PlanBuilderError
from plan_builder.export.offline import netns_prefix
from plan_builder.export.styles import GOTHIC, LATIN_SANS, LATIN_SERIF, MINCHO

TIMEOUT = 180

# Tagged PDF with bookmarks (LibreOffice 7.4+ reads filter options as JSON).
FILTER = (
    'pdf:writer_pdf_Export:{"UseTaggedPDF":{"type":"boolean","value":"true"},'
    '"ExportBookmarks":{"type":"boolean","value":"true"},'
    '"ExportNotes":{"type":"boolean","value":"false"}}'
)

_ITEM = '<item oor:path="{path}"><prop oor:name="{name}" oor:op="fuse"><value>{value}</value></prop></item>'
# The conversion profile: links are never updated (Writer: 0 = never), remote references from
# documents are blocked, no update checks.
_SETTINGS = [
    ("/org.openoffice.Office.Writer/Content/Update", "Link", "0"),
    ("/org.openoffice.Office.Common/Security/Scripting", "BlockUntrustedRefererLinks", "true"),
    ("/org.openoffice.Office.Common/Misc", "FirstRun", "false"),
    (
        "/org.openoffice.Office.Jobs/Jobs/org.openoffice.Office.Jobs:Job['UpdateCheck']/Arguments",
        "AutoCheckEnabled",
        "false",
    ),
]
_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"
_RELS_NS = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"

_FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  {aliases}
</fontconfig>
"""
_ALIAS = """<alias binding="same"><family>{name}</family><prefer>{faces}</prefer></alias>"""
_SERIF = ["Noto Serif CJK JP", "IPAexMincho", "IPAMincho"]
_SANS = ["Noto Sans CJK JP", "IPAexGothic", "IPAGothic"]


class PdfUnavailableError(PlanBuilderError):
    """LibreOffice is not installed (or failed); the message is meant for the user."""


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _fonts_conf(directory: Path) -> Path:
    aliases = []
    for name, faces in (
        (MINCHO, _SERIF),
        ("MS Mincho", _SERIF),
        ("游明朝", _SERIF),
        ("Yu Mincho", _SERIF),
        (LATIN_SERIF, ["Noto Serif", "DejaVu Serif", *_SERIF]),
        (GOTHIC, _SANS),
        ("MS Gothic", _SANS),
        ("游ゴシック", _SANS),
        ("Yu Gothic", _SANS),
        (LATIN_SANS, ["Noto Sans", "DejaVu Sans", *_SANS]),
    ):
        prefer = "".join(f"<family>{f}</family>" for f in faces)
        aliases.append(_ALIAS.format(name=name, faces=prefer))
    path = directory / "fonts.conf"
    path.write_text(_FONTS_CONF.format(aliases="\n  ".join(aliases)), encoding="utf-8")
    return path


def _seed_profile(profile: Path) -> None:
    user = profile / "user"
    user.mkdir(parents=True, exist_ok=True)
    items = "".join(_ITEM.format(path=p, name=n, value=v) for p, n, v in _SETTINGS)
    (user / "registrymodifications.xcu").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' + items + "</oor:items>\n",
        encoding="utf-8",
    )


def offline_copy(src: Path, dst: Path) -> int:
    """Copy a .docx, pointing every external relationship except hyperlinks at nothing.

    A linked picture or template would otherwise be fetched by LibreOffice. Returns how many
    relationships were cut."""
    cut = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.endswith(".rels") and b'TargetMode="External"' in data:
                root = SafeET.fromstring(data)
                for rel in root.iter(_RELS_NS):
                    if rel.get("TargetMode") == "External" and rel.get("Type") != _HYPERLINK:
                        rel.set("Target", "missing")
                        cut += 1
                if cut:
                    ET.register_namespace("", _RELS_NS[1 : _RELS_NS.index("}")])
                    data = ET.tostring(root, encoding="utf-8", xml_declaration=True)
            zout.writestr(info, data)
    return cut


def find_pdftotext() -> str | None:
    return shutil.which("pdftotext")


def pdf_pages_text(pdf: Path) -> list[str] | None:
    """The text of each page (pdftotext), or None when poppler-utils is missing."""
    tool = find_pdftotext()
    if tool is None:
        return None
    proc = subprocess.run([tool, "-layout", str(pdf), "-"], capture_output=True, timeout=60, check=False)
    if proc.returncode != 0:
        return None
    return proc.stdout.decode("utf-8", "replace").split("\f")


_FOOTER = re.compile(r"-\s*(\d+)\s*-\s*$")


def heading_pages(pages: list[str], headings: list[str]) -> list[int | None]:
    """Printed page numbers of headings, in document order, read from the "- N -" footers.

    Only numbered pages (the body) are searched, so the contents pages are skipped; each
    heading is searched from the page of the previous one on, ignoring whitespace (pdftotext
    spaces CJK text unpredictably).
    """
    numbered: list[tuple[int, str]] = []
    for text in pages:
        m = _FOOTER.search(text.rstrip())
        if m:
            numbered.append((int(m.group(1)), re.sub(r"\s+", "", text)))
    out: list[int | None] = []
    cursor = 0
    for heading in headings:
        target = re.sub(r"\s+", "", heading)
        found = next((i for i in range(cursor, len(numbered)) if target in numbered[i][1]), None)
        if found is None:
            out.append(None)
            continue
        cursor = found
        out.append(numbered[found][0])
    return out


def docx_to_pdf(docx: Path, pdf: Path, *, timeout: float = TIMEOUT) -> Path:
    """Convert `docx` to `pdf` (overwriting it). Raises PdfUnavailableError with the reason."""
    soffice = find_soffice()
    if soffice is None:
        raise PdfUnavailableError(
            "PDF を作成するには LibreOffice が必要ですが、このサーバーにはありません。"
            "Word 形式（.docx）で出力し、Word 等で PDF に変換してください。"
        )
    with tempfile.TemporaryDirectory(prefix="plan-builder-pdf-") as tmp:
        work = Path(tmp)
        src = work / "plan.docx"
        offline_copy(docx, src)
        _seed_profile(work / "profile")
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(_fonts_conf(work))
        env["HOME"] = str(work)  # LibreOffice writes caches under $HOME
        cmd = [
            *netns_prefix(),
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            FILTER,
            "--outdir",
            str(work / "out"),
            str(src),
        ]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, env=env, check=False)
        except subprocess.TimeoutExpired:
            raise PdfUnavailableError(f"PDF への変換が {int(timeout)} 秒以内に終わりませんでした。") from None
        produced = work / "out" / "plan.pdf"
        if proc.returncode != 0 or not produced.exists() or produced.stat().st_size == 0:
            detail = (proc.stderr or proc.stdout).decode("utf-8", "replace").strip()[-300:]
            raise PdfUnavailableError(
                f"LibreOffice で PDF に変換できませんでした（{detail or '出力なし'}）。"
            )
        pdf.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(str(produced), pdf)
    return pdf
