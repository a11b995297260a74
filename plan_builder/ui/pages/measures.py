"""Measures (個別施策): a table editor per pillar; add from the national list or as the town's own."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from plan_builder.guide import Guide, Pillar
from plan_builder.plan import MeasureOrigin, Plan, edit, format_fiscal_year
from plan_builder.ui import common, state
from plan_builder.ui.render import md_escape

ORIGIN_LABELS = {o.label: o for o in MeasureOrigin}
BASE_COLUMNS = ["key", "name", "origin", "national_ref", "department", "summary", "kpi_keys"]


def _years(plan: Plan) -> list[int]:
    years = set(plan.period.years) if plan.period else set()
    years |= {e.fy for m in plan.measures for e in m.schedule}
    return sorted(years)


def _frame(plan: Plan, pillar: str, years: list[int]) -> pd.DataFrame:
    rows = []
    for m in plan.measures:
        if m.pillar != pillar:
            continue
        sched = {e.fy: e.activity for e in m.schedule}
        row: dict[str, Any] = {
            "key": m.key,
            "name": m.name,
            "origin": m.origin.label,
            "national_ref": m.national_ref,
            "department": m.department,
            "summary": m.summary,
            "kpi_keys": list(m.kpi_keys),
        }
        row.update({f"fy{fy}": sched.get(fy, "") for fy in years})
        rows.append(row)
    return pd.DataFrame(rows, columns=BASE_COLUMNS + [f"fy{fy}" for fy in years])


def _apply_row(plan: Plan, guide: Guide, key: str, changes: dict[str, Any], years: list[int]) -> Plan:
    fields: dict[str, Any] = {}
    for col, value in changes.items():
        if col == "origin":
            fields["origin"] = ORIGIN_LABELS.get(value, MeasureOrigin.OWN)
        elif col == "kpi_keys":
            fields["kpi_keys"] = list(value or [])
        elif col in ("name", "national_ref", "department", "summary"):
            fields[col] = "" if value is None else str(value)
    if fields:
        plan = edit.update_measure(plan, guide, key, **fields)
    sched_changes = {int(c[2:]): v for c, v in changes.items() if c.startswith("fy")}
    if sched_changes:
        current = {e.fy: e.activity for e in plan.measure(key).schedule}
        current.update(sched_changes)
        plan = edit.set_schedule(plan, key, current)
    return plan


def _on_table(pillar: str, wk: str, keys: list[str], years: list[int]) -> None:
    op = state.current()
    if op is None or not state.on_screen(wk):  # a table the browser no longer shows never writes
        return
    delta = st.session_state.get(wk) or {}
    field = f"measures:{pillar}"
    plan = op.plan
    try:
        for idx, changes in (delta.get("edited_rows") or {}).items():
            plan = _apply_row(plan, op.guide, keys[int(idx)], changes, years)
        for row in delta.get("added_rows") or []:
            if not any(v not in (None, "", []) for v in row.values()):
                continue
            origin = ORIGIN_LABELS.get(row.get("origin"), MeasureOrigin.OWN)
            plan = edit.add_measure(
                plan, op.guide, pillar=pillar, name=str(row.get("name") or ""), origin=origin
            )
            new_key = plan.measures[-1].key
            rest = {k: v for k, v in row.items() if k not in ("name", "origin", "key")}
            plan = _apply_row(plan, op.guide, new_key, rest, years)
        for idx in sorted(delta.get("deleted_rows") or [], reverse=True):
            plan = edit.remove_measure(plan, keys[int(idx)])
    except edit.EditError as exc:
        state.set_error(field, f"{exc}（この変更は保存されていません）")
        return
    state.set_error(field, None)
    state.commit(plan, note="施策を変更")


def _on_add(pillar: str, prefix: str) -> None:
    op = state.current()
    if op is None:
        return
    ss = st.session_state
    origin = MeasureOrigin.NATIONAL if ss.get(prefix + "origin") == "national" else MeasureOrigin.OWN
    national = ss.get(prefix + "national") or ""
    name = (ss.get(prefix + "name") or "").strip() or (national if origin is MeasureOrigin.NATIONAL else "")
    try:
        plan = edit.add_measure(
            op.plan,
            op.guide,
            pillar=pillar,
            name=name,
            origin=origin,
            national_ref=national if origin is MeasureOrigin.NATIONAL else "",
            department=ss.get(prefix + "dept") or "",
        )
    except edit.EditError as exc:
        state.set_error(f"add:{pillar}", str(exc))
        return
    state.set_error(f"add:{pillar}", None)
    if state.commit(plan, note=f"施策「{name}」を追加"):
        ss[prefix + "name"] = ss[prefix + "dept"] = ""
        if isinstance(ss.get(prefix + "national"), str) and not edit.national_measures(op.guide):
            ss[prefix + "national"] = ""


def _add_form(op, pillar: Pillar) -> None:
    prefix = state.wkey(f"add:{pillar.key}:")
    national = edit.national_measures(op.guide)
    with st.expander(f"「{pillar.short_name}」に施策を追加する"):
        st.radio(
            "施策の出典",
            ["national", "own"],
            format_func=lambda v: "国の施策から選ぶ" if v == "national" else "独自施策として追加する",
            key=prefix + "origin",
            horizontal=True,
        )
        if st.session_state.get(prefix + "origin") == "national":
            if national:
                picked = st.selectbox(
                    "国の施策",
                    [i.label for i in national],
                    key=prefix + "national",
                    index=None,
                    placeholder="国の施策を選んでください",
                )
                ref = op.guide.reference(edit.NATIONAL_MEASURES_LIST)
                item = next((i for i in national if i.label == picked), None)
                if item and item.description:
                    st.caption(md_escape(item.description))
                st.caption(f"出典：{md_escape(ref.title)}。{md_escape(ref.note.strip().splitlines()[0])}")
            else:
                st.text_input(
                    "国の施策名",
                    key=prefix + "national",
                    help="この手引ファイルには国の施策一覧が収録されていません。手引「Ⅲ 国の施策一覧」の施策名を入力してください。",
                )
        a, b = st.columns([3, 2])
        a.text_input(
            "施策名（国の施策では省略すると国の施策名を使います）", key=prefix + "name", max_chars=200
        )
        b.text_input("担当課", key=prefix + "dept", max_chars=200)
        st.button("追加する", key=prefix + "go", on_click=_on_add, args=(pillar.key, prefix))
        common.show_error(f"add:{pillar.key}")


def _pillar_section(op, pillar: Pillar, years: list[int]) -> None:
    plan = op.plan
    ms = [m for m in plan.measures if m.pillar == pillar.key]
    chosen = pillar.key in plan.pillars
    st.markdown(f"##### {md_escape(pillar.short_name)}（{pillar.article_label}）　{len(ms)}件")
    st.caption(md_escape(pillar.name) + ("" if chosen else "　※第5章で「取り組む柱」に選ばれていません"))
    if ms:
        keys = [m.key for m in ms]
        wk = state.wkey(f"mt:{pillar.key}:{op.version}")
        state.mark_drawn(wk)
        kpi_names = {k.key: f"{k.key} {k.name}" for k in plan.kpis}
        config: dict[str, Any] = {
            "key": st.column_config.TextColumn("番号", disabled=True, width="small"),
            "name": st.column_config.TextColumn("施策名", required=True, max_chars=200, width="medium"),
            "origin": st.column_config.SelectboxColumn("出典", options=list(ORIGIN_LABELS), required=True),
            "national_ref": st.column_config.TextColumn("国の施策名", max_chars=200),
            "department": st.column_config.TextColumn("担当課", max_chars=200),
            "summary": st.column_config.TextColumn("概要", max_chars=5000, width="medium"),
            "kpi_keys": st.column_config.MultiselectColumn(
                "関連KPI", options=list(kpi_names), format_func=lambda k: kpi_names.get(k, k)
            ),
        }
        for fy in years:
            config[f"fy{fy}"] = st.column_config.TextColumn(format_fiscal_year(fy), max_chars=200)
        st.data_editor(
            _frame(plan, pillar.key, years),
            key=wk,
            column_config=config,
            hide_index=True,
            num_rows="dynamic",
            on_change=_on_table,
            args=(pillar.key, wk, keys, years),
            width="stretch",
        )
    else:
        st.caption(
            "この柱の施策はまだありません。取り組むときに追加してください（スモールスタートで構いません）。"
        )
    common.show_error(f"measures:{pillar.key}")
    _add_form(op, pillar)


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "個別施策")
    st.caption(
        "柱ごとに施策を入力します。表のセルを直接編集でき、行の追加・削除もできます。"
        "年度の列には、その年度の取組内容（工程表に載ります）を書きます。全ての柱に施策を置く必要はありません。"
    )
    years = _years(op.plan)
    if not op.plan.period:
        st.info("第3章で計画期間を入力すると、年度ごとの取組（工程）を入力する列が表示されます。")
    shown = op.guide.pillars_shown(set(op.plan.pillars))
    extra = [
        p for p in op.guide.pillars if p not in shown and any(m.pillar == p.key for m in op.plan.measures)
    ]
    for pillar in [*shown, *extra]:
        with st.container(border=True):
            _pillar_section(op, pillar, years)


if __name__ == "__main__":
    render()
