"""The house style of the plan document: Word paragraph styles, fonts and A4 page setup.

`make_reference_docx.py` (beside the templates) applies it to a blank document to produce the
shipped reference.docx. The builder only calls `ensure_styles`, which adds the styles a supplied
reference lacks and leaves the ones it has alone, so an organisation's house styles win.

Japanese fonts only take effect when `w:eastAsia` is set and the theme-font attributes
(`w:asciiTheme`, `w:eastAsiaTheme`, ...) are removed, on docDefaults and on every style.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.document import Document as DocxDocument
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

MINCHO = "ＭＳ 明朝"
GOTHIC = "ＭＳ ゴシック"
LATIN_SERIF = "Century"
LATIN_SANS = "Arial"

A4 = (Mm(210), Mm(297))
MARGINS = {"top": Mm(25), "bottom": Mm(22), "left": Mm(25), "right": Mm(25)}
TEXT_WIDTH = A4[0] - MARGINS["left"] - MARGINS["right"]

_THEME_ATTRS = ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme")

# Elements that follow a given one in the OOXML schema sequence: Word rejects files whose
# elements are out of order, so new elements are inserted before the first successor present.
PPR_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd",
    "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents",
    "w:suppressOverlap", "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap",
    "w:outlineLvl", "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip
PPR_AFTER_OUTLINE = ("w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")
RPR_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


def insert_ordered(parent, child, successors: tuple[str, ...]):
    """Insert `child` into `parent` before the first of `successors` present (else append)."""
    for tag in successors:
        found = parent.find(qn(tag))
        if found is not None:
            found.addprevious(child)
            return child
    parent.append(child)
    return child


def paragraph_border(ppr, edges: dict[str, dict[str, str]]) -> None:
    """Replace a paragraph's borders (w:pBdr), keeping the schema order."""
    old = ppr.find(qn("w:pBdr"))
    if old is not None:
        ppr.remove(old)
    if not edges:
        return
    pbdr = OxmlElement("w:pBdr")
    for edge in ("top", "left", "bottom", "right"):
        if edge in edges:
            b = OxmlElement(f"w:{edge}")
            for k, v in edges[edge].items():
                b.set(qn(f"w:{k}"), v)
            pbdr.append(b)
    insert_ordered(ppr, pbdr, PPR_AFTER_PBDR)


@dataclass(frozen=True)
class StyleSpec:
    name: str
    gothic: bool = False
    size: float = 10.5
    bold: bool = False
    align: WD_ALIGN_PARAGRAPH | None = None
    before: float = 0
    after: float = 0
    line: float | None = 1.15  # multiple of single
    first_indent: float | None = None  # pt
    left_indent: float | None = None  # pt
    keep_next: bool = False
    page_break_before: bool = False
    base: str | None = "Normal"
    border_bottom: bool = False
    outline: int | None = None


SPECS: list[StyleSpec] = [
    StyleSpec("Normal", base=None),
    StyleSpec("Body Text", first_indent=10.5, after=3, align=WD_ALIGN_PARAGRAPH.JUSTIFY, line=1.3),
    StyleSpec("Title", gothic=True, size=24, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=18, line=1.2),
    StyleSpec("Subtitle", gothic=True, size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=6),
    StyleSpec("Cover Org", gothic=True, size=18, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6),
    StyleSpec("Cover Date", size=14, align=WD_ALIGN_PARAGRAPH.CENTER, after=6),
    StyleSpec(
        "Heading 1",
        gothic=True,
        size=16,
        bold=True,
        after=14,
        keep_next=True,
        page_break_before=True,
        border_bottom=True,
        outline=0,
    ),
    StyleSpec("Heading 2", gothic=True, size=13, bold=True, before=14, after=6, keep_next=True, outline=1),
    StyleSpec(
        "Heading 3",
        gothic=True,
        size=11.5,
        bold=True,
        before=10,
        after=4,
        keep_next=True,
        left_indent=5,
        outline=2,
    ),
    StyleSpec(
        "Heading 4",
        gothic=True,
        size=10.5,
        bold=True,
        before=8,
        after=3,
        keep_next=True,
        left_indent=10.5,
        outline=3,
    ),
    StyleSpec("Caption", gothic=True, size=9.5, align=WD_ALIGN_PARAGRAPH.CENTER, before=3, after=8),
    StyleSpec(
        "Table Caption",
        gothic=True,
        size=9.5,
        align=WD_ALIGN_PARAGRAPH.CENTER,
        before=8,
        after=3,
        keep_next=True,
    ),
    StyleSpec("Table Text", size=9, line=1.1),
    StyleSpec("Table Heading", gothic=True, size=9, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, line=1.1),
    StyleSpec("Figure", align=WD_ALIGN_PARAGRAPH.CENTER, line=1.0, before=6, keep_next=True),
    StyleSpec("Figure Note", size=9, align=WD_ALIGN_PARAGRAPH.CENTER, before=12, after=12, line=1.2),
    StyleSpec("Note", size=9, left_indent=10.5, after=3),
    StyleSpec("List Item", first_indent=-10.5, left_indent=21, after=2, line=1.3),
    StyleSpec("TOC Heading", gothic=True, size=16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, after=14),
    StyleSpec("TOC 1", gothic=True, size=10.5, before=4, after=0, line=1.05),
    StyleSpec("TOC 2", size=10, left_indent=21, after=0, line=1.0),
    StyleSpec("Footer", size=9, align=WD_ALIGN_PARAGRAPH.CENTER, line=1.0),
]
SPEC_BY_NAME = {s.name: s for s in SPECS}


