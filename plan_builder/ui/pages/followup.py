"""進捗管理 (yearly follow-up): actuals per KPI with charts of target versus actual (off-track
first), statuses per measure, bulk entry from .xlsx/CSV, and the 年次報告 download.

Thin on purpose: every action calls plan_builder.followup and saves one revision through
state.commit, so a test can do the same without a browser.

Only the open tab is drawn (issue 13: all four tabs were 5 charts and ~70 widgets on every run).
Streamlit and the browser forget the widgets of a hidden tab, so the fields are not in forms
(a form's unsubmitted text never reaches the server) and what the user typed but has not saved
is kept per field in DRAFTS and put back when the tab opens again; the last checked upload is
kept the same way.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from plan_builder.errors import PlanBuilderError
from plan_builder.followup import (
    Track,
    alt_text,
    fmt,
    followup_years,
    gap_text,
    kpi_progress,
    progress_figure,
    set_actual,
    set_status,
)
from plan_builder.plan import PROGRESS_LABELS, Progress, format_fiscal_year
from plan_builder.ui import charts, common, state
from plan_builder.ui.charts import PLOTLY_CONFIG
from plan_builder.ui.render import md_escape
from plan_builder.uploads import UploadError

YEAR = "pb_followup_year"
BULK = "pb_followup_bulk"  # file_id -> (BulkResult or error text)
REPORT = "pb_followup_report"
DRAFTS = "pb_followup_drafts"  # field name -> (saved value, typed value) not yet saved
LIVE = "pb_followup_live"  # widget key -> (field name, saved value) drawn by the last run
KEPT_UPLOAD = "pb_followup_upload"  # (file name, plan version, checked result) of the last upload
TABS = ("指標の実績", "施策の進捗", "一括入力", "年次報告")
MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


PER_PAGE = 5


def _year(op: state.OpenPlan) -> int:
    years = followup_years(op.plan)
    if st.session_state.get(YEAR) not in years:
        st.session_state[YEAR] = years[-1]
    return st.selectbox("報告する年度", years, format_func=format_fiscal_year, key=YEAR)


def _plain(v: float | str | None) -> str:
    """12.0 → 「12」 for the input box (the stored value keeps its type)."""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return "" if v is None else str(v)


def _field(name: str, saved: Any) -> str:
    """The key of the widget for field `name`, seeded with the user's unsaved text if it was
    typed against the same saved value, else with the saved value. The key carries the saved
    value, so a save (or an upload) that changes it shows the new value."""
    ss = st.session_state
    name = state.wkey(name)  # drafts belong to the open plan
    wk = f"{name}={saved!r}"
    if wk not in ss:
        draft = ss.get(DRAFTS, {}).get(name)
        ss[wk] = draft[1] if draft is not None and draft[0] == saved else saved
    ss.setdefault(LIVE, {})[wk] = (name, saved)
    return wk


def _keep_typed() -> None:
    """First in each run: what the fields drawn by the last run hold becomes their draft, also
    when this run hides them (a tab switch sends the typed text with the switch)."""
    ss = st.session_state
    drafts: dict[str, tuple[Any, Any]] = ss.setdefault(DRAFTS, {})
    for wk, (name, saved) in ss.pop(LIVE, {}).items():
        if wk not in ss:
            continue
        if ss[wk] == saved:
            drafts.pop(name, None)
        else:
            drafts[name] = (saved, ss[wk])


def _forget(*names: str) -> None:
    """Drop the drafts of saved fields."""
    drafts = st.session_state.get(DRAFTS, {})
    for name in names:
        drafts.pop(state.wkey(name), None)


def _save(new, note: str) -> None:
    if state.commit(new, note=note):
        state.flash(f"{note}を保存しました。", "success")


def _one_page(standings: list) -> list:
    """PER_PAGE KPIs at a time: each brings a chart and a form, and 15 of them took the browser
    several seconds to draw on a small PC (issue 13). The most urgent come first."""
    if len(standings) <= PER_PAGE:
        return standings
    n = len(standings)
    pages = list(range(0, n, PER_PAGE))
    start = st.radio(
        "表示する指標",
        pages,
        format_func=lambda i: f"{i + 1}〜{min(i + PER_PAGE, n)}件目",
        horizontal=True,
        key=_field(f"fu_kpi_page_{n}", 0),
    )
    start = start if start in pages else 0
    return standings[start : start + PER_PAGE]


def _kpis(op: state.OpenPlan, fy: int) -> None:
    standings = kpi_progress(op.plan, fy)
    if not standings:
        st.info("指標（KPI）が登録されていません。「指標（KPI）」の画面で登録してください。")
        return
    on = sum(1 for s in standings if s.track is Track.ON)
    off = sum(1 for s in standings if s.track is Track.OFF)
    missing = sum(1 for s in standings if s.track is Track.NO_ACTUAL)
    c1, c2, c3 = st.columns(3)
    c1.metric("達成・順調", f"{on}件")
    c2.metric("未達", f"{off}件")
    c3.metric("実績値が未入力", f"{missing}件")
    st.caption("目標に届いていない指標から順に表示しています。")
    for s in _one_page(standings):
        k = s.kpi
        with st.container(border=True, key=f"kpi_{k.key}"):
            st.markdown(f"**{k.key}　{md_escape(k.name)}**　{s.track.label}")
            left, right = st.columns([3, 2])
            with left:
                fig = progress_figure(s, op.plan.period)
                fig.update_layout(autosize=True, width=None)
                charts.upright_categories(fig)  # narrow column: upright year labels, legend below
                st.plotly_chart(
                    fig,
                    key=state.wkey(f"fu_chart_{k.key}_{fy}_v{op.version}"),
                    config=PLOTLY_CONFIG,
                    width="stretch",
                )
                st.caption(md_escape(alt_text(s)))
            with right:
                st.markdown(
                    f"目標値：{md_escape(fmt(s.target, k.unit))}  \n実績値：{md_escape(fmt(s.actual, k.unit))}  \n"
                    f"{md_escape(gap_text(s))}"
                )
                names = [f"fu_{part}_{k.key}_{fy}" for part in ("actual", "day", "note")]
                value = st.text_input(
                    f"実績値（{k.unit}）" if k.unit else "実績値", key=_field(names[0], _plain(s.actual))
                )
                day = st.date_input("測定日", format="YYYY/MM/DD", key=_field(names[1], s.measured_on))
                note = st.text_input("備考", max_chars=500, key=_field(names[2], s.note))
                if st.button("保存", key=state.wkey(f"fu_save_{k.key}_{fy}")):
                    try:
                        new = set_actual(op.plan, k.key, fy, value, measured_on=day, note=note)
                    except PlanBuilderError as exc:
                        st.error(md_escape(str(exc)))
                    else:
                        _save(new, f"実績値の入力（{k.key} {format_fiscal_year(fy)}）")
                        _forget(*names)
                        st.rerun()


def _measures(op: state.OpenPlan, fy: int) -> None:
    if not op.plan.measures:
        st.info("施策が登録されていません。")
        return
    follow = op.plan.followup.get(fy)
    options = list(Progress)
    picked = {}
    for m in op.plan.measures:
        current = follow.measures.get(m.key) if follow else None
        st.markdown(f"**{m.key}　{md_escape(m.name)}**（{md_escape(m.department or '担当課未設定')}）")
        a, b = st.columns([1, 3])
        status = a.selectbox(
            "進捗状況",
            [None, *options],
            format_func=lambda p: "（未報告）" if p is None else PROGRESS_LABELS[p],
            key=_field(f"fu_status_{m.key}_{fy}", current.status if current else None),
        )
        comment = b.text_input(
            "コメント",
            max_chars=1000,
            key=_field(f"fu_comment_{m.key}_{fy}", current.comment if current else ""),
        )
        picked[m.key] = (status, comment)
    if st.button("施策の進捗を保存", type="primary", key=state.wkey(f"fu_measures_save_{fy}")):
        new = op.plan
        try:
            for key, (status, comment) in picked.items():
                if status is not None:
                    new = set_status(new, key, fy, status, comment)
        except PlanBuilderError as exc:
            st.error(md_escape(str(exc)))
            return
        _save(new, f"施策の進捗の入力（{format_fiscal_year(fy)}）")
        _forget(*(f"fu_{part}_{m.key}_{fy}" for m in op.plan.measures for part in ("status", "comment")))
        st.rerun()


def _bulk(op: state.OpenPlan, fy: int) -> None:
    # Here, not at the top: openpyxl and pandas would slow every visit of the first tab.
    import pandas as pd

    from plan_builder.followup import import_actuals, template_csv, template_xlsx

    st.markdown(
        "1行に1つの指標と年度を書いたExcelブック（.xlsx）かCSVファイルから、実績値をまとめて取り込みます。"
    )
    a, b = st.columns(2)
    stem = f"実績値ひな形_{format_fiscal_year(fy)}"
    a.download_button("ひな形（Excel）", template_xlsx(op.plan, fy), file_name=f"{stem}.xlsx", mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="fu_tpl_xlsx")  # fmt: skip
    b.download_button("ひな形（CSV）", template_csv(op.plan, fy), file_name=f"{stem}.csv", mime="text/csv", key="fu_tpl_csv")  # fmt: skip
    up = st.file_uploader("実績値のファイル", type=["xlsx", "csv"], key=state.wkey("fu_upload"))
    kept = st.session_state.get(KEPT_UPLOAD)
    if up is not None:
        cache = st.session_state.setdefault(BULK, {})
        cache_key = (up.file_id, op.version)
        if cache_key not in cache:
            try:
                cache[cache_key] = import_actuals(op.plan, up.name, up.getvalue())
            except (UploadError, PlanBuilderError) as exc:
                cache[cache_key] = str(exc)
        name, result = up.name, cache[cache_key]
        st.session_state[KEPT_UPLOAD] = (name, op.version, result)
    elif kept is not None and kept[1] == op.version:
        # The uploader forgets its file when its tab is hidden; the checked rows are kept.
        name, _, result = kept
        st.info(f"前に選んだファイル「{md_escape(name)}」の確認結果です。")
        if st.button("このファイルの取り込みをやめる", key="fu_bulk_drop"):
            st.session_state.pop(KEPT_UPLOAD, None)
            st.rerun()
    else:
        return
    if isinstance(result, str):
        st.error(md_escape(result))
        return
    if result.refused:
        st.warning(f"{len(result.refused)}行は取り込めません。理由を確かめて、ファイルを直してください。")
        st.dataframe(
            pd.DataFrame([{"行": r.row, "理由": r.reason} for r in result.refused]),
            hide_index=True,
            width="stretch",
        )
    if not result.changed:
        st.error("取り込める行がありません。計画は変更していません。")
        return
    st.success(f"{len(result.applied)}行を取り込めます。")
    if st.button(f"{len(result.applied)}行を取り込む", type="primary", key="fu_bulk_apply"):
        _save(result.plan, f"実績値の一括入力（{name}、{len(result.applied)}行）")
        st.session_state.pop(BULK, None)
        st.session_state.pop(KEPT_UPLOAD, None)
        st.rerun()


def _report(op: state.OpenPlan, fy: int) -> None:
    from plan_builder.followup import report_bytes  # here: python-docx and Jinja2 load on use

    st.markdown(
        "施策の進捗、指標の目標値と実績値（年度ごと）、グラフと期間の総括をまとめた年次報告を、計画と同じ様式で作成します。"
    )
    a, b = st.columns(2)
    for col, ext, label in ((a, "docx", "Word"), (b, "pdf", "PDF")):
        if col.button(f"年次報告（{label}）を作成", key=f"fu_make_{ext}"):
            with st.spinner(f"年次報告（{label}）を作成しています"):
                try:
                    data = report_bytes(op.plan, op.guide, fy, ext)
                except PlanBuilderError as exc:
                    st.error(md_escape(str(exc)))
                    continue
            name = (
                state.service()
                .download_name(op.id, ext)
                .replace(f".{ext}", f"_年次報告_{format_fiscal_year(fy)}.{ext}")
            )
            st.session_state[REPORT] = (ext, label, name, data, op.version, fy)
    made = st.session_state.get(REPORT)
    if made and made[4] == op.version and made[5] == fy:
        ext, label, name, data, _, _ = made
        st.download_button(f"年次報告（{label}）をダウンロード", data, file_name=name, mime=MIME[ext], type="primary", key="fu_download")  # fmt: skip


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "進捗管理")
    _keep_typed()
    fy = _year(op)
    tabs = st.tabs(list(TABS), key="fu_tabs", on_change="rerun")
    for tab, draw in zip(tabs, (_kpis, _measures, _bulk, _report), strict=True):
        if tab.open:  # hidden tabs are not drawn: the browser would draw their charts unseen
            with tab:
                draw(op, fy)


if __name__ == "__main__":
    render()
