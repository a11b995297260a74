"""A self-contained HTML page from the same document tree as the Word file.

Every piece of text is escaped; charts are embedded as PNG data URIs (or a note); the page loads
nothing from anywhere, and its Content-Security-Policy forbids scripts and remote resources,
so even text that looks like markup stays inert.
"""

from __future__ import annotations

import base64
from html import escape
from xml.etree.ElementTree import Element

from plan_builder.export.text import cell_em, children, heading_text, inline_runs, inline_text, toc_entries

CSS = """
@page { size: A4; margin: 25mm 25mm 22mm; }
body { font-family: "Yu Mincho", "Hiragino Mincho ProN", "Noto Serif CJK JP", "IPAexMincho", serif;
  font-size: 10.5pt; line-height: 1.75; color: #111; max-width: 170mm; margin: 0 auto; padding: 1em; }
h1, h2, h3, h4, .cover, caption, .caption, th, nav {
  font-family: "Yu Gothic", "Hiragino Sans", "Noto Sans CJK JP", "IPAexGothic", sans-serif; }
.cover { text-align: center; padding: 30mm 0 20mm; page-break-after: always; }
.cover .title { font-size: 24pt; font-weight: bold; border-top: 2px solid #1F3864;
  border-bottom: 2px solid #1F3864; padding: 12pt 0; margin: 0 0 18pt; }
.cover .subtitle { font-size: 14pt; } .cover .date { font-size: 14pt; margin-top: 60mm; }
.cover .org { font-size: 18pt; }
nav { page-break-after: always; } nav h2 { text-align: center; border: none; }
nav ol { list-style: none; padding: 0; } nav a { color: inherit; text-decoration: none; } nav li.l2 { padding-left: 2em; font-family: inherit; }
h1 { font-size: 16pt; border-bottom: 2px solid #1F3864; padding-bottom: 4pt; margin-top: 2.5em;
  page-break-before: always; }
h2 { font-size: 13pt; margin-top: 1.6em; } h3 { font-size: 11.5pt; margin-left: .4em; }
h4 { font-size: 10.5pt; margin-left: 1em; }
p { text-indent: 1em; margin: .2em 0 .4em; text-align: justify; }
p.noindent, p.center, p.right { text-indent: 0; } p.center { text-align: center; }
p.right { text-align: right; } p.note { font-size: 9pt; text-indent: 0; margin-left: 1em; color: #333; }
ul { list-style: none; padding-left: 2em; } ul li::before { content: "・"; margin-left: -1em; }
table.grid { border-collapse: collapse; width: 100%; margin: .4em 0 1em; font-size: 9pt; line-height: 1.5; }
table.grid caption { font-size: 9.5pt; padding: 4pt; }
table.grid th, table.grid td { border: 1px solid #7F7F7F; padding: 3pt 5pt; vertical-align: middle; }
table.grid tr.header th { background: #D9E2F3; text-align: center; }
table.grid th { background: #EDF1F9; text-align: left; }
table.grid tr.group th { background: #EDF1F9; font-weight: bold; }
p.left { text-align: left; } a { color: #0563C1; word-break: break-all; }
td.right { text-align: right; } td.center { text-align: center; }
figure { margin: .8em 0; text-align: center; page-break-inside: avoid; }
figure img { max-width: 100%; height: auto; }
figcaption { font-family: "Yu Gothic", "Hiragino Sans", "Noto Sans CJK JP", sans-serif; font-size: 9.5pt; }
.grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: .5em 1em; }
.beside { display: grid; grid-template-columns: 56% 44%; align-items: center; gap: 0 .5em; }
.beside .notes p { font-size: 9pt; margin: .15em 0; }
.chart-note { border: 1px dashed #A6A6A6; padding: 1.5em; font-size: 9pt; color: #444; }
"""

NOWRAP_EM = 8.0  # a cell this short (a 課名, a number, a year) never wraps
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def _inline(el: Element) -> str:
    out = []
    for text, bold, href in inline_runs(el):
        if text == "\n":
            out.append("<br>")
            continue
        t = f"<strong>{escape(text)}</strong>" if bold else escape(text)
        out.append(f'<a href="{escape(href)}">{t}</a>' if href else t)
    return "".join(out)


