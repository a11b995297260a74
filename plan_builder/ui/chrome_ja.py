"""Japanese for Streamlit's own English words, and the page's fixed layout rules (issue 13).

Streamlit 1.67 has no setting for the language of its built-in chrome: the uploader's 「Upload」
button and 「5MB per file • JSON」 line, 「Clear value」 on selects, the 「Skip to main content」
link, 「Download as CSV」 on tables, the date picker's buttons and calendar. A small fixed script (the same kind
as plan_builder.ui.leave_guard: drawn through st.html, nothing loaded from outside) replaces
exactly those strings, by a table, in text and in the labels screen readers read, and keeps doing
so as Streamlit redraws. It never reads or writes user text: a text node or label is changed only
when its whole value is one of the table's English strings (or one of a few fixed patterns:
「… per file」, the calendar's 「Choose date, …」). The calendar's month names, weekdays and days
come from the browser's language, which the script reports as Japanese (navigator.language).

The style sheet is fixed too (never built from user text): a narrower sidebar, room for the long
Japanese labels of selects, and the skip link visible when it has the keyboard focus.
"""

from __future__ import annotations

import streamlit as st

_SCRIPT = """<script>
(() => {
  if (window.__pbJa) return;
  window.__pbJa = true;
  // Whole-text replacements (text nodes), Streamlit's strings as of 1.67.
  const TEXT = {
    "Upload": "ファイルを選ぶ",
    "Add files": "ファイルを追加",
    "Drag and drop file here": "ここにファイルをドラッグ＆ドロップ",
    "Drag and drop a file here": "ここにファイルをドラッグ＆ドロップ",
    "Drag and drop files here": "ここにファイルをドラッグ＆ドロップ",
    "Skip to main content": "本文へ移動",
    "Select all": "すべて選択",
    "No results": "該当する項目はありません",
    "No options to select": "選べる項目はありません",
    "View more": "すべて表示",
    "View less": "一部だけ表示",
    "Press Enter to apply": "Enterキーで確定",
    "Press Enter to submit form": "Enterキーで送信",
    "Running...": "処理中…",
    "Use arrow keys to navigate dates. Enter to select. Escape to close.":
      "矢印キーで日付を移動し、Enterキーで選び、Escキーで閉じます。",
  };
  // Labels read by screen readers and shown as tooltips.
  const LABELS = {
    "Clear value": "選択を消す",
    "Clear all": "すべて消す",
    "Clear date": "日付を消す",
    "Open": "一覧を開く",
    "Close": "閉じる",
    "Choose date": "日付を選ぶ",
    "Previous month": "前の月",
    "Next month": "次の月",
    "Main menu": "メニュー",
    "Sidebar": "サイドバー",
    "App pages": "画面の一覧",
    "Collapse sidebar": "サイドバーを閉じる",
    "Expand sidebar": "サイドバーを開く",
    "Skip to main content": "本文へ移動",
    "Download as CSV": "CSV形式で保存",
    "Search": "検索",
    "Fullscreen": "全画面で表示",
    "Close fullscreen": "全画面表示を終える",
    "Increment": "1増やす",
    "Decrement": "1減らす",
    "Selected values": "選んだ項目",
    "Previous page": "前のページ",
    "Next page": "次のページ",
    "Running...": "処理中",
    "Link to heading": "この見出しへのリンク",
    "Add files": "ファイルを追加",
    "YYYY/MM/DD": "例：2026/04/01",
    "Choose an option": "選んでください",
    "Empty": "未入力",
    "Choose date range": "期間を選ぶ",
  };
  const ATTRS = ["aria-label", "title", "placeholder", "aria-valuetext"];
  const perFile = /^(\\d[\\d.,]*\\s*[KMG]?B) per file$/;
  const part = /^(year|month|day), (.*)$/, PARTS = {year: "年", month: "月", day: "日"};
  // the calendar's title (its month comes in the page's language, see below) and a month's name
  const choose = /^Choose date( range)?, (.*)$/;
  const monthName = /^(\\d{1,2}) – [A-Z][a-z]+$/;
  const helpFor = /^Help for (.+)$/;  // a field's ? button, read out by screen readers
  const chooseJa = (_, range, rest) => (range ? "期間を選ぶ、" : "日付を選ぶ、") + rest;
  const fixText = (n) => {
    const v = n.nodeValue, t = v.trim(), up = n.parentElement;
    // the app's own text is Markdown; Streamlit's button labels are Markdown too
    if (!up || (up.closest('[data-testid="stMarkdownContainer"]') && !up.closest("button"))) return;
    if (up.dataset.placeholder === "true" && Object.hasOwn(PARTS, up.dataset.type)) {
      if (t !== PARTS[up.dataset.type]) n.nodeValue = PARTS[up.dataset.type];  // yyyy/mm/dd
    } else if (Object.hasOwn(TEXT, t)) n.nodeValue = v.replace(t, TEXT[t]);
    else if (perFile.test(t)) n.nodeValue = v.replace(perFile, "1ファイル$1まで");
    else if (choose.test(t)) n.nodeValue = v.replace(choose, chooseJa);
  };
  const fixAttrs = (el) => {
    for (const a of ATTRS) {
      const v = el.getAttribute(a);
      if (v === null) continue;
      if (Object.hasOwn(LABELS, v)) el.setAttribute(a, LABELS[v]);
      else if (part.test(v)) el.setAttribute(a, v.replace(part, (_, p, rest) => PARTS[p] + "、" + rest));
      else if (choose.test(v)) el.setAttribute(a, v.replace(choose, chooseJa));
      else if (monthName.test(v)) el.setAttribute(a, v.replace(monthName, (_, m) => Number(m) + "月"));
      else if (helpFor.test(v)) el.setAttribute(a, v.replace(helpFor, "$1の説明"));
    }
  };
  const walk = (root) => {
    if (root.nodeType === 3) return fixText(root);
    if (root.nodeType !== 1) return;
    fixAttrs(root);
    const w = document.createTreeWalker(root, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    for (let n = w.nextNode(); n; n = w.nextNode()) n.nodeType === 3 ? fixText(n) : fixAttrs(n);
  };
  const seen = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === "characterData") fixText(r.target);
      else if (r.type === "attributes") fixAttrs(r.target);
      else r.addedNodes.forEach(walk);
    }
  });
  document.documentElement.lang = "ja";
  // Streamlit gives its date picker the browser's language (month names, weekdays, the days'
  // screen-reader labels): a Japanese app gets Japanese dates in any browser. Streamlit reads it
  // again at its next redraw (this runs while the first page is still being drawn).
  if (!/^ja\\b/.test(navigator.language)) {
    Object.defineProperty(Navigator.prototype, "language", {get: () => "ja-JP", configurable: true});
  }
  walk(document.body);
  seen.observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRS,
  });
})();
</script>"""

