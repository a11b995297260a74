"""Login, logout and the admin pages (accounts, audit log) of the shared deployment.

`current_actor()` is called on every page run (plan_builder.ui.state.actor). Standalone mode:
Actor.local(), no login. Shared mode (PLAN_BUILDER_MODE=shared): the signed-in account, re-read
from the database each run so that a disabled account or a changed role takes effect at once;
without one it shows the login screen and stops the run, so no page ever runs without a user.
With an identity provider in `.streamlit/secrets.toml` ([auth]), login is `st.login` (OIDC) and
the identity's e-mail is mapped to a local account; otherwise a password form is shown.
"""

from __future__ import annotations

import time

import streamlit as st

from plan_builder.auth import (
    NATIONAL,
    Actor,
    LoginError,
    Role,
    UserAdmin,
    active_actor,
    actor_for_email,
    audit,
    authenticate,
    client_address,
    revocation,
    shared_mode,
    trusted_proxies,
)
from plan_builder.errors import PlanBuilderError
from plan_builder.plan import to_jst
from plan_builder.store import Store
from plan_builder.training import author_names
from plan_builder.ui import join_page, login_cookie
from plan_builder.ui.render import md_escape

K_USER = "pb_auth_user"
K_OIDC_LOGGED = "pb_auth_oidc_logged"
K_FAILS = "pb_auth_fails"
K_NEXT = "pb_auth_next"  # the query parameters asked for before the login screen
K_TOKEN = "pb_auth_token"  # the signed sign-in cookie this session writes (login_cookie)
K_WRITTEN = "pb_auth_cookie_written"  # the ticket the browser reported after writing the cookies
WRITER_KEY = "pb_login_cookie_writer"
HOLD_CONTINUE = "pb_auth_hold_continue"  # the hold screen's 続ける button
K_LOGGED_OUT = "auth_logged_out"  # not pb_: survives logout(), which clears every pb_ key
SESSION_FAIL_DELAY = 1.0  # seconds per earlier failure in this browser session, on top of the account lock
SUBMIT_KEY = "pb_login_submit"  # the sign-in form's button, the one _BUSY_SCRIPT marks
BUSY_LABEL = "確認しています…"  # its label while the password is checked (written in _BUSY_SCRIPT)

