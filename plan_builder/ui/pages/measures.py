"""Measures (個別施策): a table editor per pillar; add from the national list or as the town's own;
the yearly schedule (工程) of one measure at a time in an editor of its own, which fits any screen
(as columns of the wide table it was off-screen)."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from plan_builder.guide import Guide, Pillar
from plan_builder.plan import MeasureOrigin, Plan, edit, format_fiscal_year
from plan_builder.ui import common, scroll, state
from plan_builder.ui.render import md_escape

ORIGIN_LABELS = {o.label: o for o in MeasureOrigin}
# 工程 (the status only) right after the name, where it stays on screen
COLUMNS = ["key", "name", "schedule", "origin", "national_ref", "department", "summary", "kpi_keys"]
SCHEDULE_PICK = "pb_schedule_measure"  # the measure whose 工程 the schedule editor shows
QP_MEASURE = "measure"  # in the URL too, so a reload reopens the measure whose 工程 is edited


def open_schedule(measure_key: str) -> None:
    """Open this page at the schedule editor, on one measure (the 工程表 page's link)."""
    st.session_state[SCHEDULE_PICK] = measure_key
    scroll.request(scroll.SCHEDULE)


def _years(plan: Plan) -> list[int]:
    years = set(plan.period.years) if plan.period else set()
    years |= {e.fy for m in plan.measures for e in m.schedule}
    return sorted(years)


def _schedule_label(plan: Plan, key: str, years: list[int]) -> str:
    """How much of a measure's 工程 is written: 「3/5年度」, or 「未入力」."""
    done = {e.fy for e in plan.measure(key).schedule}
    if not done:
        return "未入力"
    return f"{len(done & set(years))}/{len(years)}年度" if years else f"{len(done)}年度"


def _frame(plan: Plan, pillar: str, years: list[int]) -> pd.DataFrame:
    rows = []
    for m in plan.measures:
        if m.pillar != pillar:
            continue
        row: dict[str, Any] = {
            "key": m.key,
            "name": m.name,
            "origin": m.origin.label,
            "national_ref": m.national_ref,
            "department": m.department,
            "summary": m.summary,
            "kpi_keys": list(m.kpi_keys),
            "schedule": _schedule_label(plan, m.key, years),
        }
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def _apply_row(plan: Plan, guide: Guide, key: str, changes: dict[str, Any]) -> Plan:
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
    return plan


def _typed(delta: dict[str, Any]) -> str:
    """The texts typed into a table edit, one a line: kept when the edit could not be saved."""
    rows = [*(delta.get("edited_rows") or {}).values(), *(delta.get("added_rows") or [])]
    return "\n".join(v for row in rows for v in row.values() if isinstance(v, str) and v.strip())


def _on_table(pillar: str, wk: str, keys: list[str]) -> None:
    op = state.current()
    if op is None or not state.on_screen(wk):  # a table the browser no longer shows never writes
        return
    delta = st.session_state.get(wk) or {}
    field = f"measures:{pillar}"
    plan = op.plan
    try:
        for idx, changes in (delta.get("edited_rows") or {}).items():
            plan = _apply_row(plan, op.guide, keys[int(idx)], changes)
        for row in delta.get("added_rows") or []:
            if not any(v not in (None, "", []) for v in row.values()):
                continue
            origin = ORIGIN_LABELS.get(row.get("origin"), MeasureOrigin.OWN)
            plan = edit.add_measure(
                plan, op.guide, pillar=pillar, name=str(row.get("name") or ""), origin=origin
            )
            new_key = plan.measures[-1].key
            rest = {k: v for k, v in row.items() if k not in ("name", "origin", "key")}
            plan = _apply_row(plan, op.guide, new_key, rest)
        for idx in sorted(delta.get("deleted_rows") or [], reverse=True):
            plan = edit.remove_measure(plan, keys[int(idx)])
    except edit.EditError as exc:
        state.set_error(field, f"{exc}（この変更は保存されていません）")
        return
    state.set_error(field, None)
    if not state.commit(plan, note="施策を変更") and state.outage() is None:
        state.keep_unsaved(field, _typed(delta), None)  # refused (a closed session): shown to copy


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
            index=0 if edit.national_list_fits(op.guide) else 1,  # a 2019 plan starts from its own
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
        state.on_edit(wk, _on_table, pillar.key, wk, keys)
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
        config["schedule"] = st.column_config.TextColumn(
            "工程",
            disabled=True,
            width="small",
            help="年度ごとの取組の入力状況。下の「年度ごとの取組（工程）」で入力します。",
        )
        st.data_editor(
            _frame(plan, pillar.key, years),
            key=wk,
            column_config=config,
            hide_index=True,
            num_rows="dynamic",
            width="stretch",
        )
    else:
        st.caption(
            "この柱の施策はまだありません。取り組むときに追加してください（スモールスタートで構いません）。"
        )
    common.show_error(f"measures:{pillar.key}")
    _add_form(op, pillar)


def schedule_edit(
    plan: Plan, measure_key: str, edited_rows: dict[Any, dict[str, Any]], years: list[int]
) -> Plan:
    """The plan with the schedule editor's edited rows (row index -> {"activity": text}) applied."""
    changes = {years[int(i)]: c["activity"] for i, c in edited_rows.items() if "activity" in c}
    activities: dict[int, str | None] = {e.fy: e.activity for e in plan.measure(measure_key).schedule}
    activities.update(changes)
    return edit.set_schedule(plan, measure_key, activities)


def _on_schedule(measure_key: str, wk: str, years: list[int]) -> None:
    op = state.current()
    if op is None or not state.on_screen(wk) or measure_key not in {m.key for m in op.plan.measures}:
        return
    edited = (st.session_state.get(wk) or {}).get("edited_rows") or {}
    field = f"schedule:{measure_key}"
    try:
        plan = schedule_edit(op.plan, measure_key, edited, years)
    except edit.EditError as exc:
        state.set_error(field, f"{exc}（この変更は保存されていません）")
        return
    state.set_error(field, None)
    if not state.commit(plan, note=f"施策 {measure_key} の工程を変更") and state.outage() is None:
        state.keep_unsaved(field, _typed({"edited_rows": edited}), None)  # refused: shown to copy


def _schedule_editor(op, years: list[int]) -> None:
    """One measure's activities by fiscal year: a narrow table of 年度 and 取組内容."""
    plan = op.plan
    with st.container(border=True, key=scroll.SCHEDULE):
        st.markdown("##### 年度ごとの取組（工程）")
        if not plan.measures:
            st.caption("施策を追加すると、ここで年度ごとの取組を入力できます。")
            return
        if not years:
            st.info("第3章で計画期間を入力すると、年度ごとの取組（工程）を入力できます。")
            return
        st.caption("施策を選び、年度ごとの取組内容を書きます。書いた内容は工程表に載ります。")
        # no 工程 status in the labels: changed labels make a new widget, which forgets the pick
        names = {m.key: f"{m.key} {m.name}" for m in plan.measures}
        ss = st.session_state
        first_open = next((m.key for m in plan.measures if not m.schedule), plan.measures[0].key)
        common.url_pick(SCHEDULE_PICK, QP_MEASURE, list(names), first_open)
        st.selectbox("工程を入力する施策", list(names), format_func=names.get, key=SCHEDULE_PICK)
        key = ss[SCHEDULE_PICK]
        st.caption(f"入力済み：{_schedule_label(plan, key, years)}")
        activities = {e.fy: e.activity for e in plan.measure(key).schedule}
        shown = [*years, *sorted(set(activities) - set(years))]  # a year outside the period stays visible
        frame = pd.DataFrame(
            {
                "year": [format_fiscal_year(fy) for fy in shown],
                "activity": [activities.get(fy, "") for fy in shown],
            }
        )
        wk = state.wkey(f"sched:{key}:{op.version}")
        state.mark_drawn(wk)
        state.on_edit(wk, _on_schedule, key, wk, shown)
        st.data_editor(
            frame,
            key=wk,
            hide_index=True,
            width="stretch",
            column_config={
                "year": st.column_config.TextColumn("年度", disabled=True, width="small"),
                "activity": st.column_config.TextColumn("取組内容", max_chars=200, width="large"),
            },
        )
        common.show_error(f"schedule:{key}")


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "個別施策")
    st.caption(
        "柱ごとに施策を入力します。表のセルを直接編集でき、行の追加・削除もできます。"
        "年度ごとの取組（工程表に載ります）は、下の「年度ごとの取組（工程）」で施策を選んで書きます。"
        "全ての柱に施策を置く必要はありません。"
    )
    years = _years(op.plan)
    shown = op.guide.pillars_shown(set(op.plan.pillars))
    extra = [
        p for p in op.guide.pillars if p not in shown and any(m.pillar == p.key for m in op.plan.measures)
    ]
    for pillar in [*shown, *extra]:
        with st.container(border=True):
            _pillar_section(op, pillar, years)
    _schedule_editor(op, years)
    scroll.apply()


if __name__ == "__main__":
    render()
