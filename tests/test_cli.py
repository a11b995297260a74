"""The command line: the issue's "Done when" flow in real subprocesses, and each command's errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from plan_builder.cli import parse_period
from plan_builder.errors import PlanBuilderError
from plan_builder.store import Store, make_engine

ROOT = Path(__file__).resolve().parents[1]
MUNI = "kanmin-2019-municipality"
PREF = "kanmin-2019-prefecture"


def run(env: dict[str, str], *args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "plan_builder", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        input=stdin,
    )


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'cli.db'}",
        "PLAN_BUILDER_HOME": str(tmp_path / "home"),
        "PYTHONPATH": str(ROOT),
        "PYTHONIOENCODING": "utf-8",
    }


@pytest.mark.slow
def test_done_when_create_check_export_change_reimport_restore(env: dict[str, str], tmp_path: Path) -> None:
    """The issue's "Done when", from the CLI alone (the database is only read to verify)."""
    r = run(env, "new", "--lg", "033227", "--guide", MUNI)
    assert r.returncode == 0, r.stderr
    plan_id = r.stdout.strip()
    assert plan_id.isdigit() and "矢巾町" in r.stderr

    r = run(env, "check", plan_id)
    assert r.returncode == 1 and "【要対応】" in r.stdout and "第1章 現状及び課題" in r.stdout
    assert "Traceback" not in r.stderr

    text = "矢巾町は岩手県のほぼ中央に位置します。"
    r = run(env, "set", plan_id, "current.overview", text, "--period", "令和6年度-令和10年度")
    assert r.returncode == 0, r.stderr
    assert "版 2" in r.stdout

    out = tmp_path / "plan.json"
    r = run(env, "export", plan_id, "--format", "json", "--out", str(out))
    assert r.returncode == 0, r.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["schema_version"] == 3 and data["period"] == {"start_fy": 2024, "end_fy": 2028}
    assert data["answers"]["current.overview"] == text

    r = run(env, "set", plan_id, "current.overview", "書き換えた文です。")  # change it
    assert r.returncode == 0, r.stderr

    r = run(env, "import", str(out))
    assert r.returncode == 0, r.stderr
    imported = r.stdout.strip()
    assert imported.isdigit() and imported != plan_id

    r = run(env, "restore", plan_id, "2")
    assert r.returncode == 0, r.stderr
    assert "版 4" in r.stdout

    store = Store(make_engine(env["DATABASE_URL"]))
    try:
        assert store.get_plan(int(imported)).plan.answers["current.overview"] == text
        current = store.get_plan(int(plan_id))
        assert current.version == 4 and current.plan.answers["current.overview"] == text
        assert store.revision(int(plan_id), 3).plan.answers["current.overview"] == "書き換えた文です。"
        assert [r.version for r in store.revisions(int(plan_id))] == [4, 3, 2, 1]
    finally:
        store.engine.dispose()


