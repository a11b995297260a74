"""KPIs: baseline with reference date, targets (and actuals) by fiscal year, unit, source and
method, with the chart of baseline → targets beside the editor, redrawn on every change."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from plan_builder.plan import Kpi, KpiKind, KpiNature, Plan, edit, format_date, format_fiscal_year, parse_date
from plan_builder.ui import charts, common, state
from plan_builder.ui.render import md_escape

SELECTED = "pb_kpi_selected"
QP_KPI = "kpi"  # in the URL too, so a reload reopens the KPI being edited


def _num(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _years(plan: Plan, kpi: Kpi) -> list[int]:
    years = set(plan.period.years) if plan.period else set()
    return sorted(years | set(kpi.targets) | set(kpi.actuals))


def _save(kpi_key: str, field: str, raw: Any = None, **changes: Any) -> None:
    """Validate one KPI change on this tab's plan, then save only that change."""
    state.save_checked(
        f"kpi:{kpi_key}:{field}",
        raw,
        lambda plan: edit.update_kpi(plan, kpi_key, **changes),
        f"KPI {kpi_key} を変更",
    )


def _on_field(kpi_key: str, field: str, wk: str) -> None:
    value = state.edited(wk)
    if value is state.NO_EDIT:
        return
    raw = value
    if field == "baseline_value" and isinstance(value, str):
        value = value.strip() or None
    if field == "baseline_as_of":  # typed, not picked: no calendar over the target table
        try:
            value = parse_date(value) if str(value or "").strip() else None
        except ValueError as exc:
            name = f"kpi:{kpi_key}:{field}"
            state.set_error(name, f"現状値の基準日：{exc}")
            state.keep_unsaved(name, raw, None)
            return
    _save(kpi_key, field, raw, **{field: value})


SERIES_LABELS = {"targets": "目標値", "actuals": "実績値"}


def _on_year(kpi_key: str, series: str, fy: int, wk: str) -> None:
    """One fiscal year's 目標値 or 実績値, saved on its own against the plan as it is at save time."""
    value = state.edited(wk)
    if value is state.NO_EDIT:
        return
    op = state.current()
    if op is None:
        return

    def change(plan: Plan) -> Plan:
        kpi = plan.kpi(kpi_key)
        return edit.update_kpi(plan, kpi_key, **{series: {**getattr(kpi, series), fy: value}})

    label = f"{format_fiscal_year(fy)}の{SERIES_LABELS[series]}"
    # an error names the KPI, the column and the year
    state.save_checked(f"kpi:{kpi_key}:{series}:{fy}", value, change, f"KPI {kpi_key} の{label}を変更")


def _year_rows(kpi: Kpi, years: list[int]) -> None:
    """年度・目標値・実績値 as plain fields, one row per fiscal year. Not a table editor: Streamlit's
    canvas table dropped the first keys typed right after a click (walk-through: 500 stored as 0,
    502 as 2), a browser's own text field keeps every key."""
    widths = [2, 3, 3]
    head = st.columns(widths)
    for col, text in zip(head, ("年度", *SERIES_LABELS.values()), strict=True):
        col.markdown(f"**{text}**")
    for fy in years:
        cols = st.columns(widths, vertical_alignment="center")
        cols[0].markdown(format_fiscal_year(fy))
        for col, series in zip(cols[1:], SERIES_LABELS, strict=True):
            name = f"kpi:{kpi.key}:{series}:{fy}"
            wk = state.bind(name, _num(getattr(kpi, series).get(fy)))
            state.on_edit(wk, _on_year, kpi.key, series, fy, wk)
            col.text_input(
                f"{format_fiscal_year(fy)}の{SERIES_LABELS[series]}",
                key=wk,
                max_chars=30,
                label_visibility="collapsed",
            )
        for series in SERIES_LABELS:
            _err(f"kpi:{kpi.key}:{series}:{fy}")


def _on_add() -> None:
    op = state.current()
    if op is None:
        return
    ss = st.session_state
    p = state.wkey("kpi_add:")
    try:
        plan = edit.add_kpi(
            op.plan,
            name=(ss.get(p + "name") or "").strip(),
            unit=(ss.get(p + "unit") or "").strip(),
            pillar=ss.get(p + "pillar"),
            link_to=ss.get(p + "measure"),
        )
    except edit.EditError as exc:
        state.set_error("kpi_add", str(exc))
        return
    state.set_error("kpi_add", None)
    if state.commit(plan, note="KPIを追加"):
        ss[SELECTED] = plan.kpis[-1].key
        for k in ("name", "unit"):  # the form starts empty for the next KPI
            ss[p + k] = ""
        for k in ("pillar", "measure"):
            ss[p + k] = None


def _on_delete(kpi_key: str) -> None:
    op = state.current()
    if op is None:
        return
    try:
        plan = edit.remove_kpi(op.plan, kpi_key)
    except edit.EditError as exc:
        state.flash(str(exc))
        return
    if state.commit(plan, note=f"KPI {kpi_key} を削除"):
        st.session_state.pop(SELECTED, None)


def _err(field: str) -> None:
    common.show_error(field)


def _add_form(op) -> None:
    p = state.wkey("kpi_add:")
    pillars = {x.key: x.short_name for x in op.guide.pillars_shown(set(op.plan.pillars))}
    measures = {m.key: f"{m.key} {m.name}" for m in op.plan.measures}
    with st.container(border=True):
        st.markdown("**KPIを追加する**")
        a, b = st.columns([3, 1])
        a.text_input(
            "新しいKPIの指標名",
            key=p + "name",
            max_chars=200,
            placeholder="例：オンラインで申請できる手続の数",
        )
        b.text_input("新しいKPIの単位", key=p + "unit", max_chars=30, placeholder="例：件")
        c, d = st.columns(2)
        c.selectbox(
            "新しいKPIの柱",
            list(pillars),
            format_func=pillars.get,
            key=p + "pillar",
            index=None,
            placeholder="選択（任意）",
        )
        d.selectbox(
            "関連付ける施策",
            list(measures),
            format_func=measures.get,
            key=p + "measure",
            index=None,
            placeholder="選択（任意）",
        )
        st.button("追加する", key=p + "go", on_click=_on_add)
        _err("kpi_add")


