"""Guide revisions: the diff between two versions, and a plan's migration by stable keys with
the changes listed before anything is saved; the old revision stays."""

from __future__ import annotations

from plan_builder.auth.actor import Actor
from plan_builder.guide import get_guide
from plan_builder.guide.diff import diff_guides
from plan_builder.guide.model import Guide, Option, QuestionType, Requirement
from plan_builder.plan.migration import migrate_plan
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService


def _revised(guide: Guide) -> Guide:
    """The municipal guide with one question removed, one added, and two changed."""
    chapters = []
    for c in guide.chapters:
        qs = []
        for q in c.questions:
            if q.key == "current.data_status":
                continue  # removed
            if q.key == "structure.ordinance":  # an option dropped
                q = q.model_copy(update={"options": [o for o in q.options if o.value != "planned"]})
            if q.key == "positioning.review":  # now required, with a new label
                q = q.model_copy(update={"required": Requirement.REQUIRED, "label": "見直しの時期と方法"})
            qs.append(q)
        if c.key == "security":
            qs.append(
                qs[0].model_copy(
                    update={
                        "key": "security.incident",
                        "label": "事故への対応",
                        "type": QuestionType.SINGLE_CHOICE,
                        "options": [
                            Option(value="yes", label="定めている"),
                            Option(value="no", label="定めていない"),
                        ],
                        "options_from": None,
                        "required": Requirement.OPTIONAL,
                        "min_length": None,
                    }
                )
            )
        chapters.append(c.model_copy(update={"questions": qs}))
    return guide.model_copy(
        update={"id": "kanmin-2025-municipality", "edition": "令和7年版", "chapters": chapters}
    )


def test_diff_lists_added_removed_and_changed(guide: Guide) -> None:
    d = diff_guides(guide, _revised(guide))
    assert [q.key for q in d.added] == ["security.incident"]
    assert [q.key for q in d.removed] == ["current.data_status"]
    changed = {c.key: c for c in d.changed}
    assert set(changed) == {"structure.ordinance", "positioning.review"}
    assert "選択肢「planned」を削除" in changed["structure.ordinance"].details
    assert changed["structure.ordinance"].affects_answer
    assert set(changed["positioning.review"].fields) == {"設問文", "必須・推奨の区分"}
    assert not changed["positioning.review"].affects_answer
    assert diff_guides(guide, guide).empty


def test_migration_moves_answers_by_key_and_lists_what_it_set_aside(guide: Guide) -> None:
    plan = sample_plan(guide)
    plan = plan.model_copy(update={"answers": {**plan.answers, "structure.ordinance": "planned"}})
    new = _revised(guide)
    preview = migrate_plan(plan, guide, new)
    moved = preview.plan
    assert moved.guide_id == "kanmin-2025-municipality" and moved.guide_edition == "令和7年版"
    for key in preview.kept:
        assert moved.answers[key] == plan.answers[key]
    assert "current.overview" in preview.kept
    aside = {s.key: s for s in preview.set_aside}
    assert aside["current.data_status"].reason == "新しい版にこの設問がありません"
    assert aside["current.data_status"].value == plan.answers["current.data_status"]
    assert "structure.ordinance" in aside and "structure.ordinance" not in moved.answers
    assert moved.measures == plan.measures and moved.kpis == plan.kpis and moved.period == plan.period
    assert plan.guide_id == guide.id  # the input is untouched


def test_multi_choice_keeps_the_options_that_still_exist(guide: Guide) -> None:
    plan = sample_plan(guide)
    q = guide.question("purpose.goals")
    slim = guide.model_copy(
        update={
            "chapters": [
                c.model_copy(
                    update={
                        "questions": [
                            x.model_copy(update={"options": x.options[:2]}) if x.key == q.key else x
                            for x in c.questions
                        ]
                    }
                )
                for c in guide.chapters
            ]
        }
    )
    preview = migrate_plan(plan, guide, slim)
    assert preview.plan.answers[q.key] == [o.value for o in q.options[:2]]
    assert "外しました" in next(s.reason for s in preview.set_aside if s.key == q.key)


def test_migration_to_the_dx_guide_moves_shared_keys(guide: Guide) -> None:
    dx = get_guide("municipal-dx-2024")
    preview = migrate_plan(sample_plan(guide), guide, dx)
    assert "positioning.basis" in preview.kept and "security.cybersecurity" in preview.kept
    assert preview.plan.guide_id == dx.id
    assert {q.key for q in preview.diff.added} >= {"vision.statement", "policy.priority_version"}


def test_migration_saved_keeps_the_old_revision(store, guide: Guide, monkeypatch) -> None:
    from plan_builder.guide import loader

    revised = _revised(guide)  # as if a new guide file had been added to guide_templates/
    known = loader.get_guides()
    monkeypatch.setattr(loader, "get_guides", lambda: {**known, revised.id: revised})
    svc = PlanService(store, Actor.local())
    old = svc.create(sample_plan(guide))
    preview = migrate_plan(old.plan, guide, revised)
    saved = svc.save(old.id, preview.plan, expected_version=old.version, note=preview.note)
    assert svc.get(old.id).plan.guide_id == "kanmin-2025-municipality"
    assert svc.revision(old.id, old.version).plan == old.plan
    assert saved.version > old.version
