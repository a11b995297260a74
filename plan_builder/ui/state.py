"""Per-session state of the planner's app: the store, the acting user, the open plan and its widgets.

Why it is built this way (issue 9):
- A widget writes only what the user changed. `bind` puts the saved value into a widget and
  remembers it (the seed); `edited` returns the widget's value only when the widget was drawn in
  the previous run and differs from its seed.
- Saves happen in the run, not in Streamlit's `on_change` callbacks. Streamlit aborts a running
  script, callbacks included, at its next session-state access when the user's next action
  arrives (a click into the KPI table right after typing a date: the date's save was cut off and
  never retried, because Streamlit had already taken the new value as seen). `on_edit` names the
  function that saves a widget's edit; `save_edits`, first thing in every run, calls it for every
  widget whose value is not yet handled, and marks it handled only when the function returned, so
  a cut-off save is done again by the next run. Runs never overlap (fast reruns are off,
  host_guard): with them the next run started beside the stopped one, both changing these
  records at once. Streamlit drops the state of widgets a run did not
  draw (a page switch, another chapter) and the browser may then send a stale or empty value for
  them; such a widget is re-seeded from the saved plan and never writes.
- `commit` saves against the version this tab read. When another tab saved in between, the two
  are merged field by field (plan.merge); a field both changed is a conflict kept in the session
  and shown at the field with both texts. Nothing typed is thrown away.
- When the database cannot be reached, or the disk is full or not writable, the change is kept
  in the session (`unsaved`) with a message naming the cause, and saved on a later run.
The plan id lives in the URL (`?plan=ID`) so a browser refresh reopens the same plan.
"""

from __future__ import annotations

import contextlib
import copy
import errno
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import streamlit as st
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from streamlit.runtime.scriptrunner import get_script_run_ctx

from plan_builder.auth import Actor
from plan_builder.errors import NotFoundError, PermissionDeniedError, PlanBuilderError, StaleVersionError
from plan_builder.guide import Guide, get_guide, get_guides
from plan_builder.plan import EditError, MergeError, Plan, format_date, merge_plans, to_jst
from plan_builder.service import PlanService
from plan_builder.store import Store, database_url

QP = "plan"

K_ID, K_VERSION, K_PLAN, K_SAVED, K_STALE = "pb_plan_id", "pb_version", "pb_plan", "pb_saved_at", "pb_stale"
NOT_FOUND_MESSAGE = (
    "この計画は削除されたか、読み込めなくなったため、変更は保存されていません。"
    "ホームの一覧から計画を開き直してください。"
)

K_ERRORS, K_NONCE, K_FLASH, K_CHAPTER = "pb_errors", "pb_nonce", "pb_flash", "pb_chapter"
K_DRAWN, K_LAST, K_SEEDS = "pb_drawn", "pb_last_drawn", "pb_seeds"
K_EDITORS, K_HANDLED = "pb_editors", "pb_handled"  # by widget key: its save function; the value it saw
K_UNSAVED, K_CONFLICTS, K_OUTAGE = "pb_unsaved", "pb_conflicts", "pb_outage"
K_PAGES, K_BOUNCE = "pb_pages", "pb_bounce"
K_SAVED_FIELD = "pb_saved_field"  # (field name, version) of the last field saved, for its 「保存しました」
NO_EDIT: Any = object()  # `edited` found nothing the user changed

UNREACHABLE_MESSAGE = (
    "データベースに接続できないため、保存できませんでした。入力した内容はこの画面に残っており、"
    "失われていません。接続が回復すると自動で保存します。"
)
DISK_FULL_MESSAGE = (
    "保存先のディスクの空き容量が不足しているため、保存できませんでした。入力した内容はこの画面に"
    "残っており、失われていません。管理者に連絡してください。空きができると自動で保存します。"
)
PERMISSION_MESSAGE = (
    "保存先のデータベースに書き込む権限がないため、保存できませんでした。入力した内容はこの画面に"
    "残っており、失われていません。管理者に連絡してください。書き込めるようになると自動で保存します。"
)
MERGE_FAILED_MESSAGE = (
    "別のタブで更新された内容と、この画面の変更を合わせられなかったため、保存していません。"
    "この画面の入力はそのまま残っています。"
)


