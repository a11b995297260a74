"""Fast, read-only views of many plans at once, for the queue, comparisons and benchmarks.

A reviewer looks at what was submitted, so for a plan with a submission the frozen revision of
its latest round is read; for plans never submitted (visible to admins only) the current
state. Rows are plain dicts straight from the JSON column, not pydantic Plans: validating
1,741 full plans would dominate the time of a national view. `content="digest"` reads the light
copy stored with each submission (plan_builder.review.digests); `content="coverage"` and
`content="kpis"` read the still smaller summary stored with every revision
(plan_builder.plan.summary), which is all the coverage matrix and the KPI benchmark need.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, NamedTuple, Protocol

from sqlalchemy import and_, func, literal_column, tuple_
from sqlmodel import select

from plan_builder.auth import Actor, policy
from plan_builder.guide import get_guide
from plan_builder.plan import PlanStatus, coverage_summary, kpi_rows
from plan_builder.review.digests import digest
from plan_builder.review.tables import SubmissionRecord
from plan_builder.store import LocalGovernment, PlanRecord, PlanRevisionRecord, RevisionSummaryRecord, Store

LG_TYPE_LABELS = {
    "designated_city": "政令市",
    "core_city": "中核市",
    "city": "市",
    "special_ward": "特別区",
    "town": "町",
    "village": "村",
    "prefecture": "都道府県",
    "ward": "行政区",
}

# (key, label, lower bound inclusive, upper bound exclusive)
POPULATION_BANDS: list[tuple[str, str, int, int | None]] = [
    ("lt10k", "1万人未満", 0, 10_000),
    ("10k_50k", "1万〜5万人", 10_000, 50_000),
    ("50k_100k", "5万〜10万人", 50_000, 100_000),
    ("100k_200k", "10万〜20万人", 100_000, 200_000),
    ("200k_500k", "20万〜50万人", 200_000, 500_000),
    ("ge500k", "50万人以上", 500_000, None),
]
BAND_LABELS = {k: label for k, label, _, _ in POPULATION_BANDS}
# The leading columns of every review table export (queue, side by side, coverage, KPIs).
LG_HEADER = ["計画ID", "団体コード", "団体名", "都道府県", "団体区分"]


class LgRow(Protocol):
    """A table row that names the plan and its local government."""

    @property
    def plan_id(self) -> int: ...
    @property
    def lg_code(self) -> str: ...
    @property
    def lg_name(self) -> str: ...
    @property
    def prefecture(self) -> str: ...
    @property
    def type_label(self) -> str: ...


def lg_cells(r: LgRow) -> list[Any]:
    """The cells under LG_HEADER, so every export names the plan the same way."""
    return [r.plan_id, r.lg_code, r.lg_name, r.prefecture, r.type_label]


def band_label(band: str | None) -> str:
    """The Japanese label of a population band key ("" when unknown)."""
    return BAND_LABELS.get(band or "", "")


def population_band(population: int | None) -> str | None:
    if population is None:
        return None
    for key, _, lo, hi in POPULATION_BANDS:
        if population >= lo and (hi is None or population < hi):
            return key
    return None


class Snapshot(NamedTuple):
    """One plan as a reviewer sees it (a NamedTuple: built thousands at a time, and a frozen
    dataclass was several times slower to build)."""

    plan_id: int
    lg_code: str
    lg_name: str
    pref_code: str
    prefecture: str
    lg_type: str
    population: int | None
    status: PlanStatus
    guide_id: str
    is_training: bool
    round: int | None
    revision_version: int
    submitted_at: datetime | None
    completeness: float | None
    findings_count: int | None
    data: dict[str, Any]

    @property
    def type_label(self) -> str:
        return LG_TYPE_LABELS.get(self.lg_type, self.lg_type)

    @property
    def band(self) -> str | None:
        return population_band(self.population)


@dataclass(frozen=True)
class SnapshotFilter:
    pref_codes: list[str] | None = None
    lg_types: list[str] | None = None
    statuses: list[PlanStatus] | None = None
    bands: list[str] | None = None
    guide_id: str | None = None
    plan_ids: list[int] | None = None

    def keep(self, s: Snapshot) -> bool:
        return (self.lg_types is None or s.lg_type in self.lg_types) and (
            self.bands is None or s.band in self.bands
        )


def _filtered(q, flt: SnapshotFilter):
    """The reviewer's own filters, on top of the actor's scope."""
    if flt.pref_codes is not None:
        q = q.where(LocalGovernment.pref_code.in_(flt.pref_codes))
    if flt.lg_types is not None:
        q = q.where(LocalGovernment.type.in_(flt.lg_types))
    if flt.statuses is not None:
        q = q.where(PlanRecord.status.in_([PlanStatus(x).value for x in flt.statuses]))
    if flt.guide_id is not None:
        q = q.where(PlanRecord.guide_id == flt.guide_id)
    if flt.plan_ids is not None:
        q = q.where(PlanRecord.id.in_(flt.plan_ids))
    return q


def _latest_rounds():
    return (
        select(SubmissionRecord.plan_id, func.max(SubmissionRecord.round).label("round"))
        .group_by(SubmissionRecord.plan_id)
        .subquery()
    )


class SnapshotService:
    """Read-only views of the plans an actor may read (plan_builder.auth.policy), many at once."""

    def __init__(self, store: Store, actor: Actor) -> None:
        self.store, self.actor = store, actor

    def meta(self, flt: SnapshotFilter | None = None) -> list[Snapshot]:
        """Everything but the plan content (data is left empty): cheap, for the queue."""
        return self.load(flt, content="none")

    def load(
        self,
        flt: SnapshotFilter | None = None,
        *,
        content: Literal["full", "digest", "coverage", "kpis", "none"] = "full",
        paths: list[tuple[str, ...]] | None = None,
    ) -> list[Snapshot]:
        """Snapshots of the plans the actor may read, filtered by `flt`.

        `paths` (with content="full") reads only those JSON paths, e.g. [("answers", "current.issues")]:
        the database extracts them, so a side-by-side of one question over 1,741 plans stays quick.
        content="coverage" and content="kpis" read the shown revision's summary row
        (plan_builder.plan.summary, table revision_summary) into data["coverage"] or
        data["kpi_rows"]: the few hundred bytes the coverage matrix and the KPI benchmark need,
        instead of a digest with every KPI's targets by year.
        """
        flt = flt or SnapshotFilter()
        latest = _latest_rounds()
        sub = SubmissionRecord
        shown = func.coalesce(sub.revision_version, PlanRecord.version)
        summary = RevisionSummaryRecord
        column = {"digest": sub.digest, "coverage": summary.coverage, "kpis": summary.kpis}.get(content)
        q = (
            select(
                PlanRecord.id.label("plan_id"),
                PlanRecord.lg_code,
                LocalGovernment.name.label("lg_name"),
                LocalGovernment.pref_code,
                LocalGovernment.prefecture,
                LocalGovernment.type.label("lg_type"),
                LocalGovernment.population,
                PlanRecord.status,
                PlanRecord.guide_id,
                PlanRecord.is_training,
                PlanRecord.version,
                sub.round,
                sub.revision_version,
                sub.submitted_at,
                sub.completeness,
                sub.findings_count,
                (column if column is not None else literal_column("NULL")).label("part"),
            )
            .join(LocalGovernment, LocalGovernment.code6 == PlanRecord.lg_code)
            .join(latest, latest.c.plan_id == PlanRecord.id, isouter=True)
            .join(sub, and_(sub.plan_id == PlanRecord.id, sub.round == latest.c.round), isouter=True)
            .where(policy.read_scope(self.actor).where())
        )
        if content in ("coverage", "kpis"):
            q = q.join(
                summary, and_(summary.plan_id == PlanRecord.id, summary.version == shown), isouter=True
            )
        q = _filtered(q, flt).order_by(PlanRecord.lg_code, PlanRecord.id)
        with self.store.session() as s:
            rows = list(s.connection().execute(q))  # Core rows: no ORM bookkeeping per row
            data: dict[int, dict[str, Any]] = {}
            if content == "digest":
                data = {r.plan_id: r.part for r in rows if r.part is not None}
            elif content in ("coverage", "kpis"):
                data = {r.plan_id: {_PART_KEY[content]: r.part} for r in rows if r.part is not None}
            if content != "none":
                # revisions without a stored digest or summary: read their content
                missing = [(r.plan_id, _shown_version(r)) for r in rows if r.plan_id not in data]
                full = _content(s, missing, paths if content == "full" else None) if missing else {}
                for r in rows:
                    d = full.get(r.plan_id)
                    if d is None:
                        continue
                    if content == "digest":
                        d = digest(d)
                    elif content == "coverage":
                        d = {"coverage": coverage_summary(d, get_guide(r.guide_id))}
                    elif content == "kpis":
                        d = {"kpi_rows": kpi_rows(d)}
                    data[r.plan_id] = d
        out = [
            Snapshot(
                plan_id=r.plan_id,
                lg_code=r.lg_code,
                lg_name=r.lg_name,
                pref_code=r.pref_code,
                prefecture=r.prefecture,
                lg_type=r.lg_type,
                population=r.population,
                status=PlanStatus(r.status),
                guide_id=r.guide_id,
                is_training=bool(r.is_training),
                round=r.round,
                revision_version=_shown_version(r),
                submitted_at=r.submitted_at,
                completeness=r.completeness,
                findings_count=r.findings_count,
                data=data.get(r.plan_id, {}),
            )
            for r in rows
        ]
        return [x for x in out if flt.keep(x)]


def _shown_version(r: Any) -> int:
    """The submitted revision when there is one, else the current version (admins, trainers)."""
    return r.revision_version if r.revision_version is not None else r.version


def _content(
    s, wanted: Iterable[tuple[int, int]], paths: list[tuple[str, ...]] | None = None
) -> dict[int, dict[str, Any]]:
    """The JSON of the given (plan_id, version) revisions, in chunks the drivers accept."""
    pairs = list(wanted)
    cols = [PlanRevisionRecord.data[p] for p in paths] if paths else [PlanRevisionRecord.data]
    out: dict[int, dict[str, Any]] = {}
    for i in range(0, len(pairs), 400):
        chunk = pairs[i : i + 400]
        q = select(PlanRevisionRecord.plan_id, *cols).where(
            tuple_(PlanRevisionRecord.plan_id, PlanRevisionRecord.version).in_(chunk)
        )
        for pid, *values in s.exec(q):
            out[pid] = _nest(paths, values) if paths else values[0]
    return out


def _nest(paths: list[tuple[str, ...]], values: list[Any]) -> dict[str, Any]:
    """{("answers", "a.b"): v} → {"answers": {"a.b": v}} (missing values left out)."""
    out: dict[str, Any] = {}
    for path, v in zip(paths, values, strict=True):
        if v is None:
            continue
        node = out
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = v
    return out


# Where a summary part is found in Snapshot.data (coverage.py and kpi.py read these keys).
_PART_KEY = {"coverage": "coverage", "kpis": "kpi_rows"}
