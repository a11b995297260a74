"""The two uploads of the planner's app, as plain functions on bytes.

Why it is built this way: Streamlit reruns the page on every click, and an uploaded file stays
in its widget across reruns. Importing a plan is a write, so each upload is remembered by its
`file_id` and imported at most once. Nothing here trusts the uploaded name: the reference .docx
is rebuilt by plan_builder.docx_clean and written under a fixed name in a directory we created.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from plan_builder.docx_clean import clean_docx
from plan_builder.errors import PlanBuilderError
from plan_builder.service import PlanService

REFERENCE_NAME = "reference.docx"  # the only name ever written; the uploaded name is not a path


@dataclass(frozen=True)
class ImportOutcome:
    """What one upload of a plan file led to: the new plan's id, or why it was refused."""

    plan_id: int | None
    message: str

    @property
    def ok(self) -> bool:
        return self.plan_id is not None


def import_plan_file(svc: PlanService, data: bytes) -> ImportOutcome:
    """Create a new draft from an exchange file; a refusal changes nothing and says why."""
    try:
        stored = svc.import_json(data)
    except PlanBuilderError as exc:
        return ImportOutcome(None, str(exc))
    plan = stored.plan
    return ImportOutcome(
        stored.id, f"計画ファイルを取り込みました：{plan.title}（{plan.lg_name}、状態：作成中）"
    )


def import_once(
    svc: PlanService, file_id: str, data: bytes, done: dict[str, ImportOutcome]
) -> tuple[ImportOutcome, bool]:
    """Import the upload `file_id` unless `done` already holds its outcome.

    Returns (outcome, True) for a fresh attempt and (remembered outcome, False) on a rerun.
    """
    if file_id in done:
        return done[file_id], False
    outcome = import_plan_file(svc, data)
    done[file_id] = outcome
    return outcome, True


def check_reference(name: str, data: bytes) -> str | None:
    """None when `data` can be used as a reference (once rebuilt); else the Japanese reason."""
    try:
        clean_docx(name, data)
    except PlanBuilderError as exc:
        return str(exc)
    return None


def write_reference(name: str, data: bytes, directory: Path) -> Path:
    """Write the rebuilt upload (never the bytes as sent) as `directory/reference.docx`.

    Raises UploadError when it cannot be cleaned.
    """
    path = Path(directory) / REFERENCE_NAME
    path.write_bytes(clean_docx(name, data).data)
    return path
