"""Readable diffs (paragraphs side by side) and the submitted plan as a reviewer's document."""

from __future__ import annotations

import io

from docx import Document

from plan_builder.guide import Guide
from plan_builder.review import DocumentService
from plan_builder.review.diff import paragraph_rows
from plan_builder.service import PlanService
from plan_builder.store import Store
from tests.desk_support import REVIEWER, planner, seed_fujieda

OLD = "第一段落は変わりません。\n第二段落は古い内容です。\n消える段落です。"
NEW = "第一段落は変わりません。\n第二段落は新しい内容です。\n\n足した段落です。\n最後に加えた段落です。"


def test_paragraphs_pair_old_and_new_and_mark_changes_inside() -> None:
    rows = paragraph_rows(OLD, NEW)
    assert [r.op for r in rows] == ["equal", "changed", "changed", "added"]
    changed = rows[1]
    assert "".join(s.text for s in changed.old) == "第二段落は古い内容です。"
    assert "".join(s.text for s in changed.new) == "第二段落は新しい内容です。"
    assert {s.op for s in changed.old} == {"equal", "delete"} and {s.op for s in changed.new} == {
        "equal",
        "insert",
    }
    assert rows[3].old == [] and rows[3].new[0].text == "最後に加えた段落です。"
    assert paragraph_rows("", "") == [] and [r.op for r in paragraph_rows("a", "")] == ["removed"]


def test_reviewer_downloads_the_frozen_submission_as_word(store: Store, guide: Guide) -> None:
    pid = seed_fujieda(store, guide)
    # the planner goes on editing after submitting; the reviewer's document stays as submitted
    who = planner("222143")
    cur = PlanService(store, who).get(pid)
    changed = {**cur.plan.answers, "current.issues": "提出後に書き換えた課題です。" * 3}
    PlanService(store, who).save(
        pid, cur.plan.model_copy(update={"answers": changed}), expected_version=cur.version
    )
    data, name = DocumentService(store, REVIEWER).submitted(pid, "docx")
    assert name == DocumentService(store, REVIEWER).name(pid, "docx", round=1) and name.endswith(
        "第1回提出.docx"
    )
    text = "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    assert "藤枝市" in text and "提出後に書き換えた課題です。" not in text
