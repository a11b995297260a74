"""Pydantic models of a planning guide: chapters, questions, pillars and reference lists.

A guide is data: everything a planner sees at a question (label, guidance, 記載例, required
level and its basis, citation) comes from a file, so a revised guide is a new file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from plan_builder.guide.placeholders import PLACEHOLDERS, unknown_placeholders

KEY_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"
_KEY_RE = re.compile(KEY_PATTERN)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QuestionType(StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTI_CHOICE = "multi_choice"
    NUMBER = "number"
    FISCAL_YEAR = "fiscal_year"
    DATE = "date"
    URL = "url"
    CHECKLIST = "checklist"
    # Structured questions whose answers live in dedicated parts of the plan model.
    PLAN_PERIOD = "plan_period"
    PILLARS = "pillars"
    MEASURES = "measures"
    KPIS = "kpis"


BOUND_FIELDS = Literal[
    "title", "publication_url", "contact.department", "contact.phone", "contact.email", "contact.address"
]

CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE, QuestionType.CHECKLIST}


class Requirement(StrEnum):
    REQUIRED = "required"
    RECOMMENDED = "recommended"
    OPTIONAL = "optional"

    @property
    def label(self) -> str:
        return {"required": "必須", "recommended": "推奨", "optional": "任意"}[self.value]


class Citation(_Strict):
    """Where the guide says it: edition, part and chapter (and page when known)."""

    edition: str
    part: str
    chapter: str
    page: int | None = None

    def text(self) -> str:
        page = f" {self.page}頁" if self.page else ""
        return f"{self.edition} {self.part} {self.chapter}{page}"


class Option(_Strict):
    value: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    description: str = ""


class Question(_Strict):
    key: str = Field(pattern=KEY_PATTERN)
    type: QuestionType
    label: str = Field(min_length=1)
    guidance: str = Field(min_length=1)
    examples: list[str] = Field(default_factory=list)
    required: Requirement = Requirement.OPTIONAL
    basis: str = ""
    citation: Citation
    options: list[Option] = Field(default_factory=list)
    options_from: str | None = None  # id of a reference list (e.g. open_data_sets)
    min_length: int | None = None  # for text: shorter answers are flagged
    max_length: int | None = None
    placeholder: str = ""
    # The plan field the answer lives in, for answers the plan model holds in their own place
    # (title, publication_url, contact.department, ...). None: stored in plan.answers[key].
    field: BOUND_FIELDS | None = None
    # True when the content is this tool's inference, not the source's text; the guidance must
    # then say so on screen (「推定」).
    inferred: bool = False

    @model_validator(mode="after")
    def _choices_have_options(self) -> Question:
        if self.inferred and "推定" not in self.guidance:
            raise ValueError(f"設問 {self.key} は inferred なので、guidance に「推定」と明記してください")
        if self.type in CHOICE_TYPES and not (self.options or self.options_from):
            raise ValueError(f"選択式の設問 {self.key} に options か options_from がありません")
        if self.type not in CHOICE_TYPES and (self.options or self.options_from):
            raise ValueError(f"設問 {self.key} は選択式ではないのに options があります")
        if self.required is not Requirement.OPTIONAL and not self.basis:
            raise ValueError(f"必須・推奨の設問 {self.key} に basis（根拠）がありません")
        for i, example in enumerate(self.examples, start=1):
            bad = unknown_placeholders(example)
            if bad:
                known = "、".join(f"{{{name}}}" for name in PLACEHOLDERS)
                raise ValueError(
                    f"設問 {self.key} の記載例{i}に使えない差し込み（{'、'.join(bad)}）があります。"
                    f"使える差し込み: {known}"
                )
        return self


class Chapter(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    number: int = Field(ge=1)
    title: str
    intro: str = ""
    citation: Citation
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _keys_under_chapter(self) -> Chapter:
        for q in self.questions:
            if not q.key.startswith(self.key + "."):
                raise ValueError(f"設問キー {q.key} は章キー {self.key}. で始まる必要があります")
        return self


class PillarVisibility(StrEnum):
    CORE = "core"  # one of the five pillars, always offered
    EXTRA = "extra"  # optional extra, offered on request
    HIDDEN = "hidden"  # out of scope of this guide, hidden by default


class Pillar(_Strict):
    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    article: int = Field(ge=1, le=99)
    name: str
    short_name: str
    article_title: str
    visibility: PillarVisibility
    description: str = ""

    @property
    def article_label(self) -> str:
        return f"法第{self.article}条"


class ReferenceItem(_Strict):
    value: str = Field(pattern=r"^[a-z0-9_]+$")
    label: str
    number: str = ""
    description: str = ""
    inferred: bool = False  # see Question.inferred; the description must then say 「推定」

    @model_validator(mode="after")
    def _inferred_is_labelled(self) -> ReferenceItem:
        if self.inferred and "推定" not in self.description:
            raise ValueError(
                f"項目 {self.value} は inferred なので、description に「推定」と明記してください"
            )
        return self


class ReferenceList(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    source: str
    note: str = ""
    items: list[ReferenceItem] = Field(min_length=1)


class SecondLaw(_Strict):
    """A second plan this guide's plan may also serve as (a DX plan that is also the
    官民データ活用推進計画): the other guide's requirements, by the shared question keys."""

    guide_id: str
    plan_kind: str
    declared_by: str = Field(pattern=KEY_PATTERN)  # a yes/no question; "yes" declares it
    statement: str = Field(min_length=1)  # printed in the 位置付け; {lg} is the body's name
    basis: str = Field(min_length=1)
    required: list[str] = Field(min_length=1)
    recommended: list[str] = Field(default_factory=list)


