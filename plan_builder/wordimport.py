"""Import an existing plan from a Word document: read its headings and paragraphs, propose which
guide question each section answers, let the planner confirm or correct, then fill the answers.

The upload is screened first (plan_builder.uploads: zip structure, sizes, macros, XML entities),
so a hostile or broken file is refused with a clear message before python-docx reads it.
Proposals compare the section heading with the question's label and chapter title by shared
character pairs (Japanese has no spaces to split words on); the planner has the last word.
"""

from __future__ import annotations

import io
import re
import unicodedata
from dataclasses import dataclass, field

from docx import Document
from pydantic import ValidationError

from plan_builder.errors import PlanBuilderError
from plan_builder.guide import Guide, Question, QuestionType
from plan_builder.plan import Plan, describe_validation_error
from plan_builder.uploads import UploadError, validate_office_upload

_TEXT_TYPES = (QuestionType.LONG_TEXT, QuestionType.SHORT_TEXT)
_HEADING_STYLE = re.compile(r"^(heading|見出し)\s*(\d)", re.IGNORECASE)
_NUMBERED = re.compile(
    r"^(第[0-9０-９一二三四五六七八九十]+章|[0-9０-９]{1,2}[\.．\s　]|[（(][0-9０-９]{1,2}[)）])\s*"
)
MAX_BLOCKS = 5000
MIN_SCORE = 0.2


class WordImportError(PlanBuilderError):
    """The document cannot be used; `str(err)` says why in Japanese."""


@dataclass
class Section:
    title: str
    level: int
    paragraphs: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs).strip()


@dataclass(frozen=True)
class Proposal:
    section: int  # index into the sections
    question_key: str | None
    score: float


def _heading_level(style_name: str, text: str) -> int | None:
    m = _HEADING_STYLE.match(style_name or "")
    if m:
        return int(m.group(2))
    if style_name in ("Title", "表題"):
        return 1
    # Documents typed without heading styles: short numbered lines such as 「第1章 現状と課題」.
    if len(text) <= 40 and _NUMBERED.match(text) and not text.endswith("。"):
        return 1 if text.startswith("第") else 2
    return None


def read_sections(name: str, data: bytes) -> list[Section]:
    """The document's sections (heading + paragraphs), or UploadError/WordImportError."""
    validate_office_upload(name, data, "docx")
    try:
        doc = Document(io.BytesIO(data))
    except Exception:  # python-docx raises many kinds on a damaged package
        raise WordImportError("Word文書（.docx）が壊れていて読めません") from None
    sections: list[Section] = [Section(title="（見出しの前の文章）", level=0)]
    count = 0
    for p in doc.paragraphs:
        text = p.text.strip()  # the planner's own characters (全角％ etc.) are kept
        if not text:
            continue
        count += 1
        if count > MAX_BLOCKS:
            raise WordImportError(f"段落が多すぎます（{MAX_BLOCKS}段落まで）")
        level = _heading_level(
            p.style.name if p.style is not None else "", unicodedata.normalize("NFKC", text)
        )
        if level is not None:
            sections.append(Section(title=_NUMBERED.sub("", text).strip() or text, level=level))
        else:
            sections[-1].paragraphs.append(text)
    found = [s for s in sections if s.text or s.level > 0]
    if not any(s.text for s in found):
        raise WordImportError("この文書には本文がありません（見出しと段落のある計画の文書を選んでください）")
    return found


def _pairs(text: str) -> set[str]:
    s = re.sub(r"[\s、。・（）()「」：:]", "", unicodedata.normalize("NFKC", text))
    return {s[i : i + 2] for i in range(len(s) - 1)} or ({s} if s else set())


def _score(title: str, q: Question, chapter_title: str) -> float:
    a = _pairs(title)
    if not a:
        return 0.0
    label, chap = _pairs(q.label), _pairs(chapter_title)
    return max(len(a & label) / len(a | label or {""}), 0.8 * len(a & chap) / len(a | chap or {""}))


def importable_questions(guide: Guide) -> list[Question]:
    """Questions a section of text can answer (free text kept in plan.answers)."""
    return [q for q in guide.questions() if q.type in _TEXT_TYPES and not q.field]


def propose_mapping(sections: list[Section], guide: Guide) -> list[Proposal]:
    """The best-matching question for each section with text (None when nothing fits well)."""
    questions = importable_questions(guide)
    out = []
    for i, s in enumerate(sections):
        if not s.text:
            continue
        best, score = None, 0.0
        for q in questions:
            sc = _score(s.title, q, guide.chapter_of(q.key).title)
            if sc > score:
                best, score = q.key, sc
        out.append(Proposal(i, best if score >= MIN_SCORE else None, round(score, 3)))
    return out


def apply_mapping(
    plan: Plan,
    guide: Guide,
    sections: list[Section],
    mapping: dict[int, str | None],
    *,
    overwrite: bool = False,
) -> tuple[Plan, list[str]]:
    """The plan with the mapped sections' text as answers (several sections to one question are
    joined in document order); returns the keys filled. Answered questions are kept unless
    `overwrite`."""
    allowed = {q.key: q for q in importable_questions(guide)}
    texts: dict[str, list[str]] = {}
    for i in sorted(mapping):
        key = mapping[i]
        if not key:
            continue
        if key not in allowed:
            raise WordImportError(f"設問「{key}」には文章を取り込めません")
        if not 0 <= i < len(sections):
            raise WordImportError(f"{i + 1}番目の節はこの文書にありません")
        if sections[i].text:
            texts.setdefault(key, []).append(sections[i].text)
    answers = dict(plan.answers)
    filled = []
    for key, parts in texts.items():
        if answers.get(key) and not overwrite:
            continue
        text = "\n".join(parts)
        q = allowed[key]
        if q.max_length and len(text) > q.max_length:
            raise WordImportError(
                f"「{q.label}」に取り込む文章が{q.max_length}文字を超えています（{len(text)}文字）。対応する節を見直してください"
            )
        answers[key] = text
        filled.append(key)
    try:
        return Plan.model_validate({**plan.model_dump(), "answers": answers}), filled
    except ValidationError as exc:
        raise WordImportError(describe_validation_error(exc, Plan)) from None


__all__ = [
    "Proposal",
    "Section",
    "UploadError",
    "WordImportError",
    "apply_mapping",
    "propose_mapping",
    "read_sections",
]
