"""One guide question on screen: the input with its label and required marker on the left, the
guidance, basis, citation and 記載例 button beside it. Every change is validated and saved at once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from plan_builder.guide import Guide, Question, QuestionType, Requirement
from plan_builder.plan import Plan, edit, format_fiscal_year, get_answer, merge
from plan_builder.ui import state
from plan_builder.ui.render import md_escape, prose

MARK = {
    Requirement.REQUIRED: ":red-badge[必須]",
    Requirement.RECOMMENDED: ":orange-badge[推奨]",
    Requirement.OPTIONAL: ":gray-badge[任意]",
}
FY_CHOICES = list(range(2017, 2041))
_NO_WIDGET = (QuestionType.PLAN_PERIOD, QuestionType.MEASURES, QuestionType.KPIS)


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


def question_path(q: Question) -> str:
    """Where the answer lives in the plan, as plan.merge names fields (for conflicts)."""
    if q.field:
        return q.field
    if q.type is QuestionType.PLAN_PERIOD:
        return "period"
    if q.type is QuestionType.PILLARS:
        return "pillars"
    return f"answers.{q.key}"


def _save(qkey: str, raw: Any, note: str) -> None:
    """Validate the user's value for one question and save only that answer."""
    op = state.current()
    if op is None:
        return
    try:
        edit.answer_question(op.plan, op.guide, qkey, raw)
    except edit.EditError as exc:
        state.set_error(qkey, str(exc))  # shown at the field; the text stays in it
        state.keep_unsaved(qkey, raw, None)
        return
    state.set_error(qkey, None)
    state.save_field(qkey, raw, lambda plan: edit.answer_question(plan, op.guide, qkey, raw), note)


def _on_change(qkey: str, wk: str) -> None:
    raw = state.edited(wk)
    if raw is state.NO_EDIT:  # redrawn, emptied by a page switch, or back to the saved value
        if wk in st.session_state.get(state.K_DRAWN, ()):
            state.forget_unsaved(qkey)
            state.set_error(qkey, None)
        return
    op = state.current()
    if op is not None:
        _save(qkey, raw, f"「{op.guide.question(qkey).label}」を変更")


def _on_period(qkey: str, wk_start: str, wk_end: str) -> None:
    if state.edited(wk_start) is state.NO_EDIT and state.edited(wk_end) is state.NO_EDIT:
        return
    _save(qkey, (st.session_state.get(wk_start), st.session_state.get(wk_end)), "計画期間を変更")


K_ASK, K_UNDO = "pb_example_ask", "pb_example_undo"  # by widget key: the 記載例 asked about; the undo step
_INSERTABLE = (QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT)
# 記載例 take the plan's own name, but their figures and local features are made up (walk-through:
# a 市 found 「人口は18,214人」 in its inserted text): said wherever an example is shown or inserted.
EXAMPLE_FIGURES_NOTE = (
    "記載例の数値や地域の特徴は架空のものです。本団体の実際の数値や状況に置き換えてください。"
)


def _asks() -> dict[str, int]:
    return st.session_state.setdefault(K_ASK, {})


def _undos() -> dict[str, edit.Undo]:
    return st.session_state.setdefault(K_UNDO, {})


def _insert_example(qkey: str, wk: str, index: int) -> None:
    """「記載例を挿入」: an empty answer receives the example; a written one asks first (so Enter on
    the button, reached by Tab from the field, never overwrites the planner's text)."""
    _on_change(qkey, wk)  # text typed but not yet applied is saved first
    op = state.current()
    if op is None or state.error(qkey):  # typed text that could not be saved stays as it is
        return
    if edit.answered(op.plan, op.guide.question(qkey)):
        _asks()[wk] = index
        return
    _put_example(qkey, wk, index, False)


def _put_example(qkey: str, wk: str, index: int, replace: bool) -> None:
    """Append the example below the answer (or replace it), save, and offer a one-step undo."""
    _asks().pop(wk, None)
    op = state.current()
    if op is None:
        return
    q = op.guide.question(qkey)
    try:
        _, step = edit.insert_example(op.plan, op.guide, qkey, index, replace=replace)
    except edit.EditError as exc:
        state.set_error(qkey, str(exc))
        return
    text = "" if step.after is None else str(step.after)
    st.session_state[wk] = text
    change = lambda plan: edit.answer_question(plan, op.guide, qkey, text)  # noqa: E731
    if state.save_field(qkey, text, change, f"「{q.label}」に記載例を挿入"):
        _undos()[wk] = step