def test_user_errors_exit_2_with_japanese_and_no_traceback(env: dict[str, str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"schema_version": 1, "title": ', encoding="utf-8")
    r = run(env, "import", str(bad))
    assert (
        r.returncode == 2 and "JSONの構文" in r.stderr and "1行" in r.stderr and "Traceback" not in r.stderr
    )
    r = run(env, "check", "999")
    assert r.returncode == 2 and "計画（ID 999）が見つかりません" in r.stderr and "Traceback" not in r.stderr


# --- in process (fast) ----------------------------------------------------------------------------


def new_plan_id(cli) -> str:
    code, out, err = cli("new", "--lg", "033227", "--guide", MUNI)
    assert code == 0, err
    return out.strip()


def test_guides_lists_both_variants_and_validates(cli) -> None:
    code, out, _ = cli("guides")
    lines = out.splitlines()
    assert code == 0 and {line.split("\t")[0] for line in lines} >= {MUNI, PREF}
    assert any("市町村版" in line for line in lines) and any("都道府県版" in line for line in lines)


def test_guides_exits_1_on_a_broken_file_naming_file_and_key(cli, tmp_path: Path) -> None:
    src = ROOT / "guide_templates"
    folder = tmp_path / "guides"
    import shutil

    shutil.copytree(src, folder)
    broken = folder / f"{MUNI}.yaml"
    broken.write_text(broken.read_text(encoding="utf-8").replace("variant:", "varaint:", 1), encoding="utf-8")
    code, out, err = cli("guides", "--dir", str(folder))
    assert code == 1
    assert f"{MUNI}.yaml" in err and "variant" in err
    assert PREF in out  # the good file is still listed


def test_lg_search_by_kana_name_and_code(cli) -> None:
    assert "033227" in cli("lg", "search", "やはば")[1]
    code, out, _ = cli("lg", "search", "盛岡", "--pref", "3")
    assert code == 0 and out.startswith("032018")
    assert cli("lg", "search", "0332")[1].splitlines()[0].startswith("033")
    code, _, err = cli("lg", "search", "存在しない村名")
    assert code == 1 and "ありません" in err
    code, _, err = cli("lg", "search", "x", "--pref", "99")
    assert code == 2 and "都道府県コード" in err


def test_new_refuses_mismatched_variant_wards_and_bad_codes(cli) -> None:
    code, _, err = cli("new", "--lg", "030007", "--guide", MUNI)
    assert code == 2 and "都道府県版の手引" in err
    code, _, err = cli("new", "--lg", "033227", "--guide", PREF)
    assert code == 2 and "市町村版の手引" in err
    code, _, err = cli("new", "--lg", "011011", "--guide", MUNI)  # 札幌市中央区
    assert code == 2 and "政令指定都市の区" in err
    code, _, err = cli("new", "--lg", "033228", "--guide", MUNI)
    assert code == 2 and "検査数字" in err
    code, _, err = cli("new", "--lg", "033227", "--guide", "nope")
    assert code == 2 and "手引「nope」が見つかりません" in err
    assert cli("list")[2].startswith("計画はまだありません")


def test_new_for_a_prefecture_with_title_and_training(cli) -> None:
    # Sandboxes come only from briefing sessions (issue 15): never a real prefecture's plan.
    for lg in ("030007", "990001"):
        code, _, err = cli("new", "--lg", lg, "--guide", PREF, "--title", "岩手県DX計画", "--training")
        assert code == 2 and "参加コードで参加したとき" in err
    code, out, _ = cli("new", "--lg", "030007", "--guide", PREF, "--title", "岩手県DX計画")
    assert code == 0
    plan = json.loads(cli("show", out.strip(), "--json")[1])
    assert plan["title"] == "岩手県DX計画" and plan["is_training"] is False and plan["guide_id"] == PREF


def test_default_title(cli) -> None:
    plan = json.loads(cli("show", new_plan_id(cli), "--json")[1])
    assert plan["title"] == "矢巾町官民データ活用推進計画"


def test_set_parses_each_kind_of_answer(cli) -> None:
    pid = new_plan_id(cli)
    assert cli("set", pid, "purpose.goals", "reduce_burden、住民及び事業者の利便性向上")[0] == 0
    assert cli("set", pid, "policy.pillars", "online,第11条,マイナンバーカード")[0] in (0, 2)
    assert cli("set", pid, "structure.publication_url", "https://www.town.yahaba.iwate.jp/plan")[0] == 0
    assert cli("set", pid, "structure.contact_department", "総務課")[0] == 0
    assert cli("set", pid, "--period", "2024〜2028")[0] == 0
    kpis = '[{"key": "K01", "name": "オンライン手続数", "unit": "件", "targets": {"2028": 100}}]'
    assert cli("set", pid, "measures.kpis", kpis)[0] == 0
    measures = '[{"key": "M01", "pillar": "online", "name": "電子申請", "kpi_keys": ["K01"]}]'
    assert cli("set", pid, "measures.list", measures)[0] == 0
    plan = json.loads(cli("show", pid, "--json")[1])
    assert plan["answers"]["purpose.goals"] == ["reduce_burden", "convenience"]
    assert plan["publication_url"].endswith("/plan") and plan["contact"]["department"] == "総務課"
    assert plan["period"] == {"start_fy": 2024, "end_fy": 2028}
    assert plan["measures"][0]["kpi_keys"] == ["K01"] and plan["kpis"][0]["targets"] == {"2028": 100.0}
    assert cli("set", pid, "purpose.goals", "")[0] == 0  # clearing
    assert "purpose.goals" not in json.loads(cli("show", pid, "--json")[1])["answers"]


def test_set_refuses_bad_values_and_saves_nothing(cli) -> None:
    pid = new_plan_id(cli)
    cases = [
        (("set", pid, "purpose.goals", "月へ行く"), "選択肢にありません"),
        (("set", pid, "no.such_key", "x"), "設問キー「no.such_key」"),
        (("set", pid, "structure.publication_url", "ftp://x"), "公表URL"),
        (("set", pid, "positioning.title", ""), "「計画の名称」：空にできません"),
        (("set", pid, "--period", "2028-2024"), "より前です"),
        (("set", pid, "--period", "平成32年度-令和3年度"), "存在しない年度"),
        (
            ("set", pid, "measures.kpis", '[{"key": "K01", "name": "x", "targets": {"2025": "N/A"}}]'),
            "数値で入力",
        ),
        (("set", pid, "measures.list", "not json"), "JSONの配列"),
        (("set", pid, "policy.pillars", "宇宙開発"), "この手引にありません"),
        (("set", pid), "変更する内容を指定してください"),
        (("set", pid, "current.overview"), "値を指定してください"),
    ]
    for args, fragment in cases:
        code, _, err = cli(*args)
        assert code == 2 and fragment in err, (args, err)
        assert "Traceback" not in err
    history = cli("history", pid)[1].splitlines()
    assert len(history) == 2 and history[1].startswith("1＊")  # header and the one version


def test_set_with_a_stale_version_is_refused(cli) -> None:
    pid = new_plan_id(cli)
    assert cli("set", pid, "current.overview", "最初", "--expected-version", "1")[0] == 0
    code, _, err = cli("set", pid, "current.overview", "古い画面から", "--expected-version", "1")
    assert code == 2 and "別の画面または利用者によって更新されています" in err
    assert json.loads(cli("show", pid, "--json")[1])["answers"]["current.overview"] == "最初"


def test_check_exits_0_for_a_complete_plan(cli, tmp_path: Path, guide) -> None:
    from plan_builder.exchange import export_json
    from plan_builder.samples import sample_plan

    f = tmp_path / "full.json"
    f.write_text(export_json(sample_plan(guide, lg_code="033227", lg_name="矢巾町")), encoding="utf-8")
    code, out, err = cli("import", str(f))
    assert code == 0, err
    code, out, _ = cli("check", out.strip())
    assert code == 0 and "必須の項目はすべて記入されています" in out


def test_export_other_formats_and_options(cli, tmp_path: Path) -> None:
    pid = new_plan_id(cli)
    code, _, err = cli(
        "export", pid, "--format", "json", "--out", str(tmp_path / "x.json"), "--reference-docx", "r.docx"
    )
    assert code == 2 and "--reference-docx" in err
    code, _, err = cli("export", pid, "--format", "xls", "--out", "x")
    assert code == 2 and "引数が正しくありません" in err
    cli("set", pid, "current.overview", "二版目")
    assert cli("export", pid, "--version", "1", "--out", str(tmp_path / "v1.json"))[0] == 0
    assert json.loads((tmp_path / "v1.json").read_text(encoding="utf-8"))["answers"] == {}


def test_import_errors(cli, tmp_path: Path) -> None:
    code, _, err = cli("import", str(tmp_path / "missing.json"))
    assert code == 2 and "見つかりません" in err
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (5 * 1024 * 1024 + 1))
    code, _, err = cli("import", str(big))
    assert code == 2 and "大きすぎます" in err


def test_restore_errors(cli) -> None:
    pid = new_plan_id(cli)
    code, _, err = cli("restore", pid, "1")
    assert code == 2 and "すでに最新の版" in err
    code, _, err = cli("restore", pid, "7")
    assert code == 2 and "版 7 が見つかりません" in err


def test_schema_check_passes_for_the_committed_file(cli, tmp_path: Path) -> None:
    assert cli("schema", "--check")[0] == 0
    stale = tmp_path / "s.json"
    stale.write_text("{}", encoding="utf-8")
    assert cli("schema", "--check", "--out", str(stale))[0] == 1
    assert (
        cli("schema", "--out", str(stale))[0] == 0 and cli("schema", "--check", "--out", str(stale))[0] == 0
    )


def test_bad_plan_id_is_refused(cli) -> None:
    code, _, err = cli("check", "abc")
    assert code == 2 and "計画IDは数字" in err


def test_unknown_user_is_refused(cli) -> None:
    code, _, err = cli("--user", "nobody", "list")
    assert code == 2 and "利用者「nobody」" in err


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("2024-2028", 2024, 2028),
        ("令和6年度〜令和10年度", 2024, 2028),
        ("Ｒ６－Ｒ１０", 2024, 2028),
        ("平成31年度から令和5年度", 2019, 2023),
    ],
)
def test_parse_period(text: str, start: int, end: int) -> None:
    p = parse_period(text)
    assert (p.start_fy, p.end_fy) == (start, end)


@pytest.mark.parametrize("text", ["2024", "2024-2025-2026", "令和-令和"])
def test_parse_period_refuses(text: str) -> None:
    with pytest.raises(PlanBuilderError):
        parse_period(text)
