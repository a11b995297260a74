"""Home: the actor's plans (review status, open reviewer comments, completeness, last saved),
reopen, duplicate, start new, import an exchange file (JSON)."""

from __future__ import annotations

import streamlit as st

from plan_builder.auth import Role
from plan_builder.checks import check_plan
from plan_builder.creation import default_title, ensure_guide_fits, new_plan
from plan_builder.errors import PlanBuilderError
from plan_builder.review import CommentService, ReviewService
from plan_builder.store import LocalGovernment, Store
from plan_builder.ui import common, nav, planner_desk, review_pages, state, uploads_ui
from plan_builder.ui.render import md_escape
from plan_builder.uploads import MAX_JSON_BYTES

_COMPLETENESS = "pb_home_completeness"
_JSON_MB = MAX_JSON_BYTES // (1024 * 1024)
_IMPORTED = "pb_imported_uploads"  # file_id -> ImportOutcome: a rerun never imports twice
# The plan list's columns (header and rows): name, organisation, status, completeness, last saved,
# and 開く and 複製 side by side in one column wide enough for both on one line at 1024 px (in
# columns of their own they wrapped; tests/e2e/test_layout_e2e.py measures it).
_LIST_COLUMNS = [3, 1.6, 1.3, 1.1, 2, 2.6]


def _completeness(plan_id: int, version: int) -> float | None:
    """Completeness of a stored plan, cached per version in this session."""
    cache: dict = st.session_state.setdefault(_COMPLETENESS, {})
    if (plan_id, version) not in cache:
        try:
            stored = state.service().get(plan_id)
            cache[(plan_id, version)] = check_plan(stored.plan, state.guide_for(stored.plan)).completeness
        except PlanBuilderError:
            cache[(plan_id, version)] = None
    return cache[(plan_id, version)]


def _status_label(plan_id: int) -> str:
    """The saved status (a reviewer may have changed it since this tab read the plan)."""
    try:
        return ReviewService(state.get_store(), state.actor()).status(plan_id).label
    except PlanBuilderError:
        return "－"


def _open(plan_id: int) -> None:
    try:
        state.open_plan(plan_id)
    except PlanBuilderError as exc:
        state.flash(str(exc))
        return
    st.session_state["pb_go_wizard"] = True


def _duplicate(plan_id: int) -> None:
    try:
        copy = state.service().duplicate(plan_id)
    except PlanBuilderError as exc:
        state.flash(str(exc))
        return
    state.flash(f"計画を複製しました：{copy.plan.title}", "success")


def _plan_list() -> None:
    st.markdown("##### 計画の一覧")
    plans = state.service().list_plans(limit=200)
    if not plans:
        st.info("まだ計画がありません。下の「新しい計画を作成」から始めてください。")
        return
    # the ids come from list_plans, which only lists what the actor may read
    n_open = CommentService(state.get_store(), state.actor()).open_counts([s.id for s in plans])
    head = st.columns(_LIST_COLUMNS)
    for col, text in zip(head, ["計画の名称", "団体", "状態", "記入率", "最終保存", ""], strict=True):
        col.caption(text)
    for s in plans:
        row = st.columns(_LIST_COLUMNS, vertical_alignment="center")
        row[0].markdown(md_escape(s.title) + ("　（研修用）" if s.is_training else ""))
        row[1].markdown(md_escape(s.lg_name))
        row[2].markdown(
            s.status.label + (f"  \n:orange[コメント{n_open[s.id]}件]" if n_open.get(s.id) else "")
        )
        c = _completeness(s.id, s.version)
        row[3].markdown("－" if c is None else f"{round(c * 100)}%")
        row[4].markdown(state.saved_label(s.updated_at))
        with row[5], st.container(horizontal=True, gap="xsmall"):
            st.button(
                "開く",
                key=f"open:{s.id}",
                on_click=_open,
                args=(s.id,),
                help=f"「{md_escape(s.title)}」を開きます",
            )
            st.button(
                "複製",
                key=f"dup:{s.id}",
                on_click=_duplicate,
                args=(s.id,),
                help="この計画を写して新しい計画を作ります",
            )


def _lg_label(lg) -> str:
    pref = "" if lg.level == "prefecture" else lg.prefecture
    return f"{pref}{lg.name}（{lg.name_kana}・{lg.code6}）"


def _pick_government(store: Store) -> LocalGovernment | None:
    """The local government the new plan is for: a planner's own (they may write no other's),
    anyone else's found by prefecture, name, reading or code. None while nothing is picked."""
    acting = state.actor()
    if acting.role is Role.PLANNER and acting.org_code:
        return store.local_government(acting.org_code)
    prefs = store.prefectures()
    a, b = st.columns([1, 2])
    pref_names = {p.pref_code: p.name for p in prefs}
    pref = a.selectbox(
        "都道府県で絞り込む",
        [None, *pref_names],
        format_func=lambda c: "すべての都道府県" if c is None else pref_names[c],
        key="new_pref",
    )
    text = b.text_input(
        "団体を検索（名称・よみがな・団体コード）", key="new_search", placeholder="例：やはば、矢巾、033227"
    )
    if not text and not pref:
        st.caption("都道府県を選ぶか、名称・よみがな・団体コードを入力すると候補が表示されます。")
        return None
    found = store.search_local_governments(text, pref_code=pref, limit=100)
    if not found:
        st.warning("該当する団体が見つかりません。表記やよみがな（ひらがな・カタカナ）を確かめてください。")
        return None
    by_code = {lg.code6: lg for lg in found}
    code = st.selectbox(
        f"団体を選ぶ（候補 {len(found)}件{'、先頭100件まで' if len(found) == 100 else ''}）",
        list(by_code),
        format_func=lambda c: _lg_label(by_code[c]),
        key="new_lg",
    )
    return by_code[code]