def _cancel_example(wk: str) -> None:
    _asks().pop(wk, None)


def _undo_example(qkey: str, wk: str) -> None:
    """「元に戻す」: the answer as it was before the last 記載例 insert, in one step."""
    step = _undos().pop(wk, None)
    op = state.current()
    if op is None or step is None:
        return
    try:
        edit.undo(op.plan, op.guide, step)
    except edit.EditError as exc:
        state.set_error(qkey, str(exc))
        return
    before = "" if step.before is None else str(step.before)
    st.session_state[wk] = before
    label = op.guide.question(qkey).label
    state.save_field(
        qkey, before, lambda plan: edit.undo(plan, op.guide, step), f"「{label}」の記載例の挿入を元に戻す"
    )


def _example_buttons(plan: Plan, q: Question, wk: str) -> None:
    """The insert button, the question asked before touching written text, and the undo."""
    st.button(
        "記載例を挿入",
        key=f"ex:{wk}",
        on_click=_insert_example,
        args=(q.key, wk, 0),
        help="入力欄が空のときは記載例を入れます。入力済みのときは、下に追加するか置き換えるかを確かめます。",
    )
    if wk in _asks():
        with st.container(border=True):
            st.markdown("入力欄にはすでに文章があります。記載例をどうしますか。")
            args = (q.key, wk, _asks()[wk])
            row = st.container(horizontal=True)  # wraps in a narrow column; labels never cut
            row.button(
                "下に追加する", key=f"exadd:{wk}", on_click=_put_example, args=(*args, False), type="primary"
            )
            row.button("置き換える", key=f"exrep:{wk}", on_click=_put_example, args=(*args, True))
            row.button("やめる", key=f"exno:{wk}", on_click=_cancel_example, args=(wk,))
    step = _undos().get(wk)
    if step is not None and get_answer(plan, q) == step.after:
        row = st.container(horizontal=True, vertical_alignment="center")
        row.caption(f"記載例を挿入しました。{EXAMPLE_FIGURES_NOTE}")
        row.button(
            "元に戻す",
            key=f"exundo:{wk}",
            on_click=_undo_example,
            args=(q.key, wk),
            icon=":material/undo:",
            help="記載例を挿入する前の内容に戻します。",
        )