# The password check takes seconds (a slow hash, the delay after failed tries) and Streamlit cannot
# change a button during a run: the moment the form is sent (a click on ログイン, or Enter in one of
# its fields) this fixed script disables the button and labels it 「確認しています…」 until the run
# has ended (the app's `data-test-script-state` back at "notRunning" after a run was seen; a short
# grace covers the rerun after a successful sign-in). Enter is ignored meanwhile, so the form is not
# sent twice. A constant, as every st.html in the UI (tests/hostile checks it): no user text, nothing
# loaded; it changes only the button's own label text and its disabled state, and restores both.
_BUSY_SCRIPT = """<style>.st-key-pb_login_busy {display: none;}</style>
<script>
(() => {
  if (window.__pbLoginBusy) return;
  window.__pbLoginBusy = true;
  const BUTTON = ".st-key-pb_login_submit button";
  const FORM = '[data-testid="stForm"]';
  const BUSY = "確認しています…";
  const GRACE_MS = 300;  // a run that ends in st.rerun() is followed at once by the next one
  const NO_RUN_MS = 20000;  // the form never started a run (a lost message): usable again
  const app = () => document.querySelector('[data-testid="stApp"]');
  const runState = () => app()?.dataset.testScriptState;
  let busy = false, sawRun = false, label = null, wasDisabled = false, restoreTimer = 0, lostTimer = 0;
  const textOf = (button) => {
    const walker = document.createTreeWalker(button, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (node.nodeValue.trim()) return node;
    }
    return null;
  };
  const apply = () => {  // idempotent: Streamlit may redraw the button during the run
    const button = document.querySelector(BUTTON);
    if (!button) return;
    const text = textOf(button);
    if (text && text.nodeValue !== BUSY) {
      if (label === null) label = text.nodeValue;
      text.nodeValue = BUSY;
    }
    if (!button.disabled) button.disabled = true;
    button.setAttribute("aria-busy", "true");
  };
  const finish = () => {
    busy = false;
    observer.disconnect();
    clearTimeout(restoreTimer);
    clearTimeout(lostTimer);
    const button = document.querySelector(BUTTON);
    if (!button) return;  // signed in: the page was replaced
    const text = textOf(button);
    if (text && text.nodeValue === BUSY && label !== null) text.nodeValue = label;
    button.disabled = wasDisabled;
    button.removeAttribute("aria-busy");
  };
  const observer = new MutationObserver((records) => {
    if (!busy) return;
    for (const r of records) {
      if (r.type !== "attributes" || r.attributeName !== "data-test-script-state") continue;
      if (r.oldValue !== "notRunning" || r.target.dataset.testScriptState !== "notRunning") sawRun = true;
    }
    if (sawRun && runState() === "notRunning") {
      clearTimeout(restoreTimer);
      restoreTimer = setTimeout(() => { if (busy && runState() === "notRunning") finish(); }, GRACE_MS);
    } else {
      if (sawRun) clearTimeout(restoreTimer);
      apply();
    }
  });
  const start = () => {
    const button = document.querySelector(BUTTON);
    if (busy || !button) return;
    busy = true;
    sawRun = runState() !== "notRunning";  // sent while a run was going: wait for it to end
    label = null;
    wasDisabled = button.disabled;
    apply();
    observer.observe(document.body, {
      subtree: true, childList: true, attributes: true,
      attributeFilter: ["data-test-script-state"], attributeOldValue: true,
    });
    lostTimer = setTimeout(() => { if (busy && !sawRun) finish(); }, NO_RUN_MS);
  };
  // after Streamlit's own handlers have sent the form (a disabled button takes no click)
  document.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target : null;
    if (target?.closest(BUTTON) && !target.closest(BUTTON).disabled) setTimeout(start, 0);
  }, true);
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.isComposing || event.keyCode === 229) return;  // IME
    const form = event.target instanceof Element ? event.target.closest(FORM) : null;
    if (!form || !form.querySelector(BUTTON) || event.target.tagName !== "INPUT") return;
    if (busy) {  // already being checked: not a second time
      event.preventDefault();
      event.stopPropagation();
      return;
    }
    setTimeout(start, 0);
  }, true);
})();
</script>"""


def _store() -> Store:
    from plan_builder.ui.state import get_store

    return get_store()


def oidc_configured() -> bool:
    """True when secrets.toml has an [auth] section for st.login."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def _client() -> str:
    """The client's address for throttling and the audit log (see auth.mode.client_address)."""
    try:
        forwarded = st.context.headers.get("X-Forwarded-For", "")
        ip = st.context.ip_address
    except Exception:
        return ""
    return client_address(
        forwarded if isinstance(forwarded, str) else "",
        ip if isinstance(ip, str) else "",
        trusted_proxies(),
    )


def current_actor() -> Actor:
    """The acting user of this run (see the module docstring). Never returns without one."""
    if not shared_mode():
        return Actor.local()
    store = _store()
    ss = st.session_state
    username = ss.get(K_USER) or _from_cookie()
    if username and _logged_out_elsewhere(store):
        username = None
    if username:
        actor = active_actor(store, username)
        if actor is not None:
            return actor
        ss.pop(K_USER, None)
        ss.pop(K_TOKEN, None)
        ss[K_LOGGED_OUT] = True  # the cookie names an account that may not sign in any more
        st.warning("この利用者は停止されたか、登録が削除されました。管理者に確認してください。")
    participant = join_page.current_participant(store)  # joined a briefing session with its code
    if participant is not None:
        return participant
    _keep_requested_page()
    stale = [login_cookie.clear_cookie()] if ss.get(K_LOGGED_OUT) else []
    if _browser_cookie(login_cookie.PARTICIPANT_COOKIE):  # not honoured above: ended or expired
        stale.append(login_cookie.clear_cookie(login_cookie.PARTICIPANT_COOKIE))
    if stale:
        _write_cookies(stale)
    if oidc_configured():
        _oidc_login(store)
    else:
        _password_login(store)
    join_page.join_form(store)
    st.stop()
    raise AssertionError("unreachable")  # st.stop() ends the run