# Fixed CSS. Sidebar: 240 px (Streamlit's default is 300 and it has no setting for it).
# A row of columns holding selects wraps rather than squeeze a select below 16 rem (a select's
# value cannot wrap, so 「活動指標（アウトプット）」 was cut to 「活動指標」) or a text area below
# 24 rem (at 1024 px the wizard's answers were 100 px wide); the skip link shows on focus.
# The wizard's chapter list: titles break between phrases only (at the zero-width spaces the
# wizard puts there; Chromium's auto-phrase broke 「方／針」 at 1280 px), never inside a word; below about 1100 px it goes above the chapter, full width.
_CSS = """<style>
[data-testid="stMainBlockContainer"] {padding-top: 2.2rem; padding-bottom: 3rem;}
[class*="st-key-guide_"] p, [class*="st-key-guide_"] li {font-size: 0.9rem; line-height: 1.6;}
section[data-testid="stSidebar"] {width: 240px !important; min-width: 240px !important;
  max-width: 240px !important;}
[data-testid="stSidebarNav"] a span {white-space: normal;}
.st-key-pb_chrome_ja {display: none;}
[data-testid="stSkipToContent"]:focus {z-index: 1000100; background: #0017c1; color: #fff;
  padding: 0.5rem 1rem; border-radius: 8px; outline: 4px solid #ffd43d;}
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] :is([data-testid="stSelectbox"],
  [data-testid="stTextArea"])) {flex-wrap: wrap;}
[data-testid="stColumn"]:has([data-testid="stSelectbox"]) {min-width: min(100%, 16rem);}
[data-testid="stColumn"]:has([data-testid="stTextArea"]) {min-width: min(100%, 24rem);}
[data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] .st-key-pb_chapters) {flex-wrap: wrap;}
[data-testid="stColumn"]:has(.st-key-pb_chapters) {min-width: 12.5rem;}
[data-testid="stColumn"]:has(.st-key-pb_chapters) + [data-testid="stColumn"] {min-width: min(100%, 30rem);}
.st-key-pb_chapters [data-testid="stMarkdownContainer"] p {word-break: keep-all; overflow-wrap: anywhere;}
.st-key-pb_chapters [data-testid="stRadioOption"] > div {align-items: flex-start;}
</style>"""


def install() -> None:
    """Draw the style sheet and the translating script (it runs once per page load)."""
    st.html(_CSS)
    with st.container(key="pb_chrome_ja"):  # hidden by _CSS; in the main area, so the sign-in
        st.html(_SCRIPT, unsafe_allow_javascript=True, width="content")  # screen gets no sidebar
