"""The plan repository: create, read, save with optimistic locking, history and restore.

Guarantees the rest of the code relies on:
- a save is committed (and on disk) before it returns;
- a save names the version it was based on, and is refused if the plan moved on since;
- named versions (created, restored, imported, status changes, named by a user) are kept for
  ever; autosaves are coalesced per author and window and trimmed to a bounded tail;
- `_insert_revision` is the only place a revision row is written, and `write_many` (with
  `write`, `restore`, `create_plans`) the only way a plan changes.
Authorization is not done here: `plan_builder.service` wraps this with the acting user.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import ColumnElement, column, delete, func, or_, table, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import defer
from sqlmodel import Session, select

from plan_builder import guide as guides  # its loader (PyYAML) is imported on first save, not here
from plan_builder.errors import NotFoundError, PermissionDeniedError, StaleVersionError
from plan_builder.plan import (
    TITLE_MAX_LENGTH,
    Plan,
    PlanStatus,
    check_size,
    coverage_summary,
    fold_search,
    kpi_rows,
)
from plan_builder.store.db import PROJECT_ROOT, make_engine
from plan_builder.store.migrate import upgrade
from plan_builder.store.tables import (
    LocalGovernment,
    PlanRecord,
    PlanRevisionRecord,
    RevisionSummaryRecord,
    utcnow,
)
from plan_builder.store.training_orgs import TRAINING_PREF, is_training_org

LG_CSV = PROJECT_ROOT / "data" / "local_governments.csv"
CLOSED_SEAT_MESSAGE = (
    "この研修は終了したため、練習用の計画（ID {plan_id}）は変更できません。閲覧だけができます。"
)
# The session tables belong to plan_builder.training (a later layer); the store names just the
# columns it needs so that a closed session's seats stay read-only whoever writes and from where.
_SEAT = table("training_seat", column("plan_id"), column("session_id"))
_SESSION = table("training_session", column("id"), column("status"))


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
    named: bool = False


@dataclass(frozen=True)
class RevisionWrite:
    """One new state of a plan, based on `expected_version` (see Store.write_many)."""

    plan_id: int
    plan: Plan
    expected_version: int
    actor: str
    note: str = ""
    named: bool = False  # kept for ever (restored, imported, named by the user)
    status: PlanStatus | None = None  # a workflow status change (plan_builder.review only)
    submitted: bool = False  # the new version becomes the one reviewers see
    at: datetime | None = None  # for generators of past histories; now by default


AlsoWrite = Callable[[Session, PlanRecord], None]
COALESCE_WINDOW = timedelta(minutes=10)
AUTOSAVE_TAIL = 30


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
            rows = read_local_governments(csv_path)
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
        # NFKC + katakana: 「０３３２２７」「ﾔﾊﾊﾞ」 (issue 14); PostgreSQL refuses NUL in text
        needle = fold_search(text)
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
        return self.create_plans([plan], actor, note=note)[0]

    def create_plans(
        self, plans: list[Plan], actor: str, *, note: str = "作成", at: datetime | None = None
    ) -> list[StoredPlan]:
        """New plans (状態「作成中」), each with its first, named revision, in one transaction."""
        for lg_code in {p.lg_code for p in plans}:
            self.local_government(lg_code)  # refuse unknown codes with a clear message
        if any(p.is_training != is_training_org(p.lg_code) for p in plans):
            raise PermissionDeniedError(
                "研修用の計画は研修用の架空の団体（研修県・研修市）だけに、"
                "それ以外の計画は実在の団体だけに作成できます"
            )
        now = at or utcnow()
        out = []
        with self.session() as s:
            for plan in plans:
                # Validate again: callers may have built the plan with model_copy, which does not.
                plan = _validated(plan, PlanStatus.DRAFT, {"created_at": plan.created_at or now})
                data = _content(plan)
                rec = PlanRecord(
                    lg_code=plan.lg_code,
                    guide_id=plan.guide_id,
                    title=plan.title,
                    status=PlanStatus.DRAFT.value,
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
                _insert_revision(s, rec, note=note, named=True)
                out.append(StoredPlan(rec.id, 1, plan, now, actor))  # type: ignore[arg-type]
            s.commit()
        return out

    def get_plan(self, plan_id: int, where: ColumnElement[bool] | None = None) -> StoredPlan:
        rec = self._plan_row(plan_id, where, with_data=True)
        plan = _validated_data(rec.data, PlanStatus(rec.status))
        return StoredPlan(rec.id, rec.version, plan, rec.updated_at, rec.updated_by)  # type: ignore[arg-type]

    def plan_meta(self, plan_id: int, where: ColumnElement[bool] | None = None) -> PlanRecord:
        """The plan row without parsing its content (cheap; used for authorization). With
        `where` (a scope from plan_builder.auth.policy) a row outside it is "not found"."""
        return self._plan_row(plan_id, where, with_data=False)

    def _plan_row(self, plan_id: int, where: ColumnElement[bool] | None, *, with_data: bool) -> PlanRecord:
        """Without the content unless asked: parsing a plan's JSON was most of what a permission
        check cost, and every page run makes several (`.data` then raises instead of loading)."""
        with self.session() as s:
            q = select(PlanRecord).where(PlanRecord.id == plan_id)
            if not with_data:
                q = q.options(defer(PlanRecord.data, raiseload=True))  # type: ignore[arg-type]
            if where is not None:
                q = q.where(where)
            rec = s.exec(q).first()
        if rec is None:
            raise NotFoundError(f"計画（ID {plan_id}）が見つかりません")
        return rec

    def list_plans(
        self,
        *,
        where: ColumnElement[bool] | None = None,
        submitted_view: bool = False,
        lg_codes: list[str] | None = None,
        pref_codes: list[str] | None = None,
        statuses: list[PlanStatus] | None = None,
        training: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[PlanSummary]:
        """Plan rows, newest first. `submitted_view` shows each plan as last submitted (title,
        version, time and author of that revision), for reviewers; unsubmitted plans drop out."""
        with self.session() as s:
            if submitted_view:
                rev = PlanRevisionRecord
                q = select(
                    PlanRecord, LocalGovernment.name, rev.title, rev.version, rev.created_at, rev.actor
                ).join(rev, (rev.plan_id == PlanRecord.id) & (rev.version == PlanRecord.submitted_version))
                order = rev.created_at
            else:
                q = select(
                    PlanRecord,
                    LocalGovernment.name,
                    PlanRecord.title,
                    PlanRecord.version,
                    PlanRecord.updated_at,
                    PlanRecord.updated_by,
                )
                order = PlanRecord.updated_at
            q = q.join(LocalGovernment, LocalGovernment.code6 == PlanRecord.lg_code)
            if where is not None:
                q = q.where(where)
            if lg_codes is not None:
                q = q.where(PlanRecord.lg_code.in_(lg_codes))
            if pref_codes is not None:
                q = q.where(LocalGovernment.pref_code.in_(pref_codes))
            if statuses is not None:
                q = q.where(PlanRecord.status.in_([PlanStatus(st).value for st in statuses]))
            if training is not None:
                q = q.where(PlanRecord.is_training == training)
            q = q.order_by(order.desc(), PlanRecord.id.desc()).offset(offset)
            if limit is not None:
                q = q.limit(limit)
            return [
                PlanSummary(
                    r.id,  # type: ignore[arg-type]
                    r.lg_code,
                    name,
                    title,
                    r.guide_id,
                    PlanStatus(r.status),
                    version,
                    r.is_training,
                    at,
                    by,
                )
                for r, name, title, version, at, by in s.exec(q)
            ]

    def save_plan(
        self, plan_id: int, plan: Plan, *, expected_version: int, actor: str, note: str = ""
    ) -> StoredPlan:
        """An autosave of new content (status unchanged): shorthand for `write`."""
        return self.write(RevisionWrite(plan_id, plan, expected_version, actor, note))

    def write(self, w: RevisionWrite, *, also: AlsoWrite | None = None) -> StoredPlan:
        """The one way a plan changes after creation: see `write_many`."""
        return self.write_many([w], also=[also])[0]

    def write_many(
        self, writes: list[RevisionWrite], *, also: list[AlsoWrite | None] | None = None
    ) -> list[StoredPlan]:
        """Store new states of plans in one transaction, each if, and only if, it is based on
        the plan's latest version (optimistic lock); all or nothing.

        A write may change the workflow status (the row is the only place it lives) and mark
        the new version as the submitted one. Autosaves (`named=False`, no status change) by
        the same user within COALESCE_WINDOW replace that user's previous autosave while no one
        else has read it; beyond AUTOSAVE_TAIL autosaves the oldest are dropped, so a plan's
        history is its named versions plus a bounded tail. `also(session, row)` adds rows that
        must commit with the revision (review transitions, submissions).
        """
        hooks = also or [None] * len(writes)
        out = []
        with self.session() as s:
            for w, hook in zip(writes, hooks, strict=True):
                rec, plan = self._apply(s, w)
                if hook is not None:
                    hook(s, rec)
                out.append(StoredPlan(rec.id, rec.version, plan, rec.updated_at, rec.updated_by))  # type: ignore[arg-type]
            s.commit()
        return out

    def _apply(self, s: Session, w: RevisionWrite) -> tuple[PlanRecord, Plan]:
        rec = s.get(PlanRecord, w.plan_id)
        if rec is None:
            raise NotFoundError(f"計画（ID {w.plan_id}）が見つかりません")
        if rec.is_training and _in_closed_session(s, w.plan_id):
            raise PermissionDeniedError(CLOSED_SEAT_MESSAGE.format(plan_id=w.plan_id))
        status = PlanStatus(w.status or rec.status)
        plan = _validated(w.plan, status)  # re-validate: callers may have mutated it
        data = _content(plan)
        now = w.at or utcnow()
        new_version = w.expected_version + 1
        values: dict[str, Any] = dict(
            version=new_version,
            data=data,
            title=plan.title,
            status=status.value,
            updated_at=now,
            updated_by=w.actor,
        )
        if w.submitted:
            values["submitted_version"] = new_version
        result = s.exec(
            update(PlanRecord)
            .where(PlanRecord.id == w.plan_id, PlanRecord.version == w.expected_version)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            s.rollback()
            current = self.plan_meta(w.plan_id)  # raises NotFoundError when it does not exist
            raise StaleVersionError(w.plan_id, w.expected_version, current.version)
        s.refresh(rec)
        named = w.named or w.status is not None or w.submitted
        if named or not self._coalesce(s, rec, w):
            _insert_revision(s, rec, note=w.note, named=named)
            if not named:
                self._trim(s, w.plan_id)
        return rec, plan

    def _coalesce(self, s: Session, rec: PlanRecord, w: RevisionWrite) -> bool:
        """Fold this autosave into the author's previous one, if that is still private."""
        result = s.exec(
            update(PlanRevisionRecord)
            .where(
                PlanRevisionRecord.plan_id == rec.id,
                PlanRevisionRecord.version == w.expected_version,
                PlanRevisionRecord.actor == w.actor,
                PlanRevisionRecord.named == False,  # noqa: E712
                PlanRevisionRecord.seen == False,  # noqa: E712
                PlanRevisionRecord.opened_at >= rec.updated_at - COALESCE_WINDOW,
            )
            .values(
                version=rec.version,
                data=rec.data,
                title=rec.title,
                status=rec.status,
                created_at=rec.updated_at,
                note=w.note[:500],
            )
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:  # type: ignore[attr-defined]
            return False
        s.exec(
            update(RevisionSummaryRecord)
            .where(
                RevisionSummaryRecord.plan_id == rec.id, RevisionSummaryRecord.version == w.expected_version
            )
            .values(version=rec.version, **_summary(rec))
            .execution_options(synchronize_session=False)
        )
        return True

    def _trim(self, s: Session, plan_id: int) -> None:
        """Drop autosaves older than the newest AUTOSAVE_TAIL (named versions stay)."""
        keep = (
            select(PlanRevisionRecord.version)
            .where(PlanRevisionRecord.plan_id == plan_id, PlanRevisionRecord.named == False)  # noqa: E712
            .order_by(PlanRevisionRecord.version.desc())
            .offset(AUTOSAVE_TAIL)
            .limit(1)
        )
        cutoff = s.exec(keep).first()
        if cutoff is not None:
            gone = (
                select(PlanRevisionRecord.version)
                .where(
                    PlanRevisionRecord.plan_id == plan_id,
                    PlanRevisionRecord.named == False,  # noqa: E712
                    PlanRevisionRecord.version <= cutoff,
                )
                .scalar_subquery()
            )
            s.exec(
                delete(RevisionSummaryRecord).where(
                    RevisionSummaryRecord.plan_id == plan_id, RevisionSummaryRecord.version.in_(gone)
                )
            )
            s.exec(
                delete(PlanRevisionRecord).where(
                    PlanRevisionRecord.plan_id == plan_id,
                    PlanRevisionRecord.named == False,  # noqa: E712
                    PlanRevisionRecord.version <= cutoff,
                )
            )

    def mark_seen(self, plan_id: int, version: int, reader: str | None) -> None:
        """Someone other than the author read this revision (or, with reader None, it left the
        tool as an export): it may no longer be replaced by a later autosave."""
        with self.session() as s:
            q = update(PlanRevisionRecord).where(
                PlanRevisionRecord.plan_id == plan_id,
                PlanRevisionRecord.version == version,
                PlanRevisionRecord.seen == False,  # noqa: E712
            )
            if reader is not None:
                q = q.where(PlanRevisionRecord.actor != reader)
            s.exec(q.values(seen=True))
            s.commit()

    def name_revision(self, plan_id: int, version: int, name: str) -> None:
        """Keep this revision for ever, under a name the user chose."""
        with self.session() as s:
            result = s.exec(
                update(PlanRevisionRecord)
                .where(PlanRevisionRecord.plan_id == plan_id, PlanRevisionRecord.version == version)
                .values(named=True, note=name[:500])
            )
            if result.rowcount != 1:  # type: ignore[attr-defined]
                raise NotFoundError(f"計画（ID {plan_id}）の版 {version} が見つかりません")
            s.commit()

    def revisions(self, plan_id: int) -> list[RevisionInfo]:
        self.plan_meta(plan_id)
        with self.session() as s:
            q = (
                select(
                    PlanRevisionRecord.version,
                    PlanRevisionRecord.created_at,
                    PlanRevisionRecord.actor,
                    PlanRevisionRecord.note,
                    PlanRevisionRecord.named,
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
        plan = _validated_data(rec.data, PlanStatus(rec.status))
        return StoredPlan(plan_id, rec.version, plan, rec.created_at, rec.actor)

    def restore(self, plan_id: int, version: int, *, expected_version: int, actor: str) -> StoredPlan:
        """Make an old revision current again, as a new named revision (nothing is overwritten).
        Workflow state is not content: restoring text never undoes a submission or approval."""
        old = self.revision(plan_id, version).plan
        note = f"版 {version} を復元"
        return self.write(RevisionWrite(plan_id, old, expected_version, actor, note, named=True))

    def duplicate(self, plan_id: int, actor: str, *, title: str | None = None) -> StoredPlan:
        src = self.get_plan(plan_id).plan
        suffix = "（複製）"
        new_title = title or f"{src.title[: TITLE_MAX_LENGTH - len(suffix)]}{suffix}"
        copy = src.model_copy(update={"title": new_title, "created_at": None})
        return self.create_plan(copy, actor, note=f"計画（ID {plan_id}）から複製")


def _content(plan: Plan) -> dict[str, Any]:
    """What is stored: the plan's JSON without the status (it lives on the row only), within
    the size limit."""
    data = plan.model_dump(mode="json")
    data.pop("status", None)
    check_size(data)
    return data


def _validated(plan: Plan, status: PlanStatus, extra: dict[str, Any] | None = None) -> Plan:
    return Plan.model_validate({**plan.model_dump(), **(extra or {}), "status": status})


def _validated_data(data: dict[str, Any], status: PlanStatus) -> Plan:
    return Plan.model_validate({**data, "status": status})


def _summary(rec: PlanRecord) -> dict[str, Any]:
    """The revision_summary values of the plan row as it is now (plan_builder.plan.summary)."""
    return {
        "coverage": coverage_summary(rec.data, guides.get_guide(rec.guide_id)),
        "kpis": kpi_rows(rec.data),
    }


def _insert_revision(s: Session, rec: PlanRecord, *, note: str, named: bool) -> None:
    """The only place a revision row is written: a copy of the plan row as it is now, with
    the summary the national review views read."""
    s.add(RevisionSummaryRecord(plan_id=rec.id, version=rec.version, **_summary(rec)))  # type: ignore[arg-type]
    s.add(
        PlanRevisionRecord(
            plan_id=rec.id,  # type: ignore[arg-type]
            version=rec.version,
            data=rec.data,
            title=rec.title,
            status=rec.status,
            named=named,
            opened_at=rec.updated_at,
            created_at=rec.updated_at,
            actor=rec.updated_by,
            note=note[:500],
        )
    )


def read_local_governments(csv_path: Path = LG_CSV) -> list[LocalGovernment]:
    """The 総務省 code list (data/local_governments.csv) as rows; the one reader of that file."""
    with open(csv_path, encoding="utf-8", newline="") as fh:
        return [
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


def _in_closed_session(s: Session, plan_id: int) -> bool:
    """The plan is a seat of a briefing session the trainer has closed (read-only for everyone)."""
    q = (
        select(_SEAT.c.plan_id)
        .join(_SESSION, _SESSION.c.id == _SEAT.c.session_id)
        .where(_SEAT.c.plan_id == plan_id, _SESSION.c.status != "open")
    )
    return s.exec(q).first() is not None
