"""The app's navigation: planner sections, the review, training and account sections by role.

`st.Page` objects are built anew for every call, never cached at module level: `st.navigation`
marks a default and a per-run flag on the objects it is given, so a shared object lets one
session's navigation change another's (issue 9: after a reviewer signed in, nobody else could).
Streamlit identifies a page by its url_path, so a fresh object links and switches the same way.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from plan_builder.auth import Actor, Role, shared_mode
from plan_builder.plan import format_fiscal_year
from plan_builder.ui import auth_pages, plan_links, state

# Each page is a file in plan_builder/ui/pages/ (so AppTest can switch to it): key -> (title, icon, url)
PAGES_DIR = Path(__file__).parent / "pages"
PLANNER_PAGES: dict[str, tuple[str, str, str]] = {
    "home": ("ホーム", ":material/home:", "home"),
    "wizard": ("計画の入力", ":material/edit_note:", "wizard"),
    "measures": ("個別施策", ":material/list_alt:", "measures"),
    "kpis": ("指標（KPI）", ":material/trending_up:", "kpis"),
    "open_data": ("オープンデータ", ":material/dataset:", "open-data"),
    "schedule": ("工程表", ":material/calendar_month:", "schedule"),
    "check": ("点検", ":material/fact_check:", "check"),
    "preview": ("プレビュー", ":material/visibility:", "preview"),
    "history": ("変更履歴", ":material/history:", "history"),
    "export": ("出力", ":material/download:", "export"),
    # issue 16: the plan's life after adoption (follow-up, next period, Word import, guide versions)
    "followup": ("進捗管理", ":material/monitoring:", "followup"),
    "revise": ("改定と取込", ":material/upgrade:", "revise"),
    "followup_review": ("進捗の状況", ":material/monitoring:", "followup-review"),
}
SECTIONS: dict[str, list[str]] = {
    "計画": ["home"],
    "入力": ["wizard", "measures", "kpis", "open_data", "schedule"],
    "確認と出力": ["check", "preview", "history", "export"],
    "進捗と改定": ["followup", "revise"],
}
PLANNING_ROLES = {Role.PLANNER, Role.TRAINER, Role.ADMIN, Role.PARTICIPANT}
REVIEW_ROLES = {Role.REVIEWER, Role.ADMIN}
TRAINING_ROLES = {Role.TRAINER, Role.ADMIN}


def page(key: str) -> st.Page:
    """A new st.Page for a planner page (for st.navigation, st.switch_page and st.page_link)."""
    title, icon, url = PLANNER_PAGES[key]
    return st.Page(PAGES_DIR / f"{key}.py", title=title, icon=icon, url_path=url, default=key == "home")


def planner_pages() -> list[st.Page]:
    return [page(k) for k in PLANNER_PAGES]


# A participant of a closed session only reads their seat: the pages that show the plan (home stays
# the default page, so the addresses of the others do not change when the session closes).
READ_ONLY_SECTIONS: dict[str, list[str]] = {"計画": ["home", "wizard", "preview", "export"]}
CLOSED_PAGE_MESSAGE = "この研修は終了したため、この画面は使えません。"


def _closed_page() -> None:
    """Another planner page's address opened by a closed session's participant (a bookmark, or the
    page they were typing on when the session closed): said in Japanese with the way back, instead
    of Streamlit's English 「Page not found」, and any text typed there whose save was refused."""
    from plan_builder.ui import questions

    st.warning(CLOSED_PAGE_MESSAGE, icon=":material/lock:")
    st.page_link(page("wizard"), label=PLANNER_PAGES["wizard"][0], icon=":material/arrow_forward:")
    for name in list(st.session_state.get(state.K_UNSAVED, {})):
        questions.refused_box(name, _field_label(name))


def _field_label(name: str) -> str:
    """A kept field's name as the user knows it: 「KPI K01」 for `kpi:K01:unit`, 「施策 M01 の施策名」
    for `measure:M01:name`, 「施策 M01 の令和8年度の取組内容」 for `schedule:M01:2026`, else the
    question's label."""
    parts = name.split(":")
    if parts[0] == "kpi" and len(parts) > 1:
        return f"KPI {parts[1]}"
    if parts[0] == "measure" and len(parts) == 3:
        from plan_builder.ui.pages.measures import FIELD_LABELS

        return f"施策 {parts[1]} の{FIELD_LABELS.get(parts[2], parts[2])}"
    if parts[0] == "schedule" and len(parts) == 3 and parts[2].isdigit():
        return f"施策 {parts[1]} の{format_fiscal_year(int(parts[2]))}の取組内容"
    op = state.current()
    try:
        return op.guide.question(name).label if op is not None else name
    except KeyError:
        return name


def closed_pages() -> list[st.Page]:
    """The planner pages a closed seat does not offer, hidden from the menu, each saying so."""
    shown = {k for keys in READ_ONLY_SECTIONS.values() for k in keys}
    return [
        st.Page(_closed_page, title=title, icon=icon, url_path=url, visibility="hidden")
        for key, (title, icon, url) in PLANNER_PAGES.items()
        if key not in shown
    ]


def sections(actor: Actor, *, shared: bool) -> dict[str, list[st.Page]]:
    """The sidebar's sections for this actor. Standalone (one local user, who is admin so that
    nothing is refused) shows the planner's sections only: nobody reviews, trains or administers
    accounts on a single PC, and a section with nothing to do is noise (issue 13)."""
    out: dict[str, list[st.Page]] = {}
    if actor.read_only:
        out = {name: [page(k) for k in keys] for name, keys in READ_ONLY_SECTIONS.items()}
        out[next(iter(out))] += closed_pages()
        return out
    if actor.role in PLANNING_ROLES or not shared:
        out = {name: [page(k) for k in keys] for name, keys in SECTIONS.items()}
    if not shared:
        return out
    # imported here: their pages load pandas and the review packages, which a planner never needs
    from plan_builder.ui import review_pages, training_pages

    if actor.role in REVIEW_ROLES:
        out["審査"] = review_pages.pages()
        out["審査"].append(page("followup_review"))
    if actor.role in TRAINING_ROLES:
        out["研修"] = training_pages.pages()
    account = auth_pages.pages(actor) if actor.role is not Role.PARTICIPANT else []  # no account to manage
    if account:
        out["アカウント"] = account
    if not out:  # a role with no section of its own still gets the home page
        out = {"計画": [page("home")]}
    return out


def run(actor: Actor) -> None:
    found = sections(actor, shared=shared_mode())
    chosen = st.navigation(found, position="sidebar", expanded=True)
    plan_links.install()  # a link opened in a new tab keeps this tab's plan
    target = state.bounce_target()
    if target is not None:  # a field's late blur undid a sidebar click: finish the page switch
        for p in (p for pages in found.values() for p in pages):
            if p._script_hash == target:
                st.switch_page(p)
    chosen.run()
