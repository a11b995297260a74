"""The review commands on the CLI, through `main` (the same guards as the app)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from plan_builder.cli import main
from plan_builder.guide import Guide
from plan_builder.store import Store
from tests.desk_support import seed_desk, seed_fujieda


@pytest.fixture
def db(store: Store, db_url: str) -> str:
    if not db_url.startswith("sqlite"):
        pytest.skip("the CLI tests run once, on SQLite")
    return db_url


def test_submit_review_comment_return_resubmit_approve(
    db: str, store: Store, guide: Guide, capsys: pytest.CaptureFixture[str]
) -> None:
    pid = seed_fujieda(store, guide)  # in review, with open 要対応 findings
    base = ["--database-url", db]
    assert (
        main(
            [
                *base,
                "comment",
                str(pid),
                "人口の推移を数値で示してください。",
                "--question",
                "current.overview",
            ]
        )
        == 0
    )
    assert "コメントを追加しました" in capsys.readouterr().out
    assert main([*base, "approve", str(pid)]) == 1  # open items: shown, and --yes needed
    out = capsys.readouterr()
    assert "要対応" in out.out and "地域の現状" in out.out and "--yes" in out.err
    assert main([*base, "approve", str(pid), "--yes"]) == 2  # a memo is required too
    assert "メモ" in capsys.readouterr().err
    assert main([*base, "return", str(pid), "--note", "補ってください。"]) == 0
    assert "藤枝市の計画を「差戻し」にしました。" in capsys.readouterr().out
    assert main([*base, "submit", str(pid), "--yes"]) == 0
    assert "「再提出」にしました（第2回）" in capsys.readouterr().out
    assert main([*base, "start-review", str(pid)]) == 0
    assert main([*base, "approve", str(pid), "--yes", "--note", "県が支援します。"]) == 0
    assert "「承認」にしました" in capsys.readouterr().out
    assert store.plan_meta(pid).status == "approved"


def test_status_board_export(
    db: str, store: Store, guide: Guide, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seed_desk(store, guide)
    base = ["--database-url", db]
    out = tmp_path / "board.csv"
    assert main([*base, "status-board", "--pref", "22", "--out", str(out)]) == 0
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and data.decode("utf-8-sig").count("\r\n") == 37
    assert "36団体" in capsys.readouterr().out
    assert main([*base, "status-board", "--pref", "22", "--out", str(out), "--no-bom"]) == 0
    assert not out.read_bytes().startswith(b"\xef\xbb\xbf")
    xl = tmp_path / "board.xlsx"
    assert main([*base, "status-board", "--pref", "22", "--status", "未着手", "--out", str(xl)]) == 0
    ws = load_workbook(io.BytesIO(xl.read_bytes()))["策定状況"]
    assert ws.max_row == 31
    assert main([*base, "status-board", "--pref", "22", "--search", "ﾇﾏﾂﾞ"]) == 0
    assert "沼津市\t提出済" in capsys.readouterr().out
    assert main([*base, "status-board", "--status", "done"]) == 2
