"""改定と取込: start the next plan period from this plan, move the plan to another guide version
(with the changes listed before it is final), import an existing plan from a Word document, and
compare two guide versions. Each action calls the core and saves through the service.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from plan_builder.errors import PlanBuilderError
from plan_builder.followup import carry_forward
from plan_builder.guide import GuideDiff, diff_guides
from plan_builder.plan import format_date, format_fiscal_year, migrate_plan
from plan_builder.ui import common, state
from plan_builder.ui.render import md_escape
from plan_builder.uploads import UploadError
from plan_builder.wordimport import apply_mapping, importable_questions, propose_mapping, read_sections

WORD = "pb_word_sections"  # file_id -> sections or error text


def _next_period(op: state.OpenPlan) -> None:
    plan = op.plan
    if plan.previous_plan_id:
        st.caption(f"この計画は、前期の計画（ID {plan.previous_plan_id}）から引き継いで作成しました。")
    if plan.period is None:
        st.info("計画期間が入力されていないため、次期計画を作成できません。")
        return
    st.markdown(
        "この計画の施策と指標（KPI）を引き継いで、次の計画期間の計画（作成中）を新しく作ります。"
        "各指標の最新の実績値が、新しい計画の現状値（測定日付き）になります。この計画は変更しません。"
    )
    start = plan.period.end_fy + 1
    years = list(range(start, start + 6))
    a, b = st.columns(2)
    s = a.selectbox("開始年度", years, format_func=format_fiscal_year, key="rv_start")
    e = b.selectbox(
        "終了年度", list(range(s, s + 10)), index=min(4, 9), format_func=format_fiscal_year, key="rv_end"
    )
    drop = st.checkbox("最新年度に「完了」とした施策は引き継がない", key="rv_drop")
    try:
        new, carried = carry_forward(plan, start_fy=s, end_fy=e, previous_plan_id=op.id, drop_done=drop)
    except PlanBuilderError as exc:
        st.error(md_escape(str(exc)))
        return
    if carried:
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "KPI": c.kpi_key,
                        "新しい現状値": c.value,
                        "基準日": format_date(c.as_of),
                        "元の年度": format_fiscal_year(c.from_fy),
                    }
                    for c in carried
                ]
            ),
            hide_index=True,
        )
    if st.button("次期計画を作成する", type="primary", key="rv_create"):
        try:
            stored = state.service().create(new)
        except PlanBuilderError as exc:
            st.error(md_escape(str(exc)))
            return
        state.open_plan(stored.id)
        state.flash(
            f"次期計画（ID {stored.id}）を作成しました。前期の計画（ID {op.id}）はそのまま残っています。",
            "success",
        )
        st.rerun()


def show_diff(d: GuideDiff) -> None:
    if d.empty:
        st.info("設問に違いはありません。")
        return
    if d.added:
        st.markdown(f"**追加された設問（{len(d.added)}件）**")
        st.dataframe(
            pd.DataFrame([{"キー": q.key, "設問": q.label, "区分": q.required.label} for q in d.added]),
            hide_index=True,
        )
    if d.changed:
        st.markdown(f"**変更された設問（{len(d.changed)}件）**")
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "キー": c.key,
                        "設問": c.label,
                        "変わった点": "、".join(c.fields),
                        "詳細": "／".join(c.details),
                    }
                    for c in d.changed
                ]
            ),
            hide_index=True,
        )
    if d.removed:
        st.markdown(f"**削除された設問（{len(d.removed)}件）**")
        st.dataframe(pd.DataFrame([{"キー": q.key, "設問": q.label} for q in d.removed]), hide_index=True)


def _migrate(op: state.OpenPlan) -> None:
    others = {
        g.id: g for g in state.guides().values() if g.variant == op.guide.variant and g.id != op.guide.id
    }
    if not others:
        st.info("移行先の手引がありません。")
        return
    target = st.selectbox(
        "移行先の手引",
        list(others),
        format_func=lambda i: f"{others[i].title}（{others[i].edition}）",
        key="rv_target",
    )
    preview = migrate_plan(op.plan, op.guide, others[target])
    st.markdown("移行すると、回答は設問キーが同じ設問へそのまま移ります。移行前の版は変更履歴に残ります。")
    show_diff(preview.diff)
    if preview.set_aside:
        st.warning("次の回答は新しい版へ移りません（移行前の版から確認できます）。")
        st.dataframe(
            pd.DataFrame([{"キー": s.key, "設問": s.label, "理由": s.reason} for s in preview.set_aside]),
            hide_index=True,
        )
    st.caption(f"そのまま移る回答：{len(preview.kept)}件")
    if st.checkbox("上の内容を確認しました", key="rv_confirm") and st.button(
        "移行する", type="primary", key="rv_go"
    ):
        if state.commit(preview.plan, note=preview.note):
            state.flash(f"{others[target].title}へ移行しました。", "success")
        st.rerun()


def _word(op: state.OpenPlan) -> None:
    st.markdown(
        "既にWordで作った計画から、見出しと本文を読み取って回答に取り込みます。"
        "見出しごとに取り込む設問を提案しますので、確認・修正してから取り込んでください。"
    )
    up = st.file_uploader("Word文書（.docx）", type=["docx"], key=state.wkey("rv_word"))
    if up is None:
        return
    cache = st.session_state.setdefault(WORD, {})
    if up.file_id not in cache:
        try:
            cache[up.file_id] = read_sections(up.name, up.getvalue())
        except (UploadError, PlanBuilderError) as exc:
            cache[up.file_id] = str(exc)
    sections = cache[up.file_id]
    if isinstance(sections, str):
        st.error(md_escape(sections))
        return
    questions = {q.key: q for q in importable_questions(op.guide)}
    keys = [None, *questions]
    mapping: dict[int, str | None] = {}
    with st.form(state.wkey("rv_word_form")):
        for p in propose_mapping(sections, op.guide):
            s = sections[p.section]
            st.markdown(f"**{md_escape(s.title)}**　{md_escape(s.text[:80])}…")
            mapping[p.section] = st.selectbox(
                "取り込む設問",
                keys,
                index=keys.index(p.question_key),
                format_func=lambda k: (
                    "（取り込まない）"
                    if k is None
                    else f"{op.guide.chapter_of(k).title}／{questions[k].label}"
                ),
                key=state.wkey(f"rv_map_{p.section}"),
            )
        overwrite = st.checkbox("入力済みの回答も上書きする")
        if st.form_submit_button("取り込む", type="primary"):
            try:
                new, filled = apply_mapping(op.plan, op.guide, sections, mapping, overwrite=overwrite)
            except PlanBuilderError as exc:
                st.error(md_escape(str(exc)))
                return
            if state.commit(new, note=f"Word文書からの取込（{up.name}）"):
                state.flash(f"{len(filled)}件の設問に取り込みました。", "success")
            st.rerun()


def _compare() -> None:
    guides = state.guides()
    ids = list(guides)
    a, b = st.columns(2)
    old = a.selectbox(
        "比べる元", ids, format_func=lambda i: f"{guides[i].title}（{guides[i].edition}）", key="rv_old"
    )
    new = b.selectbox("比べる先", ids, index=min(1, len(ids) - 1), format_func=lambda i: f"{guides[i].title}（{guides[i].edition}）", key="rv_new")  # fmt: skip
    show_diff(diff_guides(guides[old], guides[new]))


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "改定と取込")
    tabs = st.tabs(
        ["次期計画", "手引の移行", "Wordから取込", "手引の版の比較"], key="rv_tabs", on_change="rerun"
    )
    with tabs[0]:
        _next_period(op)
    with tabs[1]:
        _migrate(op)
    with tabs[2]:
        _word(op)
    with tabs[3]:
        _compare()


if __name__ == "__main__":
    render()
