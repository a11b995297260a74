"""Isolation through the CLI: `python -m plan_builder --user NAME …` applies the same rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from plan_builder import cli
from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

PW = "harukaze-2026"


@pytest.fixture
def setup(store: Store, db_url: str, guide: Guide, monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setenv("DATABASE_URL", db_url)
    admin = UserAdmin(store, Actor("root", Role.ADMIN))
    admin.add("planner-a", role="planner", org_code="033227", password=None)
    admin.add("planner-b", role="planner", org_code="011002", password=None)
    a = PlanService(store, Actor("planner-a", Role.PLANNER, org_code="033227"))
    b = PlanService(store, Actor("planner-b", Role.PLANNER, org_code="011002"))
    ids = {
        "a": a.create(sample_plan(guide, n_measures=1, n_kpis=1)).id,
        "b": b.create(sample_plan(guide, lg_code="011002", lg_name="札幌市", n_measures=1, n_kpis=1)).id,
    }
    return ids


def _revisions(store: Store, pid: int) -> int:
    return len(store.revisions(pid))


@pytest.mark.parametrize(
    "argv",
    [
        ["show", "{b}"],
        ["show", "{b}", "--json"],
        ["check", "{b}"],
        ["history", "{b}"],
        ["restore", "{b}", "1"],
        ["set", "{b}", "current.overview", "乗っ取り"],
        ["export", "{b}", "--format", "json", "--out", "{tmp}/b.json"],
    ],
)
def test_cli_planner_a_cannot_touch_b(
    setup: dict[str, int], store: Store, argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [a.format(b=setup["b"], tmp=tmp_path) for a in argv]
    before = _revisions(store, setup["b"])
    assert cli.main(["--user", "planner-a", *args]) == 2
    err = capsys.readouterr().err
    assert f"計画（ID {setup['b']}）が見つかりません" in err
    assert _revisions(store, setup["b"]) == before
    assert not (tmp_path / "b.json").exists()


def test_cli_list_and_import(setup: dict[str, int], store: Store, tmp_path: Path, capsys) -> None:
    assert cli.main(["--user", "planner-a", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [row["id"] for row in listed] == [setup["a"]]
    exported = tmp_path / "b.json"
    assert cli.main(["--user", "planner-b", "export", str(setup["b"]), "--out", str(exported)]) == 0
    capsys.readouterr()
    count = len(store.list_plans())
    assert cli.main(["--user", "planner-a", "import", str(exported)]) == 2
    assert "他の団体" in capsys.readouterr().err  # the CLI goes through the service's import check
    assert len(store.list_plans()) == count


def test_cli_unknown_or_disabled_user_refused(setup: dict[str, int], store: Store, capsys) -> None:
    assert cli.main(["--user", "nobody", "list"]) == 2
    assert "登録されていないか、停止されています" in capsys.readouterr().err
    UserAdmin(store, Actor("root", Role.ADMIN)).set_active("planner-a", False)
    assert cli.main(["--user", "planner-a", "show", str(setup["a"])]) == 2
    assert "停止されています" in capsys.readouterr().err


def test_cli_reviewer_list_shows_only_the_submitted_title_and_version(
    setup: dict[str, int], store: Store, capsys
) -> None:
    """issue 10, item 7: the planner's drafting after a submission stays invisible."""
    from plan_builder.review.workflow import ReviewService

    UserAdmin(store, Actor("root", Role.ADMIN)).add("iwate", role="reviewer", scope="03", password=None)
    planner = Actor("planner-a", Role.PLANNER, org_code="033227")
    submitted = ReviewService(store, planner).submit(setup["a"])
    svc = PlanService(store, planner)
    cur = svc.get(setup["a"])
    svc.save(
        setup["a"], cur.plan.model_copy(update={"title": "未提出の下書き題名"}), expected_version=cur.version
    )
    assert cli.main(["--user", "iwate", "list", "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["id"] == setup["a"] and row["version"] == submitted.revision_version
    assert row["title"] == cur.plan.title != "未提出の下書き題名"
    assert cli.main(["--user", "iwate", "list"]) == 0
    assert "未提出の下書き題名" not in capsys.readouterr().out
