"""The service layer: every read and write of a plan goes through here with the acting user.

Pages, the CLI, import and export all call this, never the store directly, so authorization
cannot be skipped by taking another path. A plan the actor may not read is reported as not
found, so guessing ids reveals nothing. Every change is written to the audit log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from plan_builder.auth import Actor, Role, audit, policy
from plan_builder.errors import NotFoundError, PermissionDeniedError, StaleVersionError
from plan_builder.plan import Plan, PlanLimitError, PlanStatus, check_limits, clean_text
from plan_builder.store import (
    CLOSED_SEAT_MESSAGE,
    PlanRecord,
    PlanSummary,
    RevisionInfo,
    RevisionWrite,
    Store,
    StoredPlan,
)


class PlanService:
    def __init__(self, store: Store, actor: Actor) -> None:
        self.store, self.actor = store, actor
        self.scope = policy.read_scope(actor)

    @property
    def _reviewer(self) -> bool:
        """Reviewers see each plan only as it was last submitted, through every path here."""
        return self.actor.role is Role.REVIEWER

    def _audit(self, action: str, plan_id: int | None, **detail: Any) -> None:
        target = f"plan:{plan_id}" if plan_id is not None else ""
        audit.record(self.store.engine, self.actor.username, action, target, **detail)

    # Checks ------------------------------------------------------------------------------
    def _check_read(self, plan_id: int) -> PlanRecord:
        """The plan's row, if the actor may read it (so callers need not read it again)."""
        return self.store.plan_meta(plan_id, self.scope.where())

    def _check_write(self, plan_id: int) -> PlanRecord:
        rec = self._check_read(plan_id)
        if self.actor.read_only:  # a participant of a closed session: the seat stays readable
            raise PermissionDeniedError(CLOSED_SEAT_MESSAGE.format(plan_id=plan_id))
        if not policy.write_scope(self.actor).allows_row(rec):
            raise PermissionDeniedError(f"計画（ID {plan_id}）を変更する権限がありません")
        return rec

    def _check_create(self, plan: Plan, refused: str = "作成できません") -> None:
        if not policy.may_create(self.actor, lg_code=plan.lg_code, is_training=plan.is_training):
            if plan.is_training and not policy.sandbox_scope(self.actor):
                raise PermissionDeniedError(
                    "研修用の計画は、研修（説明会）の参加者が参加コードで参加したときに、"
                    "研修用の架空の団体の計画として作られます"
                )
            if self.actor.role is Role.PLANNER:
                raise PermissionDeniedError(
                    f"他の団体（{plan.lg_name}、団体コード {plan.lg_code}）の計画は{refused}"
                )
            raise PermissionDeniedError(f"{plan.lg_name}の計画を作成する権限がありません")

    def _check_limits(self, plan: Plan) -> None:
        from plan_builder.guide import get_guide  # lazy: commands that never save stay fast

        check_limits(plan, get_guide(plan.guide_id))

    def can_read(self, plan_id: int) -> bool:
        try:
            self._check_read(plan_id)
        except NotFoundError:
            return False
        return True

    def can_write(self, plan_id: int) -> bool:
        try:
            self._check_write(plan_id)
        except (NotFoundError, PermissionDeniedError):
            return False
        return True

    # Reads -------------------------------------------------------------------------------
    def list_plans(self, **filters: Any) -> list[PlanSummary]:
        """Plans the actor may read (filters: lg_codes, pref_codes, statuses, training, limit,
        offset). Reviewers get each plan's submitted title, version and time."""
        return self.store.list_plans(where=self.scope.where(), submitted_view=self._reviewer, **filters)

    def get(self, plan_id: int) -> StoredPlan:
        """The current plan; for a reviewer, the revision that was last submitted (the planner's
        drafting after a submission stays invisible to reviewers)."""
        rec = self._check_read(plan_id)
        if self._reviewer:
            stored = self.store.revision(plan_id, _submitted_version(rec))
        else:
            stored = self.store.get_plan(plan_id, self.scope.where())
        self._seen(stored)
        return stored

    def _seen(self, stored: StoredPlan) -> None:
        if stored.updated_by != self.actor.username:
            self.store.mark_seen(stored.id, stored.version, self.actor.username)

    def current_version(self, plan_id: int) -> int:
        """The latest version the actor may see, cheaply (the wizard asks on every rerun to spot
        stale tabs); for a reviewer, the submitted one."""
        rec = self._check_read(plan_id)
        return _submitted_version(rec) if self._reviewer else rec.version

    def revisions(self, plan_id: int) -> list[RevisionInfo]:
        """The plan's stored history (named versions and recent autosaves), newest first. Not for
        reviewers: they see submissions, through plan_builder.review."""
        self._check_read(plan_id)
        if self._reviewer:
            raise PermissionDeniedError(
                "審査担当者が閲覧できるのは提出された版だけです（審査の画面から確認してください）"
            )
        return self.store.revisions(plan_id)

    def revision(self, plan_id: int, version: int) -> StoredPlan:
        rec = self._check_read(plan_id)
        if self._reviewer and version != _submitted_version(rec):
            raise PermissionDeniedError(
                "審査担当者が閲覧できるのは提出された版だけです（審査の画面から確認してください）"
            )
        stored = self.store.revision(plan_id, version)
        self._seen(stored)
        return stored

    # Writes ------------------------------------------------------------------------------
    def create(self, plan: Plan, *, note: str = "作成") -> StoredPlan:
        """A new plan, always 「作成中」 (the store never takes the status from the content)."""
        self._check_create(plan)
        if plan.status is not PlanStatus.DRAFT and self.actor.role is not Role.ADMIN:
            raise PermissionDeniedError("新しい計画は「作成中」の状態で作成してください")
        self._check_limits(plan)
        stored = self.store.create_plan(plan, self.actor.username, note=note)
        self._audit("plan.create", stored.id, lg_code=plan.lg_code, title=stored.plan.title)
        return stored

    def save(
        self, plan_id: int, plan: Plan, *, expected_version: int, note: str = "", name: str = ""
    ) -> StoredPlan:
        """Store the plan's new content. The status changes only through plan_builder.review (a
        plan claiming another status than the row's is refused). With `name`, the new version is a named version kept for ever;
        otherwise it is an autosave (coalesced with the same user's saves of the last minutes)."""
        current = self._check_write(plan_id)
        if expected_version != current.version:  # e.g. submitted or returned meanwhile: reload first
            raise StaleVersionError(plan_id, expected_version, current.version)
        if plan.lg_code != current.lg_code:
            raise PermissionDeniedError("計画の団体は変更できません")
        if plan.is_training != current.is_training:
            raise PermissionDeniedError("研修用の区分は変更できません")
        if plan.status.value != current.status:  # the row holds the status; content cannot move it
            raise PermissionDeniedError("計画の状態は提出・審査の操作でのみ変更できます")
        self._check_limits(plan)
        write = RevisionWrite(
            plan_id, plan, expected_version, self.actor.username, name or note, named=bool(name)
        )
        user = self.actor.username
        stored = self.store.write(
            write, also=lambda s, rec: audit.add(s, user, "plan.save", f"plan:{plan_id}", version=rec.version)
        )
        return stored

    def name_version(self, plan_id: int, version: int, name: str) -> None:
        """Keep a version for ever under a name (「第1回庁内検討用」)."""
        self._check_write(plan_id)
        name = clean_text(name or "")
        if not name:
            raise PlanLimitError("版の名前を入力してください")
        if len(name) > 100:
            raise PlanLimitError(f"版の名前は100文字以内で入力してください（現在 {len(name)}文字）")
        self.store.name_revision(plan_id, version, name)
        self._audit("plan.name_version", plan_id, version=version, name=name)

    def restore(self, plan_id: int, version: int, *, expected_version: int) -> StoredPlan:
        self._check_write(plan_id)
        stored = self.store.restore(
            plan_id, version, expected_version=expected_version, actor=self.actor.username
        )
        self._audit("plan.restore", plan_id, restored=version, version=stored.version)
        return stored

    def duplicate(self, plan_id: int, *, title: str | None = None) -> StoredPlan:
        src = self.get(plan_id)
        self._check_create(src.plan)
        stored = self.store.duplicate(plan_id, self.actor.username, title=title)
        self._audit("plan.duplicate", stored.id, source=plan_id)
        return stored

    # Exchange ----------------------------------------------------------------------------
    def export_json(self, plan_id: int, *, version: int | None = None) -> str:
        """The plan (or an older version) as an exchange file (UTF-8 JSON), audited."""
        from plan_builder.exchange import export_json  # lazy, like every format: `list` stays fast

        stored = self.revision(plan_id, version) if version else self.get(plan_id)
        self.store.mark_seen(plan_id, stored.version, None)  # it left the tool: keep it
        self._audit("plan.export", plan_id, fmt="json", version=stored.version)
        return export_json(stored.plan)

    def import_json(self, data: bytes | str) -> StoredPlan:
        """Create a new plan (状態「作成中」) from an exchange file.

        The file is screened for hostile content first (size, nesting, absurd numbers), then
        checked in full by plan_builder.exchange. Planners may only import plans of their own
        organisation; the file's workflow state is not trusted (a file cannot make a plan
        "approved").
        """
        from plan_builder.exchange import checked_for_import, parse_plan_json

        plan = parse_plan_json(data)  # screens hostile content first (plan_builder.uploads)
        self._check_create(plan, "取り込めません")
        stored = self.create(checked_for_import(plan, self.store), note="ファイルから取り込み")
        self._audit("plan.import", stored.id, lg_code=plan.lg_code)
        return stored

    def export(
        self, plan_id: int, fmt: str, out: Path | str, *, version: int | None = None, **options: Any
    ) -> Any:
        """Write the plan (or an older version) as a document with plan_builder.export."""
        from plan_builder.exchange import export_json
        from plan_builder.guide import get_guide

        stored = self.revision(plan_id, version) if version else self.get(plan_id)
        if fmt == "json":  # the exchange format, so one call serves every download button
            from plan_builder.export import ExportResult

            Path(out).write_text(export_json(stored.plan), encoding="utf-8")
            result: Any = ExportResult(path=Path(out), format="json", charts_rendered=True)
        else:
            from plan_builder.export import export_plan  # lazy: export pulls in python-docx, plotly

            result = export_plan(stored.plan, get_guide(stored.plan.guide_id), fmt, Path(out), **options)
        self.store.mark_seen(plan_id, stored.version, None)  # it left the tool: keep it
        self._audit("plan.export", plan_id, fmt=fmt, version=stored.version)
        return result

    def download_name(self, plan_id: int, ext: str) -> str:
        """A harmless file name for a download of the plan as the actor sees it now."""
        stored = self.get(plan_id)
        return download_name(stored.plan, stored.version, ext)

    # Audit -------------------------------------------------------------------------------
    def audit_log(self, **filters: Any) -> list[audit.AuditEntry]:
        """Who changed what and when. Admins only."""
        if self.actor.role is not Role.ADMIN:
            raise PermissionDeniedError("操作記録は管理者だけが閲覧できます")
        return audit.entries(self.store.engine, **filters)

    def record(self, action: str, plan_id: int, **detail: Any) -> None:
        """Let workflow code (review, comments) log an action on a plan the actor may read."""
        self._check_read(plan_id)
        self._audit(action, plan_id, **detail)


def download_name(plan: Plan, version: int, ext: str) -> str:
    """The file name for a download of `version` of `plan` (the title may contain anything)."""
    from plan_builder.uploads import safe_filename  # lazy: `list` stays fast

    raw = f"{plan.lg_name}_{plan.title}".replace("/", "_").replace("\\", "_")
    stem = safe_filename(raw, default="plan", max_length=100)
    return f"{stem}_v{version}.{ext.lstrip('.')}"


def _submitted_version(rec: PlanRecord) -> int:
    """The revision reviewers see; a never-submitted plan does not exist for them."""
    if rec.submitted_version is None:
        raise NotFoundError(f"計画（ID {rec.id}）が見つかりません")
    return rec.submitted_version