def outage_message(exc: BaseException) -> str | None:
    """The Japanese message for a storage failure (unreachable, disk full, no permission), else None."""
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return DISK_FULL_MESSAGE
        if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
            return PERMISSION_MESSAGE
        return None
    if not isinstance(exc, OperationalError | InterfaceError | DBAPIError):
        return None
    text = str(getattr(exc, "orig", exc)).lower()
    if "disk is full" in text or "no space left" in text or "disk full" in text:
        return DISK_FULL_MESSAGE
    if "readonly" in text or "read-only" in text or "permission denied" in text or "unable to open" in text:
        return PERMISSION_MESSAGE
    if isinstance(exc, OperationalError | InterfaceError) or exc.connection_invalidated:
        return UNREACHABLE_MESSAGE
    return None


STORAGE_ERRORS = (OperationalError, InterfaceError, DBAPIError, OSError)


def page_outage_message(message: str) -> str:
    """For a page that could not even be read: the cause, and that typed text is kept."""
    return (
        "この画面を表示できませんでした。"
        + message
        + "しばらくしてから、画面を再読み込みせずに操作を続けてください。"
    )


@st.cache_resource(show_spinner=False)
def _store(url: str) -> Store:
    return Store.open(url)


def get_store() -> Store:
    """One Store per process and database (DATABASE_URL, else PLAN_BUILDER_HOME's SQLite file)."""
    return _store(database_url())


K_ACTOR = "pb_actor_this_run"
CLOSED_NOTICE = "この研修は終了しました。練習用の計画は閲覧だけができます（変更は保存されません）。"


def actor() -> Actor:
    """The acting user: the signed-in account in shared mode, else this PC's local user.

    No fallback on purpose: in shared mode a missing login must stop the page, never act as admin.
    Read once per script run (the callbacks and the page of one run share it; each run reads the
    database again, so a disabled account or a closed session takes effect at the next run). A
    page asks for the actor several times; re-reading it each time was a fifth of a save's cost.
    """
    from plan_builder.ui import auth_pages

    ctx = get_script_run_ctx()
    run = ctx.cursors if ctx is not None else None  # a new dict for every run (ctx.reset)
    memo = st.session_state.get(K_ACTOR)
    if run is not None and memo is not None and memo[0] is run:
        return memo[1]
    acting = auth_pages.current_actor()
    if run is not None:
        st.session_state[K_ACTOR] = (run, acting)  # holding `run` keeps its id from being reused
    return acting


def read_only() -> bool:
    """True for a participant whose session the trainer has closed: every field is shown disabled."""
    return actor().read_only


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


# Runs and widgets ---------------------------------------------------------------------------


def begin_run() -> None:
    """Called by app.py before the page: the widgets drawn by the previous run become `K_LAST`.

    Widget callbacks run before this (Streamlit calls them first), so they still see the previous
    run's `K_DRAWN`. Only the previous run counts, even when it was cut short by the next request:
    the browser forgets every widget the last run it heard of did not draw, and would show such a
    widget empty unless it is seeded again.
    """
    ss = st.session_state
    ctx = get_script_run_ctx()  # first: a run cut off while saving has still switched the page
    ss[K_PAGES] = (ss.get(K_PAGES, (None, None))[1], ctx.page_script_hash if ctx else None)
    save_edits()
    ss[K_LAST] = ss.get(K_DRAWN, set())
    ss[K_DRAWN] = set()


def bounce_target() -> str | None:
    """The page the user switched to just before a late field edit brought them back, if any."""
    ss = st.session_state
    if not ss.pop(K_BOUNCE, False):
        return None
    previous, now = ss.get(K_PAGES, (None, None))
    return previous if previous and previous != now else None


