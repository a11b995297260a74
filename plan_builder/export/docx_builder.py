"""Build the Word document natively with python-docx from the rendered document tree.

The document starts from a reference .docx (the guide's, or an organisation's own), whose styles,
page setup and theme are kept; the body is emptied and rebuilt:

- section 1: the cover page and the table of contents (a TOC field Word updates on opening,
  whose cached result is a readable list of the chapters), without page numbers;
- section 2: the chapters, with page numbers "- 1 -" in the footer and the plan title in the
  header.

Charts are placed in two steps so the export can build the document while the browser draws:
`build()` leaves an empty paragraph per chart and returns these slots, `fill_charts()` puts each
picture (or a short note when there is none) in its slot, with the chart described in words
as its alternative text (`wp:docPr/@descr`).

Tables take their column widths from their content (a short column such as 担当課 or 番号 is
as wide as its longest line; long text columns share the rest), may span columns (`colspan`)
and shade cells (`fill`), which is how the 工程表 is a native, editable Word table. On saving,
the document is marked Japanese (`w:lang` ja-JP), in Word 2013+ mode (compatibilityMode 15),
created and modified at the export time, by plan_builder.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import Element

from docx import Document
from docx.blkcntnr import BlockItemContainer
from docx.document import Document as DocxDocument
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Emu, Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from plan_builder.export.styles import (
    TEXT_WIDTH,
    ensure_styles,
    insert_ordered,
    paragraph_border,
    set_document_language,
)
from plan_builder.export.text import (
    cell_em,
    children,
    clean,
    heading_text,
    inline_runs,
    inline_text,
    text_em,
    toc_entries,
)

LANG = "ja-JP"
APP_XML = (
    "<?xml version='1.0' encoding='UTF-8' standalone='yes'?>\n"
    '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
    'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
    "<Application>plan_builder</Application><DocSecurity>0</DocSecurity></Properties>"
)
LINK_COLOR = "0563C1"
CELL_EM = Pt(9)  # table text size: the unit of the content-based column widths
CELL_PAD_EM = 2.0  # cell margins and a little air, in em
SHORT_EM = 12.0  # a column whose longest line fits in this many em never wraps
LONG_MIN_EM = 8.0  # a long text column is never narrower than this (or its natural width)
KEEP_TOGETHER_LINES = 14  # a table up to this many printed lines is never split across pages
HEADER_FILL = "D9E2F3"
ROW_HEADER_FILL = "EDF1F9"
BORDER_COLOR = "7F7F7F"
_ALIGN = {
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "left": WD_ALIGN_PARAGRAPH.LEFT,
}


@dataclass
class ChartSlot:
    index: int  # position in document order (matches text.chart_elements)
    paragraph: Paragraph
    width: Emu
    label: str  # 図3 ○○の推移


# Schema successors (see styles.insert_ordered) for the elements set here.
_AFTER = {
    "w:tblW": ("w:jc", "w:tblCellSpacing", "w:tblInd", "w:tblBorders", "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"),
    "w:tblBorders": ("w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook"),
    "w:tblLayout": ("w:tblCellMar", "w:tblLook"),
    "w:tblCellMar": ("w:tblLook", "w:tblCaption", "w:tblDescription"),
    "w:cantSplit": ("w:trHeight", "w:tblHeader", "w:tblCellSpacing", "w:jc", "w:hidden"),
    "w:tblHeader": ("w:tblCellSpacing", "w:jc", "w:hidden"),
    "w:pgNumType": ("w:cols", "w:formProt", "w:vAlign", "w:noEndnote", "w:titlePg", "w:textDirection", "w:bidi", "w:rtlGutter", "w:docGrid", "w:printerSettings"),
    "w:compat": ("w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator"),
    "w:updateFields": ("w:hdrShapeDefaults", "w:footnotePr", "w:endnotePr", "w:compat", "w:docVars", "w:rsids", "m:mathPr", "w:attachedSchema", "w:themeFontLang", "w:clrSchemeMapping", "w:doNotIncludeSubdocsInStats", "w:doNotAutoCompressPictures", "w:forceUpgrade", "w:captions", "w:readModeInkLockDown", "w:smartTagType", "sl:schemaLibrary", "w:shapeDefaults", "w:doNotEmbedSmartTags", "w:decimalSymbol", "w:listSeparator"),
}  # fmt: skip


def _set(el, tag: str, **attrs: str):
    child = el.find(qn(tag))
    if child is None:
        child = insert_ordered(el, OxmlElement(tag), _AFTER.get(tag, ()))
    for k, v in attrs.items():
        child.set(qn(f"w:{k}"), v)
    return child


def _add_field(paragraph: Paragraph, instr: str, placeholder: str = "1") -> None:
    """A simple field (PAGE, NUMPAGES ...) with a cached result."""
    for kind, text in (
        ("begin", None),
        ("instr", instr),
        ("separate", None),
        ("text", placeholder),
        ("end", None),
    ):
        run = paragraph.add_run()
        if kind == "instr":
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = f" {text} "
            run._r.append(el)
        elif kind == "text":
            run.text = text or ""
        else:
            fld = OxmlElement("w:fldChar")
            fld.set(qn("w:fldCharType"), kind)
            run._r.append(fld)


def _fld_char(paragraph: Paragraph, kind: str, dirty: bool = False) -> None:
    run = paragraph.add_run()
    fld = OxmlElement("w:fldChar")
    fld.set(qn("w:fldCharType"), kind)
    if dirty:
        fld.set(qn("w:dirty"), "true")
    run._r.append(fld)


def _shade(cell: _Cell, fill: str) -> None:
    tcpr = cell._tc.get_or_add_tcPr()
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    tcpr.append(shd)


def _borders(table: Table, *, color: str = BORDER_COLOR, size: int = 4, none: bool = False) -> None:
    tblpr = table._tbl.tblPr
    old = tblpr.find(qn("w:tblBorders"))
    if old is not None:
        tblpr.remove(old)
    borders = insert_ordered(tblpr, OxmlElement("w:tblBorders"), _AFTER["w:tblBorders"])
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        b = OxmlElement(f"w:{edge}")
        if none:
            b.set(qn("w:val"), "nil")
        else:
            b.set(qn("w:val"), "single")
            b.set(qn("w:sz"), str(size))
            b.set(qn("w:space"), "0")
            b.set(qn("w:color"), color)
        borders.append(b)


def _fix_widths(table: Table, widths: list[Emu]) -> None:
    """Fixed layout with explicit grid and cell widths (Word and LibreOffice both honour them)."""
    table.autofit = False
    tblpr = table._tbl.tblPr
    _set(tblpr, "w:tblLayout", type="fixed")
    _set(tblpr, "w:tblW", w=str(int(sum(widths) / 635)), type="dxa")
    grid = table._tbl.tblGrid
    for col, w in zip(grid.findall(qn("w:gridCol")), widths, strict=False):
        col.set(qn("w:w"), str(int(w / 635)))
    for row in table.rows:
        for cell, w in zip(row.cells, widths, strict=False):
            cell.width = w


def content_widths(
    natural: list[float], fixed: list[bool], total: int, amount: list[float] | None = None
) -> list[int]:
    """Column widths (EMU) summing to `total` from each column's natural width in em.

    Short columns (and `fixed` ones) keep their natural width so they never wrap; the long
    columns share what is left in proportion to `amount` (the most text one of their cells
    holds, in em), so a 施策名 and its 概要 wrap to about as many lines, each at least
    LONG_MIN_EM wide. Without `amount`, by the square root of the natural width. When even the
    short columns do not fit, everything is scaled down together.
    """
    em = int(CELL_EM)
    need = [max(2.5, n + CELL_PAD_EM) * em for n in natural]
    short = [f or n <= SHORT_EM for n, f in zip(natural, fixed, strict=True)]
    if sum(need) <= total:  # everything fits on one line: spread the rest over the long columns
        longs = [i for i, s in enumerate(short) if not s] or list(range(len(need)))
        extra = (total - sum(need)) / sum(need[i] for i in longs)
        out = [w * (1 + extra) if i in longs else w for i, w in enumerate(need)]
    else:
        fixed_total = sum(w for w, s in zip(need, short, strict=True) if s)
        longs = [i for i, s in enumerate(short) if not s]
        rest = total - fixed_total
        if not longs or rest < len(longs) * 6 * em:
            out = [w * total / sum(need) for w in need]
        else:
            out = list(need)
            share = {i: (amount[i] if amount else need[i] ** 0.5) for i in longs}
            floor = {i: min(need[i], LONG_MIN_EM * em) for i in longs}
            while share:  # columns whose share is below their floor get the floor
                scale = (rest - sum(out[i] for i in longs if i not in share)) / sum(share.values())
                low = [i for i in share if share[i] * scale < floor[i]]
                if not low:
                    for i in share:
                        out[i] = share[i] * scale
                    break
                for i in low:
                    out[i] = floor[i]
                    del share[i]
    out = [int(w) for w in out]
    out[-1] += total - sum(out)
    return out


def _table_lines(grid: list[list[Element]], widths: list[Emu]) -> int:
    """About how many printed lines a table takes: per row, its tallest cell (line breaks and
    wrapping at the cell width, colspans taken as one column)."""
    total = 0
    for cells in grid:
        tallest = 1
        for c_el, width in zip(cells, widths, strict=False):
            per_line = max(1.0, width / int(CELL_EM) - CELL_PAD_EM)
            lines = sum(max(1, math.ceil(text_em(t) / per_line)) for t in inline_text(c_el).split("\n"))
            tallest = max(tallest, lines)
        total += tallest
    return total


def _hyperlink(p: Paragraph, text: str, url: str) -> None:
    """A clickable external link (blue, underlined) holding `text`."""
    r_id = p.part.relate_to(url, RT.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), r_id)
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), LINK_COLOR)
    underline = OxmlElement("w:u")
    underline.set(qn("w:val"), "single")
    rpr.append(color)
    rpr.append(underline)
    t = OxmlElement("w:t")
    t.set(qn("xml:space"), "preserve")
    t.text = text
    run.append(rpr)
    run.append(t)
    link.append(run)
    p._p.append(link)


def _repeat_header(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    _set(trpr, "w:tblHeader", val="true")


def _cant_split(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    _set(trpr, "w:cantSplit", val="true")


class DocxBuilder:
    def __init__(self, reference: Path, *, title: str = "", author: str = "") -> None:
        self.doc: DocxDocument = Document(str(reference))
        self._clear_body()
        self.added_styles = ensure_styles(self.doc)
        # Style ids by name, looked up once: python-docx resolves a style name by scanning
        # every style on each assignment, which dominated the build time.
        self._sid = {st.name: st.style_id for st in self.doc.styles if st.name}
        self._title = title
        props = self.doc.core_properties
        props.title = title
        props.author = author
        props.last_modified_by = author
        props.comments = ""
        props.keywords = "官民データ活用推進計画"
        self.slots: list[ChartSlot] = []
        self._first_h1 = False
        self._last_para: Paragraph | None = None
        self._prev_tag = ""  # the previous block of the tree, for keep-with-next decisions
        self.toc_runs: list[tuple[object, str]] = []  # (text run, heading text) per TOC line
        self._charts_seen = 0
        self._into: _Cell | None = None  # the cell that blocks go into instead of the body

    # Setup --------------------------------------------------------------------------------
    def _clear_body(self) -> None:
        body = self.doc.element.body
        for child in list(body):
            if child.tag != qn("w:sectPr"):
                body.remove(child)

    def _style(self, p: Paragraph, name: str) -> None:
        p._p.style = self._sid.get(name)

    def _cell_para(self, cell: _Cell, style: str) -> Paragraph:
        p = cell.add_paragraph()
        self._style(p, style)
        return p

    def _para(self, style: str, text: str = "", *, align: str | None = None) -> Paragraph:
        p = (self._into or self.doc).add_paragraph()
        self._style(p, style)
        self._last_para = p
        if text:
            self._runs(p, [(text, False)])
        if align in _ALIGN:
            p.alignment = _ALIGN[align]
        return p

    @staticmethod
    def _runs(p: Paragraph, runs: list[tuple]) -> None:
        """Add (text, bold[, link]) runs; "\n" is a line break, a link a real hyperlink."""
        for text, bold, *rest in runs:
            href = rest[0] if rest else ""
            parts = clean(text).split("\n")
            for i, part in enumerate(parts):
                if i:
                    p.add_run().add_break()
                if part and href:
                    _hyperlink(p, part, href)
                elif part:
                    run = p.add_run(part)
                    if bold:
                        run.bold = True

    def _add_table(self, rows: int, cols: int) -> Table:
        """A table in the body, or nested in the block cell being filled."""
        if self._into is None:
            return self.doc.add_table(rows=rows, cols=cols)
        # BlockItemContainer's own add_table: _Cell.add_table appends an empty paragraph after it
        return BlockItemContainer.add_table(self._into, rows, cols, Emu(int(TEXT_WIDTH)))

    # Build ----------------------------------------------------------------------------------
    def build(self, root: Element) -> list[ChartSlot]:
        body_started = False
        elements = list(root)
        for i, el in enumerate(elements):
            if el.tag == "table" and el.get("kind") == "kpi-years" and self._prev_tag == "chart-block":
                self._prev_tag = "table"
                continue  # drawn inside its chart's block
            if el.tag == "table" and self._prev_tag in ("p", "chart") and self._last_para is not None:
                # a table stays with its introduction, and a KPI's table of years with its chart
                self._last_para.paragraph_format.keep_with_next = True
            self._prev_tag = el.tag
            if el.tag in ("h1", "h2", "h3", "h4", "p", "ul", "table", "chart", "charts") and not body_started:
                self._start_body()
                body_started = True
            match el.tag:
                case "cover":
                    self._cover(el)
                case "toc":
                    self._toc(el, root)
                case "pagebreak":
                    self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
                case "h1" | "h2" | "h3" | "h4":
                    p = self._para(f"Heading {el.tag[1]}", heading_text(el))
                    if el.tag == "h1" and self._first_h1:
                        p.paragraph_format.page_break_before = False  # the section break did it
                        self._first_h1 = False
                case "p":
                    self._paragraph(el)
                case "ul":
                    for li in children(el, ["li"]):
                        p = self._para("List Item")
                        self._runs(p, [("・", False, ""), *inline_runs(li)])
                case "table":
                    self._table(el)
                case "chart":
                    after = elements[i + 1] if i + 1 < len(elements) else None
                    if children(el, ["p"]) and after is not None and after.get("kind") == "kpi-years":
                        self._chart_block(el, after)
                        self._prev_tag = "chart-block"
                    else:
                        self._chart(el, TEXT_WIDTH)
                case "charts":
                    self._chart_grid(el)
        if not body_started:
            self._start_body()
        return self.slots

    def _paragraph(self, el: Element) -> None:
        cls = el.get("class", "")
        style = "Note" if "note" in cls else "Body Text"
        p = self._para(style)
        self._runs(p, inline_runs(el))
        if "noindent" in cls:
            p.paragraph_format.first_line_indent = Pt(0)
        for name, align in _ALIGN.items():
            if name in cls.split():
                p.alignment = align
                p.paragraph_format.first_line_indent = Pt(0)

    def _cover(self, el: Element) -> None:
        parts = {c.tag: inline_text(c) for c in el}
        top = self._para("Subtitle", "")
        top.paragraph_format.space_before = Pt(150)
        title = self._para("Title", parts.get("title", self._title))
        line = {"val": "single", "sz": "12", "space": "12", "color": "1F3864"}
        paragraph_border(title._p.get_or_add_pPr(), {"top": line, "bottom": line})
        title.paragraph_format.space_after = Pt(24)
        if parts.get("subtitle"):
            self._para("Subtitle", parts["subtitle"])
        if parts.get("note"):
            self._para("Cover Date", parts["note"])
        date = self._para("Cover Date", parts.get("date", ""))
        date.paragraph_format.space_before = Pt(230)
        self._para("Cover Org", parts.get("org", ""))

    def _toc(self, el: Element, root: Element) -> None:
        heading = self._para("TOC Heading", el.get("title", "目次"))
        heading.paragraph_format.page_break_before = True
        entries = toc_entries(root, max_level=2)
        tab_pos = TEXT_WIDTH - Mm(1)
        paragraphs: list[Paragraph] = []
        if not entries:
            entries = [(1, "（見出しがありません）")]
        for level, _text in entries:
            p = self._para(f"TOC {min(level, 2)}")
            p.paragraph_format.tab_stops.add_tab_stop(tab_pos, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
            paragraphs.append(p)
        # Field: begin + instruction + separate in the first paragraph, end in the last.
        first = paragraphs[0]
        _fld_char(first, "begin", dirty=True)
        run = first.add_run()
        instr = OxmlElement("w:instrText")
        instr.set(qn("xml:space"), "preserve")
        instr.text = ' TOC \\o "1-2" \\h \\z \\u '
        run._r.append(instr)
        _fld_char(first, "separate")
        self.toc_runs = []
        for p, (_, text) in zip(paragraphs, entries, strict=True):
            self._runs(p, [(text, False)])
            self.toc_runs.append((p.runs[-1], text))
        _fld_char(paragraphs[-1], "end")
        note = self._para("Note", "")
        note.paragraph_format.space_before = Pt(12)

    def _start_body(self) -> None:
        """End section 1 (cover, contents) and start the numbered body."""
        first = self.doc.sections[0]
        self.doc.add_section(WD_SECTION.NEW_PAGE)
        body = self.doc.sections[-1]
        for section in (first, body):
            section.different_first_page_header_footer = False
        first.footer.is_linked_to_previous = False
        first.header.is_linked_to_previous = False
        for part in (first.footer, first.header):
            for p in part.paragraphs:
                for r in list(p.runs):
                    r._r.getparent().remove(r._r)
        body.footer.is_linked_to_previous = False
        body.header.is_linked_to_previous = False
        _set(body._sectPr, "w:pgNumType", start="1", fmt="decimal")
        footer = body.footer.paragraphs[0] if body.footer.paragraphs else body.footer.add_paragraph()
        self._style(footer, "Footer")
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("- ")
        _add_field(footer, "PAGE")
        footer.add_run(" -")
        header = body.header.paragraphs[0] if body.header.paragraphs else body.header.add_paragraph()
        self._style(header, "Footer")
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        if self._title:
            run = header.add_run(clean(self._title))
            run.font.size = Pt(8)
            run.font.color.rgb = RGBColor(0x59, 0x59, 0x59)
        # The first chapter opens the section: no extra page break before it.
        self._first_h1 = True

    def _table(self, el: Element) -> None:
        rows = children(el, ["tr"])
        if not rows:
            return
        if el.get("caption"):
            self._para("Table Caption", f"{el.get('number', '')}　{el.get('caption')}".strip())
        grid = [children(r, ["th", "td"]) for r in rows]
        spans = [[max(1, int(c.get("colspan", "1") or 1)) for c in cells] for cells in grid]
        ncols = max(sum(sp) for sp in spans)
        if ncols == 0:
            return
        table = self._add_table(len(rows), ncols)
        if "Table Grid" in self._sid:
            table._tbl.tblPr.style = self._sid["Table Grid"]
        _borders(table)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = self._widths(el, grid, spans, ncols)
        # A short table moves to the next page as a whole; a long one (a 施策 table of 5-line
        # schedules) may break between rows, keeping only its header with the first row, so it
        # never leaves half a page empty before it.
        keep_together = _table_lines(grid, widths) <= KEEP_TOGETHER_LINES
        n_header = sum(1 for r in rows if r.get("header") == "true")
        for n, (r_el, row, cells, row_spans) in enumerate(zip(rows, table.rows, grid, spans, strict=True)):
            is_header = r_el.get("header") == "true" or (cells and all(c.tag == "th" for c in cells))
            group = r_el.get("group") == "true"
            _cant_split(row)
            if r_el.get("header") == "true":
                _repeat_header(row)
            col = 0
            for c_el, span in zip(cells, row_spans, strict=True):
                if col >= ncols:
                    break
                cell = row.cells[col]
                if span > 1:
                    cell = cell.merge(row.cells[min(col + span, ncols) - 1])
                col += span
                heading = c_el.tag == "th"
                p = cell.paragraphs[0]
                self._style(p, "Table Heading" if heading else "Table Text")
                self._runs(p, inline_runs(c_el))
                align = c_el.get("align")
                if align in _ALIGN:
                    p.alignment = _ALIGN[align]
                elif heading and (group or not is_header):
                    p.alignment = WD_ALIGN_PARAGRAPH.LEFT
                fill = c_el.get("fill", "")
                if heading:
                    _shade(cell, HEADER_FILL if is_header and not group else ROW_HEADER_FILL)
                elif len(fill) == 6 and all(ch in "0123456789ABCDEFabcdef" for ch in fill):
                    _shade(cell, fill.upper())
                if n < len(rows) - 1 and (keep_together or n < n_header):
                    p.paragraph_format.keep_with_next = True
                cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _fix_widths(table, widths)
        spacer = self._para("Table Text")
        spacer.paragraph_format.space_after = Pt(4)

    @staticmethod
    def _widths(el: Element, grid: list[list[Element]], spans: list[list[int]], ncols: int) -> list[Emu]:
        """Explicit `widths` when the template gives them, else widths from the content."""
        raw = [float(x) for x in el.get("widths", "").split(",") if x.strip()]
        if raw:
            raw = (raw + [raw[-1]] * ncols)[:ncols]
            return [Emu(int(TEXT_WIDTH * w / sum(raw))) for w in raw]
        natural = [0.0] * ncols
        amount = [0.0] * ncols
        fixed = [False] * ncols
        for cells, row_spans in zip(grid, spans, strict=True):
            col = 0
            for c_el, span in zip(cells, row_spans, strict=True):
                if span == 1 and col < ncols:
                    natural[col] = max(natural[col], cell_em(c_el))
                    amount[col] = max(amount[col], text_em(inline_text(c_el).replace("\n", "")))
                    fixed[col] = fixed[col] or c_el.get("nowrap") == "true"
                col += span
        return [Emu(w) for w in content_widths(natural, fixed, int(TEXT_WIDTH), amount)]

    def _slot(self, p: Paragraph, width: Emu, el: Element) -> None:
        self.slots.append(ChartSlot(self._charts_seen, p, width, el.get("number", "")))
        self._charts_seen += 1

    def _chart(self, el: Element, width: Emu) -> None:
        side = children(el, ["p"])
        if side:
            self._chart_beside_text(el, side)
            return
        if self._last_para is not None:  # keep the introducing sentence with its chart
            self._last_para.paragraph_format.keep_with_next = True
        p = self._para("Figure")
        self._slot(p, Emu(int(width)), el)
        self._para("Caption", f"{el.get('number', '')}　{el.get('caption', '')}".strip())

    def _chart_block(self, chart: Element, years: Element) -> None:
        """A KPI's chart with its notes and its table of years, as one block that never splits.

        Keep-with-next after a table is lost in LibreOffice (the chart stayed at the foot of a
        page, its table on the next), so the block is one unsplittable row of a borderless
        one-cell table holding both, nested. Blocks still follow each other on a page."""
        box = self.doc.add_table(rows=1, cols=1)
        _borders(box, none=True)
        box.alignment = WD_TABLE_ALIGNMENT.CENTER
        margins = _set(box._tbl.tblPr, "w:tblCellMar")
        for side in ("left", "right"):
            m = margins.find(qn(f"w:{side}"))
            if m is None:
                m = OxmlElement(f"w:{side}")
                margins.append(m)
            m.set(qn("w:w"), "0")
            m.set(qn("w:type"), "dxa")
        _cant_split(box.rows[0])
        _fix_widths(box, [Emu(int(TEXT_WIDTH))])
        cell = box.rows[0].cells[0]
        empty = cell.paragraphs[0]
        self._into = cell
        try:
            self._chart_beside_text(chart, children(chart, ["p"]))
            self._table(years)
        finally:
            self._into = None
        empty._p.getparent().remove(empty._p)
        self._para("Table Text")

    def _chart_beside_text(self, el: Element, side: list[Element]) -> None:
        """A chart on the left and its notes (<p> children) on the right, in a borderless table."""
        table = self._add_table(1, 2)
        _borders(table, none=True)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        widths = [Emu(int(TEXT_WIDTH * 0.56)), Emu(int(TEXT_WIDTH * 0.44))]
        left, right = table.rows[0].cells
        p = left.paragraphs[0]
        self._style(p, "Figure")
        self._slot(p, Emu(int(widths[0] - Mm(3))), el)
        cap = self._cell_para(left, "Caption")
        self._runs(cap, [(f"{el.get('number', '')}　{el.get('caption', '')}".strip(), False)])
        for i, child in enumerate(side):
            q = right.paragraphs[0] if i == 0 else right.add_paragraph()
            self._style(q, "Table Text")
            q.paragraph_format.space_after = Pt(3)
            q.paragraph_format.left_indent = Pt(4)
            self._runs(q, inline_runs(child))
        right.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
        _cant_split(table.rows[0])
        _fix_widths(table, widths)
        if self._into is None:  # in a block, the table of years follows with its own space
            self._para("Table Text")

    def _chart_grid(self, el: Element) -> None:
        charts = children(el, ["chart"])
        if not charts:
            return
        cols = max(1, min(3, int(el.get("columns", "2") or 2)))
        nrows = (len(charts) + cols - 1) // cols
        table = self.doc.add_table(rows=nrows, cols=cols)
        _borders(table, none=True)
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        col_w = Emu(int(TEXT_WIDTH / cols))
        for i, chart in enumerate(charts):
            cell = table.rows[i // cols].cells[i % cols]
            p = cell.paragraphs[0]
            self._style(p, "Figure")
            self._slot(p, Emu(int(col_w - Mm(3))), chart)
            cap = self._cell_para(cell, "Caption")
            self._runs(cap, [(f"{chart.get('number', '')}　{chart.get('caption', '')}".strip(), False)])
        for row in table.rows:
            _cant_split(row)
        _fix_widths(table, [col_w] * cols)
        self._para("Table Text")

    # Charts ---------------------------------------------------------------------------------
    def fill_charts(self, images: list[bytes | None], note: str, alts: list[str] | None = None) -> int:
        """Put each picture in its slot with its alternative text, or a short note.

        Returns the number of pictures placed."""
        placed = 0
        for slot in self.slots:
            image = images[slot.index] if slot.index < len(images) else None
            if image:
                shape = slot.paragraph.add_run().add_picture(io.BytesIO(image), width=slot.width)
                alt = alts[slot.index] if alts and slot.index < len(alts) else ""
                doc_pr = shape._inline.docPr
                doc_pr.set("descr", clean(alt or slot.label or "グラフ"))
                doc_pr.set("title", clean(slot.label))
                placed += 1
            else:
                self._style(slot.paragraph, "Figure Note")
                self._box(slot.paragraph)
                self._runs(
                    slot.paragraph,
                    [
                        (
                            f"［{slot.label}のグラフは省略しました：{note or '画像を作成できませんでした'}］",
                            False,
                        )
                    ],
                )
        return placed

    @staticmethod
    def _box(p: Paragraph) -> None:
        line = {"val": "dashed", "sz": "4", "space": "6", "color": "A6A6A6"}
        paragraph_border(p._p.get_or_add_pPr(), dict.fromkeys(("top", "left", "bottom", "right"), line))

    def set_toc_pages(self, pages: list[int | None]) -> None:
        """Write page numbers into the TOC's cached lines (e.g. from a first PDF rendering)."""
        for (run, _), page in zip(self.toc_runs, pages, strict=False):
            if page is None:
                continue
            r = OxmlElement("w:r")
            r.append(OxmlElement("w:tab"))
            t = OxmlElement("w:t")
            t.text = str(page)
            r.append(t)
            run._r.addnext(r)

    def _finish(self) -> None:
        """Language, Word mode and true properties: what a published document must say."""
        settings = self.doc.settings.element
        _set(settings, "w:updateFields", val="true")  # Word refreshes the TOC on opening
        compat = settings.find(qn("w:compat"))
        if compat is None:
            compat = insert_ordered(settings, OxmlElement("w:compat"), _AFTER["w:compat"])
        mode = next(
            (c for c in compat.findall(qn("w:compatSetting")) if c.get(qn("w:name")) == "compatibilityMode"),
            None,
        )
        if mode is None:
            mode = OxmlElement("w:compatSetting")
            mode.set(qn("w:name"), "compatibilityMode")
            mode.set(qn("w:uri"), "http://schemas.microsoft.com/office/word")
            compat.append(mode)
        mode.set(qn("w:val"), "15")
        theme_lang = settings.find(qn("w:themeFontLang"))
        if theme_lang is not None:
            theme_lang.set(qn("w:val"), LANG)
            theme_lang.set(qn("w:eastAsia"), LANG)
        set_document_language(self.doc, LANG)
        now = datetime.now(UTC).replace(microsecond=0, tzinfo=None)
        props = self.doc.core_properties
        props.created = props.modified = now
        props.revision = 1
        props.language = LANG
        package = self.doc.part.package
        for part in package.iter_parts():
            if str(part.partname) == "/docProps/app.xml":
                part._blob = APP_XML.encode("utf-8")
        for r_id, rel in list(package.rels.items()):
            if rel.reltype.endswith("/thumbnail"):  # the reference's picture, not this document
                package.rels.pop(r_id)

    def save(self, out: Path | io.BytesIO) -> None:
        self._finish()
        self.doc.save(out if isinstance(out, io.BytesIO) else str(out))
