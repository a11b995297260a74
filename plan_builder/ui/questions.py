"""One guide question on screen: the input with its label and required marker on the left, the
guidance, basis, citation and 記載例 button beside it. Every change is validated and saved at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from plan_builder.guide.model import Guide, Question, QuestionType, Requirement
from plan_builder.plan import edit
from plan_builder.plan.answers import get_answer
from plan_builder.plan.fiscal import format_fiscal_year
from plan_builder.plan.model import Plan
from plan_builder.ui import state
from plan_builder.ui.render import md_escape, prose

MARK = {
    Requirement.REQUIRED: ":red-badge[必須]",
    Requirement.RECOMMENDED: ":orange-badge[推奨]",
    Requirement.OPTIONAL: ":gray-badge[任意]",
}
FY_CHOICES = list(range(2017, 2041))


def fy_choices(*saved: int | None) -> list[int]:
    """The usual years, widened to include any saved year (an imported plan may start in 2010)."""
    years = [y for y in saved if y is not None]
    return list(range(min([FY_CHOICES[0], *years]), max([FY_CHOICES[-1], *years]) + 1))


def _label(q: Question) -> str:
    return f"{q.label}（{q.required.label}）"


def _initial(plan: Plan, q: Question) -> Any:
    """The widget value that shows the saved answer."""
    v = get_answer(plan, q)
    match q.type:
        case QuestionType.DATE:
            try:
                return date.fromisoformat(v) if v else None
            except (TypeError, ValueError):
                return None
        case QuestionType.MULTI_CHOICE | QuestionType.CHECKLIST | QuestionType.PILLARS:
            return list(v or [])
        case QuestionType.NUMBER:
            return float(v) if isinstance(v, int | float) else None
        case QuestionType.SHORT_TEXT | QuestionType.LONG_TEXT | QuestionType.URL:
            return "" if v is None else str(v)
    return v


def _on_change(qkey: str, wk: str) -> None:
    op = state.current()
    if op is None:
        return
    raw = st.session_state.get(wk)
    try:
        new = edit.answer_question(op.plan, op.guide, qkey, raw)
    except edit.EditError as exc:
        state.set_error(qkey, str(exc))  # shown at the field; nothing is saved
        return
    state.set_error(qkey, None)
    state.commit(new, note=f"「{op.guide.question(qkey).label}」を変更")


def _on_period(qkey: str, wk_start: str, wk_end: str) -> None:
    op = state.current()
    if op is None:
        return
    raw = (st.session_state.get(wk_start), st.session_state.get(wk_end))
    try:
        new = edit.answer_question(op.plan, op.guide, qkey, raw)
    except edit.EditError as exc:
        state.set_error(qkey, str(exc))
        return
    state.set_error(qkey, None)
    state.commit(new, note="計画期間を変更")


def _insert_example(qkey: str, wk: str, index: int) -> None:
    op = state.current()
    if op is None:
        return
    q = op.guide.question(qkey)
    st.session_state[wk] = edit.example_answer(q, op.plan, index)
    _on_change(qkey, wk)


def _seed(wk: str, value: Any) -> None:
    """Put the saved value into a widget the first time it is drawn (and clear old errors)."""
    if wk not in st.session_state:
        st.session_state[wk] = value


def render_input(plan: Plan, guide: Guide, q: Question) -> None:
    wk = state.wkey(q.key)
    # The period question draws two widgets (…:start, …:end) and never uses `wk` itself.
    first_key = state.wkey(q.key + ":start") if q.type is QuestionType.PLAN_PERIOD else wk
    fresh = first_key not in st.session_state
    if fresh:
        state.set_error(q.key, None)
    label = _label(q)
    args = (q.key, wk)
    opts = {o.value: o.label for o in guide.options_for(q)} if q.options or q.options_from else {}
    match q.type:
        case QuestionType.LONG_TEXT:
            _seed(wk, _initial(plan, q))
            st.text_area(
                label, key=wk, on_change=_on_change, args=args, height=150, placeholder=q.placeholder
            )
        case QuestionType.SHORT_TEXT | QuestionType.URL:
            _seed(wk, _initial(plan, q))
            st.text_input(
                label,
                key=wk,
                on_change=_on_change,
                args=args,
                placeholder=q.placeholder,
                max_chars=q.max_length or None,
            )
        case QuestionType.NUMBER:
            _seed(wk, _initial(plan, q))
            st.number_input(label, key=wk, on_change=_on_change, args=args, value=None, step=1.0)
        case QuestionType.FISCAL_YEAR:
            _seed(wk, _initial(plan, q))
            saved = st.session_state.get(wk)
            st.selectbox(
                label,
                fy_choices(saved if isinstance(saved, int) else None),
                key=wk,
                on_change=_on_change,
                args=args,
                index=None,
                format_func=lambda fy: format_fiscal_year(fy, western=True),
                placeholder="年度を選んでください",
            )
        case QuestionType.DATE:
            _seed(wk, _initial(plan, q))
            st.date_input(label, key=wk, on_change=_on_change, args=args, value=None, format="YYYY/MM/DD")
        case QuestionType.SINGLE_CHOICE:
            _seed(wk, _initial(plan, q))
            st.radio(
                label, list(opts), key=wk, on_change=_on_change, args=args, index=None, format_func=opts.get
            )
        case QuestionType.MULTI_CHOICE | QuestionType.CHECKLIST:
            _seed(wk, _initial(plan, q))
            st.multiselect(
                label,
                list(opts),
                key=wk,
                on_change=_on_change,
                args=args,
                format_func=opts.get,
                placeholder="選んでください（複数可）",
            )
        case QuestionType.PILLARS:
            names = {p.key: f"{p.short_name}（{p.article_label}）" for p in guide.pillars}
            offered = [
                p.key for p in guide.pillars if p.visibility.value != "hidden" or p.key in plan.pillars
            ]
            _seed(wk, _initial(plan, q))
            st.multiselect(
                label,
                offered,
                key=wk,
                on_change=_on_change,
                args=args,
                format_func=names.get,
                placeholder="取り組む柱を選んでください",
                help="5本柱のほか、基本法の他の条に当たる取組も選べます。全ての柱を選ぶ必要はありません。",
            )
        case QuestionType.PLAN_PERIOD:
            _render_period(plan, q)
        case QuestionType.MEASURES:
            _render_summary(plan, "measures", f"{_label(q)}：{len(plan.measures)}件登録済み")
        case QuestionType.KPIS:
            _render_summary(plan, "kpis", f"{_label(q)}：{len(plan.kpis)}件登録済み")
    msg = state.error(q.key)
    if msg:  # escaped: the message often quotes what was typed
        st.error(md_escape(msg), icon=":material/error:")


def _render_period(plan: Plan, q: Question) -> None:
    ws, we = state.wkey(q.key + ":start"), state.wkey(q.key + ":end")
    _seed(ws, plan.period.start_fy if plan.period else None)
    _seed(we, plan.period.end_fy if plan.period else None)
    st.markdown(f"**{md_escape(_label(q))}**")
    a, b = st.columns(2)
    fmt = lambda fy: format_fiscal_year(fy, western=True)  # noqa: E731
    choices = fy_choices(st.session_state.get(ws), st.session_state.get(we))
    a.selectbox(
        "開始年度",
        choices,
        key=ws,
        index=None,
        format_func=fmt,
        on_change=_on_period,
        args=(q.key, ws, we),
        placeholder="年度を選んでください",
    )
    b.selectbox(
        "終了年度",
        choices,
        key=we,
        index=None,
        format_func=fmt,
        on_change=_on_period,
        args=(q.key, ws, we),
        placeholder="年度を選んでください",
    )
    if plan.period:
        st.caption(f"保存済みの計画期間：{plan.period.label()}")


def _render_summary(plan: Plan, page_key: str, text: str) -> None:
    from plan_builder.ui import nav

    st.markdown(f"**{md_escape(text)}**")
    st.page_link(
        nav.page(page_key),
        label=f"{nav.PLANNER_PAGES[page_key][0]}の画面で編集する",
        icon=":material/arrow_forward:",
    )


def render_guidance(plan: Plan, guide: Guide, q: Question) -> None:
    """Guidance beside the field: what to write, why it is asked, where the guide says it."""
    with st.container(border=True, key=f"guide_{q.key.replace('.', '_')}"):
        st.markdown(f"{MARK[q.required]}　**解説**")
        st.markdown(md_escape(prose(q.guidance)))
        if q.type in (QuestionType.SINGLE_CHOICE, QuestionType.MULTI_CHOICE):
            for o in guide.options_for(q):
                if o.description:
                    st.caption(f"・{md_escape(o.label)}：{md_escape(o.description)}")
        if q.basis:
            st.caption(f"根拠：{md_escape(q.basis)}")
        st.caption(f"出典：{md_escape(q.citation.text())}")
        if q.examples and q.type in (QuestionType.LONG_TEXT, QuestionType.SHORT_TEXT, QuestionType.URL):
            wk = state.wkey(q.key)
            st.button(
                "記載例を挿入",
                key=f"ex:{wk}",
                on_click=_insert_example,
                args=(q.key, wk, 0),
                help="入力欄の内容を記載例で置き換えます。元に戻すには「変更履歴」から復元できます。",
            )
            with st.expander("記載例を見る"):
                for i, _ex in enumerate(q.examples):
                    st.markdown(md_escape(edit.example_answer(q, plan, i)))
                    if i:
                        st.button(
                            f"記載例{i + 1}を挿入",
                            key=f"ex:{wk}:{i}",
                            on_click=_insert_example,
                            args=(q.key, wk, i),
                        )


def render_question(plan: Plan, guide: Guide, q: Question) -> None:
    left, right = st.columns([3, 2], gap="medium")
    with left:
        render_input(plan, guide, q)
    with right:
        render_guidance(plan, guide, q)
