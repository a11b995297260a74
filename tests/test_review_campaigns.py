"""Campaigns with due dates, overdue governments on the board, notices to planners, the
optional mail, and one folded local-government search."""

from __future__ import annotations

import smtplib
from datetime import date, timedelta

import pytest

from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.errors import NotFoundError, PermissionDeniedError
from plan_builder.guide import Guide
from plan_builder.plan.clock import today_jst
from plan_builder.review import (
    BoardFilter,
    CampaignError,
    CampaignService,
    CommentService,
    GuardService,
    NoticeService,
    StatusBoardService,
)
from plan_builder.store import Store
from tests.desk_support import FUJIEDA, REVIEWER, planner, seed_desk, seed_fujieda


def test_campaign_marks_overdue_and_reaches_the_planner(store: Store, guide: Guide) -> None:
    seed_desk(store, guide)
    past = today_jst() - timedelta(days=3)
    c = CampaignService(store, REVIEWER).create(title="令和8年度 計画の提出", due_date=past, pref_code="13")
    assert c.pref_code == "22"  # a prefecture's reviewer cannot set deadlines elsewhere
    late = StatusBoardService(store, REVIEWER).rows(BoardFilter(overdue_only=True))
    names = {r.lg_name for r in late}
    assert "熱海市" in names and "三島市" in names and "浜松市" not in names and "沼津市" not in names
    assert all(r.deadline == past for r in late)
    assert CampaignService(store, planner("222054")).deadline_for("222054") == c
    assert CampaignService(store, planner("032018")).deadline_for("032018") is None  # 岩手県: not covered
    assert CampaignService(store, planner("222054")).deadline_for("221007") is None  # not their org
    CampaignService(store, REVIEWER).close(c.id)
    assert CampaignService(store, REVIEWER).deadlines() == {}
    with pytest.raises(PermissionDeniedError):
        CampaignService(store, planner("222054")).create(title="x", due_date=date(2030, 1, 1))
    with pytest.raises(NotFoundError):
        CampaignService(store, Actor("iwate", Role.REVIEWER, scope="03")).close(c.id)
    with pytest.raises(CampaignError, match="「名称」"):
        CampaignService(store, REVIEWER).create(title=" ", due_date=date(2030, 1, 1))


def test_planner_gets_notices_for_comment_return_and_approval(store: Store, guide: Guide) -> None:
    pid = seed_fujieda(store, guide)
    who = planner(FUJIEDA)
    CommentService(store, REVIEWER).add(
        pid, question_key="current.overview", body="人口の推移を数値で示してください。"
    )
    GuardService(store, REVIEWER).transition(pid, "returned", note="第2章を補ってください。")
    got = NoticeService(store, who).notices()
    assert [n.kind for n in got] == ["returned", "commented"]
    assert "差し戻されました" in got[0].message and "第2章を補ってください。" in got[0].message
    assert "地域の現状" in got[1].message and "current.overview" not in got[1].message
    assert NoticeService(store, planner("221007")).notices() == []  # another organisation sees nothing
    assert NoticeService(store, REVIEWER).notices() == []
    with pytest.raises(NotFoundError):
        NoticeService(store, planner("221007")).mark_read(got[0].id)
    NoticeService(store, who).mark_read(got[0].id)
    assert [n.kind for n in NoticeService(store, who).notices()] == ["commented"]


def test_mail_is_off_by_default_and_sends_the_same_notice_when_configured(
    store: Store, guide: Guide, monkeypatch: pytest.MonkeyPatch
) -> None:
    sent: list[tuple[str, int, str]] = []

    class FakeSMTP:
        def __init__(self, host: str, port: int, timeout: float) -> None:
            self.host, self.port = host, port

        def __enter__(self):
            return self

        def __exit__(self, *a) -> None:
            return None

        def send_message(self, msg) -> None:
            sent.append((self.host, self.port, msg["To"]))

    monkeypatch.setattr(smtplib, "SMTP", FakeSMTP)
    monkeypatch.delenv("PLAN_BUILDER_SMTP_HOST", raising=False)
    UserAdmin(store, Actor("admin", Role.ADMIN)).add(
        "fujieda", role=Role.PLANNER, password=None, org_code=FUJIEDA, email="joho@city.fujieda.example.jp"
    )
    pid = seed_fujieda(store, guide)
    GuardService(store, REVIEWER).transition(pid, "returned")
    assert sent == []  # no relay configured: nothing is sent anywhere
    monkeypatch.setenv("PLAN_BUILDER_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("PLAN_BUILDER_SMTP_PORT", "2525")
    CommentService(store, REVIEWER).add(pid, question_key="current.issues", body="課題を具体的に。")
    assert sent == [("127.0.0.1", 2525, "joho@city.fujieda.example.jp")]


@pytest.mark.parametrize("text", ["０３３２２７", "ﾔﾊﾊﾞ", "やはば", "矢巾", "033227"])
def test_one_folded_search_for_app_and_cli(store: Store, text: str) -> None:
    assert [lg.name for lg in store.search_local_governments(text)] == ["矢巾町"]


def test_a_prefectures_campaign_does_not_cover_the_prefecture_itself(store: Store, guide: Guide) -> None:
    """静岡県's call for its municipalities' plans neither marks 静岡県 overdue on its own board
    nor shows a due date to 静岡県's planners; a national campaign covers prefectures too."""
    seed_desk(store, guide)
    past = today_jst() - timedelta(days=1)
    c = CampaignService(store, REVIEWER).create(title="令和8年度 計画の提出", due_date=past)
    deadlines = CampaignService(store, REVIEWER).deadlines()
    late = {r.lg_code for r in StatusBoardService(store, REVIEWER).rows(BoardFilter(overdue_only=True))}
    assert "220001" not in deadlines and "220001" not in late and "222054" in late
    assert CampaignService(store, planner("220001")).deadline_for("220001") is None
    CampaignService(store, REVIEWER).close(c.id)
    national = CampaignService(store, Actor("root", Role.ADMIN)).create(title="全国調査", due_date=past)
    assert CampaignService(store, planner("220001")).deadline_for("220001") == national