class Guide(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    title: str
    edition: str
    date: date
    variant: Literal["prefecture", "municipality"]
    plan_kind: str = "官民データ活用推進計画"
    description: str = ""
    templates: str = ""  # folder under guide_templates/templates/ with the document templates
    pillars: list[Pillar] = Field(min_length=1)
    chapters: list[Chapter] = Field(min_length=1)
    references: list[ReferenceList] = Field(default_factory=list)
    also_serves: SecondLaw | None = None

    @property
    def variant_label(self) -> str:
        return "都道府県版" if self.variant == "prefecture" else "市町村版"

    @model_validator(mode="after")
    def _consistent(self) -> Guide:
        where: dict[str, list[str]] = {}
        for ci, c in enumerate(self.chapters):
            for qi, q in enumerate(c.questions):
                where.setdefault(q.key, []).append(f"chapters[{ci}].questions[{qi}].key")
        dupes = [f"{k}（{', '.join(locs)}）" for k, locs in sorted(where.items()) if len(locs) > 1]
        if dupes:
            raise ValueError(f"設問キーが重複しています: {', '.join(dupes)}")
        chapter_keys = [c.key for c in self.chapters]
        if len(set(chapter_keys)) != len(chapter_keys):
            raise ValueError("章キーが重複しています")
        numbers = [c.number for c in self.chapters]
        if numbers != list(range(1, len(numbers) + 1)):
            raise ValueError(f"章番号は1から連番にしてください（現在 {numbers}）")
        ref_ids = {r.id for r in self.references}
        for ci, c in enumerate(self.chapters):
            for qi, q in enumerate(c.questions):
                if q.options_from and q.options_from not in ref_ids:
                    raise ValueError(
                        f"設問 {q.key}（chapters[{ci}].questions[{qi}].options_from）の "
                        f"options_from「{q.options_from}」が references にありません"
                    )
        if self.also_serves:
            s = self.also_serves
            unknown = [k for k in [s.declared_by, *s.required, *s.recommended] if k not in where]
            if unknown:
                raise ValueError(f"also_serves に、この手引にない設問キーがあります: {', '.join(unknown)}")
        articles = [p.article for p in self.pillars]
        if len(set(articles)) != len(articles):
            raise ValueError("柱の法条番号が重複しています")
        return self

    def serves_both_laws(self, answers: Mapping[str, object]) -> bool:
        """True when a plan's answers say 「兼ねる」 to this guide's second-law question."""
        return bool(self.also_serves and answers.get(self.also_serves.declared_by) == "yes")

    def for_both_laws(self) -> Guide:
        """This guide with the second law's requirements raised on the shared questions."""
        if not self.also_serves:
            return self
        s = self.also_serves
        rank = {Requirement.OPTIONAL: 0, Requirement.RECOMMENDED: 1, Requirement.REQUIRED: 2}
        wanted = {k: Requirement.RECOMMENDED for k in s.recommended} | {
            k: Requirement.REQUIRED for k in s.required
        }

        def raised(q: Question) -> Question:
            level = wanted.get(q.key)
            if level is None or rank[level] <= rank[q.required]:
                return q
            return q.model_copy(
                update={"required": level, "basis": f"{s.basis}（{s.plan_kind}を兼ねるため）"}
            )

        chapters = [
            c.model_copy(update={"questions": [raised(q) for q in c.questions]}) for c in self.chapters
        ]
        return self.model_copy(update={"chapters": chapters})

    # Lookups ---------------------------------------------------------------------------
    def questions(self) -> list[Question]:
        return [q for c in self.chapters for q in c.questions]

    def question(self, key: str) -> Question:
        for q in self.questions():
            if q.key == key:
                return q
        raise KeyError(key)

    def chapter(self, key: str) -> Chapter:
        for c in self.chapters:
            if c.key == key:
                return c
        raise KeyError(key)

    def chapter_of(self, question_key: str) -> Chapter:
        return self.chapter(question_key.split(".", 1)[0])

    def pillar(self, key: str) -> Pillar:
        for p in self.pillars:
            if p.key == key:
                return p
        raise KeyError(key)

    def pillars_shown(self, extras: set[str] | None = None) -> list[Pillar]:
        """Core pillars, plus any extras the plan has taken up; hidden ones never."""
        extras = extras or set()
        return [
            p
            for p in self.pillars
            if p.visibility is PillarVisibility.CORE
            or (p.visibility is PillarVisibility.EXTRA and p.key in extras)
        ]

    def reference(self, ref_id: str) -> ReferenceList:
        for r in self.references:
            if r.id == ref_id:
                return r
        raise KeyError(ref_id)

    def options_for(self, question: Question) -> list[Option]:
        if question.options_from:
            return [
                Option(value=i.value, label=f"{i.number} {i.label}".strip(), description=i.description)
                for i in self.reference(question.options_from).items
            ]
        return list(question.options)


def is_valid_key(key: str) -> bool:
    return bool(_KEY_RE.match(key))