def _set_fonts(rpr, ascii_font: str, east_asia: str) -> None:
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in _THEME_ATTRS:
        key = qn(attr)
        if key in rfonts.attrib:
            del rfonts.attrib[key]
    rfonts.set(qn("w:ascii"), ascii_font)
    rfonts.set(qn("w:hAnsi"), ascii_font)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), ascii_font)


def _default_run_properties(doc: DocxDocument):
    """docDefaults/rPrDefault/rPr of the styles part, created where the reference lacks it."""
    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        styles.insert(0, defaults)
    rpr_default = defaults.find(qn("w:rPrDefault"))
    if rpr_default is None:
        rpr_default = OxmlElement("w:rPrDefault")
        defaults.insert(0, rpr_default)
    rpr = rpr_default.find(qn("w:rPr"))
    if rpr is None:
        rpr = OxmlElement("w:rPr")
        rpr_default.append(rpr)
    return rpr


def _doc_defaults(doc: DocxDocument) -> None:
    rpr = _default_run_properties(doc)
    _set_fonts(rpr, LATIN_SERIF, MINCHO)
    rpr.get_or_add_sz().val = Pt(10.5)
    szcs = rpr.find(qn("w:szCs"))
    if szcs is not None:
        szcs.set(qn("w:val"), "21")
    set_document_language(doc, "ja-JP")


def set_document_language(doc: DocxDocument, lang_tag: str) -> None:
    """The default language of every run (w:lang val and eastAsia): what a screen reader speaks
    and what a PDF made from the document declares as its language."""
    rpr = _default_run_properties(doc)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = insert_ordered(rpr, OxmlElement("w:lang"), RPR_AFTER_LANG)
    lang.set(qn("w:val"), lang_tag)
    lang.set(qn("w:eastAsia"), lang_tag)


def _apply(style, spec: StyleSpec) -> None:
    font = style.font
    font.size = Pt(spec.size)
    font.bold = spec.bold
    font.italic = False
    font.color.rgb = RGBColor(0, 0, 0)
    font.name = LATIN_SANS if spec.gothic else LATIN_SERIF
    _set_fonts(style.element.get_or_add_rPr(), font.name, GOTHIC if spec.gothic else MINCHO)
    # Drop theme colours the default template puts on headings and titles.
    color = style.element.rPr.find(qn("w:color"))
    if color is not None:
        for attr in ("w:themeColor", "w:themeShade", "w:themeTint"):
            if qn(attr) in color.attrib:
                del color.attrib[qn(attr)]
    pf = style.paragraph_format
    pf.alignment = spec.align if spec.align is not None else WD_ALIGN_PARAGRAPH.LEFT
    pf.space_before = Pt(spec.before)
    pf.space_after = Pt(spec.after)
    if spec.line is not None:
        pf.line_spacing_rule = WD_LINE_SPACING.MULTIPLE
        pf.line_spacing = spec.line
    pf.first_line_indent = Pt(spec.first_indent) if spec.first_indent is not None else None
    pf.left_indent = Pt(spec.left_indent) if spec.left_indent is not None else None
    pf.keep_with_next = spec.keep_next
    pf.page_break_before = spec.page_break_before
    ppr = style.element.get_or_add_pPr()
    bottom = {"val": "single", "sz": "8", "space": "4", "color": "1F3864"}
    paragraph_border(ppr, {"bottom": bottom} if spec.border_bottom else {})
    if spec.outline is not None:
        outline = ppr.find(qn("w:outlineLvl"))
        if outline is None:
            outline = insert_ordered(ppr, OxmlElement("w:outlineLvl"), PPR_AFTER_OUTLINE)
        outline.set(qn("w:val"), str(spec.outline))


def _get_or_add(doc: DocxDocument, name: str):
    try:
        return doc.styles[name], False
    except KeyError:
        return doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH), True


def apply_house_style(doc: DocxDocument) -> None:
    """Set every style of SPECS on `doc` (for generating the reference document)."""
    _doc_defaults(doc)
    for spec in SPECS:
        style, _ = _get_or_add(doc, spec.name)
        if spec.base and spec.name != "Normal":
            style.base_style = doc.styles[spec.base]
        style.quick_style = True
        _apply(style, spec)
    # Every other style of the blank template: drop the theme fonts too (Heading 5–9, the
    # linked "… Char" styles), and the dozens of unused coloured table styles.
    keep_tables = {"Normal Table", "Table Grid"}
    for style in list(doc.styles):
        el = style.element
        if el.get(qn("w:type")) == "table" and style.name not in keep_tables:
            el.getparent().remove(el)
            continue
        rpr = el.rPr
        rfonts = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if rfonts is not None and any(qn(a) in rfonts.attrib for a in _THEME_ATTRS):
            gothic = (style.name or "").lower().startswith(("heading", "title", "subtitle"))
            _set_fonts(rpr, LATIN_SANS if gothic else LATIN_SERIF, GOTHIC if gothic else MINCHO)
    setup_page(doc)


def ensure_styles(doc: DocxDocument) -> list[str]:
    """Add the styles the builder uses that `doc` lacks; return the names added."""
    added = []
    for spec in SPECS:
        style, created = _get_or_add(doc, spec.name)
        if created:
            if spec.base:
                style.base_style = doc.styles[spec.base]
            _apply(style, spec)
            added.append(spec.name)
    return added


def setup_page(doc: DocxDocument) -> None:
    for section in doc.sections:
        section.page_width, section.page_height = A4
        section.top_margin = MARGINS["top"]
        section.bottom_margin = MARGINS["bottom"]
        section.left_margin = MARGINS["left"]
        section.right_margin = MARGINS["right"]
        section.header_distance = Mm(12)
        section.footer_distance = Mm(10)
