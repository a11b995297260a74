"""Briefing sessions (説明会): sandboxes for a room of participants, a progress board, handouts.

No tables of its own: a session is the set of training plans whose title starts with
「【研修：{session}】」, and the rest of the title is the participant. Sandboxes are created,
read and restored through PlanService, so permissions and the audit log apply as everywhere
else. Only trainers and admins may use this.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from plan_builder.auth.actor import Actor, Role
from plan_builder.checks import check_plan
from plan_builder.creation import new_plan
from plan_builder.errors import PermissionDeniedError, PlanBuilderError
from plan_builder.export import reference_docx_for
from plan_builder.guide import Guide, get_guide
from plan_builder.plan import PlanPeriod, clean_text
from plan_builder.samples import DEFAULT_MUNICIPALITY, DEFAULT_PREFECTURE, END_FY, START_FY, sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store, StoredPlan

MAX_NAME = 40
MAX_PARTICIPANTS = 60
Start = Literal["blank", "sample"]
_TITLE_RE = re.compile(r"^【研修：(?P<session>[^【】]+)】(?P<participant>.+)$", re.DOTALL)
_FORBIDDEN = "【】"


class TrainingInputError(PlanBuilderError):
    """Bad input for a session; the message is Japanese and names the field."""


@dataclass(frozen=True)
class SeatProgress:
    """One participant's sandbox as the trainer sees it on the progress board."""

    participant: str
    plan_id: int
    version: int
    updated_at: datetime
    completeness: float  # 0–1, required + recommended questions answered
    chapters: dict[str, float]  # chapter key -> completeness 0–1, in the guide's order
    errors: int  # findings of severity "error"


def seat_title(session: str, participant: str) -> str:
    return f"【研修：{session}】{participant}"


def parse_title(title: str) -> tuple[str, str] | None:
    """(session, participant) of a sandbox title, or None for any other title."""
    m = _TITLE_RE.match(title)
    return (m["session"], m["participant"]) if m else None


def _clean_name(value: str, field: str) -> str:
    name = clean_text(value or "")
    if not name:
        raise TrainingInputError(f"{field}を入力してください")
    if len(name) > MAX_NAME:
        raise TrainingInputError(
            f"{field}「{name[:10]}…」は{MAX_NAME}文字以内にしてください（{len(name)}文字）"
        )
    if "\n" in name or any(c in name for c in _FORBIDDEN):
        raise TrainingInputError(f"{field}「{name}」には改行と「【」「】」を使えません")
    return name


def clean_participants(participants: list[str]) -> list[str]:
    """Names cleaned and checked: non-empty, short, unique, at most MAX_PARTICIPANTS."""
    names = [_clean_name(p, f"参加者名（{i}人目）") for i, p in enumerate(participants, start=1)]
    if not names:
        raise TrainingInputError("参加者名を1人以上入力してください")
    if len(names) > MAX_PARTICIPANTS:
        raise TrainingInputError(f"参加者は{MAX_PARTICIPANTS}人以内にしてください（{len(names)}人）")
    seen: set[str] = set()
    dupes = [n for n in names if n in seen or seen.add(n)]  # type: ignore[func-returns-value]
    if dupes:
        raise TrainingInputError(f"参加者名「{dupes[0]}」が重複しています")
    return names


def _join_lines(text: str) -> str:
    """Guide text is hard-wrapped in YAML; Japanese joins lines without spaces."""
    paragraphs = re.split(r"\n\s*\n", text.strip())
    return "\n\n".join("".join(line.strip() for line in p.splitlines()) for p in paragraphs)


