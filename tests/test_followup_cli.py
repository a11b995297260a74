"""The follow-up commands of the CLI, in process against the test database."""

from __future__ import annotations

from pathlib import Path

import pytest
from docx import Document

from plan_builder.auth.actor import Actor
from plan_builder.guide import Guide
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store


@pytest.fixture
def plan_id(store: Store, guide: Guide) -> int:
    return PlanService(store, Actor.local()).create(sample_plan(guide)).id


def test_bulk_actuals_status_report_and_next_period(cli, plan_id: int, tmp_path: Path, store: Store) -> None:
    csv = tmp_path / "a.csv"
    csv.write_text("KPI番号,年度,実績値\r\nK01,令和6年度,29\r\nK02,令和6年度,x\r\n", encoding="utf-8")
    code, out, _ = cli("followup", "actuals", str(plan_id), str(csv))
    assert code == 1 and "3行目: " in out and "1行を取り込みました" in out
    code, out, err = cli("followup", "status", str(plan_id), "M01", "2024", "順調", "--comment", "予定どおり")
    assert code == 0, err
    code, _, err = cli("followup", "report", str(plan_id), "令和6年度", "--out", str(tmp_path / "r.docx"))
    assert code == 0, err
    rows = [[c.text for c in r.cells] for t in Document(str(tmp_path / "r.docx")).tables for r in t.rows]
    assert any(r[:3] == ["令和6年度", "30手続", "29手続"] for r in rows)
    code, out, err = cli("next-period", str(plan_id), "2025", "2029")
    assert code == 0, err
    new_id = int(out.strip().splitlines()[-1])
    new = PlanService(store, Actor.local()).get(new_id).plan
    assert new.kpi("K01").baseline.value == 29 and new.previous_plan_id == plan_id


def test_guide_diff_and_migration_preview(cli, plan_id: int) -> None:
    code, out, _ = cli("guide-diff", "kanmin-2019-municipality", "municipal-dx-2024")
    assert code == 0 and "追加\tvision.statement" in out
    code, out, _ = cli("migrate-guide", str(plan_id), "municipal-dx-2024")
    assert code == 0 and "確認のみです" in out
    code, out, _ = cli("migrate-guide", str(plan_id), "municipal-dx-2024", "--yes")
    assert code == 0 and "移行しました" in out


def test_refused_file_is_an_error_message(cli, plan_id: int, tmp_path: Path) -> None:
    bad = tmp_path / "a.xlsx"
    bad.write_bytes(b"nope")
    code, _, err = cli("followup", "actuals", str(plan_id), str(bad))
    assert code == 2 and "エラー:" in err and "Traceback" not in err
