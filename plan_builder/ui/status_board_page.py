"""策定状況: the prefecture's desk — every local government in scope, filters, the progress
grid, and the export in the shape of the national survey. Reads through
plan_builder.review's StatusBoardService, CampaignService and SummaryService only."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plan_builder.auth import NATIONAL, Role
from plan_builder.errors import PlanBuilderError
from plan_builder.guide import get_guide
from plan_builder.plan import format_date, today_jst
from plan_builder.review import (
    LG_TYPE_LABELS,
    SURVEY_HEADER,
    BoardFilter,
    BoardStatus,
    CampaignService,
    StatusBoardService,
    SummaryService,
    board_counts,
    board_grid,
    summary_docx,
    summary_xlsx,
    survey_records,
)
from plan_builder.ui.render import md_escape
from plan_builder.ui.review_common import ctx, date_label, downloads, flash, paginate, show_flash

MUNICIPALITY_GUIDE = "kanmin-2019-municipality"  # its pillars and national measures frame the summary
K_OPEN = "rv_selected_plan"  # the plan the queue opens (review_pages.K_SELECTED)
LG_TYPES = ["prefecture", "designated_city", "core_city", "city", "special_ward", "town", "village"]
SURVEY_LEGEND = [
    (
        "策定状況",
        "国の策定状況調査の区分。策定済＝承認済・公表済、検討中＝作成中・提出済・差戻し、未検討＝未着手",
    ),
    (
        "進捗状況",
        "未着手＝計画なし、作成中＝未提出、提出済＝提出・確認中・再提出、差戻し、承認済、公表済＝承認済で公表URLあり",
    ),
    ("充足度（%）", "提出時の点検で必須項目が満たされている割合（0〜100）。未提出の計画は空欄"),
    ("待ち日数", "提出から今日までの日数（審査担当者の確認を待っている計画のみ）"),
    ("期限超過", "提出期限を過ぎても提出されていない団体は「超過」"),
]


def board_page() -> None:
    store, actor = ctx()
    st.title("策定状況")
    show_flash()
    c1, c2, c3 = st.columns([3, 3, 2])
    statuses = c1.multiselect(
        "状況", list(BoardStatus), format_func=lambda s: s.label, key="rvb_status", placeholder="すべて"
    )
    types = c2.multiselect(
        "団体区分", LG_TYPES, format_func=LG_TYPE_LABELS.get, key="rvb_type", placeholder="すべて"
    )
    text = c3.text_input("団体名・よみ・団体コード", key="rvb_text")
    pref_codes = None
    if actor.role is Role.ADMIN or actor.scope == NATIONAL:
        prefs = {p.pref_code: p.name for p in store.prefectures()}
        chosen = st.multiselect(
            "都道府県", list(prefs), format_func=prefs.get, key="rvb_pref", placeholder="すべて"
        )
        pref_codes = chosen or None
    _campaign_box()
    overdue = st.checkbox("提出期限を過ぎた団体のみ", key="rvb_overdue")
    flt = BoardFilter(
        statuses=statuses or None, pref_codes=pref_codes, lg_types=types or None, text=text,
        overdue_only=overdue,
    )  # fmt: skip
    try:
        rows = StatusBoardService(store, actor).rows(flt)
    except PlanBuilderError as exc:
        st.error(md_escape(exc))
        return
    tally = board_counts(rows)
    cols = st.columns(len(tally))
    for col, (status, n) in zip(cols, tally.items(), strict=True):
        col.metric(status.label, f"{n:,}")
    late = sum(1 for r in rows if r.overdue)
    if late:
        st.warning(f"提出期限を過ぎても提出されていない団体が{late}団体あります。")
    if not rows:
        st.info("条件に合う団体はありません。")
        return
    if len({r.pref_code for r in rows}) == 1 and len(rows) <= 200:
        st.plotly_chart(
            board_grid(rows, title=f"{rows[0].prefecture}の策定状況"),
            key="rvb_grid",
            config={"displaylogo": False, "displayModeBar": False},
        )
    page, size = paginate(len(rows), "rvb", default_size=50)
    shown = rows[(page - 1) * size : page * size]
    df = pd.DataFrame(
        [
            {
                "団体コード": r.lg_code,
                "団体名": r.lg_name,
                "都道府県": r.prefecture,
                "団体区分": r.type_label,
                "状況": r.status.label,
                "充足度（%）": None if r.completeness is None else round(r.completeness * 100),
                "最終更新": date_label(r.last_activity),
                "待ち日数": "－" if r.days_waiting is None else f"{r.days_waiting}日",
                "提出期限": date_label_of(r.deadline),
                "期限超過": "超過" if r.overdue else "",
            }
            for r in shown
        ]
    )
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        key="rvb_table",
        column_config={
            "充足度（%）": st.column_config.ProgressColumn(
                "充足度（%）", min_value=0, max_value=100, format="%d%%"
            )
        },
    )
    downloads("策定状況", SURVEY_HEADER, survey_records(rows), "rvb_dl", legend=SURVEY_LEGEND)
    _summary_downloads(pref_codes)
    openable = [r for r in shown if r.plan_id is not None and r.round is not None]
    if openable:
        labels = {r.plan_id: f"{r.lg_name}（{r.status.label}）" for r in openable}
        pid = st.selectbox("審査キューで開く計画", list(labels), format_func=labels.get, key="rvb_pick")
        if st.button("開く", key="rvb_open"):
            st.session_state[K_OPEN] = pid
            from plan_builder.ui.review_pages import page

            st.switch_page(page("queue"))


def date_label_of(d) -> str:
    return format_date(d) if d else "－"


def _campaign_box() -> None:
    """Open campaigns (due dates) of the reviewer's area; set a new one or close one."""
    store, actor = ctx()
    desk = CampaignService(store, actor)
    open_ = desk.campaigns()
    head = "、".join(f"{c.title}（{format_date(c.due_date)}まで）" for c in open_) or "なし"
    with st.expander(f"提出期限：{head}", expanded=False):
        for c in open_:
            c1, c2 = st.columns([5, 1], vertical_alignment="center")
            area = c.pref_code or "全国"
            c1.markdown(f"**{md_escape(c.title)}**　期限 {format_date(c.due_date)}　対象 {md_escape(area)}")
            with c2.popover("終了する"):  # asked first: closing cannot be taken back
                st.caption(
                    "この提出期限を終了します。計画担当者のホーム画面に表示されなくなり、元に戻せません。"
                )
                close = st.button("終了する（確定）", key=f"rvb_close_{c.id}", type="primary")
            if close:
                try:
                    desk.close(c.id)
                except PlanBuilderError as exc:
                    st.error(md_escape(exc))
                else:
                    flash(f"提出期限「{c.title}」を終了しました。")
                    st.rerun()
        with st.form("rvb_campaign", clear_on_submit=True):
            title = st.text_input("名称", placeholder="例：令和8年度 官民データ活用推進計画の提出")
            due = st.date_input("提出期限", value=None, format="YYYY/MM/DD")
            note = st.text_area("メモ（任意。計画担当者のホーム画面に表示されます）", max_chars=2000)
            if st.form_submit_button("提出期限を設定する"):
                try:
                    c = desk.create(title=title, due_date=due, note=note)  # type: ignore[arg-type]
                except PlanBuilderError as exc:
                    st.error(md_escape(exc))
                else:
                    flash(f"提出期限「{c.title}」（{format_date(c.due_date)}まで）を設定しました。")
                    st.rerun()


def _summary_downloads(pref_codes: list[str] | None) -> None:
    """The summary report for publication (Word in the plan's house style, and Excel)."""
    store, actor = ctx()
    if pref_codes is not None and len(pref_codes) != 1:
        st.caption("取りまとめ資料は、都道府県を1つ選ぶと作成できます。")
        return
    pref = pref_codes[0] if pref_codes else None
    guide = get_guide(MUNICIPALITY_GUIDE)
    c1, c2 = st.columns(2)
    stamp = today_jst().strftime("%Y%m%d")
    c1.download_button(
        "取りまとめ資料（Word）を作成",
        lambda: summary_docx(SummaryService(store, actor).build(guide, pref_code=pref), guide),
        file_name=f"策定状況の取りまとめ_{stamp}.docx",
        mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        key="rvb_sum_docx",
        on_click="ignore",
    )
    c2.download_button(
        "取りまとめ資料（Excel）を作成",
        lambda: summary_xlsx(SummaryService(store, actor).build(guide, pref_code=pref)),
        file_name=f"策定状況の取りまとめ_{stamp}.xlsx",
        mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        key="rvb_sum_xlsx",
        on_click="ignore",
    )