def bind(name: str, saved: Any) -> str:
    """The key of the widget for `name`, showing `saved` unless it holds the user's own edit.

    A widget not drawn in the previous run (new, redrawn after a page switch or another chapter,
    or never seeded) is seeded with the saved value, or with text this session could not save.
    """
    ss = st.session_state
    wk = wkey(name)
    seeds: dict[str, Any] = ss.setdefault(K_SEEDS, {})
    live = wk in ss.get(K_LAST, ()) and wk in ss and wk in seeds
    if not live:
        kept = ss.get(K_UNSAVED, {}).get(name)
        ss[wk] = kept[0] if kept is not None else saved
        seeds[wk] = saved
        ss.setdefault(K_HANDLED, {})[wk] = copy.deepcopy(ss[wk])  # shown by the app, not typed
    elif seeds[wk] != saved:  # saved by this widget's callback, or merged from another tab
        if ss[wk] == seeds[wk]:
            ss[wk] = saved
        seeds[wk] = saved
    ss.setdefault(K_DRAWN, set()).add(wk)
    return wk


def on_edit(wk: str, save: Callable[..., None], *args: Any) -> None:
    """Name the function that saves an edit of widget `wk` (called as `save(*args)` by `save_edits`).

    Used instead of the widget's `on_change`: see the module docstring for why."""
    st.session_state.setdefault(K_EDITORS, {})[wk] = (save, args)


def save_edits() -> None:
    """Save every widget edit not yet handled, in the order the widgets were drawn.

    A save function decides itself whether there is an edit (`edited`, `on_screen`); it is called
    again only when the widget's value changes again, or when it was cut off before returning.
    Functions of widgets no longer on screen are dropped afterwards."""
    ss = st.session_state
    editors: dict[str, tuple[Callable[..., None], tuple[Any, ...]]] = ss.get(K_EDITORS, {})
    handled: dict[str, Any] = ss.setdefault(K_HANDLED, {})
    for wk, (save, args) in list(editors.items()):
        if wk not in ss:
            continue
        value = copy.deepcopy(ss[wk])
        if wk in handled and handled[wk] == value:
            continue
        save(*args)
        handled[wk] = value
    shown = ss.get(K_DRAWN, set()) | ss.get(K_LAST, set())
    for wk in [wk for wk in editors if wk not in shown]:
        editors.pop(wk, None)
        handled.pop(wk, None)


def mark_drawn(wk: str) -> None:
    """Record a widget drawn without `bind` (a table editor) for `on_screen`."""
    st.session_state.setdefault(K_DRAWN, set()).add(wk)


def on_screen(wk: str) -> bool:
    """In a callback: the widget was drawn by the previous run (or the one before, see `edited`)."""
    ss = st.session_state
    return wk in ss.get(K_DRAWN, ()) or wk in ss.get(K_LAST, ())


def edited(wk: str) -> Any:
    """The widget's value if the user changed it, else NO_EDIT (for use in on_change callbacks).

    The widget must have been on screen: drawn by the previous run, or by the one before when the
    previous run was cut short by a page switch (the browser sends the blur of a field after the
    click on a sidebar link). An emptied value counts only from the previous run: a widget the
    browser forgot comes back empty, and must never blank a saved answer.
    """
    ss = st.session_state
    seeds = ss.get(K_SEEDS, {})
    if wk not in seeds or wk not in ss:
        return NO_EDIT
    value = ss[wk]
    if value == seeds[wk]:
        return NO_EDIT
    if wk in ss.get(K_DRAWN, ()):
        return value
    if wk in ss.get(K_LAST, ()) and value not in (None, "", []):
        ss[K_BOUNCE] = True  # the user had already left this page: take them back where they went
        return value
    return NO_EDIT


def keep_unsaved(name: str, raw: Any, change: Callable[[Plan], Plan] | None, note: str = "") -> None:
    """Keep what the user typed for `name` (shown again when the widget is redrawn); with a
    `change`, it is saved by `retry_unsaved` once storage works again."""
    st.session_state.setdefault(K_UNSAVED, {})[name] = (raw, change, note)


def forget_unsaved(name: str) -> None:
    st.session_state.get(K_UNSAVED, {}).pop(name, None)


def has_unsaved() -> bool:
    return any(c is not None for _, c, _ in st.session_state.get(K_UNSAVED, {}).values())