def _logged_out_elsewhere(store: Store) -> bool:
    """This session's sign-in was ended by a logout in another tab (or its cookie, copied, after
    one): then it is signed out here too, before it can read or save anything."""
    ss = st.session_state
    ident = login_cookie.token_id(ss.get(K_TOKEN))
    if ident is None or not revocation.is_revoked(store, ident[0]):
        return False
    ss.pop(K_USER, None)
    ss.pop(K_TOKEN, None)
    ss[K_LOGGED_OUT] = True
    st.warning(
        "この画面のログインは終了しています（同じブラウザーの別のタブなどでログアウトしました）。"
        "続けるには、もう一度ログインしてください。"
    )
    return True


def _browser_cookie(name: str) -> str | None:
    """A cookie the browser sent when this session started (None without a browser)."""
    try:
        return st.context.cookies.get(name)
    except Exception:  # no browser request behind this session (tests, bare mode)
        return None


def _from_cookie() -> str | None:
    """The user named by this browser's signed sign-in cookie (a reload), unless signed out here."""
    ss = st.session_state
    if ss.get(K_LOGGED_OUT):
        return None
    token = _browser_cookie(login_cookie.COOKIE)
    username = login_cookie.read_token(token)
    if username:
        ss[K_USER], ss[K_TOKEN] = username, token
    return username


_COOKIE_JS = """export default function (component) {
  const data = component.data || {};
  const host = component.parentElement;
  const cookies = Array.isArray(data.cookies) ? data.cookies : [];
  const secure = location.protocol === "https:" ? "; Secure" : "";
  for (const cookie of cookies) {
    if (typeof cookie === "string" && /^pb_(session|participant)=/.test(cookie)) {
      document.cookie = cookie + secure;
    }
  }
  const ticket = typeof data.ticket === "string" ? data.ticket : "";
  host.pbTicket = ticket;  // a later call (the wait is over: no ticket) stops this one's reports
  if (!ticket) return;
  // Report either way: the page waits for this answer (no timer on the server, see remember()).
  // A report can be lost on its way (seen on a loaded machine: the page waited for ever), so it
  // is repeated, numbered so that each one makes a run, until the wait is over.
  const report = (attempt) => {
    if (host.pbTicket !== ticket || !host.isConnected) return;
    const have = document.cookie.split("; ");
    const stored = cookies.every((c) => {
      const pair = String(c).split(";")[0];
      return pair.endsWith("=") || have.includes(pair);
    });
    const answer = (stored ? "" : "failed:") + ticket;  // login_cookie.FAILED
    component.setStateValue("written", attempt ? answer + "#" + attempt : answer);  // login_cookie.ATTEMPT
    if (attempt < 5) setTimeout(() => report(attempt + 1), 3000);
  };
  report(0);
}"""


def _cookie_reported() -> None:
    """The browser reported a written cookie. Callbacks run before the script, so remember() knows
    the answer before it draws the writer, and the page that goes on draws it without the ticket:
    that tells the browser the wait is over and its repeats stop."""
    written = (st.session_state.get(WRITER_KEY) or {}).get("written")
    if isinstance(written, str) and written:
        st.session_state[K_WRITTEN] = written


def _write_cookies(cookies: list[str], ticket: str | None = None) -> None:
    """Hand the cookie strings to a constant script (no HTML is built from them). With a ticket,
    the script reports it back once the cookies are readable, and the value lands in K_WRITTEN."""
    writer = st.components.v2.component("pb_login_cookie", js=_COOKIE_JS)
    with st.sidebar:
        result = writer(
            data={"cookies": cookies, "ticket": ticket},
            key=WRITER_KEY,
            on_written_change=_cookie_reported,
            width="content",
            height="content",
        )
    written = result.get("written") if result else None
    if isinstance(written, str) and written:
        st.session_state[K_WRITTEN] = written


def _session_cookies() -> list[str]:
    """The cookies this session keeps in the browser: the sign-in and/or the seat in a briefing."""
    ss = st.session_state
    cookies = []
    if ss.get(K_TOKEN):
        cookies.append(login_cookie.set_cookie(ss[K_TOKEN]))
    if ss.get(join_page.K_COOKIE):
        cookies.append(login_cookie.set_cookie(ss[join_page.K_COOKIE], login_cookie.PARTICIPANT_COOKIE))
    return cookies


