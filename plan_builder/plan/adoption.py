"""策定年月 and 改定履歴: the dates a published plan prints on its cover and in its 資料.

`set_adoption` is the one edit the screen makes; a row of the 改定履歴 with a date but no
text (or the reverse) is refused with a message naming the row, and the plan passed in is never
changed, so what was saved stays intact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from plan_builder.plan.edit import EditError, _validated
from plan_builder.plan.fiscal import format_date
from plan_builder.plan.model import Plan


def _as_date(value: Any, where: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        raise EditError(f"{where}の日付「{value}」を読み取れません（例：2020-03-27）。") from None


def set_adoption(plan: Plan, adopted_on: Any, rows: list[dict[str, Any]]) -> Plan:
    """A copy of `plan` with its 策定年月 and 改定履歴 (rows of {"on": date, "note": text}).

    Empty rows are dropped; the history is kept in date order.
    """
    adopted = _as_date(adopted_on, "策定年月")
    history = []
    for i, row in enumerate(rows, start=1):
        on = _as_date(row.get("on"), f"改定履歴の{i}行目")
        note = str(row.get("note") or "").strip()
        if on is None and not note:
            continue
        if on is None:
            raise EditError(f"改定履歴の{i}行目（{note}）に改定日を入力してください。")
        if not note:
            raise EditError(f"改定履歴の{i}行目（{format_date(on)}）に改定内容を入力してください。")
        if adopted is not None and on < adopted:
            raise EditError(
                f"改定履歴の{i}行目の改定日（{format_date(on)}）が策定年月（{format_date(adopted)}）より前です。"
            )
        history.append({"on": on.isoformat(), "note": note})
    history.sort(key=lambda r: r["on"])
    data = plan.model_dump(mode="json")
    data.update(adopted_on=adopted.isoformat() if adopted else None, history=history)
    return _validated(data)
