"""The prefecture's status board: every government in scope, with the right statuses."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor, Role
from plan_builder.errors import PermissionDeniedError
from plan_builder.guide import Guide
from plan_builder.review import (
    SURVEY_HEADER,
    BoardFilter,
    BoardStatus,
    StatusBoardService,
    board_counts,
    survey_records,
    to_csv,
)
from plan_builder.store import Store
from tests.desk_support import EXPECTED, REVIEWER, seed_desk


def test_board_lists_every_shizuoka_government_with_its_status(store: Store, guide: Guide) -> None:
    seed_desk(store, guide)
    rows = StatusBoardService(store, REVIEWER).rows()
    municipalities = [r for r in rows if r.lg_type != "prefecture"]
    assert len(municipalities) == 35
    assert [r.lg_name for r in rows if r.lg_type == "prefecture"] == ["静岡県"]
    by_code = {r.lg_code: r.status.label for r in rows}
    for code, label in EXPECTED.items():
        assert by_code[code] == label, code
    assert sum(1 for r in rows if r.status is BoardStatus.NOT_STARTED) == 36 - len(EXPECTED)
    assert board_counts(rows)[BoardStatus.PUBLISHED] == 1


def test_board_reads_no_draft_content_and_waiting_days_only_while_waiting(store: Store, guide: Guide) -> None:
    seed_desk(store, guide)
    later = datetime(2099, 1, 1, tzinfo=UTC)
    rows = {r.lg_code: r for r in StatusBoardService(store, REVIEWER).rows(now=later)}
    draft = rows["222054"]
    assert draft.completeness is None and draft.plan_id is not None and draft.last_activity is not None
    assert rows["222038"].days_waiting and rows["222038"].days_waiting > 20000
    assert rows["221007"].days_waiting is None  # approved: nobody waits
    assert rows["222038"].completeness is not None


def test_scope_and_roles(store: Store, guide: Guide) -> None:
    seed_desk(store, guide)
    assert {r.pref_code for r in StatusBoardService(store, Actor("x", Role.REVIEWER, scope="03")).rows()} == {
        "03"
    }
    everything = StatusBoardService(store, Actor("k", Role.REVIEWER, scope="national")).rows()
    assert len(everything) == 1741 + 47
    with pytest.raises(PermissionDeniedError):
        StatusBoardService(store, Actor("p", Role.PLANNER, org_code="222054")).rows()


def test_filters_and_deadlines(store: Store, guide: Guide) -> None:
    seed_desk(store, guide)
    only = StatusBoardService(store, REVIEWER).rows(BoardFilter(statuses=[BoardStatus.RETURNED]))
    assert [r.lg_name for r in only] == ["三島市"]
    assert [r.lg_name for r in StatusBoardService(store, REVIEWER).rows(BoardFilter(text="ﾇﾏﾂﾞ"))] == [
        "沼津市"
    ]
    due = {"222054": date(2020, 1, 1), "222038": date(2020, 1, 1), "222062": date(2999, 1, 1)}
    late = StatusBoardService(store, REVIEWER).rows(BoardFilter(overdue_only=True), deadlines=due)
    assert [r.lg_name for r in late] == ["熱海市"]  # 沼津市 submitted in time; 三島市 not yet due


def test_survey_export_shape(store: Store, guide: Guide) -> None:
    seed_desk(store, guide)
    rows = StatusBoardService(store, REVIEWER).rows()
    recs = survey_records(rows)
    assert len(recs) == 36 and all(len(r) == len(SURVEY_HEADER) for r in recs)
    stage = {r[0]: r[SURVEY_HEADER.index("策定状況")] for r in recs}
    assert stage["221007"] == "策定済" and stage["222054"] == "検討中" and stage["223018"] == "未検討"
    data = to_csv(SURVEY_HEADER, recs)
    assert data.startswith(b"\xef\xbb\xbf")  # Excel on Japanese Windows reads it as UTF-8
    assert "None" not in data.decode("utf-8-sig")


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=12))
def test_any_search_text_is_safe(store: Store, text: str) -> None:
    rows = StatusBoardService(store, REVIEWER).rows(BoardFilter(text=text))
    assert all(r.pref_code == "22" for r in rows)


def test_lean_reads_give_the_same_coverage_and_kpis(store: Store, guide: Guide) -> None:
    """content="coverage" and "kpis" read less of each digest but must compute the same views,
    for submitted plans and drafts alike."""
    from plan_builder.review.coverage import coverage_matrix
    from plan_builder.review.kpi import benchmark, kinds, kpi_index
    from plan_builder.review.snapshots import SnapshotService

    seed_desk(store, guide)
    admin = Actor("admin", Role.ADMIN)
    full = coverage_matrix(SnapshotService(store, admin).load(content="digest"), guide)
    lean = coverage_matrix(SnapshotService(store, admin).load(content="coverage"), guide)
    assert [r.values for r in lean.rows] == [r.values for r in full.rows] and len(full.rows) == 6
    a, b = (
        kpi_index(SnapshotService(store, admin).load(content="digest")),
        kpi_index(SnapshotService(store, admin).load(content="kpis")),
    )
    assert a == b and kinds(a)
    tag = kinds(a)[0][0]
    assert benchmark(a, tag).values == benchmark(b, tag).values


def test_board_page_renders(store: Store, guide: Guide, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from streamlit.testing.v1 import AppTest

    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    monkeypatch.setenv("DATABASE_URL", db_url)
    seed_desk(store, guide)

    def app() -> None:
        from plan_builder.ui.status_board_page import board_page

        board_page()

    at = AppTest.from_function(app, default_timeout=30).run()
    assert not at.exception, at.exception
    assert at.title[0].value == "策定状況"
    at.multiselect(key="rvb_pref").set_value(["22"]).run()  # the admin narrows to 静岡県
    assert not at.exception, at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["公表済"] == "1" and metrics["差戻し"] == "1"
    df = at.dataframe[0].value
    assert "None" not in df.astype(str).to_string()
    assert len(df) == 36 and set(EXPECTED.values()) <= set(df["状況"])
    assert at.get("plotly_chart")  # the progress grid of the prefecture


def test_closing_a_due_date_is_asked_first(
    store: Store, guide: Guide, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The board's 「終了する」 for a due date sits in a popover with a confirming button."""
    from streamlit.testing.v1 import AppTest

    from plan_builder.review import CampaignService

    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    monkeypatch.setenv("DATABASE_URL", db_url)
    seed_desk(store, guide)
    admin = Actor("admin", Role.ADMIN)
    c = CampaignService(store, admin).create(title="令和8年度 計画の提出", due_date=date(2030, 1, 1))

    def app() -> None:
        from plan_builder.ui.status_board_page import board_page

        board_page()

    at = AppTest.from_function(app, default_timeout=30).run()
    assert not at.exception, at.exception
    assert any(p.proto.popover.label == "終了する" for p in at.get("popover"))
    assert [b for b in at.button if b.label == "終了する"] == []  # nothing closes on one click
    next(b for b in at.button if b.label == "終了する（確定）").click().run()
    assert not at.exception, at.exception
    assert CampaignService(store, admin).campaigns() == [] and c.id