def remember() -> None:
    """Write this session's cookies (drawn every run; harmless to repeat). Right after a fresh
    sign-in the page is held until the browser confirms the cookie, so a reload or a bookmark
    opened in that moment does not ask for the password again (at most HOLD_SECONDS)."""
    if not shared_mode():
        return
    cookies = _session_cookies()
    if not cookies:
        return
    ss = st.session_state
    hold = ss.get(login_cookie.K_HOLD)
    step = login_cookie.hold_step(hold[0], hold[1], ss.get(K_WRITTEN), time.monotonic()) if hold else None
    if step == "wait" and ss.get(HOLD_CONTINUE):
        step = "give_up"  # the user pressed 続ける: never stuck on this screen
    _write_cookies(cookies, hold[0] if step == "wait" else None)  # no ticket: the browser stops asking
    if step == "wait":
        _hold_screen()
        st.stop()
    if not hold:
        return
    ss.pop(login_cookie.K_HOLD, None)
    if step == "give_up":
        st.info(
            "ブラウザーにサインインの情報を保存できませんでした。このまま使えますが、"
            "ページを再読み込みすると、もう一度ログインが必要になることがあります。"
        )


def _hold_screen() -> None:
    """A calm page while the browser writes the cookie; the pages stay registered (hidden), so
    the address asked for survives. No timer: a fragment's `run_every` rerun that arrives while
    the page after the wait is being drawn left that page blank or on the wrong page (30 briefing
    participants joining at once: 5 of 30). The browser's script answers either way and repeats
    its answer every 3 s while the wait lasts (one answer lost on a loaded machine kept the page
    here for ever); a run after HOLD_SECONDS (a repeat, or the button below) continues without it."""
    _register_pages()
    st.title("官民データ活用推進計画 作成支援")
    st.info("サインインしています…", icon=":material/hourglass_top:")
    st.caption("画面が切り替わらないときは、次のボタンを押してください。")
    st.button("続ける", key=HOLD_CONTINUE)


def _register_pages() -> None:
    """Register the app's pages (hidden, none of them runs) so that the address the user asked
    for (`/wizard?plan=12`, a bookmark or a link in an e-mail) survives this screen."""
    from plan_builder.ui import nav, review_pages, training_pages

    pages = nav.planner_pages() + review_pages.pages() + training_pages.pages()
    st.navigation(pages, position="hidden")


def _keep_requested_page() -> None:
    """The address the user asked for survives the login screen."""
    _register_pages()
    st.session_state.setdefault(K_NEXT, st.query_params.to_dict())


def _signed_in(username: str) -> None:
    st.session_state[K_USER] = username
    st.session_state[K_TOKEN] = login_cookie.make_token(username)
    st.session_state.pop(K_LOGGED_OUT, None)
    login_cookie.start_hold(st.session_state)
    wanted = st.session_state.pop(K_NEXT, None)
    if wanted:
        st.query_params.from_dict(wanted)  # e.g. ?plan=12: the page decides whether it may be opened
    st.rerun()


def _login_header() -> None:
    st.title("官民データ活用推進計画 作成支援")
    st.subheader("ログイン")


def _password_login(store: Store) -> None:
    _login_header()
    with st.form("pb_login", clear_on_submit=False):
        username = st.text_input("利用者名", max_chars=64, autocomplete="username")
        password = st.text_input(
            "パスワード", type="password", max_chars=256, autocomplete="current-password"
        )
        submitted = st.form_submit_button("ログイン", type="primary", key=SUBMIT_KEY)
    _busy_sign()
    if not submitted:
        st.caption("利用者名とパスワードは、管理者から通知されたものを入力してください。")
        return
    fails = st.session_state.get(K_FAILS, 0)
    if fails:
        time.sleep(min(SESSION_FAIL_DELAY * fails, 10))  # slow down repeated tries from this browser
    try:
        actor = authenticate(store, username, password, source=_client())
    except LoginError as exc:
        st.session_state[K_FAILS] = fails + 1
        st.error(md_escape(str(exc)))
        return
    st.session_state.pop(K_FAILS, None)
    _signed_in(actor.username)


def _busy_sign() -> None:
    """Draw _BUSY_SCRIPT (hidden; the browser runs it once per page load)."""
    with st.container(key="pb_login_busy"):
        st.html(_BUSY_SCRIPT, unsafe_allow_javascript=True, width="content")


