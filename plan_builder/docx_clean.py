"""An organisation's reference.docx is rebuilt from what it may contain, never copied.

Why: the reference only lends its look (styles, numbering, page setup, headers and footers)
to the exported plan, but a .docx can also carry things that reach out when Word or LibreOffice
opens it: external relationships (a linked header image, an `attachedTemplate` over http or a
UNC path), fields that fetch (INCLUDEPICTURE, INCLUDETEXT, LINK, DDE), OLE objects, ActiveX,
macros under any name, custom XML and DTDs. Anything not on the lists below is left out.

`clean_docx` walks the relationships from the package root, keeps only known parts reached
through known relationship types (raster images only when their bytes are PNG, JPEG, GIF or
BMP), rewrites each XML part with lxml (no DTD, no network, no entities) and writes a new
package with a freshly made [Content_Types].xml. What cannot be cleaned is refused with an
UploadError whose message is Japanese.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass, field

from lxml import etree

from plan_builder.uploads import (
    MAX_XML_PART_BYTES,
    UploadError,
    _parse_xml,
    _read_capped,
    validate_office_upload,
)

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_OD = R + "/"
_WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."

# Relationship type -> (part kind, content type of that part).
PART_TYPES: dict[str, tuple[str, str]] = {
    _OD + "officeDocument": ("main", _WML + "document.main+xml"),
    PKG_REL + "/metadata/core-properties": (
        "core",
        "application/vnd.openxmlformats-package.core-properties+xml",
    ),
    _OD + "extended-properties": (
        "app",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    ),
    _OD + "styles": ("styles", _WML + "styles+xml"),
    "http://schemas.microsoft.com/office/2007/relationships/stylesWithEffects": (
        "styles",
        "application/vnd.ms-word.stylesWithEffects+xml",
    ),
    _OD + "numbering": ("numbering", _WML + "numbering+xml"),
    _OD + "settings": ("settings", _WML + "settings+xml"),
    _OD + "fontTable": ("fontTable", _WML + "fontTable+xml"),
    _OD + "theme": ("theme", "application/vnd.openxmlformats-officedocument.theme+xml"),
    _OD + "header": ("header", _WML + "header+xml"),
    _OD + "footer": ("footer", _WML + "footer+xml"),
    _OD + "footnotes": ("notes", _WML + "footnotes+xml"),
    _OD + "endnotes": ("notes", _WML + "endnotes+xml"),
    _OD + "image": ("image", ""),
}
# Which relationship types each kind of part may have; everything else is dropped.
ALLOWED_CHILDREN: dict[str, set[str]] = {
    "package": {_OD + "officeDocument", PKG_REL + "/metadata/core-properties", _OD + "extended-properties"},
    "main": {t for t, (kind, _) in PART_TYPES.items() if kind not in ("main", "core", "app")},
    "header": {_OD + "image"},
    "footer": {_OD + "image"},
    "notes": {_OD + "image"},
    "numbering": {_OD + "image"},  # picture bullets
    "theme": {_OD + "image"},
}
ROOTS = {
    "main": "document",
    "header": "hdr",
    "footer": "ftr",
    "styles": "styles",
    "numbering": "numbering",
    "settings": "settings",
    "fontTable": "fonts",
}
IMAGE_MAGIC = {
    b"\x89PNG\r\n\x1a\n": ("png", "image/png"),
    b"\xff\xd8\xff": ("jpeg", "image/jpeg"),
    b"GIF87a": ("gif", "image/gif"),
    b"GIF89a": ("gif", "image/gif"),
    b"BM": ("bmp", "image/bmp"),
}
# Fields that only compute from the document itself; any other field (INCLUDEPICTURE,
# INCLUDETEXT, LINK, DDE, DDEAUTO, IMPORT, DATABASE, HYPERLINK, ...) is turned into its last
# shown result as plain content, so nothing is fetched or updated from outside.
SAFE_FIELDS = {
    "PAGE", "NUMPAGES", "SECTIONPAGES", "SECTION", "DATE", "TIME", "CREATEDATE", "SAVEDATE",
    "PRINTDATE", "TITLE", "AUTHOR", "SUBJECT", "KEYWORDS", "COMMENTS", "DOCPROPERTY", "STYLEREF",
    "REF", "PAGEREF", "NOTEREF", "SEQ", "TOC", "TC", "XE", "INDEX", "SYMBOL", "QUOTE", "LISTNUM",
    "AUTONUM", "AUTONUMLGL", "AUTONUMOUT", "EQ", "ADVANCE", "IF", "=",
}  # fmt: skip
# Elements dropped wherever they appear (with everything inside them).
DROP = {
    f"{{{W}}}{n}"
    for n in (
        "object", "control", "altChunk", "subDoc", "attachedTemplate", "mailMerge", "dataBinding",
        "linkStyles", "fldData", "embedRegular", "embedBold", "embedItalic", "embedBoldItalic",
        "docVars", "saveThroughXslt", "attachedSchema",
    )
}  # fmt: skip
UNWRAP = {f"{{{W}}}customXml", f"{{{W}}}hyperlink", f"{{{W}}}smartTag"}  # keep the text inside
_URLISH = re.compile(  # a URL, UNC path or script; not a QName such as dcterms:W3CDTF
    r"^\s*(?:[a-z][a-z0-9+.\-]*:/|\\\\|//|(?:file|mhtml|res|javascript|vbscript|data|ms-[a-z\-]+):)",
    re.IGNORECASE,
)
# Attributes whose value names a namespace or an extension (w:compatSetting w:uri="http://…"):
# identifiers that nothing fetches.
_IDENTIFIERS = {"uri", "Ignorable", "ProcessContent", "PreserveElements", "PreserveAttributes", "Requires"}
_HOLDERS = {f"{{{W}}}drawing", f"{{{W}}}pict", f"{{{W}}}object"}

LABELS = {
    "external": "外部への参照（リンクされた画像・テンプレートなど）",
    "field": "外部から内容を取り込むフィールド（INCLUDEPICTURE など）",
    "ole": "埋め込みオブジェクト（OLE）・ActiveX",
    "macro": "マクロ",
    "customxml": "カスタムXML",
    "dtd": "DTD（文書型宣言）",
    "image": "画像以外の形式の画像部品",
    "unknown": "用途の分からない部品",
}


@dataclass
class CleanResult:
    """The rebuilt .docx and what was taken out (keys of LABELS, plus part names)."""

    data: bytes
    removed: set[str] = field(default_factory=set)
    dropped_parts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """A Japanese sentence for the planner, or "" when nothing was removed."""
        shown = [LABELS[k] for k in LABELS if k in self.removed and k != "unknown"]
        return "組織の様式から次のものを取り除きました：" + "、".join(shown) if shown else ""


def _rels_name(part: str) -> str:
    d, base = posixpath.split(part)
    return posixpath.join(d, "_rels", base + ".rels")


def _resolve(source: str, target: str) -> str | None:
    """The part name a relative target points at, or None when it leaves the package."""
    target = target.split("#", 1)[0]
    if not target:
        return None
    joined = (
        target.lstrip("/") if target.startswith("/") else posixpath.join(posixpath.dirname(source), target)
    )
    name = posixpath.normpath(joined)
    return None if name.startswith("..") or name.startswith("/") else name


class _Package:
    def __init__(self, zf: zipfile.ZipFile) -> None:
        self.zf = zf
        self.infos = {i.filename: i for i in zf.infolist()}

    def read(self, name: str) -> bytes:
        return _read_capped(self.zf, self.infos[name], MAX_XML_PART_BYTES)


def _lxml(data: bytes, part: str) -> etree._Element:
    """Parse a part that defusedxml has already accepted; the DTD, if any, is not kept."""
    _parse_xml(data, part)  # refuses entity declarations and external entities
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_pis=True
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        raise UploadError(f"ファイル内の「{part}」が壊れています（XMLとして読めません）") from None


def _has_dtd(data: bytes) -> bool:
    return b"<!DOCTYPE" in data[:4096].upper()


def _clean_fields(root: etree._Element) -> bool:
    """Turn unsafe fields into their shown result; True when one was changed."""
    changed = False
    for simple in list(root.iter(f"{{{W}}}fldSimple")):
        name = (simple.get(f"{{{W}}}instr") or "").strip().split(" ")[0].upper()
        if name not in SAFE_FIELDS:
            _unwrap(simple)
            changed = True
    stack: list[tuple[list[etree._Element], list[str]]] = []
    doomed: list[etree._Element] = []
    tags = (f"{{{W}}}fldChar", f"{{{W}}}instrText", f"{{{W}}}delInstrText")
    for el in root.iter(*tags):
        if el.tag == f"{{{W}}}fldChar":
            kind = el.get(f"{{{W}}}fldCharType")
            if kind == "begin":
                stack.append(([el], []))
            elif stack:
                stack[-1][0].append(el)
                if kind == "end":
                    parts, instr = stack.pop()
                    if _field_name(instr) not in SAFE_FIELDS:
                        doomed += parts
        elif stack:
            stack[-1][0].append(el)
            stack[-1][1].append(el.text or "")
        else:
            doomed.append(el)  # an instruction outside any field
    for parts, instr in stack:  # never closed
        if _field_name(instr) not in SAFE_FIELDS:
            doomed += parts
    for el in doomed:
        el.getparent().remove(el)
    return changed or bool(doomed)


def _field_name(instr: list[str]) -> str:
    words = "".join(instr).strip().split()
    return words[0].upper() if words else ""


def _unwrap(el: etree._Element) -> None:
    parent = el.getparent()
    if parent is None:
        return
    i = parent.index(el)
    for j, child in enumerate(list(el)):
        parent.insert(i + j, child)
    parent.remove(el)


def _remove_for(el: etree._Element) -> None:
    """Remove `el`, or the drawing/picture/object holding it."""
    holder = next((a for a in el.iterancestors() if a.tag in _HOLDERS), None)
    target = holder if holder is not None else el
    if target.getparent() is not None:
        target.getparent().remove(target)


def _clean_xml(root: etree._Element, kept_ids: set[str], removed: set[str]) -> None:
    if _clean_fields(root):
        removed.add("field")
    for el in list(root.iter(*DROP)):
        if el.getparent() is not None:
            local = etree.QName(el).localname
            removed.add(
                "ole"
                if local in ("object", "control")
                else "customxml"
                if local == "dataBinding"
                else "external"
            )
            el.getparent().remove(el)
    for el in list(root.iter(*UNWRAP)):
        if etree.QName(el).localname == "customXml":
            removed.add("customxml")
        _unwrap(el)
    for el in list(root.iter()):
        if not isinstance(el.tag, str) or el.getparent() is None and el is not root:
            continue
        for name, value in list(el.attrib.items()):
            q = etree.QName(name)
            if q.namespace == R:
                if value in kept_ids:
                    continue
                removed.add("external")
                if q.localname == "link" and el.get(f"{{{R}}}embed") in kept_ids:
                    del el.attrib[name]  # embedded and linked: keep the embedded copy only
                else:
                    _remove_for(el)
                    break
            elif q.localname in ("href", "src") or (q.localname not in _IDENTIFIERS and _URLISH.match(value)):
                removed.add("external")
                del el.attrib[name]


def _image(data: bytes) -> tuple[str, str] | None:
    return next((v for magic, v in IMAGE_MAGIC.items() if data.startswith(magic)), None)


def clean_docx(name: str, data: bytes) -> CleanResult:
    """Screen (validate_office_upload) and rebuild an uploaded reference .docx."""
    validate_office_upload(name, data, "docx")
    result = CleanResult(b"")
    zf = zipfile.ZipFile(io.BytesIO(data))
    pkg = _Package(zf)
    lowered = {n.lower() for n in pkg.infos}
    if any(n.endswith(".bin") or "vba" in n for n in lowered):
        result.removed.add("macro")
    if any(n.startswith("customxml/") for n in lowered):
        result.removed.add("customxml")
    if any(n.startswith(("word/embeddings/", "word/activex/")) for n in lowered):
        result.removed.add("ole")

    parts: dict[str, tuple[str, str]] = {}  # kept part -> (kind, content type)
    rels_out: dict[str, list[tuple[str, str, str]]] = {}  # rels part -> [(id, type, target)]
    kept_ids: dict[str, set[str]] = {}
    queue = [("", "package")]
    while queue:
        source, kind = queue.pop(0)
        rels_part = _rels_name(source) if source else "_rels/.rels"
        kept: list[tuple[str, str, str]] = []
        if rels_part in pkg.infos:
            rels = _lxml(pkg.read(rels_part), rels_part)
            for rel in rels.iter(f"{{{PKG_REL}}}Relationship"):
                rid, rtype, target = rel.get("Id", ""), rel.get("Type", ""), rel.get("Target", "")
                if rel.get("TargetMode", "Internal") != "Internal":
                    result.removed.add("external")
                    continue
                if rtype not in ALLOWED_CHILDREN.get(kind, set()):
                    result.removed.add("unknown")
                    continue
                part = _resolve(source, target)
                if part is None or part not in pkg.infos or not rid:
                    result.removed.add("external" if part is None else "unknown")
                    continue
                child_kind, ctype = PART_TYPES[rtype]
                if child_kind == "image":
                    sniffed = _image(pkg.read(part))
                    if sniffed is None:
                        result.removed.add("image")
                        continue
                    ctype = sniffed[1]
                if part not in parts:
                    parts[part] = (child_kind, ctype)
                    if child_kind != "image":
                        queue.append((part, child_kind))
                elif parts[part][0] != child_kind:
                    raise UploadError(f"ファイル内の「{part}」が二つの用途に使われています")
                kept.append((rid, rtype, posixpath.relpath(part, posixpath.dirname(source) or ".")))
        rels_out[rels_part] = kept
        kept_ids[source] = {k[0] for k in kept}

    main = [p for p, (k, _) in parts.items() if k == "main"]
    if len(main) != 1:
        raise UploadError("Word文書（.docx）の本文の部品が見つかりません（この様式は使えません）")

    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        ct = etree.Element(f"{{{CT_NS}}}Types", nsmap={None: CT_NS})
        etree.SubElement(ct, f"{{{CT_NS}}}Default", Extension="rels",
                         ContentType="application/vnd.openxmlformats-package.relationships+xml")  # fmt: skip
        etree.SubElement(ct, f"{{{CT_NS}}}Default", Extension="xml", ContentType="application/xml")
        for part, (_kind, ctype) in sorted(parts.items()):
            etree.SubElement(ct, f"{{{CT_NS}}}Override", PartName="/" + part, ContentType=ctype)
        _put(dst, "[Content_Types].xml", _serialise(ct))
        for rels_part, kept in sorted(rels_out.items()):
            if not kept:
                continue
            rels = etree.Element(f"{{{PKG_REL}}}Relationships", nsmap={None: PKG_REL})
            for rid, rtype, target in kept:
                etree.SubElement(rels, f"{{{PKG_REL}}}Relationship", Id=rid, Type=rtype, Target=target)
            _put(dst, rels_part, _serialise(rels))
        for part, (kind, _ctype) in sorted(parts.items()):
            raw = pkg.read(part)
            if kind == "image":
                _put(dst, part, raw)
                continue
            if _has_dtd(raw):
                result.removed.add("dtd")
            root = _lxml(raw, part)
            want = ROOTS.get(kind)
            if want and (etree.QName(root).namespace != W or etree.QName(root).localname != want):
                raise UploadError(f"ファイル内の「{part}」の内容が正しくありません（この様式は使えません）")
            _clean_xml(root, kept_ids.get(part, set()), result.removed)
            _put(dst, part, _serialise(root))
    result.dropped_parts = sorted(set(pkg.infos) - set(parts) - set(rels_out) - {"[Content_Types].xml"})
    if any(not p.endswith(".rels") for p in result.dropped_parts):
        result.removed.add("unknown")
    result.data = out.getvalue()
    zf.close()
    return result


def _put(dst: zipfile.ZipFile, name: str, data: bytes) -> None:
    """Write a member with a fixed date, so the same upload always rebuilds to the same bytes."""
    dst.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), data, compress_type=zipfile.ZIP_DEFLATED)


def _serialise(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