def render_input(plan: Plan, guide: Guide, q: Question) -> None:
    # The period question draws two widgets (…:start, …:end) and never binds `q.key` itself.
    first = q.key + ":start" if q.type is QuestionType.PLAN_PERIOD else q.key
    last_run = st.session_state.get(state.K_LAST, ())
    if state.wkey(first) not in last_run and q.key not in st.session_state.get(state.K_UNSAVED, {}):
        state.set_error(q.key, None)  # a fresh widget shows the saved answer: old errors are gone
    wk = state.bind(q.key, _initial(plan, q)) if q.type not in _NO_WIDGET else state.wkey(q.key)
    label = _label(q)
    args = (q.key, wk)
    ro = state.read_only()  # a closed briefing session: shown, never changed
    if q.type not in _NO_WIDGET and q.type is not QuestionType.PLAN_PERIOD:
        state.on_edit(wk, _on_change, *args)
    opts = {o.value: o.label for o in guide.options_for(q)} if q.options or q.options_from else {}
    match q.type:
        case QuestionType.LONG_TEXT:
            st.text_area(
                label,
                key=wk,
                height=150,
                placeholder=q.placeholder,
                disabled=ro,
            )
        case QuestionType.SHORT_TEXT | QuestionType.URL:
            st.text_input(
                label,
                key=wk,
                placeholder=q.placeholder,
                max_chars=q.max_length or None,
                disabled=ro,
            )
        case QuestionType.NUMBER:
            st.number_input(label, key=wk, value=None, step=1.0, disabled=ro)
        case QuestionType.FISCAL_YEAR:
            saved = st.session_state.get(wk)
            st.selectbox(
                label,
                fy_choices(saved if isinstance(saved, int) else None),
                key=wk,
                index=None,
                format_func=lambda fy: format_fiscal_year(fy, western=True),
                placeholder="年度を選んでください",
                disabled=ro,
            )
        case QuestionType.DATE:
            st.date_input(label, key=wk, value=None, format="YYYY/MM/DD", disabled=ro)
        case QuestionType.SINGLE_CHOICE:
            st.radio(
                label,
                list(opts),
                key=wk,
                index=None,
                format_func=opts.get,
                disabled=ro,
            )
        case QuestionType.MULTI_CHOICE | QuestionType.CHECKLIST:
            st.multiselect(
                label,
                list(opts),
                key=wk,
                format_func=opts.get,
                placeholder="選んでください（複数可）",
                disabled=ro,
            )
        case QuestionType.PILLARS:
            names = {p.key: f"{p.short_name}（{p.article_label}）" for p in guide.pillars}
            offered = [
                p.key for p in guide.pillars if p.visibility.value != "hidden" or p.key in plan.pillars
            ]
            st.multiselect(
                label,
                offered,
                key=wk,
                format_func=names.get,
                placeholder="取り組む柱を選んでください",
                disabled=ro,
                help="5本柱のほか、基本法の他の条に当たる取組も選べます。全ての柱を選ぶ必要はありません。",
            )
        case QuestionType.PLAN_PERIOD:
            _render_period(plan, q, ro)
        case QuestionType.MEASURES:
            _render_summary(plan, "measures", f"{_label(q)}：{len(plan.measures)}件登録済み")
        case QuestionType.KPIS:
            _render_summary(plan, "kpis", f"{_label(q)}：{len(plan.kpis)}件登録済み")
    if ro:  # typed just before the session closed: its save was refused, the text is shown here
        refused_box(q.key)
    msg = state.error(q.key)
    if msg:  # escaped: the message often quotes what was typed
        st.error(md_escape(msg), icon=":material/error:")
    path = question_path(q)
    conflict = path in state.conflicts()
    version = state.saved_version(q.key)
    if version is not None and not msg and not conflict:  # a conflict says what is saved itself
        st.caption(f":material/check: 保存しました（版{version}）")
    if conflict:
        keys = [state.wkey(q.key + ":start"), state.wkey(q.key + ":end")] if first != q.key else [wk]
        conflict_box(path, keys, q.key)


def _render_period(plan: Plan, q: Question, ro: bool) -> None:
    ws = state.bind(q.key + ":start", plan.period.start_fy if plan.period else None)
    we = state.bind(q.key + ":end", plan.period.end_fy if plan.period else None)
    for wk in (ws, we):
        state.on_edit(wk, _on_period, q.key, ws, we)
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
        placeholder="年度を選んでください",
        disabled=ro,
    )
    b.selectbox(
        "終了年度",
        choices,
        key=we,
        index=None,
        format_func=fmt,
        placeholder="年度を選んでください",
        disabled=ro,
    )
    if plan.period:
        st.caption(f"保存済みの計画期間：{plan.period.label()}")


def _render_summary(plan: Plan, page_key: str, text: str) -> None:
    from plan_builder.ui import nav

    st.markdown(f"**{md_escape(text)}**")
    if state.read_only():  # the measure and KPI pages are not offered once the session closed
        return
    st.page_link(
        nav.page(page_key),
        label=f"{nav.PLANNER_PAGES[page_key][0]}の画面で編集する",
        icon=":material/arrow_forward:",
    )


def show_value(value: Any) -> str:
    """A saved or typed value as plain text for the conflict box (JSON form, as plan.merge gives)."""
    if value in (None, "", [], {}):
        return "（空欄）"
    if isinstance(value, dict) and "activity" in value:  # a measure's schedule year
        return str(value["activity"])
    if isinstance(value, dict) and {"start_fy", "end_fy"} <= set(value):
        return f"{format_fiscal_year(value['start_fy'])}〜{format_fiscal_year(value['end_fy'])}"
    if isinstance(value, list | tuple):  # a tuple: the period's two years, kept unsaved
        return "、".join(str(v) for v in value)
    return str(value)


REFUSED_CLOSED = "保存されなかった入力（研修が終了したため保存されませんでした。必要ならコピーしてください）"


