"""Reviewer pages: 審査キュー, 比較（横並び）, 回次の差分, カバレッジ, KPIベンチマーク.

Thin screens over plan_builder.review: every read and write goes through ReviewService /
CommentService with the acting user. Planner text is shown through `md_escape` or in data
tables, never as HTML. `submit_panel(service, plan_id)` is the planner's 提出・再提出 box for the
wizard.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import streamlit as st

from plan_builder.auth import NATIONAL, Actor, Role
from plan_builder.errors import PlanBuilderError
from plan_builder.guide import Guide, get_guide, get_guides
from plan_builder.plan import PlanStatus, answer_text
from plan_builder.review import (
    BAND_LABELS,
    COMPLETENESS_LABEL,
    FLAG_LABELS,
    GROUPINGS,
    LG_TYPE_LABELS,
    MAX_BODY,
    MEASURE_HEADER,
    MEASURE_PATHS,
    MISSING_HEADER,
    PLANNER_SIDE,
    QUEUE_HEADER,
    REVIEWER_SIDE,
    SORT_KEYS,
    VALUE_KINDS,
    Comment,
    CommentService,
    DocumentService,
    ItemChange,
    QueueService,
    ReviewService,
    RoundDiff,
    Segment,
    SnapshotFilter,
    SnapshotService,
    benchmark,
    coverage_heatmap,
    coverage_matrix,
    display_names,
    kinds,
    kpi_boxplot,
    kpi_index,
    measure_records,
    national_matrix,
    place_label,
    question_path,
    queue_records,
    round_diff,
    side_by_side,
)
from plan_builder.review import DOCUMENT_FORMATS as DOC_FORMATS
from plan_builder.ui import state
from plan_builder.ui.render import md_escape
from plan_builder.ui.review_actions import actions

if TYPE_CHECKING:
    import pandas as pd

from plan_builder.ui.review_common import ctx, date_label, downloads, paginate, show_flash

K_SELECTED = "rv_selected_plan"
MUNICIPAL_TYPES = ["designated_city", "core_city", "city", "special_ward", "town", "village"]


# Shared helpers -------------------------------------------------------------------------------
_ctx, _date, _downloads, _paginate, _flash = ctx, date_label, downloads, paginate, show_flash


def segments_markdown(segments: list[Segment]) -> str:
    """Escaped Markdown for a diff: deletions struck through in red, insertions in green.

    Each line is wrapped on its own, because a line break inside a colour directive breaks it.
    """
    out: list[str] = []
    for seg in segments:
        parts = seg.text.split("\n")
        pieces = []
        for p in parts:
            esc = md_escape(p) if p else ""
            if esc and seg.op == "delete":
                esc = f":red-background[~~{esc}~~]"
            elif esc and seg.op == "insert":
                esc = f":green-background[{esc}]"
            pieces.append(esc)
        out.append("  \n".join(pieces))
    return "".join(out)


def _filters(actor: Actor, key: str, *, statuses: bool = True) -> SnapshotFilter:
    """Prefecture (for national reviewers and admins), type, population band and status."""
    store = state.get_store()
    cols = st.columns(4)
    pref_codes = None
    if actor.role is Role.ADMIN or actor.scope == NATIONAL:
        prefs = {p.pref_code: p.name for p in store.prefectures()} if hasattr(store, "prefectures") else {}
        chosen = cols[0].multiselect(
            "都道府県", list(prefs), format_func=prefs.get, key=f"{key}_pref", placeholder="すべて"
        )
        pref_codes = chosen or None
    types = cols[1].multiselect(
        "団体区分", MUNICIPAL_TYPES, format_func=LG_TYPE_LABELS.get, key=f"{key}_type", placeholder="すべて"
    )
    bands = cols[2].multiselect(
        "人口規模", list(BAND_LABELS), format_func=BAND_LABELS.get, key=f"{key}_band", placeholder="すべて"
    )
    sts: list[PlanStatus] | None = None
    if statuses:
        options = [s for s in PlanStatus if s is not PlanStatus.DRAFT or actor.role is Role.ADMIN]
        sts = (
            cols[3].multiselect(
                "状態", options, format_func=lambda s: s.label, key=f"{key}_status", placeholder="すべて"
            )
            or None
        )
    return SnapshotFilter(pref_codes=pref_codes, lg_types=types or None, statuses=sts, bands=bands or None)


def _guide_picker(key: str) -> Guide:
    guides = get_guides()
    ids = sorted(guides, key=lambda g: (guides[g].variant != "municipality", g))
    gid = st.selectbox("手引", ids, format_func=lambda g: guides[g].title, key=f"{key}_guide")
    return guides[gid]


def queue_page() -> None:
    import pandas as pd  # here, not at the top: the planner pages import this module too

    store, actor = _ctx()
    st.title("審査キュー")
    _flash()
    flt = _filters(actor, "rvq")
    c1, c2, c3, c4 = st.columns([2, 2, 1, 2])
    sort = c1.selectbox("並べ替え", list(SORT_KEYS), format_func=SORT_KEYS.get, key="rvq_sort")
    desc = c2.radio("順序", ["降順", "昇順"], horizontal=True, key="rvq_desc") == "降順"
    only_open = c3.checkbox("未解決コメントあり", key="rvq_open")
    name = c4.text_input("団体名・団体コードで絞り込み", key="rvq_name")
    everything = QueueService(store, actor).page(
        flt,
        only_open_comments=only_open,
        name_contains=name,
        sort=sort,
        descending=desc,
        page_size=10**6,
    )
    page, size = _paginate(everything.total, "rvq")
    rows = everything.rows[(page - 1) * size : page * size]
    if not rows:
        st.info("条件に合う提出はありません。")
        return
    df = pd.DataFrame(
        [
            {
                "計画ID": r.plan_id,
                "団体名": r.lg_name,
                "都道府県": r.prefecture,
                "団体区分": r.type_label,
                "状態": r.status.label,
                "提出回": r.round,
                "提出日": _date(r.submitted_at),
                "待ち日数": "－" if r.days_waiting is None else f"{r.days_waiting}日",
                "充足度（%）": None if r.completeness is None else round(r.completeness * 100),
                "指摘件数": r.findings,
                "未解決コメント": r.open_comments,
            }
            for r in rows
        ]
    )
    st.dataframe(
        df,
        hide_index=True,
        width="stretch",
        column_config={
            "充足度（%）": st.column_config.ProgressColumn(
                "充足度（%）", min_value=0, max_value=100, format="%d%%"
            )
        },
    )
    _downloads("審査キュー", QUEUE_HEADER, queue_records(everything.rows), "rvq_dl")
    ids = [r.plan_id for r in rows]
    labels = {r.plan_id: f"{r.lg_name}（{r.prefecture}）計画ID {r.plan_id}" for r in rows}
    current = st.session_state.get(K_SELECTED)
    index = ids.index(current) if current in ids else 0
    pid = st.selectbox("審査する計画", ids, index=index, format_func=labels.get, key="rvq_pick")
    st.session_state[K_SELECTED] = pid
    st.divider()
    review_panel(pid)


def review_panel(plan_id: int) -> None:
    """One plan: actions, the frozen submission with comments at each question, history."""
    import pandas as pd

    store, actor = _ctx()
    rs, cs = ReviewService(store, actor), CommentService(store, actor)
    try:
        frozen = rs.submitted_plan(plan_id)
        subs = rs.submissions(plan_id)
        status = rs.status(plan_id)
    except PlanBuilderError as exc:
        st.error(md_escape(exc))
        return
    plan, guide = frozen.plan, get_guide(frozen.plan.guide_id)
    st.subheader(f"{md_escape(plan.lg_name)}　{md_escape(plan.title)}")
    st.caption(
        f"状態：{status.label}　第{subs[-1].round}回提出（{_date(subs[-1].submitted_at)}、版 {frozen.version}）"
    )
    _actions(rs, plan_id, side=REVIEWER_SIDE)
    _document_downloads(plan_id, subs[-1].round)
    tab_plan, tab_comments, tab_hist = st.tabs(["提出された内容", "コメント", "状態の履歴"])
    with tab_plan:
        _comment_form(cs, plan_id, guide)
        open_by_key = cs.open_comments(plan_id)
        for ch in guide.chapters:
            with st.expander(f"第{ch.number}章　{ch.title}", expanded=False):
                for c in open_by_key.get(ch.key, []):
                    st.warning(f"章へのコメント：{md_escape(c.body)}")
                for q in ch.questions:
                    st.markdown(f"**{md_escape(q.label)}**")
                    text = answer_text(plan, q, guide) if q.type.value not in ("measures", "kpis") else ""
                    if q.type.value == "measures":
                        text = "\n".join(f"{m.key} {m.name}" for m in plan.measures)
                    if q.type.value == "kpis":
                        text = "\n".join(f"{k.key} {k.name}" for k in plan.kpis)
                    st.markdown(md_escape(text) if text else "*（未記入）*")
                    for c in open_by_key.get(q.key, []):
                        st.warning(f"コメント：{md_escape(c.body)}")
    with tab_comments:
        _comment_list(cs, plan_id, guide)
    with tab_hist:
        hist = rs.history(plan_id)
        who = display_names(store, [t.actor for t in hist])
        st.dataframe(
            pd.DataFrame(
                [
                    {
                        "日時": _date(t.at),
                        "変更前": t.from_status.label,
                        "変更後": t.to_status.label,
                        "提出回": t.round,
                        "操作した人": who.get(t.actor, t.actor),
                        "メモ": t.note,
                    }
                    for t in hist
                ]
            ),
            hide_index=True,
            width="stretch",
        )


def _document_downloads(plan_id: int, round_no: int) -> None:
    """The submitted revision as Word or PDF (built when the button is clicked)."""
    docs = DocumentService(*_ctx())
    cols = st.columns(len(DOC_FORMATS))
    for col, (fmt, label) in zip(cols, DOC_FORMATS.items(), strict=True):
        col.download_button(
            f"提出された計画を{label}形式で保存",
            lambda fmt=fmt: docs.submitted(plan_id, fmt, round=round_no)[0],
            file_name=docs.name(plan_id, fmt, round=round_no),
            mime=DOC_MIME[fmt],
            key=f"rv_doc_{plan_id}_{fmt}",
            on_click="ignore",
        )


DOC_MIME = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def _actions(
    rs: ReviewService, plan_id: int, *, side: str | None, expected_version: int | None = None, where: str = ""
) -> None:
    actions(rs, plan_id, side=side, expected_version=expected_version, where=where)


def _comment_form(cs: CommentService, plan_id: int, guide: Guide) -> None:
    targets: dict[str, str] = {}
    for ch in guide.chapters:
        targets[ch.key] = f"第{ch.number}章 {ch.title}（章全体）"
        for q in ch.questions:
            targets[q.key] = f"　{q.label}"
    with st.form(f"rv_comment_{plan_id}", clear_on_submit=True):
        where = st.selectbox(
            "コメントする箇所", list(targets), format_func=targets.get, key=f"rv_where_{plan_id}"
        )
        item = st.text_input("施策・KPIの番号（任意、例：M01、K02）", key=f"rv_item_{plan_id}")
        body = st.text_area("コメント", key=f"rv_body_{plan_id}")
        if st.form_submit_button("コメントを追加"):
            try:
                if "." in where:
                    cs.add(plan_id, question_key=where, item_key=item, body=body)
                else:
                    cs.add(plan_id, chapter_key=where, item_key=item, body=body)
            except PlanBuilderError as exc:
                st.error(md_escape(exc))
            else:
                st.session_state["rv_flash"] = "コメントを追加しました。"
                st.rerun()


def _comment_list(cs: CommentService, plan_id: int, guide: Guide) -> None:
    comments = cs.comments(plan_id)
    if not comments:
        st.info("コメントはまだありません。")
        return
    for c in comments:
        _comment_box(cs, c, guide=guide)


def _comment_box(
    cs: CommentService,
    c: Comment,
    *,
    can_resolve: bool = True,
    can_reply: bool = True,
    planner: bool = False,
    guide: Guide | None = None,
) -> None:
    """One comment with its replies. `planner` shows it as the wizard does: where it is attached
    goes without saying there, so the header names who wrote it and for which submission."""
    names = display_names(cs.store, [c.author, *(r.author for r in c.replies)])
    with st.container(border=True, key=f"rv_comment_{c.id}"):
        when = _date(c.created_at) + (f"、第{c.round}回提出" if c.round else "")
        item = f"・{c.item_key}" if c.item_key else ""
        if planner:
            scope = "章全体" if c.question_key is None else ""
            target = "　".join(t for t in (scope, f"対象：{c.item_key}" if c.item_key else "") if t)
            head = f":orange-badge[審査担当者のコメント]　{md_escape(names[c.author])}（{when}）"
            st.markdown(head + (f"　{md_escape(target)}" if target else ""))
        else:
            where = (
                place_label(guide, c.chapter_key, c.question_key, c.item_key)
                if guide
                else (c.question_key or f"{c.chapter_key}（章全体）") + item
            )
            mark = "解決済み" if c.resolved else "未解決"
            st.markdown(f"**{mark}**　{md_escape(where)}　{md_escape(names[c.author])}（{when}）")
        st.markdown(md_escape(c.body))
        for r in c.replies:
            st.markdown(f"> 返信 {md_escape(names[r.author])}（{_date(r.created_at)}）：{md_escape(r.body)}")
        if can_reply:
            with st.form(f"rv_reply_form_{c.id}", clear_on_submit=True, border=False):
                c1, c2 = st.columns([5, 1], vertical_alignment="bottom")
                reply = c1.text_input(
                    "返信",
                    key=f"rv_reply_{c.id}",
                    label_visibility="collapsed",
                    placeholder="返信を入力（修正した内容、確認したいことなど）",
                    max_chars=MAX_BODY,
                )
                if c2.form_submit_button("返信する", key=f"rv_reply_btn_{c.id}", width="stretch"):
                    try:
                        cs.reply(c.id, reply)
                    except PlanBuilderError as exc:
                        st.error(md_escape(exc))
                    else:
                        st.rerun()
        if can_resolve and cs.can_resolve(c.plan_id):
            label = "未解決に戻す" if c.resolved else "解決済みにする"
            if st.button(label, key=f"rv_resolve_{c.id}"):
                try:
                    (cs.reopen if c.resolved else cs.resolve)(c.id)
                    st.rerun()
                except PlanBuilderError as exc:
                    st.error(md_escape(exc))


# 比較（横並び） --------------------------------------------------------------------------------
def side_by_side_page() -> None:
    import pandas as pd

    store, actor = _ctx()
    st.title("比較（横並び）")
    guide = _guide_picker("rvs")
    qs = {q.key: f"第{guide.chapter_of(q.key).number}章 {q.label}" for q in guide.questions()}
    key = st.selectbox("設問", list(qs), format_func=qs.get, key="rvs_q")
    flt = _filters(actor, "rvs")
    flt = SnapshotFilter(**{**flt.__dict__, "guide_id": guide.id})
    snaps = SnapshotService(store, actor).load(flt, paths=[question_path(guide.question(key))])
    sb = side_by_side(snaps, guide, key)
    wanted = st.multiselect(
        "表示する回答", list(FLAG_LABELS), format_func=FLAG_LABELS.get, key="rvs_flags", placeholder="すべて"
    )
    rows = [r for r in sb.rows if not wanted or set(wanted) & set(r.flags)]
    counts = {f: sum(1 for r in sb.rows if f in r.flags) for f in FLAG_LABELS}
    st.caption(
        "　".join(f"{FLAG_LABELS[f]}：{n:,}件" for f, n in counts.items()) + f"　（全{len(sb.rows):,}件）"
    )
    page, size = _paginate(len(rows), "rvs")
    shown = rows[(page - 1) * size : page * size]
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "団体名": r.lg_name,
                    "都道府県": r.prefecture,
                    "団体区分": r.type_label,
                    "状態": r.status_label,
                    "回答": r.text,
                    "文字数": r.length,
                    "注意": "、".join(FLAG_LABELS[f] for f in r.flags),
                    "酷似する団体": "、".join(r.near_duplicate_of[:3])
                    + (f" ほか{len(r.near_duplicate_of) - 3}団体" if len(r.near_duplicate_of) > 3 else ""),
                }
                for r in shown
            ]
        ),
        hide_index=True,
        width="stretch",
        column_config={"回答": st.column_config.TextColumn("回答", width="large")},
    )
    kept = {id(r) for r in rows}
    records = [rec for r, rec in zip(sb.rows, sb.records(), strict=True) if id(r) in kept]
    _downloads(f"横並び_{key}", sb.header(), records, "rvs_dl")


# 回次の差分 ------------------------------------------------------------------------------------
def diff_page() -> None:
    store, actor = _ctx()
    st.title("回次の差分")
    _flash()  # the message of a status change made on this page
    metas = [m for m in SnapshotService(store, actor).meta() if m.round]
    if not metas:
        st.info("提出された計画はまだありません。")
        return
    ids = [m.plan_id for m in metas]
    labels = {m.plan_id: f"{m.lg_name}（{m.prefecture}）計画ID {m.plan_id}" for m in metas}
    sel = st.session_state.get(K_SELECTED)
    pid = st.selectbox(
        "計画", ids, index=ids.index(sel) if sel in ids else 0, format_func=labels.get, key="rvd_plan"
    )
    rs = ReviewService(store, actor)
    subs = rs.submissions(pid)
    if len(subs) < 2:
        st.info("この計画は1回しか提出されていないため、比べる回がありません。")
        return
    rounds = [s.round for s in subs]
    c1, c2 = st.columns(2)
    a = c1.selectbox(
        "比べる元", rounds, index=len(rounds) - 2, format_func=lambda r: f"第{r}回提出", key="rvd_a"
    )
    b = c2.selectbox(
        "比べる先", rounds, index=len(rounds) - 1, format_func=lambda r: f"第{r}回提出", key="rvd_b"
    )
    guide = get_guide(rs.submitted_plan(pid, b).plan.guide_id)
    by_question: dict[str, list[Comment]] = {}
    for c in CommentService(store, actor).comments(pid):
        by_question.setdefault(c.key, []).append(c)
    names = display_names(
        store, [x.author for cs_ in by_question.values() for c in cs_ for x in (c, *c.replies)]
    )
    render_diff(round_diff(rs, pid, a, b, guide), by_question, names)
    st.divider()
    _actions(rs, pid, side=REVIEWER_SIDE, where="diff")


def render_diff(d: RoundDiff, comments: dict[str, list[Comment]] | None = None, names=None) -> None:
    """Each changed answer: old and new side by side, paragraph by paragraph, with the changes
    marked inside (deleted on the old side, inserted on the new side), and the comments made on
    that question beside it."""
    if d.empty:
        st.info(f"{d.old_label}と{d.new_label}の内容に違いはありません。")
        return
    comments, names = comments or {}, names or {}
    st.caption(f"左：{d.old_label}　右：{d.new_label}（:red-background[~~削除~~]　:green-background[追加]）")
    st.subheader(f"回答の変更（{len(d.answers)}件）")
    for a in d.answers:
        with st.container(border=True, key=f"rvd_answer_{a.question_key}"):
            st.markdown(f"**{md_escape(a.label)}**（{a.kind}）")
            about = comments.get(a.question_key, [])
            left, right, side = st.columns([5, 5, 3] if about else [1, 1, 0.001])
            left.caption(d.old_label)
            right.caption(d.new_label)
            for row in a.paragraphs:
                left.markdown(segments_markdown(row.old) or "　")
                right.markdown(segments_markdown(row.new) or "　")
            if about:
                side.caption(f"この設問へのコメント（{len(about)}件）")
                for c in about:
                    mark = "解決済み" if c.resolved else "未解決"
                    side.markdown(
                        f"**{mark}**　{md_escape(names.get(c.author, c.author))}：{md_escape(c.body)}"
                        + "".join(
                            f"  \n↳ {md_escape(names.get(r.author, r.author))}：{md_escape(r.body)}"
                            for r in c.replies
                        )
                    )
    _item_changes("施策の変更", d.measures_added, d.measures_removed, d.measure_changes)
    _item_changes("KPIの変更", d.kpis_added, d.kpis_removed, d.kpi_changes)


def _item_changes(
    title: str, added: list[tuple[str, str]], removed: list[tuple[str, str]], changes: list[ItemChange]
) -> None:
    """Measures or KPIs added, removed and changed between two rounds (nothing when none)."""
    if not (added or removed or changes):
        return
    st.subheader(title)
    for k, n in added:
        st.markdown(f":green-background[追加] {md_escape(k)} {md_escape(n)}")
    for k, n in removed:
        st.markdown(f":red-background[削除] {md_escape(k)} {md_escape(n)}")
    if changes:
        st.dataframe(_changes_df(changes), hide_index=True, width="stretch")


def _changes_df(changes) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame(
        [{"番号": c.key, "名称": c.name, "項目": c.field, "変更前": c.old, "変更後": c.new} for c in changes]
    )


# カバレッジ ------------------------------------------------------------------------------------
def coverage_page() -> None:
    import pandas as pd

    store, actor = _ctx()
    st.title("カバレッジ")
    guide = _guide_picker("rvc")
    flt = _filters(actor, "rvc")
    snaps = SnapshotService(store, actor).load(flt, content="coverage")
    m = coverage_matrix(snaps, guide)
    if not m.rows:
        st.info("条件に合う計画はありません。")
        return
    means = m.column_means()
    st.caption(
        "柱：施策あり＝1、柱の選択のみ＝0.5、なし＝0／必須項目：記入あり＝1／"
        f"{COMPLETENESS_LABEL}：必須項目のうち記入のある割合（0〜1、全計画で同じ計算）。"
        "審査キューの「充足度」は提出時の点検の結果で、計算が異なります。"
        f"　対象 {len(m.rows):,}計画"
    )
    st.dataframe(
        pd.DataFrame([{"項目": t, "平均": round(v, 3)} for t, v in zip(m.titles(), means, strict=True)]),
        hide_index=True,
        height=200,
    )
    page, size = _paginate(len(m.rows), "rvc", default_size=50)
    from plan_builder.review import CoverageMatrix

    part = CoverageMatrix(m.columns, m.rows[(page - 1) * size : page * size])
    event = st.plotly_chart(
        coverage_heatmap(part), on_select="rerun", key="rvc_chart", config={"displaylogo": False}
    )
    picked = None
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else []
    if not points and hasattr(event, "selection"):
        points = event.selection.get("points", [])
    if points:
        cd = points[0].get("customdata")
        picked = cd[0] if isinstance(cd, list) else cd
    ids = [r.plan_id for r in part.rows]
    labels = {r.plan_id: f"{r.lg_name}（{r.prefecture}）" for r in part.rows}
    pid = st.selectbox(
        "詳しく見る計画",
        ids,
        index=ids.index(picked) if picked in ids else 0,
        format_func=labels.get,
        key="rvc_pick",
    )
    row = next(r for r in part.rows if r.plan_id == pid)
    missing = [t for t, v in zip(m.titles(), row.values, strict=True) if v < 1]
    st.markdown(
        f"**{md_escape(row.lg_name)}**　状態：{md_escape(row.status_label)}　{MISSING_HEADER}：{row.findings}"
    )
    st.markdown("不足している項目：" + (md_escape("、".join(missing)) if missing else "なし"))
    if st.button("この計画を審査キューで開く", key="rvc_open"):
        st.session_state[K_SELECTED] = pid
        st.switch_page(page("queue"))
    _downloads("カバレッジ", m.header(), m.records(), "rvc_dl", legend=m.legend())
    _national_measures(store, actor, flt, guide)


def _national_measures(store, actor: Actor, flt: SnapshotFilter, guide: Guide) -> None:
    """National measures × plans, and every measure as one row (reads only the measures)."""
    import pandas as pd

    st.subheader("国の施策への取組")
    snaps = SnapshotService(store, actor).load(
        SnapshotFilter(**{**flt.__dict__, "guide_id": guide.id}), paths=MEASURE_PATHS
    )
    nm = national_matrix(snaps, guide)
    st.dataframe(
        pd.DataFrame(
            [
                {"国の施策": m, "取り組む計画の数": c, "割合（%）": round(share * 100, 1)}
                for m, c, share in nm.summary()
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    st.caption("国の施策名を記載した施策（施策の出典が「国の施策」）を数えています。")
    _downloads("国の施策の取組状況", nm.header(), nm.records(), "rvc_nm_dl",
               legend=[("国の施策の列", "1＝その国の施策に取り組む施策あり、0＝なし")])  # fmt: skip
    _downloads("施策一覧", MEASURE_HEADER, measure_records(snaps, guide), "rvc_ms_dl")


# KPIベンチマーク -------------------------------------------------------------------------------
def kpi_page() -> None:
    import pandas as pd

    store, actor = _ctx()
    st.title("KPIベンチマーク")
    flt = _filters(actor, "rvk")
    idx = kpi_index(SnapshotService(store, actor).load(flt, content="kpis"))
    ks = kinds(idx, min_plans=2)
    if not ks:
        st.info("比べられるKPIがありません（同じ種類のKPIが2団体以上に必要です）。")
        return
    labels = {t: f"{label}（{n:,}団体）" for t, label, n in ks}
    c1, c2, c3 = st.columns(3)
    tag = c1.selectbox("KPIの種類", list(labels), format_func=labels.get, key="rvk_kind")
    vk = c2.selectbox("値", list(VALUE_KINDS), format_func=VALUE_KINDS.get, key="rvk_value")
    gb = c3.selectbox("集計の単位", list(GROUPINGS), format_func=GROUPINGS.get, key="rvk_group")
    b = benchmark(idx, tag, value_kind=vk, group_by=gb)
    if not b.points:
        st.info("この値が入力されたKPIがありません。")
        return
    note = (
        f"単位：人口千人当たり{md_escape(b.unit)}（件数・人数などの数のみ換算。人口は住民基本台帳、令和4年1月1日現在）。"
        if b.per_capita
        else f"単位：{md_escape(b.unit or '－')}（割合・率などは人口で割らず、そのまま比べています）"
    )
    st.caption(note + (f"　単位が異なる{b.other_units}件は除いています。" if b.other_units else ""))
    st.plotly_chart(kpi_boxplot(b), key="rvk_chart", config={"displaylogo": False})
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "区分": g.label,
                    "団体数": g.n,
                    "最小": g.min,
                    "第1四分位": g.q1,
                    "中央値": g.median,
                    "第3四分位": g.q3,
                    "最大": g.max,
                    "平均": g.mean,
                }  # fmt: skip
                for g in b.groups
            ]
        ).round(3),
        hide_index=True,
        width="stretch",
    )
    recs = b.records()
    page, size = _paginate(len(recs), "rvk")
    st.dataframe(
        pd.DataFrame(recs[(page - 1) * size : page * size], columns=b.header()),
        hide_index=True,
        width="stretch",
    )
    _downloads(f"KPI_{b.label}", b.header(), recs, "rvk_dl", legend=b.legend())


# Planner side ----------------------------------------------------------------------------------
def submit_panel(service, plan_id: int) -> None:
    """提出・再提出 for the planner (the wizard calls this). `service` is the PlanService in use.

    A transition writes a new plan version; `_actions` reloads the open plan afterwards so this
    tab does not turn stale."""
    rs = ReviewService(service.store, service.actor)
    try:
        status = rs.status(plan_id)
        subs = rs.submissions(plan_id)
    except PlanBuilderError as exc:
        st.error(md_escape(exc))
        return
    with st.container(border=True, key="rv_submit_panel"):
        _flash()
        st.markdown(
            f"状態：**{status.label}**"
            + (f"　第{subs[-1].round}回提出（{_date(subs[-1].submitted_at)}）" if subs else "　未提出")
        )
        n_open = sum(len(v) for v in open_comments(service, plan_id).values())
        if n_open:
            st.warning(
                f"審査担当者からの未解決のコメントが{n_open}件あります。該当する設問の画面に表示しています。"
            )
        hint = STATUS_HINTS.get(status)
        if hint:
            st.caption(hint)
        version = (
            st.session_state.get(state.K_VERSION) if st.session_state.get(state.K_ID) == plan_id else None
        )
        _actions(rs, plan_id, side=PLANNER_SIDE, expected_version=version)


def can_submit(service, lg_code: str) -> bool:
    """Whether a submission reaches anyone: shared mode with an active reviewer for the plan's
    organisation (standalone has nobody to receive it)."""
    from plan_builder.auth import has_receiver, shared_mode

    return shared_mode() and has_receiver(service.store, lg_code)


def submit_section(service, plan_id: int, lg_code: str) -> None:
    """The 提出・再提出 heading and box where someone can receive the plan; otherwise a short
    note instead of a button that reaches nobody (issue 13)."""
    from plan_builder.auth import shared_mode

    st.markdown("##### 提出・再提出")
    if can_submit(service, lg_code):
        submit_panel(service, plan_id)
    elif not shared_mode():
        st.caption(
            "このパソコンだけで使う形（単独利用）のため、提出の機能はありません。"
            "計画書は「出力」の画面で作成できます。"
        )
    else:
        st.caption(
            "この団体の計画を受け取る審査担当者が登録されていないため、まだ提出できません。"
            "管理者に確認してください。"
        )


STATUS_HINTS = {
    PlanStatus.DRAFT: "入力が終わったら提出してください。提出した時点の内容が固定され、審査担当者に届きます。",
    PlanStatus.SUBMITTED: (
        "提出した内容は固定され、審査担当者はその内容を確認します。"
        "引き続き編集しても提出済みの内容は変わりません。"
    ),
    PlanStatus.IN_REVIEW: "審査担当者が確認しています。引き続き編集しても提出済みの内容は変わりません。",
    PlanStatus.RETURNED: "差し戻されました。コメントを確認して修正し、再提出してください。",
    PlanStatus.RESUBMITTED: "再提出した内容は固定され、審査担当者が確認します。",
    PlanStatus.APPROVED: "承認されました。",
}


def open_comments(service, plan_id: int) -> dict[str, list[Comment]]:
    """The plan's open comments by where they are attached (question key, or chapter key for a
    comment on the chapter as a whole); empty when the actor may not see them."""
    try:
        return CommentService(service.store, service.actor).open_comments(plan_id)
    except PlanBuilderError:
        return {}


def comments_at_question(
    service, plan_id: int, question_key: str, *, comments: list[Comment] | None = None
) -> None:
    """The open reviewer comments at a question, each with a reply box when the actor may reply
    (for the wizard). Without `comments` they are read here (the question's own and its
    chapter's); the wizard passes the ones it already read with `open_comments`, so that a
    chapter-wide comment is shown once, at the top of the chapter."""
    cs = CommentService(service.store, service.actor)
    try:
        shown = cs.open_comments_for(plan_id, question_key) if comments is None else comments
        can_reply = bool(shown) and cs.can_reply(plan_id)
    except PlanBuilderError:
        return
    for c in shown:
        _comment_box(cs, c, can_resolve=False, can_reply=can_reply, planner=True)


# Pages -----------------------------------------------------------------------------------------
# Built afresh for every run: st.Page objects carry per-run state, so they must not be shared
# between sessions. switch_page finds a page by its url_path, so a new object with the same path
# reaches the same page.
_SPECS = {
    "board": ("策定状況", ":material/map:", "review-board"),
    "queue": ("審査キュー", ":material/inbox:", "review-queue"),
    "side": ("比較（横並び）", ":material/view_column:", "review-side-by-side"),
    "diff": ("回次の差分", ":material/difference:", "review-diff"),
    "coverage": ("カバレッジ", ":material/grid_on:", "review-coverage"),
    "kpi": ("KPIベンチマーク", ":material/bar_chart:", "review-kpi"),
}


def page(key: str) -> st.Page:
    from plan_builder.ui.status_board_page import board_page

    fn = {"board": board_page, "queue": queue_page, "side": side_by_side_page, "diff": diff_page,
          "coverage": coverage_page, "kpi": kpi_page}[key]  # fmt: skip
    title, icon, url = _SPECS[key]
    return st.Page(fn, title=title, icon=icon, url_path=url)


def pages() -> list[st.Page]:
    return [page(k) for k in _SPECS]