def save_field(name: str, raw: Any, change: Callable[[Plan], Plan], note: str) -> bool:
    """Apply one field's change to the plan and save it; on a storage failure keep it for later."""
    ss = st.session_state
    plan = ss.get(K_PLAN)
    if plan is None:
        return False
    keep_unsaved(name, raw, change, note)  # until the save has succeeded
    if commit(change(plan), note=note):
        forget_unsaved(name)
        if ss[K_PLAN] is not plan:  # a save happened (not an unchanged value): say so at the field
            ss[K_SAVED_FIELD] = (name, ss[K_VERSION])
        return True
    if ss.get(K_OUTAGE) is None:  # refused (permission, deleted plan): nothing to retry
        st.session_state[K_UNSAVED][name] = (raw, None, note)
    return False


def save_checked(name: str, raw: Any, change: Callable[[Plan], Plan], note: str) -> bool:
    """Try `change` on this tab's plan first: a refused edit is said at the field (its message
    names the field) and the typed text kept; else save it as `save_field` does."""
    op = current()
    if op is None:
        return False
    try:
        change(op.plan)
    except EditError as exc:
        set_error(name, str(exc))
        keep_unsaved(name, raw, None)
        return False
    set_error(name, None)
    return save_field(name, raw, change, note)


def retry_unsaved() -> None:
    """Save changes kept during a storage failure, in the order they were made."""
    ss = st.session_state
    waiting = {n: v for n, v in ss.get(K_UNSAVED, {}).items() if v[1] is not None}
    if not waiting or ss.get(K_ID) is None:
        return
    plan = ss[K_PLAN]
    try:
        for _, change, _ in waiting.values():
            plan = change(plan)
    except PlanBuilderError:
        return
    if commit(plan, note="接続の回復後に保存"):
        for n in waiting:
            forget_unsaved(n)
        flash("接続が回復したため、保存できていなかった入力を保存しました。", "success")


# The open plan -------------------------------------------------------------------------------


def open_plan(plan_id: int) -> None:
    """Load a plan into this session (and the URL); widgets re-read it (text kept unsaved stays)."""
    stored = service().get(plan_id)
    ss = st.session_state
    if ss.get(K_ID) != plan_id:
        ss[K_UNSAVED], ss[K_CONFLICTS] = {}, {}
    ss[K_ID], ss[K_VERSION], ss[K_PLAN], ss[K_SAVED] = plan_id, stored.version, stored.plan, stored.updated_at
    ss[K_STALE] = False
    ss[K_ERRORS] = {}
    ss[K_NONCE] = ss.get(K_NONCE, 0) + 1
    st.query_params[QP] = str(plan_id)


def reload_plan() -> None:
    """Read the latest saved version (text this tab could not save is kept and shown again)."""
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
    # a briefing participant: their seat whenever no plan is open (e.g. the address named another)
    if ss.get(K_ID) is None and (seat := actor().seat_plan_id) is not None and str(seat) != wanted:
        with contextlib.suppress(PlanBuilderError):  # the page then says to ask the trainer
            open_plan(seat)
    if ss.get(K_ID) is None:
        return None
    if st.query_params.get(QP) != str(ss[K_ID]):
        st.query_params[QP] = str(ss[K_ID])  # page switches drop query parameters
    plan: Plan = ss[K_PLAN]
    return OpenPlan(ss[K_ID], ss[K_VERSION], plan, guide_for(plan))


def check_fresh() -> None:
    """Mark the tab stale when the plan was saved elsewhere since this tab read it (cheap).

    Saving still works (it merges); the mark only offers to show the newer version. A database
    that cannot be reached is reported by the page, not here.
    """
    ss = st.session_state
    if ss.get(K_ID) is None or ss.get(K_STALE):
        return
    try:
        version = service().current_version(ss[K_ID])
    except (PlanBuilderError, *STORAGE_ERRORS):  # deleted, unreadable or offline: saving will say so
        return
    if version != ss[K_VERSION]:
        ss[K_STALE] = True


