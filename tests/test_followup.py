"""Yearly follow-up: actuals with date and note, measure statuses, bulk entry from .xlsx/CSV
(bad rows refused one by one), target-versus-actual standings, and revisions via the service
(history, audit, restore)."""

from __future__ import annotations

import io
import zipfile
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from plan_builder.auth.actor import Actor
from plan_builder.followup.bulk import HEADER, import_actuals, template_csv, template_xlsx
from plan_builder.followup.entry import FollowUpError, set_actual, set_status
from plan_builder.followup.figures import alt_text, progress_spec
from plan_builder.followup.progress import Track, kpi_progress, target_for
from plan_builder.guide.model import Guide
from plan_builder.plan.followup import Progress
from plan_builder.plan.model import Plan
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.uploads import UploadError


@pytest.fixture
def plan(guide: Guide) -> Plan:
    return sample_plan(guide)


def _csv(rows: list[list[object]], header: list[str] = HEADER) -> bytes:
    lines = [",".join(header)] + [",".join("" if v is None else str(v) for v in r) for r in rows]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _xlsx(rows: list[list[object]]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# --- single entries --------------------------------------------------------------------------


def test_actual_with_date_and_note(plan: Plan) -> None:
    new = set_actual(plan, "K01", "令和6年度", "３２", measured_on="2025/3/31", note="年度末の集計")
    assert new.kpi("K01").actuals[2024] == 32
    note = new.followup[2024].actuals["K01"]
    assert note.measured_on == date(2025, 3, 31) and note.note == "年度末の集計"
    assert plan.kpi("K01").actuals.get(2024) is None  # the plan passed in is untouched


@pytest.mark.parametrize(
    ("kpi", "fy", "value", "day", "fragment"),
    [
        ("K99", 2024, 1, None, "K99"),
        ("K01", "令和99年度", 1, None, "年度"),
        ("K01", 2024, "たくさん", None, "数値ではありません"),
        ("K01", 2024, "", None, "空欄"),
        ("K01", 2024, 1, "昨日", "測定日"),
        ("K01", 2024, "1e400", None, "大きすぎる"),
    ],
)
def test_bad_actual_is_refused_naming_the_field(plan: Plan, kpi, fy, value, day, fragment) -> None:
    with pytest.raises(FollowUpError, match=fragment):
        set_actual(plan, kpi, fy, value, measured_on=day)


def test_status_per_measure(plan: Plan) -> None:
    new = set_status(plan, "M01", 2024, "遅れ", "調達の時期が半年ずれた")
    new = set_status(new, "M02", 2024, Progress.DONE)
    assert new.followup[2024].measures["M01"].status is Progress.DELAYED
    assert new.followup[2024].measures["M01"].comment == "調達の時期が半年ずれた"
    assert new.followup[2024].measures["M02"].status.label == "完了"
    with pytest.raises(FollowUpError, match="順調／遅れ／未着手／完了／見直し"):
        set_status(plan, "M01", 2024, "まあまあ")
    with pytest.raises(FollowUpError, match="M77"):
        set_status(plan, "M77", 2024, "順調")


# --- bulk ------------------------------------------------------------------------------------


def test_bulk_csv_takes_good_rows_and_refuses_bad_ones_by_row(plan: Plan) -> None:
    rows = [
        ["K01", "", "令和6年度", "31", "", "2025-03-31", "集計済"],
        ["K02", "", "2024", "abc", "", "", ""],  # row 3: not a number
        ["", "オープンデータの公開数", "R6", "29", "", "", ""],  # by name
        ["K09", "", "2024", "1", "", "", ""],  # row 5: unknown KPI
        ["", "", "", "", "", "", ""],  # blank: skipped
        ["K01", "", "令和6年度", "33", "", "", ""],  # row 7: duplicate of row 2
    ]
    result = import_actuals(plan, "actuals.csv", _csv(rows))
    assert [(r.row, r.kpi_key, r.fy) for r in result.applied] == [(2, "K01", 2024), (4, "K02", 2024)]
    refused = {r.row: r.reason for r in result.refused}
    assert set(refused) == {3, 5, 7}
    assert "数値ではありません" in refused[3] and "K09" in refused[5] and "2行目" in refused[7]
    assert result.plan.kpi("K01").actuals[2024] == 31 and result.plan.kpi("K02").actuals[2024] == 29
    assert result.plan.followup[2024].actuals["K01"].note == "集計済"


def test_a_file_of_only_bad_rows_changes_nothing(plan: Plan) -> None:
    rows = [["K01", "", "2024", "多い", "", "", ""], ["K42", "", "2024", "3", "", "", ""]]
    for name, data in (("a.csv", _csv(rows)), ("a.xlsx", _xlsx(rows))):
        result = import_actuals(plan, name, data)
        assert not result.changed and result.plan is plan
        assert [r.row for r in result.refused] == [2, 3]


def test_bulk_xlsx_and_template_round_trip(plan: Plan) -> None:
    filled = set_actual(plan, "K03", 2024, 61.5, measured_on="2025-03-31")
    data = template_xlsx(filled, 2024)
    ws = load_workbook(io.BytesIO(data)).active
    rows = list(ws.iter_rows(values_only=True))
    assert list(rows[0]) == HEADER and len(rows) == len(plan.kpis) + 1
    ws_rows = [list(r) for r in rows[1:]]
    for r in ws_rows:
        if r[0] == "K01":
            r[3] = 40
    wb = Workbook()
    out = wb.active
    out.append(HEADER)
    for r in ws_rows:
        out.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    result = import_actuals(plan, "t.xlsx", buf.getvalue())
    assert result.plan.kpi("K01").actuals[2024] == 40
    assert result.plan.kpi("K03").actuals[2024] == 61.5
    assert result.plan.followup[2024].actuals["K03"].measured_on == date(2025, 3, 31)
    # Rows left blank in the template (no actual yet) are refused with their reason.
    assert all("空欄" in r.reason for r in result.refused)
    assert template_csv(plan, 2024).startswith(b"\xef\xbb\xbf" + "KPI番号".encode())


@pytest.mark.parametrize(
    ("name", "data", "fragment"),
    [
        ("a.xlsx", b"not a zip at all", "形式"),
        ("a.xlsm", b"PK\x03\x04", "xlsx"),
        ("a.csv", b"\x00\x01\x02", "バイナリ"),
        ("a.csv", "番号,値\r\nK01,3\r\n".encode(), "見出し"),
    ],
)
def test_hostile_or_broken_files_are_refused(plan: Plan, name: str, data: bytes, fragment: str) -> None:
    with pytest.raises(UploadError, match=fragment):
        import_actuals(plan, name, data)


def test_xlsx_with_a_macro_part_is_refused(plan: Plan) -> None:
    good = _xlsx([["K01", "", "2024", "3", "", "", ""]])
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            dst.writestr(info, src.read(info))
        dst.writestr("xl/vbaProject.bin", b"macro")
    with pytest.raises(UploadError, match="マクロ"):
        import_actuals(plan, "m.xlsx", buf.getvalue())


@settings(max_examples=40, deadline=None)
@given(cells=st.lists(st.lists(st.text(max_size=12), min_size=7, max_size=7), max_size=6))
def test_arbitrary_rows_never_half_write(cells: list[list[str]]) -> None:
    from plan_builder.guide import get_guide

    plan = sample_plan(get_guide("kanmin-2019-municipality"))
    buf = io.StringIO()
    import csv

    csv.writer(buf).writerows([HEADER, *cells])
    try:
        result = import_actuals(plan, "x.csv", buf.getvalue().encode())
    except UploadError:
        return  # the whole file refused (e.g. binary content): nothing to write at all
    assert len(result.applied) + len(result.refused) <= len(cells)
    if not result.changed:
        assert result.plan == plan
    for r in result.refused:
        assert r.reason and 2 <= r.row <= len(cells) + 1
    Plan.model_validate(result.plan.model_dump())


# --- standings and charts ----------------------------------------------------------------------


def test_off_track_kpis_come_first_with_their_gap(plan: Plan) -> None:
    p = set_actual(plan, "K01", 2024, 1)  # far behind its target
    standings = kpi_progress(p, 2024)
    assert standings[0].kpi.key == "K01" and standings[0].track is Track.OFF
    assert standings[0].gap == pytest.approx(1 - standings[0].target)
    tracks = [s.track for s in standings]
    assert tracks == sorted(
        tracks, key=[Track.OFF, Track.NO_ACTUAL, Track.NO_TARGET, Track.QUALITATIVE, Track.ON].index
    )


def test_lower_is_better_and_interpolated_targets(plan: Plan) -> None:
    k = plan.kpi("K01").model_copy(update={"targets": {2024: 10.0}, "actuals": {}})
    k = k.model_copy(
        update={"baseline": k.baseline.model_copy(update={"value": 30.0, "as_of": date(2020, 3, 31)})}
    )
    p = plan.model_copy(update={"kpis": [k, *plan.kpis[1:]]})
    assert target_for(k, 2022, p.period) == pytest.approx(30 + (10 - 30) * (2022 - 2019) / (2024 - 2019))
    on = kpi_progress(set_actual(p, "K01", 2024, 8), 2024)
    assert next(s for s in on if s.kpi.key == "K01").track is Track.ON  # 8 ≤ 10 with lower better


def test_chart_marks_the_gap_and_alt_text_says_it(plan: Plan) -> None:
    p = set_actual(plan, "K01", 2024, 1)
    s = next(x for x in kpi_progress(p, 2024) if x.kpi.key == "K01")
    spec = progress_spec(s, p.period)
    assert spec["layout"]["annotations"][0]["text"].startswith("差 −")
    assert "令和6年度" in alt_text(s) and "未達" in alt_text(s)


# --- revisions ------------------------------------------------------------------------------


def test_follow_up_entries_are_revisions(store, plan: Plan) -> None:
    svc = PlanService(store, Actor.local())
    stored = svc.create(plan)
    v1 = svc.save(
        stored.id, set_actual(stored.plan, "K01", 2024, 31), expected_version=stored.version, note="実績"
    )
    v2 = svc.save(v1.id, set_status(v1.plan, "M01", 2024, "遅れ"), expected_version=v1.version, note="進捗")
    assert svc.get(stored.id).plan.followup[2024].measures["M01"].status is Progress.DELAYED
    kept = [r.version for r in svc.revisions(stored.id)]
    # autosaves by one user within minutes fold into one revision (the store keeps history small);
    # the newest state and the created version are both kept, and the audit log has every save
    assert kept[0] == v2.version and stored.version in kept
    saves = svc.audit_log(action="plan.save", target=f"plan:{stored.id}")
    assert sorted(e.detail["version"] for e in saves) == [v1.version, v2.version]
    svc.restore(stored.id, stored.version, expected_version=v2.version)
    back = svc.get(stored.id).plan
    assert back.followup == {} and 2024 not in back.kpi("K01").actuals
