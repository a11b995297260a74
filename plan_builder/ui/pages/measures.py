"""Measures (個別施策): per pillar a read-only overview and the add form; below them one editor
box for the measure chosen: its fields and its yearly schedule (工程), one plain field per fiscal
year.

Plain fields, not table editors (issue 9): Streamlit's canvas table took a click's selection late
and dropped the keys typed right after it (on the KPI page 500 was stored as 0). Every field is
bound with `state.bind` and saved in the run through `state.on_edit`: only the field the user
changed, against the plan as it is at save time, each schedule year on its own (two tabs writing
different years of one measure both count, plan.merge).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from plan_builder.guide import Pillar
from plan_builder.plan import Measure, MeasureOrigin, Plan, edit, format_fiscal_year
from plan_builder.ui import common, questions, scroll, state
from plan_builder.ui.render import md_escape

SCHEDULE_PICK = "pb_schedule_measure"  # the measure the editor box shows
QP_MEASURE = "measure"  # in the URL too, so a reload reopens the measure being edited
# a measure's fields as the user knows them (also for messages about a field, nav._field_label)
FIELD_LABELS = {
    "name": "施策名",
    "department": "担当課",
    "origin": "出典",
    "national_ref": "国の施策名",
    "summary": "概要",
    "kpi_keys": "関連KPI",
}


def open_schedule(measure_key: str) -> None:
    """Open this page at the editor box, on one measure (the 工程表 page's link)."""
    st.session_state[SCHEDULE_PICK] = measure_key
    scroll.request(scroll.SCHEDULE)


def _years(plan: Plan) -> list[int]:
    years = set(plan.period.years) if plan.period else set()
    years |= {e.fy for m in plan.measures for e in m.schedule}
    return sorted(years)


def _measure_years(plan: Plan, measure: Measure) -> list[int]:
    """The plan period's years and any year the measure already has (one outside the period stays
    visible, to be read or emptied)."""
    years = set(plan.period.years) if plan.period else set()
    return sorted(years | {e.fy for e in measure.schedule})


def _schedule_label(plan: Plan, key: str, years: list[int]) -> str:
    """How much of a measure's 工程 is written: 「3/5年度」, or 「未入力」."""
    done = {e.fy for e in plan.measure(key).schedule}
    if not done:
        return "未入力"
    return f"{len(done & set(years))}/{len(years)}年度" if years else f"{len(done)}年度"


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
        ss[SCHEDULE_PICK] = plan.measures[-1].key  # the editor box opens on the new measure
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
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "番号": m.key,
                        "施策名": m.name,
                        "工程": _schedule_label(plan, m.key, years),
                        "出典": m.origin.label,
                        "担当課": m.department,
                        "関連KPI": "、".join(m.kpi_keys),
                    }
                    for m in ms
                ]
            ),
            hide_index=True,
            width="stretch",
            column_config={
                "番号": st.column_config.TextColumn(width="small"),
                "施策名": st.column_config.TextColumn(width="medium"),  # all columns fit at 1024 px
                "工程": st.column_config.TextColumn(
                    width="small", help="年度ごとの取組の入力状況。下の「施策の編集」で入力します。"
                ),
            },
        )
    else:
        st.caption(
            "この柱の施策はまだありません。取り組むときに追加してください（スモールスタートで構いません）。"
        )
    _add_form(op, pillar)


# The editor box -----------------------------------------------------------------------------


def _save(key: str, field: str, raw: Any, value: Any) -> None:
    """Validate one field's change on this tab's plan, then save only that change."""
    op = state.current()
    if op is None:
        return
    guide = op.guide

    def change(plan: Plan) -> Plan:
        return edit.update_measure(plan, guide, key, **{field: value})

    # e.g. an emptied name: said at the field, the typed text kept
    state.save_checked(f"measure:{key}:{field}", raw, change, f"施策 {key} の{FIELD_LABELS[field]}を変更")


def _on_field(key: str, field: str, wk: str) -> None:
    value = state.edited(wk)
    if value is state.NO_EDIT:
        return
    raw = value
    if field == "kpi_keys":
        value = list(value or [])
    elif field == "origin":
        value = MeasureOrigin(value)
    else:
        value = "" if value is None else str(value)
    _save(key, field, raw, value)


def _on_activity(key: str, fy: int, wk: str) -> None:
    """One fiscal year's 取組内容, saved on its own against the plan as it is at save time."""
    value = state.edited(wk)
    if value is state.NO_EDIT:
        return
    op = state.current()
    if op is None:
        return
    text = "" if value is None else str(value)

    def change(plan: Plan) -> Plan:
        return edit.set_activity(plan, key, fy, text)

    note = f"施策 {key} の{format_fiscal_year(fy)}の取組を変更"
    state.save_checked(f"schedule:{key}:{fy}", value, change, note)  # an error names measure and year


def _on_delete(key: str) -> None:
    op = state.current()
    if op is None:
        return
    try:
        plan = edit.remove_measure(op.plan, key)
    except edit.EditError as exc:
        state.flash(str(exc))
        return
    if state.commit(plan, note=f"施策 {key} を削除"):
        st.session_state.pop(SCHEDULE_PICK, None)


