"""Per-session state of the planner's app: the store, the acting user, and the open plan.

Why it is built this way: every page reads the open plan from here and writes it back through
`commit`, which saves with the version this tab last saw. A StaleVersionError is never swallowed:
it marks the tab stale, the page shows a banner with a reload button, and nothing is written.
The plan id lives in the URL (`?plan=ID`) so a browser refresh reopens the same plan.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import streamlit as st

from plan_builder.auth.actor import Actor
from plan_builder.errors import NotFoundError, PermissionDeniedError, PlanBuilderError, StaleVersionError
from plan_builder.guide import Guide, get_guide, get_guides
from plan_builder.plan.clock import to_jst
from plan_builder.plan.fiscal import format_date
from plan_builder.plan.model import Plan
from plan_builder.service import PlanService
from plan_builder.store import Store, database_url

QP = "plan"

K_ID, K_VERSION, K_PLAN, K_SAVED, K_STALE = "pb_plan_id", "pb_version", "pb_plan", "pb_saved_at", "pb_stale"
NOT_FOUND_MESSAGE = (
    "この計画は削除されたか、読み込めなくなったため、変更は保存されていません。"
    "ホームの一覧から計画を開き直してください。"
)

K_ERRORS, K_NONCE, K_FLASH, K_CHAPTER = "pb_errors", "pb_nonce", "pb_flash", "pb_chapter"


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store.open(url)


def get_store() -> Store:
    """One Store per process and database (DATABASE_URL, else PLAN_BUILDER_HOME's SQLite file)."""
    return _store(database_url())


def actor() -> Actor:
    """The acting user: the signed-in account in shared mode, else this PC's local user.

    No fallback on purpose: in shared mode a missing login must stop the page, never act as admin.
    """
    from plan_builder.ui import auth_pages

    return auth_pages.current_actor()


def service() -> PlanService:
    return PlanService(get_store(), actor())


def guide_for(plan: Plan) -> Guide:
    return get_guide(plan.guide_id)


def guides() -> dict[str, Guide]:
    return get_guides()


# Time ----------------------------------------------------------------------------------------


def saved_label(moment: datetime | None) -> str:
    """「令和8年12月1日 10:23」in Japan time (stored times are UTC)."""
    if moment is None:
        return "－"
    local = to_jst(moment)
    return f"{format_date(local.date())} {local:%H:%M}"


# The open plan -------------------------------------------------------------------------------


@dataclass
class OpenPlan:
    id: int
    version: int
    plan: Plan
    guide: Guide


def _errors() -> dict[str, str]:
    return st.session_state.setdefault(K_ERRORS, {})


def wkey(name: str) -> str:
    """A widget key for the open plan; bumping the nonce makes every widget re-read the plan."""
    return f"w{st.session_state.get(K_NONCE, 0)}:{st.session_state.get(K_ID)}:{name}"


def open_plan(plan_id: int) -> None:
    """Load a plan into this session (and the URL), discarding unsaved widget state."""
    stored = service().get(plan_id)
    ss = st.session_state
    ss[K_ID], ss[K_VERSION], ss[K_PLAN], ss[K_SAVED] = plan_id, stored.version, stored.plan, stored.updated_at
    ss[K_STALE] = False
    ss[K_ERRORS] = {}
    ss[K_NONCE] = ss.get(K_NONCE, 0) + 1
    st.query_params[QP] = str(plan_id)


def reload_plan() -> None:
    """Throw away this tab's unsaved edits and read the latest saved version."""
    if st.session_state.get(K_ID) is not None:
        open_plan(st.session_state[K_ID])


def current() -> OpenPlan | None:
    """The open plan, opening the one named in the URL when this session has none (refresh)."""
    ss = st.session_state
    wanted = st.query_params.get(QP)
    if wanted and wanted.isdigit() and int(wanted) != ss.get(K_ID):
        try:
            open_plan(int(wanted))
        except PlanBuilderError as exc:
            st.query_params.pop(QP, None)
            flash(str(exc))
    if ss.get(K_ID) is None:
        return None
    if st.query_params.get(QP) != str(ss[K_ID]):
        st.query_params[QP] = str(ss[K_ID])  # page switches drop query parameters
    plan: Plan = ss[K_PLAN]
    return OpenPlan(ss[K_ID], ss[K_VERSION], plan, guide_for(plan))


def check_fresh() -> None:
    """Mark the tab stale when the plan was saved elsewhere since this tab read it (cheap)."""
    ss = st.session_state
    if ss.get(K_ID) is None or ss.get(K_STALE):
        return
    try:
        version = service().current_version(ss[K_ID])
    except PlanBuilderError:  # deleted or no longer readable: saving will say so
        return
    if version != ss[K_VERSION]:
        ss[K_STALE] = True


def is_stale() -> bool:
    return bool(st.session_state.get(K_STALE))


def commit(new_plan: Plan, note: str = "") -> bool:
    """Save `new_plan` based on the version this tab holds. False (and nothing written) when the
    plan changed elsewhere or the actor may not write; the reason is kept for the banner."""
    ss = st.session_state
    if new_plan == ss.get(K_PLAN):
        return True
    try:
        stored = service().save(ss[K_ID], new_plan, expected_version=ss[K_VERSION], note=note)
    except StaleVersionError:
        ss[K_STALE] = True
        return False
    except NotFoundError:
        flash(NOT_FOUND_MESSAGE)
        return False
    except PermissionDeniedError as exc:
        flash(str(exc))
        return False
    ss[K_VERSION], ss[K_PLAN], ss[K_SAVED] = stored.version, stored.plan, stored.updated_at
    return True


# Field errors and one-off messages ------------------------------------------------------------


def set_error(field: str, message: str | None) -> None:
    if message:
        _errors()[field] = message
    else:
        _errors().pop(field, None)


def error(field: str) -> str | None:
    return _errors().get(field)


def flash(message: str, kind: str = "warning") -> None:
    """A message for the next run; kind "success" or "warning". Pass plain text: it is escaped
    when shown (common.show_flash), so user text in it can never become Markdown."""
    st.session_state[K_FLASH] = (kind, message)


def pop_flash() -> tuple[str, str] | None:
    return st.session_state.pop(K_FLASH, None)
