"""The acting user, passed to every service call."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    PLANNER = "planner"  # writes the plans of one organisation (a local government)
    REVIEWER = "reviewer"  # reviews submissions within a scope (one prefecture, or national)
    TRAINER = "trainer"  # runs briefing sessions on training plans
    ADMIN = "admin"
    PARTICIPANT = "participant"  # joined a briefing session with its code: one seat, no account

    @property
    def label(self) -> str:
        return {
            "planner": "計画担当者",
            "reviewer": "審査担当者",
            "trainer": "研修講師",
            "admin": "管理者",
            "participant": "研修参加者",
        }[self.value]


NATIONAL = "national"


@dataclass(frozen=True)
class Actor:
    username: str
    role: Role
    org_code: str | None = None  # planner: the 6-digit code of their local government
    scope: str | None = None  # reviewer: a 2-digit prefecture code, or "national"
    display_name: str = ""
    seat_plan_id: int | None = None  # participant: the one sandbox they may open
    read_only: bool = False  # participant: the session is closed, the seat can be read only

    @classmethod
    def local(cls) -> Actor:
        """Standalone mode: one planner on one PC, no login; may do everything."""
        return cls(username="local", role=Role.ADMIN, display_name="この端末の利用者")

    @property
    def label(self) -> str:
        return self.display_name or self.username
