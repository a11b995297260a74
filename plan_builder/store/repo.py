"""The plan repository: create, read, save with optimistic locking, history and restore.

Guarantees the rest of the code relies on:
- a save is committed (and on disk) before it returns;
- a save names the version it was based on, and is refused if the plan moved on since;
- every saved state is kept as a revision; restoring an old one adds a new revision.
Authorization is not done here: `plan_builder.service` wraps this with the acting user.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, or_, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from plan_builder.errors import NotFoundError, PermissionDeniedError, StaleVersionError
from plan_builder.plan.model import TITLE_MAX_LENGTH, Plan, PlanStatus
from plan_builder.store.db import PROJECT_ROOT, make_engine
from plan_builder.store.migrate import upgrade
from plan_builder.store.tables import LocalGovernment, PlanRecord, PlanRevisionRecord, utcnow
from plan_builder.store.training_orgs import TRAINING_PREF, is_training_org

LG_CSV = PROJECT_ROOT / "data" / "local_governments.csv"


@dataclass(frozen=True)
class StoredPlan:
    id: int
    version: int
    plan: Plan
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class PlanSummary:
    id: int
    lg_code: str
    lg_name: str
    title: str
    guide_id: str
    status: PlanStatus
    version: int
    is_training: bool
    updated_at: datetime
    updated_by: str


@dataclass(frozen=True)
class RevisionInfo:
    version: int
    created_at: datetime
    actor: str
    note: str


class Store:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, url: str | None = None, *, load_lgs: bool = True) -> Store:
        """Connect, bring the schema up to date, and make sure local governments are loaded."""
        store = cls(make_engine(url))
        upgrade(store.engine)
        if load_lgs:
            store.load_local_governments()
        return store

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    # Local governments -------------------------------------------------------------------
    def load_local_governments(self, csv_path: Path = LG_CSV) -> int:
        """Load the 総務省 code list once; later calls are no-ops. Returns the row count."""
        with self.session() as s:
            real = LocalGovernment.pref_code != TRAINING_PREF  # the training orgs come with the schema
            count = s.exec(select(func.count()).select_from(LocalGovernment).where(real)).one()
            if count:
                return count
            with open(csv_path, encoding="utf-8", newline="") as fh:
                rows = [
                    LocalGovernment(
                        code6=r["code6"],
                        code5=r["code5"],
                        pref_code=r["pref_code"],
                        prefecture=r["prefecture"],
                        name=r["name"],
                        name_kana=r["name_kana"],
                        prefecture_kana=r["prefecture_kana"],
                        level=r["level"],
                        type=r["type"],
                        parent_code6=r["parent_code6"] or None,
                        northern_territories=r["northern_territories"] == "1",
                        population=int(r["population_2022_01_01"]) if r["population_2022_01_01"] else None,
                    )
                    for r in csv.DictReader(fh)
                ]
            s.add_all(rows)
            s.commit()
            return len(rows)

    def local_government(self, code6: str) -> LocalGovernment:
        with self.session() as s:
            lg = s.get(LocalGovernment, code6)
        if lg is None:
            raise NotFoundError(f"団体コード「{code6}」の地方公共団体が見つかりません")
        return lg

    def local_governments(self, codes: list[str] | None = None) -> list[LocalGovernment]:
        with self.session() as s:
            q = select(LocalGovernment).order_by(LocalGovernment.code6)
            if codes is not None:
                q = q.where(LocalGovernment.code6.in_(codes))
            else:  # the real ones: the training orgs are only reached by their codes
                q = q.where(LocalGovernment.pref_code != TRAINING_PREF)
            return list(s.exec(q))

    def search_local_governments(
        self, text: str = "", *, pref_code: str | None = None, limit: int = 50, include_wards: bool = False
    ) -> list[LocalGovernment]:
        """Match name (漢字), kana (カタカナ or ひらがな) or code; prefixes of codes work too."""
        needle = _kana_to_katakana(text.replace("\x00", "").strip())  # PostgreSQL refuses NUL in text
        with self.session() as s:
            q = select(LocalGovernment).where(LocalGovernment.northern_territories == False)  # noqa: E712
            q = q.where(LocalGovernment.pref_code != TRAINING_PREF)
            if not include_wards:
                q = q.where(LocalGovernment.level != "ward")
            if pref_code:
                q = q.where(LocalGovernment.pref_code == pref_code)
            if needle:  # autoescape: a typed % or _ is a character, not a wildcard
                q = q.where(
                    or_(
                        LocalGovernment.name.contains(needle, autoescape=True),
                        LocalGovernment.name_kana.contains(needle, autoescape=True),
                        LocalGovernment.code6.startswith(needle, autoescape=True),
                        LocalGovernment.code5.startswith(needle, autoescape=True),
                        (LocalGovernment.prefecture + LocalGovernment.name).contains(needle, autoescape=True),
                    )
                )
            q = q.order_by(LocalGovernment.code6).limit(limit)
            return list(s.exec(q))

    def prefectures(self) -> list[LocalGovernment]:
        with self.session() as s:
            q = select(LocalGovernment).where(
                LocalGovernment.level == "prefecture", LocalGovernment.pref_code != TRAINING_PREF
            )
            return list(s.exec(q.order_by(LocalGovernment.code6)))

    # Plans -------------------------------------------------------------------------------
    def create_plan(self, plan: Plan, actor: str, note: str = "作成") -> StoredPlan:
        self.local_government(plan.lg_code)  # refuse unknown codes with a clear message
        if plan.is_training != is_training_org(plan.lg_code):
            raise PermissionDeniedError(
                "研修用の計画は研修用の架空の団体（研修県・研修市）だけに、"
                "それ以外の計画は実在の団体だけに作成できます"
            )
        now = utcnow()
        # Validate again: callers may have built the plan with model_copy, which does not.
        plan = Plan.model_validate({**plan.model_dump(), "created_at": plan.created_at or now})
        data = plan.model_dump(mode="json")
        with self.session() as s:
            rec = PlanRecord(
                lg_code=plan.lg_code,
                guide_id=plan.guide_id,
                title=plan.title,
                status=plan.status.value,
                is_training=plan.is_training,
                version=1,
                data=data,
                created_at=now,
                created_by=actor,
                updated_at=now,
                updated_by=actor,
            )
            s.add(rec)
            s.flush()
            s.add(
                PlanRevisionRecord(
                    plan_id=rec.id, version=1, data=data, created_at=now, actor=actor, note=note
                )
            )
            s.commit()
            return StoredPlan(rec.id, 1, plan, now, actor)  # type: ignore[arg-type]

    def get_plan(self, plan_id: int) -> StoredPlan:
        with self.session() as s:
            rec = s.get(PlanRecord, plan_id)
        if rec is None:
            raise NotFoundError(f"計画（ID {plan_id}）が見つかりません")
        return StoredPlan(rec.id, rec.version, Plan.model_validate(rec.data), rec.updated_at, rec.updated_by)  # type: ignore[arg-type]

    def plan_meta(self, plan_id: int) -> PlanRecord:
        """The plan row without parsing its content (cheap; used for authorization)."""
        with self.session() as s:
            rec = s.get(PlanRecord, plan_id)
        if rec is None:
            raise NotFoundError(f"計画（ID {plan_id}）が見つかりません")
        return rec

    def list_plans(
        self,
        *,
        lg_codes: list[str] | None = None,
        pref_codes: list[str] | None = None,
        statuses: list[PlanStatus] | None = None,
        training: bool | None = None,
        plan_ids: list[int] | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[PlanSummary]:
        with self.session() as s:
            q = select(PlanRecord, LocalGovernment.name).join(LocalGovernment)
            if lg_codes is not None:
                q = q.where(PlanRecord.lg_code.in_(lg_codes))
            if pref_codes is not None:
                q = q.where(LocalGovernment.pref_code.in_(pref_codes))
            if statuses is not None:
                q = q.where(PlanRecord.status.in_([st.value for st in statuses]))
            if training is not None:
                q = q.where(PlanRecord.is_training == training)
            if plan_ids is not None:
                q = q.where(PlanRecord.id.in_(plan_ids))
            q = q.order_by(PlanRecord.updated_at.desc(), PlanRecord.id.desc()).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [
                PlanSummary(
                    r.id,
                    r.lg_code,
                    name,
                    r.title,
                    r.guide_id,
                    PlanStatus(r.status),
                    r.version,
                    r.is_training,
                    r.updated_at,
                    r.updated_by,
                )  # type: ignore[arg-type]
                for r, name in s.exec(q)
            ]

    def save_plan(
        self, plan_id: int, plan: Plan, *, expected_version: int, actor: str, note: str = ""
    ) -> StoredPlan:
        """Store a new state of the plan if, and only if, it is based on the latest version."""
        plan = Plan.model_validate(plan.model_dump())  # re-validate: callers may have mutated it
        data = plan.model_dump(mode="json")
        now = utcnow()
        new_version = expected_version + 1
        with self.session() as s:
            result = s.exec(
                update(PlanRecord)
                .where(PlanRecord.id == plan_id, PlanRecord.version == expected_version)
                .values(
                    version=new_version,
                    data=data,
                    title=plan.title,
                    status=plan.status.value,
                    is_training=plan.is_training,
                    lg_code=plan.lg_code,
                    updated_at=now,
                    updated_by=actor,
                )
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                s.rollback()
                current = self.plan_meta(plan_id)  # raises NotFoundError when it does not exist
                raise StaleVersionError(plan_id, expected_version, current.version)
            s.add(
                PlanRevisionRecord(
                    plan_id=plan_id, version=new_version, data=data, created_at=now, actor=actor, note=note
                )
            )
            s.commit()
        return StoredPlan(plan_id, new_version, plan, now, actor)

    def revisions(self, plan_id: int) -> list[RevisionInfo]:
        self.plan_meta(plan_id)
        with self.session() as s:
            q = (
                select(
                    PlanRevisionRecord.version,
                    PlanRevisionRecord.created_at,
                    PlanRevisionRecord.actor,
                    PlanRevisionRecord.note,
                )
                .where(PlanRevisionRecord.plan_id == plan_id)
                .order_by(PlanRevisionRecord.version.desc())
            )
            return [RevisionInfo(*row) for row in s.exec(q)]

    def revision(self, plan_id: int, version: int) -> StoredPlan:
        with self.session() as s:
            rec = s.exec(
                select(PlanRevisionRecord).where(
                    PlanRevisionRecord.plan_id == plan_id, PlanRevisionRecord.version == version
                )
            ).first()
        if rec is None:
            raise NotFoundError(f"計画（ID {plan_id}）の版 {version} が見つかりません")
        return StoredPlan(plan_id, rec.version, Plan.model_validate(rec.data), rec.created_at, rec.actor)

    def restore(self, plan_id: int, version: int, *, expected_version: int, actor: str) -> StoredPlan:
        """Make an old revision current again, as a new revision (nothing is overwritten)."""
        old = self.revision(plan_id, version).plan
        current = self.get_plan(plan_id).plan
        # Workflow state is not content: restoring text must not undo a submission or approval.
        old = old.model_copy(update={"status": current.status})
        return self.save_plan(
            plan_id, old, expected_version=expected_version, actor=actor, note=f"版 {version} を復元"
        )

    def duplicate(self, plan_id: int, actor: str, *, title: str | None = None) -> StoredPlan:
        src = self.get_plan(plan_id).plan
        suffix = "（複製）"
        new_title = title or f"{src.title[: TITLE_MAX_LENGTH - len(suffix)]}{suffix}"
        copy = src.model_copy(update={"title": new_title, "status": PlanStatus.DRAFT, "created_at": None})
        return self.create_plan(copy, actor, note=f"計画（ID {plan_id}）から複製")


_HIRA_TO_KATA = {c: c + 0x60 for c in range(ord("ぁ"), ord("ゖ") + 1)}


def _kana_to_katakana(text: str) -> str:
    return text.translate(_HIRA_TO_KATA)
