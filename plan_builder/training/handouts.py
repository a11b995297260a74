"""Hand-outs for a briefing session: the session name and how to join, then the guide chapter by
chapter with an exercise per chapter, page numbers, and Japanese typography that holds in print.

Typography: Word's Quote style is italic, and italic kana is a slanted imitation that Japanese
print never uses, so every style and run used here is upright. The title is set in lines broken at
phrase boundaries and sized to fit, so no word is split across lines (「手／引」). The exercises are
this tool's own material for practice, built from the guide's required and recommended
questions; they are marked 演習 and are not presented as the guide's text.
"""

from __future__ import annotations

import io
import re
from typing import Literal

from plan_builder.export import reference_docx_for
from plan_builder.guide import Chapter, Guide, Requirement
from plan_builder.plan import example_locality
from plan_builder.training.sessions import SessionInfo, TrainingInputError

Format = Literal["md", "docx"]


def join_lines(text: str) -> str:
    """Guide text is hard-wrapped in YAML; Japanese joins lines without spaces."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join("".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def join_steps(session: SessionInfo | None, join_url: str = "") -> list[str]:
    where = (
        f"ブラウザで {join_url} を開きます。"
        if join_url
        else "講師が案内するアドレスをブラウザで開きます（画面のQRコードからも開けます）。"
    )
    code = f"「{session.join_code}」" if session else "（講師が画面に表示します）"
    return [
        where,
        f"「研修に参加する」欄に、参加コード{code}と、表示名（自分の名前など）を入力します。",
        "「参加する」を押すと、自分専用の練習用の計画が開きます。アカウントやメールアドレスは要りません。",
        "練習用の計画は研修用の架空の団体（研修県・研修市）のもので、審査や集計には含まれません。",
        "研修が終了すると、練習用の計画は閲覧だけができるようになります。",
    ]


def exercise(ch: Chapter) -> list[str]:
    """Practice tasks for a chapter: its required and recommended questions."""
    wanted = [q for q in ch.questions if q.required is not Requirement.OPTIONAL]
    return [f"「{q.label}」を記入してみましょう（{q.required.label}）。" for q in wanted or ch.questions[:2]]


def _title_lines(guide: Guide) -> list[str]:
    return [guide.title, "研修用配布資料"]


def handout_markdown(guide: Guide, session: SessionInfo | None = None, join_url: str = "") -> str:
    lines = [f"# {'　'.join(_title_lines(guide))}", ""]
    if session:
        lines += [f"研修名：{session.name}", ""]
    lines += [guide.edition, "", "## 参加のしかた", ""]
    lines += [f"{i}. {s}" for i, s in enumerate(join_steps(session, join_url), start=1)] + [""]
    for ch in guide.chapters:
        lines += [f"## 第{ch.number}章　{ch.title}", ""]
        if ch.intro:
            lines += [join_lines(ch.intro), ""]
        for q in ch.questions:
            basis = f"（根拠：{join_lines(q.basis)}）" if q.basis else ""
            lines += [
                f"### {q.label}",
                "",
                f"- 区分：{q.required.label}{basis}",
                f"- 出典：{q.citation.text()}",
                "",
            ]
            lines += [join_lines(q.guidance), ""]
            if q.examples:
                example = example_locality(guide.variant).fill(q.examples[0])
                lines += ["記載例：", ""] + ["> " + x for x in join_lines(example).splitlines()] + [""]
        lines += [f"### 演習（第{ch.number}章）", ""] + [f"- {t}" for t in exercise(ch)] + [""]
    return "\n".join(lines).rstrip() + "\n"


def _upright(doc) -> None:
    for style in doc.styles:
        font = getattr(style, "font", None)
        if font is not None and font.italic:
            font.italic = False


def _page_numbers(doc) -> None:
    """「－ 1 －」 centred in every footer (a PAGE field, so Word and LibreOffice count)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    for section in doc.sections:
        footer = section.footer
        para = footer.paragraphs[0] if footer.paragraphs else footer.add_paragraph()
        para.text = ""
        para.alignment = WD_ALIGN_PARAGRAPH.CENTER
        para.add_run("－ ")
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        para._p.append(field)
        para.add_run(" －")


def handout_docx(guide: Guide, session: SessionInfo | None = None, join_url: str = "") -> bytes:
    from docx import Document  # lazy: python-docx is only needed for this download
    from docx.enum.text import WD_BREAK
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document(str(reference_docx_for(guide)))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    _upright(doc)
    _page_numbers(doc)
    doc.core_properties.title = f"{guide.title} 研修用配布資料"
    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(_title_lines(guide)):
        run = title.add_run(line)
        run.font.size = Pt(18)  # 20 characters fit one A4 line at 18 pt
        if i < len(_title_lines(guide)) - 1:
            run.add_break(WD_BREAK.LINE)
    if session:
        doc.add_paragraph(f"研修名：{session.name}")
    doc.add_paragraph(guide.edition)
    doc.add_paragraph("参加のしかた", style="Heading 1")
    for i, step in enumerate(join_steps(session, join_url), start=1):
        doc.add_paragraph(f"{i}．{step}")
    for ch in guide.chapters:
        doc.add_paragraph(f"第{ch.number}章　{ch.title}", style="Heading 1")
        if ch.intro:
            for para in join_lines(ch.intro).split("\n\n"):
                doc.add_paragraph(para)
        for q in ch.questions:
            doc.add_paragraph(q.label, style="Heading 2")
            basis = f"（根拠：{join_lines(q.basis)}）" if q.basis else ""
            doc.add_paragraph(f"区分：{q.required.label}{basis}")
            for para in join_lines(q.guidance).split("\n\n"):
                doc.add_paragraph(para)
            if q.examples:
                p = doc.add_paragraph(style="Quote")
                example = example_locality(guide.variant).fill(q.examples[0])
                p.add_run("記載例：" + join_lines(example)).italic = False
            doc.add_paragraph(f"出典：{q.citation.text()}", style="Note")
        doc.add_paragraph(f"演習（第{ch.number}章）", style="Heading 2")
        for task in exercise(ch):
            doc.add_paragraph(f"□ {task}")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def handout(guide: Guide, fmt: Format, session: SessionInfo | None = None, join_url: str = "") -> bytes:
    if fmt == "md":
        return handout_markdown(guide, session, join_url).encode("utf-8")
    if fmt == "docx":
        return handout_docx(guide, session, join_url)
    raise TrainingInputError(f"配布資料の形式「{fmt}」には対応していません（md または docx）")