def _body(root: Element, images: list[bytes | None], note: str, alts: list[str] | None) -> list[str]:
    """The document tree as HTML elements (everything inside <body>)."""
    body: list[str] = []
    heading_ids: dict[int, str] = {}
    chart_no = 0
    count = 0
    for el in root.iter():
        if el.tag in ("h1", "h2", "h3", "h4"):
            count += 1
            heading_ids[id(el)] = f"s{count}"

    def chart(el: Element) -> str:
        nonlocal chart_no
        image = images[chart_no] if chart_no < len(images) else None
        alt = escape(alts[chart_no]) if alts and chart_no < len(alts) else ""
        chart_no += 1
        caption = escape(f"{el.get('number', '')}　{el.get('caption', '')}".strip())
        if image:
            data = base64.b64encode(image).decode("ascii")
            inner = f'<img src="data:image/png;base64,{data}" alt="{alt or caption}">'
        else:
            reason = escape(note or "画像を作成できませんでした")
            inner = f'<div class="chart-note">［{escape(el.get("number", ""))}のグラフは省略しました：{reason}］</div>'
        figure = f"<figure>{inner}<figcaption>{caption}</figcaption></figure>"
        notes = children(el, ["p"])
        if notes:
            text = "".join(f'<p class="noindent">{_inline(p)}</p>' for p in notes)
            return f'<div class="beside">{figure}<div class="notes">{text}</div></div>'
        return figure

    for el in root:
        match el.tag:
            case "cover":
                parts = {c.tag: escape(inline_text(c)) for c in el}
                body.append('<section class="cover">')
                for part in ("title", "subtitle", "note", "date", "org"):
                    if parts.get(part):
                        body.append(f'<div class="{part}">{parts[part]}</div>')
                body.append("</section>")
            case "toc":
                items = []
                hs = [h for h in root.iter() if h.tag in ("h1", "h2")]
                entries = toc_entries(root)
                for h, (level, text) in zip(hs, entries, strict=False):
                    items.append(
                        f'<li class="l{level}"><a href="#{heading_ids[id(h)]}">{escape(text)}</a></li>'
                    )
                body.append(f"<nav><h2>{escape(el.get('title', '目次'))}</h2><ol>{''.join(items)}</ol></nav>")
            case "h1" | "h2" | "h3" | "h4":
                body.append(f'<{el.tag} id="{heading_ids[id(el)]}">{escape(heading_text(el))}</{el.tag}>')
            case "p":
                cls = escape(el.get("class", ""))
                body.append(f'<p class="{cls}">{_inline(el)}</p>' if cls else f"<p>{_inline(el)}</p>")
            case "ul":
                body.append(
                    "<ul>" + "".join(f"<li>{_inline(li)}</li>" for li in children(el, ["li"])) + "</ul>"
                )
            case "table":
                rows = children(el, ["tr"])
                html_rows = []
                for r in rows:
                    cells = []
                    for c in children(r, ["th", "td"]):
                        align = c.get("align")
                        attrs = f' class="{escape(align)}"' if align in ("right", "center") else ""
                        span = c.get("colspan", "1")
                        if span.isdigit() and int(span) > 1:
                            attrs += f' colspan="{int(span)}"'
                        if c.get("nowrap") == "true" or cell_em(c) <= NOWRAP_EM:
                            attrs += ' style="white-space:nowrap"'
                        fill = c.get("fill", "")
                        if len(fill) == 6 and all(ch in "0123456789ABCDEFabcdef" for ch in fill):
                            attrs = attrs.replace(' style="white-space:nowrap"', "")
                            attrs += f' style="background:#{fill}"'
                        cells.append(f"<{c.tag}{attrs}>{_inline(c)}</{c.tag}>")
                    rcls = ' class="header"' if r.get("header") == "true" else ""
                    rcls = ' class="group"' if r.get("group") == "true" else rcls
                    html_rows.append(f"<tr{rcls}>{''.join(cells)}</tr>")
                caption = ""
                if el.get("caption"):
                    caption = (
                        f"<caption>{escape(el.get('number', ''))}　{escape(el.get('caption', ''))}</caption>"
                    )
                body.append(f'<table class="grid">{caption}{"".join(html_rows)}</table>')
            case "chart":
                body.append(chart(el))
            case "charts":
                cols = "grid2" if el.get("columns", "2") != "1" else ""
                body.append(
                    f'<div class="{cols}">' + "".join(chart(c) for c in children(el, ["chart"])) + "</div>"
                )
            case "pagebreak":
                body.append('<div style="page-break-after: always"></div>')
    return body


def render_html(
    root: Element, images: list[bytes | None], note: str, *, title: str, alts: list[str] | None = None
) -> str:
    body = _body(root, images, note, alts)
    return (
        "<!DOCTYPE html>\n"
        '<html lang="ja">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{escape(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
