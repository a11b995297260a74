"""The submitted plan as a document for the reviewer (Word or PDF), in the plan's house style.

Always the frozen revision of a submission round, read and exported through the services with
the reviewer's rights (so the export is audited like any other)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from plan_builder.review.scoped import ScopedService
from plan_builder.review.workflow import ReviewService
from plan_builder.service import PlanService
from plan_builder.uploads import safe_filename

DOCUMENT_FORMATS = {"docx": "Word", "pdf": "PDF"}


class DocumentService(ScopedService):
    """Submitted revisions as documents, read with the actor's rights (ReviewService)."""

    def submitted(self, plan_id: int, fmt: str, *, round: int | None = None) -> tuple[bytes, str]:
        """(file content, download name) of the submission `round` (the latest when None)."""
        if fmt not in DOCUMENT_FORMATS:
            raise ValueError(f"形式「{fmt}」は選べません（{'、'.join(DOCUMENT_FORMATS)}）")
        rs = ReviewService(self.store, self.actor)
        frozen = rs.submitted_plan(plan_id, round)
        rnd = round or rs.submissions(plan_id)[-1].round
        with tempfile.TemporaryDirectory(prefix="pb-review-") as tmp:
            out = Path(tmp) / f"plan.{fmt}"
            PlanService(self.store, self.actor).export(plan_id, fmt, out, version=frozen.version)
            data = out.read_bytes()
        return data, _name(frozen.plan.lg_name, frozen.plan.title, rnd, fmt)

    def name(self, plan_id: int, fmt: str, *, round: int) -> str:
        """The download name of `submitted` (known before the file is built)."""
        plan = ReviewService(self.store, self.actor).submitted_plan(plan_id, round).plan
        return _name(plan.lg_name, plan.title, round, fmt)


def _name(lg_name: str, title: str, rnd: int, fmt: str) -> str:
    return safe_filename(f"{lg_name}_{title}_第{rnd}回提出", default="plan", max_length=100) + f".{fmt}"