def _oidc_login(store: Store) -> None:
    user = st.user
    if not user.get("is_logged_in"):
        _login_header()
        st.write("所属団体の認証基盤でログインします。")
        st.button("ログイン", type="primary", on_click=st.login)
        return
    email = str(user.get("email") or "")
    actor = actor_for_email(store, email)
    if actor is None:
        audit.record(store.engine, email or "(unknown)", "login.failed", "oidc", source=_client())
        _login_header()
        st.error(
            f"認証されたアカウント（{md_escape(email or 'メールアドレスなし')}）は、このシステムの利用者として"
            "登録されていないか、停止されています。管理者に登録を依頼してください。"
        )
        st.button("ログアウト", on_click=st.logout)
        return
    if not st.session_state.get(K_OIDC_LOGGED):
        st.session_state[K_OIDC_LOGGED] = True
        audit.record(
            store.engine, actor.username, "login.ok", f"user:{actor.username}", source=_client(), via="oidc"
        )
    _signed_in(actor.username)


def logout() -> None:
    """End this browser session's login (and the OIDC session, when there is one)."""
    username = st.session_state.pop(K_USER, None)
    ident = login_cookie.token_id(st.session_state.get(K_TOKEN))
    if ident is not None:  # every tab showing this sign-in is signed out at its next run
        revocation.revoke(_store(), *ident)
    st.session_state.pop(K_OIDC_LOGGED, None)
    for key in [k for k in st.session_state if str(k).startswith("pb_")]:
        del st.session_state[key]  # the open plan and its widgets belong to the user who left
    st.session_state[K_LOGGED_OUT] = True  # and the sign-in cookie is cleared on the login screen
    if username:
        audit.record(_store().engine, username, "logout", f"user:{username}")
    st.query_params.clear()
    if oidc_configured() and st.user.get("is_logged_in"):
        st.logout()


# --- pages -------------------------------------------------------------------------------------


def _scope_label(scope: str | None) -> str:
    return "全国" if scope == NATIONAL else f"都道府県コード {scope}" if scope else ""


def account_page() -> None:
    actor = current_actor()
    st.header("アカウント")
    st.markdown(f"利用者名：{md_escape(actor.username)}")
    st.markdown(f"表示名：{md_escape(actor.display_name or '（未設定）')}")
    st.markdown(f"役割：{actor.role.label}")
    if actor.org_code:
        try:
            lg = _store().local_government(actor.org_code)
            name = lg.prefecture + (lg.name if lg.level != "prefecture" else "")
            st.markdown(f"団体：{md_escape(name)}（{lg.code6}）")
        except PlanBuilderError:
            st.markdown(f"団体コード：{md_escape(actor.org_code)}")
    if actor.scope:
        st.markdown(f"審査範囲：{md_escape(_scope_label(actor.scope))}")
    st.button("ログアウト", type="primary", on_click=logout)


