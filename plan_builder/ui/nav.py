"""The app's navigation: planner sections, plus pages other packages add when present.

Other engineers add sections without editing this file: `plan_builder.ui.review_pages.pages()`
and `plan_builder.ui.auth_pages.pages()` are imported when they exist, and each section is shown
to the roles that use it.
"""

from __future__ import annotations

import importlib
from pathlib import Path

import streamlit as st

from plan_builder.auth.actor import Actor, Role

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
}
SECTIONS: dict[str, list[str]] = {
    "計画": ["home"],
    "入力": ["wizard", "measures", "kpis", "open_data", "schedule"],
    "確認と出力": ["check", "preview", "history", "export"],
}
PLANNING_ROLES = {Role.PLANNER, Role.TRAINER, Role.ADMIN, Role.PARTICIPANT}
REVIEW_ROLES = {Role.REVIEWER, Role.ADMIN}
TRAINING_ROLES = {Role.TRAINER, Role.ADMIN}

_pages: dict[str, st.Page] = {}


def page(key: str) -> st.Page:
    """The st.Page of a planner page (for st.switch_page and st.page_link)."""
    if key not in _pages:
        title, icon, url = PLANNER_PAGES[key]
        _pages[key] = st.Page(
            PAGES_DIR / f"{key}.py", title=title, icon=icon, url_path=url, default=key == "home"
        )
    return _pages[key]


def _optional_pages(module: str) -> list[st.Page]:
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return []
    return list(mod.pages())


def sections(actor: Actor) -> dict[str, list[st.Page]]:
    out: dict[str, list[st.Page]] = {}
    if actor.role in PLANNING_ROLES:
        out = {name: [page(k) for k in keys] for name, keys in SECTIONS.items()}
    if actor.role in REVIEW_ROLES:
        review = _optional_pages("plan_builder.ui.review_pages")
        if review:
            out["審査"] = review
    if actor.role in TRAINING_ROLES:
        training = _optional_pages("plan_builder.ui.training_pages")
        if training:
            out["研修"] = training
    account = _optional_pages("plan_builder.ui.auth_pages")
    if account:
        out["アカウント"] = account
    if not out:  # a role with no section of its own still gets the home page
        out = {"計画": [page("home")]}
    return out


def run(actor: Actor) -> None:
    style()
    st.navigation(sections(actor), position="sidebar", expanded=True).run()


_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem; padding-bottom: 3rem;}
[class*="st-key-guide_"] p, [class*="st-key-guide_"] li {font-size: 0.9rem; line-height: 1.6;}
</style>"""


def style() -> None:
    """A fixed style sheet (never user text): less empty space above the page on small screens."""
    st.html(_CSS)
