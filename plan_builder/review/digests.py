"""A light copy of a plan's content: what the coverage matrix and the KPI benchmark read.

Stored with each submission (the frozen revision never changes, so neither does its digest).
It has the same shape as the plan JSON, so the same code reads either: text answers become
`True` (answered) or are left out, measures keep their key and pillar, KPIs drop their long
source and method texts. A national view then parses ~1.5 KB per plan instead of ~26 KB.
"""

from __future__ import annotations

from typing import Any

from plan_builder.plan import is_answered

_KPI_FIELDS = ("key", "name", "unit", "kind", "nature", "baseline", "targets", "actuals", "pillar")
_KEEP = ("lg_code", "lg_name", "guide_id", "title", "period", "pillars", "publication_url", "contact")


def digest(data: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {k: data.get(k) for k in _KEEP if k in data}
    out["answers"] = {k: True for k, v in (data.get("answers") or {}).items() if is_answered(v)}
    out["measures"] = [{"key": m.get("key"), "pillar": m.get("pillar")} for m in data.get("measures") or ()]
    out["kpis"] = [{f: k.get(f) for f in _KPI_FIELDS if f in k} for k in data.get("kpis") or ()]
    out["digest"] = 1
    return out