class TrainingService:
    def __init__(self, store: Store, actor: Actor) -> None:
        if actor.role not in (Role.TRAINER, Role.ADMIN):
            raise PermissionDeniedError("研修の機能は研修講師と管理者だけが使えます")
        self.store, self.actor = store, actor
        self.plans = PlanService(store, actor)

    # Sandboxes ---------------------------------------------------------------------------
    def create_sandboxes(
        self,
        session: str,
        participants: list[str],
        guide_id: str,
        *,
        start: Start,
        lg_code: str | None = None,
    ) -> list[StoredPlan]:
        """One training plan per participant, blank (period and title only) or the sample plan."""
        session = _clean_name(session, "研修名")
        names = clean_participants(participants)
        if start not in ("blank", "sample"):
            raise TrainingInputError("開始時の内容は「白紙」か「記入例」を選んでください")
        guide = get_guide(guide_id)
        taken = {s.participant for s in self._seats(session)}
        clash = [n for n in names if n in taken]
        if clash:
            raise TrainingInputError(f"研修「{session}」には参加者「{clash[0]}」の練習用計画がすでにあります")
        default = DEFAULT_PREFECTURE if guide.variant == "prefecture" else DEFAULT_MUNICIPALITY
        lg = self.store.local_government(lg_code or default[0])
        out = []
        for name in names:
            title = seat_title(session, name)
            if start == "sample":
                plan = sample_plan(guide, lg_code=lg.code6, lg_name=lg.name)
                plan = plan.model_copy(update={"title": title, "is_training": True})
            else:
                plan = new_plan(lg, guide, title=title, training=True)
                plan = plan.model_copy(update={"period": PlanPeriod(start_fy=START_FY, end_fy=END_FY)})
            out.append(self.plans.create(plan))
        return out

    def _seats(self, session: str | None = None):
        """Training plans that are seats (of `session`), oldest first: (summary, session, name)."""
        out = []
        for s in sorted(self.plans.list_plans(training=True), key=lambda s: s.id):
            # The seat is named by the title it was created with: participants may retitle it.
            parsed = parse_title(s.title) or parse_title(self.plans.revision(s.id, 1).plan.title)
            if parsed and (session is None or parsed[0] == session):
                out.append(_Seat(s.id, parsed[0], parsed[1]))
        return out

    def sessions(self) -> list[str]:
        """Session names, the most recently created first."""
        names: list[str] = []
        for seat in reversed(self._seats()):
            if seat.session not in names:
                names.append(seat.session)
        return names

    def board(self, session: str) -> list[SeatProgress]:
        """Progress of every participant of `session`, in the order they were created."""
        out = []
        for seat in self._seats(session):
            stored = self.plans.get(seat.plan_id)
            guide = get_guide(stored.plan.guide_id)
            report = check_plan(stored.plan, guide)
            out.append(
                SeatProgress(
                    participant=seat.participant,
                    plan_id=seat.plan_id,
                    version=stored.version,
                    updated_at=stored.updated_at,
                    completeness=report.completeness,
                    chapters={c.key: report.chapter_completeness(c.key) for c in guide.chapters},
                    errors=report.count("error"),
                )
            )
        return out

    def reset(self, plan_id: int) -> StoredPlan:
        """Bring a sandbox back to its first version, as a new revision (history is kept)."""
        first = self.plans.revision(plan_id, 1)  # NotFoundError when the actor may not read it
        if not first.plan.is_training or parse_title(first.plan.title) is None:
            raise PermissionDeniedError(f"計画（ID {plan_id}）は研修の練習用計画ではありません")
        current = self.plans.current_version(plan_id)
        return self.plans.restore(plan_id, 1, expected_version=current)

    def handout(self, guide: Guide, fmt: Literal["md", "docx"]) -> bytes:
        """Printable material on `guide` for the participants (guide text only)."""
        return handout(guide, fmt)


@dataclass(frozen=True)
class _Seat:
    plan_id: int
    session: str
    participant: str


# Handouts ---------------------------------------------------------------------------------
def _requirement(q) -> str:
    basis = f"（根拠：{_join_lines(q.basis)}）" if q.basis else ""
    return f"{q.required.label}{basis}"


def handout_markdown(guide: Guide) -> str:
    """The guide's questions as printable Markdown: one section per chapter."""
    lines = [f"# {guide.title}　研修用配布資料", "", f"{guide.edition}", ""]
    for ch in guide.chapters:
        lines += [f"## 第{ch.number}章　{ch.title}", ""]
        if ch.intro:
            lines += [_join_lines(ch.intro), ""]
        for q in ch.questions:
            lines += [f"### {q.label}", "", f"- 区分：{_requirement(q)}", f"- 出典：{q.citation.text()}", ""]
            lines += [_join_lines(q.guidance), ""]
            if q.examples:
                lines += ["記載例：", ""]
                lines += ["> " + line for line in _join_lines(q.examples[0]).splitlines()] + [""]
    return "\n".join(lines).rstrip() + "\n"


def handout_docx(guide: Guide) -> bytes:
    """The same material as Word, on the guide's reference.docx (its fonts and styles)."""
    from docx import Document  # lazy: python-docx is only needed for this download
    from docx.oxml.ns import qn

    doc = Document(str(reference_docx_for(guide)))
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    doc.core_properties.title = f"{guide.title} 研修用配布資料"
    doc.add_paragraph(f"{guide.title}　研修用配布資料", style="Title")
    doc.add_paragraph(guide.edition)
    for ch in guide.chapters:
        doc.add_paragraph(f"第{ch.number}章　{ch.title}", style="Heading 1")
        if ch.intro:
            for para in _join_lines(ch.intro).split("\n\n"):
                doc.add_paragraph(para)
        for q in ch.questions:
            doc.add_paragraph(q.label, style="Heading 2")
            doc.add_paragraph(f"区分：{_requirement(q)}")
            for para in _join_lines(q.guidance).split("\n\n"):
                doc.add_paragraph(para)
            if q.examples:
                doc.add_paragraph("記載例：" + _join_lines(q.examples[0]), style="Quote")
            doc.add_paragraph(f"出典：{q.citation.text()}", style="Note")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def handout(guide: Guide, fmt: Literal["md", "docx"]) -> bytes:
    if fmt == "md":
        return handout_markdown(guide).encode("utf-8")
    if fmt == "docx":
        return handout_docx(guide)
    raise TrainingInputError(f"配布資料の形式「{fmt}」には対応していません（md または docx）")