def users_page() -> None:
    actor = current_actor()
    st.header("利用者の管理")
    try:
        admin = UserAdmin(_store(), actor)
    except PlanBuilderError as exc:
        st.error(md_escape(str(exc)))
        return
    rows = admin.list()
    st.dataframe(
        [
            {
                "利用者名": u.username,
                "表示名": u.display_name,
                "役割": u.role.label,
                "団体コード": u.org_code or "",
                "審査範囲": _scope_label(u.scope),
                "メール": u.email or "",
                "状態": "有効" if u.active else "停止",
                "最終ログイン（日本時間）": to_jst(u.last_login_at).strftime("%Y-%m-%d %H:%M")
                if u.last_login_at
                else "",
            }
            for u in rows
        ],
        hide_index=True,
        width="stretch",
    )
    roles = [r for r in Role if r is not Role.PARTICIPANT]
    with st.form("pb_user_add", clear_on_submit=True):
        st.markdown("##### 利用者の追加")
        c1, c2 = st.columns(2)
        username = c1.text_input("利用者名（半角英数字）", max_chars=64)
        display = c2.text_input("表示名", max_chars=100)
        role = c1.selectbox("役割", roles, format_func=lambda r: r.label)
        email = c2.text_input("メールアドレス（OIDCでログインする場合）", max_chars=200)
        org = c1.text_input("団体コード（計画担当者のみ、6桁）", max_chars=6)
        scope = c2.text_input("審査範囲（審査担当者のみ、都道府県コード2桁または national）", max_chars=8)
        password = st.text_input(
            "初期パスワード（12文字以上。空欄ならOIDCのみ）", type="password", max_chars=256
        )
        if st.form_submit_button("追加", type="primary"):
            try:
                admin.add(
                    username.strip(),
                    role=role,
                    password=password or None,
                    display_name=display,
                    org_code=org.strip() or None,
                    scope=scope.strip() or None,
                    email=email or None,
                )
                st.success(f"利用者「{md_escape(username)}」を追加しました")
            except PlanBuilderError as exc:
                st.error(md_escape(str(exc)))
    if not rows:
        return
    st.markdown("##### 変更")
    names = [u.username for u in rows]
    target = st.selectbox("利用者", names, key="pb_user_target")
    u = next(x for x in rows if x.username == target)
    with st.form("pb_user_role"):
        role = st.selectbox("役割", roles, index=roles.index(u.role), format_func=lambda r: r.label)
        org = st.text_input("団体コード", value=u.org_code or "", max_chars=6)
        scope = st.text_input("審査範囲", value=u.scope or "", max_chars=8)
        if st.form_submit_button("役割を変更"):
            try:
                admin.set_role(target, role, org_code=org.strip() or None, scope=scope.strip() or None)
                st.success("役割を変更しました")
            except PlanBuilderError as exc:
                st.error(md_escape(str(exc)))
    with st.form("pb_user_password", clear_on_submit=True):
        pw = st.text_input("新しいパスワード", type="password", max_chars=256)
        if st.form_submit_button("パスワードを再設定（ロックも解除）"):
            try:
                admin.reset_password(target, pw)
                st.success("パスワードを再設定しました")
            except PlanBuilderError as exc:
                st.error(md_escape(str(exc)))
    label = "利用を停止" if u.active else "利用を再開"
    if st.button(label, key="pb_user_active"):
        try:
            admin.set_active(target, not u.active)
            st.rerun()
        except PlanBuilderError as exc:
            st.error(md_escape(str(exc)))


def audit_page() -> None:
    from plan_builder.service import PlanService

    actor = current_actor()
    st.header("操作記録")
    c1, c2, c3 = st.columns(3)
    who = c1.text_input("利用者名", max_chars=100)
    what = c2.selectbox(
        "操作",
        ["", "plan.", "user.", "login.", *sorted(audit.ACTION_LABELS)],
        format_func=lambda a: {"": "すべて", "plan.": "計画", "user.": "利用者", "login.": "ログイン"}.get(
            a, audit.ACTION_LABELS.get(a, a)
        ),
    )
    limit = c3.number_input("件数", min_value=10, max_value=5000, value=200, step=50)
    try:
        entries = PlanService(_store(), actor).audit_log(
            actor=who.strip() or None, action=what or None, limit=int(limit)
        )
    except PlanBuilderError as exc:
        st.error(md_escape(str(exc)))
        return
    names = author_names(_store(), [e.actor for e in entries])  # 「山田（研修参加者）」, not participant:4
    st.dataframe(
        [
            {
                "日時（日本時間）": to_jst(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                "利用者": e.actor,  # the name the filter above takes
                "表示名": names.get(e.actor, e.actor),
                "操作": e.action_label,
                "対象": e.target,
                "内容": ", ".join(f"{k}={v}" for k, v in e.detail.items()),
            }
            for e in entries
        ],
        hide_index=True,
        width="stretch",
    )


def _page(fn, title: str, icon: str, url: str) -> st.Page:
    """A new page object per call: st.navigation mutates the objects it is given."""
    return st.Page(fn, title=title, icon=icon, url_path=url)


def pages(actor: Actor) -> list[st.Page]:
    """The account section for plan_builder.ui.nav: account (shared mode) and admin pages. Given
    the actor nav already holds, so drawing the sidebar reads no identity of its own."""
    out: list[st.Page] = []
    if shared_mode():
        out.append(_page(account_page, "アカウント", ":material/person:", "account"))
        if actor.role is Role.ADMIN:
            out.append(_page(users_page, "利用者の管理", ":material/group:", "users"))
    if actor.role is Role.ADMIN:
        out.append(_page(audit_page, "操作記録", ":material/receipt_long:", "audit"))
    return out
