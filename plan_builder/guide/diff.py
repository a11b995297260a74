"""What changed between two guide versions, question by question (by stable key), so a planner
sees what a migration will do before it happens and a guide author can review a revision."""

from __future__ import annotations

from dataclasses import dataclass, field

from plan_builder.guide.model import Guide, Question

# Question attributes worth telling a planner about, with their Japanese names.
_FIELDS = {
    "type": "回答の形式",
    "label": "設問文",
    "required": "必須・推奨の区分",
    "options": "選択肢",
    "options_from": "選択肢の一覧",
    "max_length": "文字数の上限",
    "guidance": "解説",
    "examples": "記載例",
    "basis": "根拠",
    "field": "保存先",
}


@dataclass(frozen=True)
class QuestionChange:
    key: str
    label: str
    fields: list[str]  # Japanese names of what changed
    details: list[str] = field(default_factory=list)  # e.g. 選択肢「x」を削除

    @property
    def affects_answer(self) -> bool:
        """True when an existing answer may no longer fit (format or choices changed)."""
        return bool({"回答の形式", "選択肢", "選択肢の一覧", "文字数の上限", "保存先"} & set(self.fields))


@dataclass(frozen=True)
class GuideDiff:
    old_id: str
    new_id: str
    added: list[Question]
    removed: list[Question]
    changed: list[QuestionChange]
    chapters_renamed: list[tuple[str, str, str]]  # (chapter key, old title, new title)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.chapters_renamed)


def _option_values(guide: Guide, q: Question) -> list[str]:
    try:
        return [o.value for o in guide.options_for(q)]
    except KeyError:
        return []


def diff_guides(old: Guide, new: Guide) -> GuideDiff:
    """Questions added, removed and changed from `old` to `new`, in the new guide's order."""
    old_q = {q.key: q for q in old.questions()}
    new_q = {q.key: q for q in new.questions()}
    changed = []
    for key, nq in new_q.items():
        oq = old_q.get(key)
        if oq is None:
            continue
        names = [name for attr, name in _FIELDS.items() if getattr(oq, attr) != getattr(nq, attr)]
        details = []
        before, after = _option_values(old, oq), _option_values(new, nq)
        if before != after:
            if "選択肢" not in names:
                names.append("選択肢")
            details += [f"選択肢「{v}」を削除" for v in before if v not in after]
            details += [f"選択肢「{v}」を追加" for v in after if v not in before]
        if oq.type != nq.type:
            details.append(f"回答の形式：{oq.type.value} → {nq.type.value}")
        if oq.required != nq.required:
            details.append(f"区分：{oq.required.label} → {nq.required.label}")
        if names:
            changed.append(QuestionChange(key, nq.label, names, details))
    renamed = [
        (c.key, old.chapter(c.key).title, c.title)
        for c in new.chapters
        if c.key in {x.key for x in old.chapters} and old.chapter(c.key).title != c.title
    ]
    return GuideDiff(
        old_id=old.id,
        new_id=new.id,
        added=[q for k, q in new_q.items() if k not in old_q],
        removed=[q for k, q in old_q.items() if k not in new_q],
        changed=changed,
        chapters_renamed=renamed,
    )
