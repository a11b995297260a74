"""Japan time for dates that officials read (基準日, 策定日, 提出日, 最終ログイン).

Servers and containers usually run in UTC, so `date.today()` is the previous day before 09:00
JST. Stored moments stay UTC; convert with `to_jst` only when a date is shown or written out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

JST = ZoneInfo("Asia/Tokyo")


def now_jst() -> datetime:
    """The current moment in Japan time."""
    return datetime.now(UTC).astimezone(JST)


def today_jst() -> date:
    """Today's date in Japan, whatever the server's time zone."""
    return now_jst().date()


def to_jst(moment: datetime) -> datetime:
    """A stored moment in Japan time; a naive datetime is taken to be UTC (as stored)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(JST)