def _new_plan_form() -> None:
    st.markdown("##### 新しい計画を作成")
    lg = _pick_government(state.get_store())
    if lg is None:
        return
    code = lg.code6
    variant = "prefecture" if lg.level == "prefecture" else "municipality"
    fitting = {g.id: g for g in state.guides().values() if g.variant == variant}
    label = "都道府県版" if variant == "prefecture" else "市町村版"
    if not fitting:
        st.error(f"{label}の手引が登録されていません。管理者に手引ファイルの追加を依頼してください。")
        return
    st.caption(
        f"{md_escape(lg.name)}は{'都道府県' if variant == 'prefecture' else '市区町村'}のため、{label}の手引を使います。"
    )
    gid = st.selectbox(
        "手引",
        list(fitting),
        format_func=lambda i: f"{fitting[i].title}（{fitting[i].edition}・{fitting[i].variant_label}）",
        key="new_guide",
    )
    guide = fitting[gid]
    title = st.text_input(
        "計画の名称", value=default_title(lg, guide), key=f"new_title:{code}:{gid}", max_chars=200
    )
    if st.button("作成して入力を始める", type="primary", key="new_create"):
        try:
            ensure_guide_fits(lg, guide)
            stored = state.service().create(new_plan(lg, guide, title=title.strip() or None))
        except PlanBuilderError as exc:
            st.error(md_escape(exc))
            return
        state.open_plan(stored.id)
        st.session_state["pb_chapter"] = guide.chapters[0].key
        st.switch_page(nav.page("wizard"))


def _import_form() -> None:
    st.markdown("##### 計画ファイルの取り込み")
    st.caption(
        "「出力」画面で作った計画ファイル（拡張子 .json、他の端末から受け取ったものを含む）を、"
        f"新しい計画（状態：作成中）として取り込みます（{_JSON_MB} MB まで）。今ある計画は変わりません。"
    )
    up = st.file_uploader(
        "計画ファイル（.json）を取り込む", type=["json"], key="import_json", max_upload_size=_JSON_MB
    )
    if up is None:
        return
    done: dict = st.session_state.setdefault(_IMPORTED, {})
    outcome, fresh = uploads_ui.import_once(state.service(), up.file_id, up.getvalue(), done)
    if not outcome.ok:
        st.error(f"取り込めませんでした：{md_escape(outcome.message)}", icon=":material/error:")
        return
    if fresh:
        state.open_plan(outcome.plan_id)
        state.flash(outcome.message, "success")  # escaped when shown (the title comes from the file)
        st.switch_page(nav.page("wizard"))
    st.success(f"{md_escape(outcome.message)}　同じファイルを二度取り込むことはありません。")


def render() -> None:
    if st.session_state.pop("pb_go_wizard", False):
        st.switch_page(nav.page("wizard"))
    st.markdown("### 官民データ活用推進計画 作成支援")
    st.caption(
        f"利用者：{md_escape(state.actor().label)}　手引の章に沿って入力すると、計画書（Word など）を作成できます。入力は自動で保存されます。"
    )
    common.show_flash()
    if state.actor().seat_plan_id is not None:  # a briefing participant: their seat, nothing else
        op = state.current()  # (they create, import and copy no plans; closed: read only)
        if op is None:
            st.info(common.SEAT_MISSING)
            return
        st.markdown(f"練習用の計画：**{md_escape(op.plan.title)}**（{md_escape(op.plan.lg_name)}）")
        if state.read_only():
            st.page_link(nav.page("wizard"), label="内容を見る", icon=":material/visibility:")
        else:
            st.page_link(nav.page("wizard"), label="入力を続ける", icon=":material/edit_note:")
        return
    planner_desk.render(state.service())  # issue 14: deadline and notices
    op = state.current()
    if op is not None:
        with st.container(border=True):
            st.markdown(f"開いている計画：**{md_escape(op.plan.title)}**（{md_escape(op.plan.lg_name)}）")
            n = sum(len(v) for v in review_pages.open_comments(state.service(), op.id).values())
            st.markdown(
                f"審査の状況：**{_status_label(op.id)}**　"
                + (f":orange-badge[未解決のコメント{n}件]" if n else "未解決のコメント：なし")
            )
            a, b = st.columns(2)
            a.page_link(nav.page("wizard"), label="入力を続ける", icon=":material/edit_note:")
            submits = review_pages.can_submit(state.service(), op.plan.lg_code)
            label = "点検して提出する" if submits else "点検する"
            b.page_link(nav.page("check"), label=label, icon=":material/fact_check:")
    _plan_list()
    st.divider()
    _new_plan_form()
    st.divider()
    _import_form()


if __name__ == "__main__":
    render()