def refused_box(name: str, label: str = "") -> bool:
    """The text kept for `name` after its save was refused (state.save_field keeps it), shown
    read-only with a copy button, since a disabled field cannot show it: the redrawn widget
    shows the saved value. True when there was such text."""
    kept = st.session_state.get(state.K_UNSAVED, {}).get(name)
    if kept is None or kept[0] in (None, "", [], {}):
        return False
    note = f"{label}：{REFUSED_CLOSED}" if label else REFUSED_CLOSED
    st.warning(md_escape(note), icon=":material/content_copy:")
    st.code(show_value(kept[0]), language=None, wrap_lines=True)
    return True


def _keep_mine(path: str, name: str) -> None:
    mine, _ = state.conflicts().get(path, (None, None))
    op = state.current()
    if op is None:
        return
    try:
        changed = merge.with_value(op.plan, path, mine)
    except merge.MergeError as exc:
        state.flash(str(exc))
        return
    if state.commit(changed, note="同時に変更された欄で、この画面の入力を残す"):
        state.resolve(path)
        state.forget_unsaved(name)


def _take_theirs(path: str, keys: list[str], name: str) -> None:
    for wk in keys:  # redrawn from the saved plan by state.bind
        st.session_state.pop(wk, None)
    state.forget_unsaved(name)
    state.resolve(path)


_KPI_FIELDS = {
    "name": "指標名",
    "unit": "単位",
    "kind": "指標の種類",
    "nature": "定量・定性",
    "pillar": "柱",
    "baseline.value": "現状値",
    "baseline.as_of": "現状値の基準日",
    "source": "データの出典",
    "method": "測定方法",
    "targets": "目標値",
    "actuals": "実績値",
}


def conflict_label(path: str, guide: Guide) -> str:
    """Where a conflicting field is, as the user knows it, from its plan.merge path:
    「第3章 位置付け：計画の名称」, 「KPI K01 の令和7年度の目標値」, 「施策 M01 の令和8年度の取組内容」."""
    for q in guide.questions():
        if question_path(q) == path:
            chapter = guide.chapter_of(q.key)
            return f"第{chapter.number}章 {chapter.title}：{q.label}"
    kind, _, rest = path.partition(".")
    item, _, field = rest.partition(".")
    year = next((int(p) for p in field.split(".") if p.isdigit()), None)
    in_year = f"{format_fiscal_year(year)}の" if year is not None else ""
    if kind == "kpis" and item:
        series = field.split(".")[0]
        label = _KPI_FIELDS.get(field, _KPI_FIELDS.get(series, field))
        return f"KPI {item} の{in_year}{label}"
    if kind == "measures" and item:
        if field.startswith("schedule"):
            return f"施策 {item} の{in_year}取組内容"
        from plan_builder.ui.pages.measures import FIELD_LABELS  # that page imports this module

        return f"施策 {item} の{FIELD_LABELS.get(field, field)}"
    return path


def conflict_box(path: str, keys: list[str], name: str, label: str = "") -> None:
    """Both texts of a field this tab and another changed at once, and the choice, at the field
    (with `label`: above the page, for a field not on it)."""
    mine, theirs = state.conflicts()[path]
    state.conflict_shown(path)
    with st.container(border=True):
        where = f"「{label}」を、" if label else "同じ欄を"
        st.warning(
            f"別のタブまたは別の利用者が、{where}同時に変更しました。いま保存されているのは相手の内容です。"
            "どちらを残すか選んでください。",
            icon=":material/merge_type:",
        )
        a, b = st.columns(2)
        a.markdown("**この画面の入力**")
        a.text(show_value(mine))
        b.markdown("**保存されている内容（相手の変更）**")
        b.text(show_value(theirs))
        a.button("この入力を残す", key=f"keep:{path}", on_click=_keep_mine, args=(path, name), type="primary")
        b.button("相手の内容にする", key=f"take:{path}", on_click=_take_theirs, args=(path, keys, name))


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
        if q.examples and q.type in (*_INSERTABLE, QuestionType.URL):
            wk = state.wkey(q.key)
            insertable = q.type in _INSERTABLE and not state.read_only()  # a closed seat only reads
            if insertable:
                _example_buttons(plan, q, wk)
            with st.expander("記載例を見る"):
                st.caption(EXAMPLE_FIGURES_NOTE)
                for i, _ex in enumerate(q.examples):
                    st.markdown(md_escape(edit.example_answer(q, plan, i)))
                    if i and insertable:
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
