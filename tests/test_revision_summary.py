"""revision_summary: one row per revision, kept in step by the revision writer (insert,
coalesce, trim) and filled for existing revisions by migration 0009; the coverage matrix and
the KPI benchmark read it and get what the plans' full content gives."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import get_guide
from plan_builder.guide.model import Guide
from plan_builder.plan.model import Plan
from plan_builder.plan.summary import coverage_summary, kpi_rows
from plan_builder.review.coverage import coverage_matrix
from plan_builder.review.kpi import kpi_index
from plan_builder.review.snapshots import SnapshotService
from plan_builder.samples import sample_plan
from plan_builder.store import Store, make_engine
from plan_builder.store.migrate import upgrade
from plan_builder.store.repo import AUTOSAVE_TAIL, COALESCE_WINDOW, RevisionWrite
from plan_builder.store.tables import PlanRevisionRecord, RevisionSummaryRecord, utcnow

ADMIN = Actor("admin", Role.ADMIN)
GUIDE_ID = "kanmin-2019-municipality"


def _plan(guide: Guide, seed: int = 1) -> Plan:
    return sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=4, n_kpis=5, seed=seed)


def _edit(plan: Plan, i: int) -> Plan:
    """Answers, pillars and KPIs change from save to save, so a stale summary would show."""
    answers = dict(plan.answers)
    if i % 3 == 0:
        answers.pop("current.overview", None)
    else:
        answers["current.overview"] = f"第{i}稿"
    first = plan.kpis[0].model_copy(update={"name": f"指標{i}", "unit": ["件", "％", "人"][i % 3]})
    return plan.model_copy(update={"answers": answers, "kpis": [first, *plan.kpis[1:]]})


def _assert_in_step(store: Store, plan_id: int) -> None:
    """Exactly one summary per revision, equal to the summary of the revision's content."""
    guide = get_guide(GUIDE_ID)
    with store.session() as s:
        revs = {
            r.version: r.data
            for r in s.exec(
                sa.select(PlanRevisionRecord).where(PlanRevisionRecord.plan_id == plan_id)
            ).scalars()
        }
        sums = {
            r.version: r
            for r in s.exec(
                sa.select(RevisionSummaryRecord).where(RevisionSummaryRecord.plan_id == plan_id)
            ).scalars()
        }
    assert sorted(sums) == sorted(revs)
    for v, data in revs.items():
        assert sums[v].coverage == coverage_summary(data, guide)
        assert sums[v].kpis == kpi_rows(data)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(
        st.tuples(st.sampled_from(["a", "b"]), st.integers(0, 30), st.booleans()), min_size=1, max_size=40
    )
)
def test_summaries_follow_coalesced_and_trimmed_revisions(
    store: Store, saves: list[tuple[str, int, bool]]
) -> None:
    s = store.create_plan(_plan(get_guide(GUIDE_ID)), "a")
    at = utcnow()
    for i, (who, minutes, named) in enumerate(saves):
        at += timedelta(minutes=minutes)
        s = store.write(
            RevisionWrite(s.id, _edit(s.plan, i), s.version, who, named=named and i % 7 == 0, at=at)
        )
    _assert_in_step(store, s.id)


def test_views_from_summaries_equal_views_from_full_content(store: Store, guide: Guide) -> None:
    for seed in range(1, 5):
        s = store.create_plan(_plan(guide, seed), "a")
        store.write(RevisionWrite(s.id, _edit(s.plan, seed), s.version, "a"))
    svc = SnapshotService(store, ADMIN)
    full, lean = coverage_matrix(svc.load(), guide), coverage_matrix(svc.load(content="coverage"), guide)
    assert [r.values for r in lean.rows] == [r.values for r in full.rows] and len(full.rows) == 4
    assert kpi_index(svc.load(content="kpis")) == kpi_index(svc.load()) != {}


def test_migration_0009_summarises_existing_revisions(fresh_database_url: str, guide: Guide) -> None:
    engine = make_engine(fresh_database_url)
    try:
        upgrade(engine, "0008")
        Store(engine).load_local_governments()
        data = _plan(guide).model_dump(mode="json")
        t0 = utcnow().replace(tzinfo=None)
        with engine.begin() as conn:
            conn.execute(
                sa.text(
                    "INSERT INTO plan (id, lg_code, guide_id, title, status, is_training, version, data,"
                    " created_at, created_by, updated_at, updated_by) VALUES (1, '033227',"
                    f" '{GUIDE_ID}', 't', 'draft', false, 2, :d, :t, 'a', :t, 'a')"
                ).bindparams(sa.bindparam("d", type_=sa.JSON), t=t0),
                {"d": data},
            )
            for v, d in ((1, {**data, "kpis": []}), (2, data)):
                conn.execute(
                    sa.text(
                        "INSERT INTO plan_revision (plan_id, version, data, title, status, named, seen,"
                        " opened_at, created_at, actor, note) VALUES (1, :v, :d, 't', 'draft', true, true,"
                        " :t, :t, 'a', '')"
                    ).bindparams(sa.bindparam("d", type_=sa.JSON), t=t0, v=v),
                    {"d": d},
                )
        upgrade(engine)
        store = Store(engine)
        _assert_in_step(store, 1)
        with store.session() as s:
            first = s.get(RevisionSummaryRecord, (1, 1))
        assert first is not None and first.kpis == [] and first.coverage["kpis"] == 0
    finally:
        engine.dispose()


def test_trimmed_autosaves_take_their_summaries_with_them(store: Store, guide: Guide) -> None:
    s = store.create_plan(_plan(guide), "a")
    at = utcnow()
    for i in range(AUTOSAVE_TAIL + 5):
        at += COALESCE_WINDOW + timedelta(seconds=1)  # never folded: every save is a new row
        s = store.write(RevisionWrite(s.id, _edit(s.plan, i), s.version, "a", at=at))
    assert len(store.revisions(s.id)) == AUTOSAVE_TAIL + 1  # the tail and the created version
    _assert_in_step(store, s.id)