def _bind(m: Measure, fields: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, Any] = {
        "name": m.name,
        "department": m.department,
        "origin": m.origin,
        "national_ref": m.national_ref,
        "summary": m.summary,
        "kpi_keys": list(m.kpi_keys),
    }
    keys = {f: state.bind(f"measure:{m.key}:{f}", values[f]) for f in fields}
    for f, wk in keys.items():
        state.on_edit(wk, _on_field, m.key, f, wk)
    return keys


def _conflict(paths: tuple[str, ...], wk: str, name: str) -> None:
    """A field this tab and another changed at once: both texts and the choice, at the field."""
    for path in paths:
        if path in state.conflicts():
            questions.conflict_box(path, [wk], name)


def _fields(op, m: Measure) -> None:
    """The measure's own fields, each saved alone when changed."""
    k = m.key
    w = _bind(m, tuple(FIELD_LABELS))

    def _err(field: str) -> None:
        common.show_error(f"measure:{k}:{field}")
        _conflict((f"measures.{k}.{field}",), w[field], f"measure:{k}:{field}")

    a, b = st.columns([3, 2])
    a.text_input("施策名（必須）", key=w["name"], max_chars=200)
    b.text_input("担当課", key=w["department"], max_chars=200)
    _err("name")
    _err("department")
    c, d = st.columns([2, 3])
    c.selectbox("出典", list(MeasureOrigin), format_func=lambda o: o.label, key=w["origin"])
    d.text_input("国の施策名", key=w["national_ref"], max_chars=200)
    _err("origin")
    _err("national_ref")
    st.text_area("概要", key=w["summary"], max_chars=5000, height=100)
    _err("summary")
    kpis = {x.key: f"{x.key} {x.name}" for x in op.plan.kpis}
    st.multiselect(
        "関連KPI",
        list(kpis),
        format_func=lambda x: kpis.get(x, x),
        key=w["kpi_keys"],
        placeholder="選択（任意）" if kpis else "KPIはまだありません（「指標（KPI）」で追加します）",
        disabled=not kpis and not m.kpi_keys,
    )
    _err("kpi_keys")


def _schedule(op, m: Measure) -> None:
    """年度ごとの取組（工程）: one plain field per fiscal year, each saved alone."""
    st.markdown("**年度ごとの取組（工程）**")
    years = _measure_years(op.plan, m)
    if not years:
        st.info("第3章で計画期間を入力すると、年度ごとの取組（工程）を入力できます。")
        return
    st.caption(
        f"入力済み：{_schedule_label(op.plan, m.key, _years(op.plan))}。"
        "書いた内容は工程表に載ります。空にするとその年度の取組を消します。"
    )
    activities = {e.fy: e.activity for e in m.schedule}
    for fy in years:
        name = f"schedule:{m.key}:{fy}"
        wk = state.bind(name, activities.get(fy, ""))
        state.on_edit(wk, _on_activity, m.key, fy, wk)
        st.text_input(f"{format_fiscal_year(fy)}の取組内容", key=wk, max_chars=200)
        common.show_error(name)
        path = f"measures.{m.key}.schedule.{fy}"
        _conflict((f"{path}.activity", path), wk, name)


def _editor(op) -> None:
    """One measure at a time: its fields, its schedule and its delete."""
    plan = op.plan
    with st.container(border=True, key=scroll.SCHEDULE):  # the 工程表 page's link scrolls here
        st.markdown("##### 施策の編集")
        if not plan.measures:
            st.caption("施策を追加すると、ここで施策の内容と年度ごとの取組（工程）を入力できます。")
            return
        # no 工程 status in the labels: changed labels make a new widget, which forgets the pick
        names = {m.key: f"{m.key} {m.name}" for m in plan.measures}
        first_open = next((m.key for m in plan.measures if not m.schedule), plan.measures[0].key)
        common.url_pick(SCHEDULE_PICK, QP_MEASURE, list(names), first_open)
        st.selectbox("編集する施策", list(names), format_func=names.get, key=SCHEDULE_PICK)
        m = plan.measure(st.session_state[SCHEDULE_PICK])
        _fields(op, m)
        _schedule(op, m)
        with st.popover("この施策を削除"):
            st.caption("削除すると、この施策の工程も消えます。変更履歴から元に戻せます。")
            st.button(
                "削除する",
                key=state.wkey(f"measure:{m.key}:delete"),
                on_click=_on_delete,
                args=(m.key,),
                type="primary",
            )


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "個別施策")
    st.caption(
        "柱ごとに施策を追加し、下の「施策の編集」で施策を選んで、施策名・担当課・概要などと"
        "年度ごとの取組（工程表に載ります）を入力します。全ての柱に施策を置く必要はありません。"
    )
    years = _years(op.plan)
    shown = op.guide.pillars_shown(set(op.plan.pillars))
    extra = [
        p for p in op.guide.pillars if p not in shown and any(m.pillar == p.key for m in op.plan.measures)
    ]
    for pillar in [*shown, *extra]:
        with st.container(border=True):
            _pillar_section(op, pillar, years)
    _editor(op)
    scroll.apply()


if __name__ == "__main__":
    render()
