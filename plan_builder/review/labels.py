"""Words people read instead of internal keys: question labels for `current.overview`, display
names for user names. Every reviewer screen, export and notice names things through here."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import select

from plan_builder.auth import UserRecord
from plan_builder.guide import Guide
from plan_builder.store import Store


def display_names(store: Store, usernames: Iterable[str]) -> dict[str, str]:
    """username → display name (the username itself when the account has none or is gone,
    e.g. in standalone mode or for generated data)."""
    wanted = {u for u in usernames if u}
    if not wanted:
        return {}
    with store.session() as s:
        rows = s.exec(
            select(UserRecord.username, UserRecord.display_name).where(UserRecord.username.in_(wanted))
        )
        found = {u: (d or u) for u, d in rows}
    return {u: found.get(u, u) for u in wanted}


def place_label(guide: Guide, chapter_key: str, question_key: str | None, item_key: str | None = None) -> str:
    """「第2章 現状と課題 ＞ 地域の現状（M01）」: where a comment or finding is attached."""
    try:
        ch = guide.chapter(chapter_key)
        head = f"第{ch.number}章 {ch.title}"
    except KeyError:
        head = chapter_key
    if question_key:
        try:
            head += f" ＞ {guide.question(question_key).label}"
        except KeyError:
            head += f" ＞ {question_key}"
    else:
        head += "（章全体）"
    return head + (f"（{item_key}）" if item_key else "")