def is_stale() -> bool:
    return bool(st.session_state.get(K_STALE))


def outage() -> str | None:
    """The storage failure of the last save, if it has not been saved since."""
    return st.session_state.get(K_OUTAGE)


def _save_merging(plan_id: int, base: Plan, mine: Plan, version: int, note: str) -> tuple[Any, dict]:
    """Save `mine` (edited from `base`, read at `version`), merging with newer saves by others."""
    conflicts: dict[str, tuple[Any, Any]] = {}
    for _ in range(5):
        try:
            return service().save(plan_id, mine, expected_version=version, note=note), conflicts
        except StaleVersionError:
            latest = service().get(plan_id)
            result = merge_plans(base, mine, latest.plan)
            conflicts.update(result.conflicts)
            base, mine, version = latest.plan, result.plan, latest.version
    raise StaleVersionError(plan_id, version, version)


def commit(new_plan: Plan, note: str = "") -> bool:
    """Save `new_plan`, an edit of the plan this tab holds, merging with saves made elsewhere.

    False when nothing could be saved: the actor may not write, the plan is gone, or storage
    failed (the reason is flashed or kept in `outage()`). Conflicting fields are saved with the
    other version's value and kept in `conflicts()` with this tab's value, for the user to choose.
    """
    ss = st.session_state
    base = ss.get(K_PLAN)
    if new_plan == base:
        return True
    try:
        stored, conflicts = _save_merging(ss[K_ID], base, new_plan, ss[K_VERSION], note)
    except StaleVersionError:
        ss[K_STALE] = True
        flash(MERGE_FAILED_MESSAGE)
        return False
    except MergeError:
        ss[K_STALE] = True
        flash(MERGE_FAILED_MESSAGE)
        return False
    except NotFoundError:
        flash(NOT_FOUND_MESSAGE)
        return False
    except PermissionDeniedError as exc:
        flash(str(exc))
        return False
    except STORAGE_ERRORS as exc:
        message = outage_message(exc)
        if message is None:
            raise
        ss[K_OUTAGE] = message
        return False
    ss[K_OUTAGE], ss[K_STALE] = None, False  # saved (merged if need be): this tab holds the latest
    ss.pop(K_SAVED_FIELD, None)  # the sign moves to the field `save_field` names, if any
    ss[K_VERSION], ss[K_PLAN], ss[K_SAVED] = stored.version, stored.plan, stored.updated_at
    if conflicts:
        ss.setdefault(K_CONFLICTS, {}).update(conflicts)
    return True


def saved_version(name: str) -> int | None:
    """The version the last save made, when it was a save of field `name` (else None)."""
    saved = st.session_state.get(K_SAVED_FIELD)
    return saved[1] if saved and saved[0] == name else None


def conflicts() -> dict[str, tuple[Any, Any]]:
    """Fields both this tab and another changed: path -> (this tab's value, the saved value)."""
    return st.session_state.get(K_CONFLICTS, {})


def resolve(path: str) -> None:
    st.session_state.get(K_CONFLICTS, {}).pop(path, None)


K_CONFLICTS_SHOWN = "pb_conflicts_shown"  # paths whose conflict box this run drew


def per_run(key: str, make: Callable[[], Any]) -> Any:
    """A value kept in the session for the current script run only (made anew by the next run)."""
    ctx = get_script_run_ctx()
    run = ctx.cursors if ctx is not None else None  # a new dict for every run (ctx.reset)
    held = st.session_state.get(key)
    if held is None or held[0] is not run:
        held = (run, make())  # holding `run` keeps its id from being reused
        st.session_state[key] = held
    return held[1]


def conflict_shown(path: str) -> None:
    """Record that this run drew the conflict box of `path` (common draws the others)."""
    per_run(K_CONFLICTS_SHOWN, set).add(path)


def conflicts_not_shown() -> dict[str, tuple[Any, Any]]:
    """The conflicts whose box this run has not drawn (their field is on another page)."""
    done = per_run(K_CONFLICTS_SHOWN, set)
    return {p: v for p, v in conflicts().items() if p not in done}


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