def _bind(kpi: Kpi, fields: tuple[str, ...]) -> dict[str, str]:
    values = {
        "name": kpi.name,
        "unit": kpi.unit,
        "baseline_value": _num(kpi.baseline.value),
        "baseline_as_of": kpi.baseline.as_of.strftime("%Y/%m/%d") if kpi.baseline.as_of else "",
        "source": kpi.source,
        "method": kpi.method,
        "kind": kpi.kind,
        "nature": kpi.nature,
        "pillar": kpi.pillar,
    }
    keys = {f: state.bind(f"kpi:{kpi.key}:{f}", values[f]) for f in fields}
    for f, wk in keys.items():
        state.on_edit(wk, _on_field, kpi.key, f, wk)
    return keys


def _top_fields(op, kpi: Kpi) -> None:
    """Name to baseline date."""
    k = kpi.key
    w = _bind(kpi, ("name", "unit", "kind", "nature", "pillar", "baseline_value", "baseline_as_of"))
    a, b = st.columns([3, 1])
    a.text_input("指標名（必須）", key=w["name"], max_chars=200)
    b.text_input("単位", key=w["unit"], max_chars=30)
    _err(f"kpi:{k}:name")
    c, d, e = st.columns(3)
    c.selectbox(
        "指標の種類",
        [None, *KpiKind],
        format_func=lambda x: x.label if x else "（選択しない）",
        placeholder="（選択しない）",  # what Streamlit shows for None, instead of its English default
        key=w["kind"],
    )
    d.selectbox(
        "定量・定性",
        list(KpiNature),
        format_func=lambda x: x.label,
        key=w["nature"],
    )
    pillars = {x.key: x.short_name for x in op.guide.pillars}
    e.selectbox(
        "柱",
        list(pillars),
        format_func=pillars.get,
        key=w["pillar"],
        index=None,
        placeholder="未設定",
    )
    _err(f"kpi:{k}:nature")
    f, g = st.columns(2)
    f.text_input(
        "現状値",
        key=w["baseline_value"],
        help="定量の指標は数値で入力します（例：12、74.2）。",
    )
    g.text_input(
        "現状値の基準日",
        key=w["baseline_as_of"],
        max_chars=20,
        placeholder="例：2024/03/31、令和6年3月31日",
        help="西暦（2024/03/31）でも和暦（令和6年3月31日、R6.3.31）でも入力できます。",
    )
    # always one line here: a 和暦 line that appeared only once the first date was saved moved the
    # target table down under the user's click and typing (walk-through: the target lost 6 of 7)
    g.caption(format_date(kpi.baseline.as_of) if kpi.baseline.as_of else "和暦：基準日を入力すると表示します")
    _err(f"kpi:{k}:baseline_value")
    _err(f"kpi:{k}:baseline_as_of")


def _editor(op, kpi: Kpi) -> None:
    k = kpi.key
    left, right = st.columns([3, 2], gap="medium")
    with left:
        _top_fields(op, kpi)
        w = _bind(kpi, ("source", "method"))
        years = _years(op.plan, kpi)
        if years:
            _year_rows(kpi, years)
        else:
            st.info("第3章で計画期間を入力すると、年度ごとの目標値を入力できます。")
        st.text_input(
            "データの出典",
            key=w["source"],
            max_chars=500,
        )
        st.text_area(
            "測定方法",
            key=w["method"],
            height=80,
            max_chars=1000,
        )
        linked = [m.key for m in op.plan.measures if k in m.kpi_keys]
        st.caption(
            "関連する施策："
            + (
                "、".join(f"{m} {md_escape(op.plan.measure(m).name)}" for m in linked)
                or "なし（「個別施策」の「施策の編集」で、施策ごとに関連KPIを選べます）"
            )
        )
        with st.popover("このKPIを削除"):
            st.caption("削除すると、施策との関連付けも外れます。変更履歴から元に戻せます。")
            st.button(
                "削除する", key=state.wkey(f"kpi:{k}:delete"), on_click=_on_delete, args=(k,), type="primary"
            )
    with right:
        charts.kpi_chart(kpi, op.plan, key=f"kpi_chart:{k}")


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "指標（KPI）")
    plan = op.plan
    _add_form(op)
    if not plan.kpis:
        st.caption("KPIはまだありません。施策の成果を測る指標を追加してください。")
        return
    names = {k.key: f"{k.key} {k.name}" for k in plan.kpis}
    common.url_pick(SELECTED, QP_KPI, list(names), plan.kpis[0].key)
    st.selectbox("編集するKPI", list(names), format_func=names.get, key=SELECTED)
    with st.container(border=True):
        _editor(op, plan.kpi(st.session_state[SELECTED]))
    with st.expander(f"KPIの一覧（{len(plan.kpis)}件）"):
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "番号": k.key,
                        "指標名": k.name,
                        "単位": k.unit,
                        "現状値": _num(k.baseline.value),
                        "基準日": format_date(k.baseline.as_of) if k.baseline.as_of else "",
                        "最終目標": (
                            f"{_num(k.final_target[1])}（{format_fiscal_year(k.final_target[0])}）"
                            if k.final_target
                            else ""
                        ),
                    }
                    for k in plan.kpis
                ]
            ),
            hide_index=True,
            width="stretch",
        )


if __name__ == "__main__":
    render()
