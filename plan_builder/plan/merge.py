"""Three-way, field-level merge of plans: what two tabs (or two people) changed since a common version.

Why: a save based on an older version must not be refused when the newer revision changed other
fields, and must never overwrite the other change silently. `merge_plans(base, mine, theirs)`
takes every field changed on only one side, and reports each field changed differently on both
sides as a conflict (keeping theirs in the result, so the caller can show both texts and let the
user choose; the caller still holds `mine`).

Fields are addressed by dotted paths of the plan's JSON form: `answers.positioning.basis`,
`title`, `period`, `contact.phone`, `kpis.K01.method`, `kpis.K01.targets.2025`. Lists of items
with a `key` (measures, KPIs) merge item by item, and so does a measure's schedule, its entries
named by fiscal year (`measures.M01.schedule.2026.activity`: two tabs writing different years of
one measure both count, as its page saves each year on its own); other lists and the plan period
are one field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from plan_builder.plan.model import Plan

ATOMIC = frozenset({"period"})  # fields that only make sense as a whole
_MISSING = object()


class MergeError(ValueError):
    """The merged plan is not a valid plan (e.g. a measure links a KPI the other side deleted)."""


@dataclass(frozen=True)
class MergeResult:
    plan: Plan
    conflicts: dict[str, tuple[Any, Any]]  # path -> (mine, theirs), JSON values; _MISSING -> None


def _item_id(path: str) -> str:
    """The field naming a list's items at `path`: a measure's schedule entries by their fiscal
    year (`measures.M01.schedule`), measures and KPIs by their key."""
    parts = path.split(".")
    return "fy" if len(parts) == 3 and parts[0] == "measures" and parts[2] == "schedule" else "key"


def _keyed(value: Any, ident: str = "key") -> bool:
    return isinstance(value, list) and all(isinstance(x, dict) and ident in x for x in value)


def _merge(path: str, base: Any, mine: Any, theirs: Any, conflicts: dict[str, tuple[Any, Any]]) -> Any:
    if mine in (theirs, base):
        return theirs
    if theirs == base:
        return mine
    top = path.split(".", 1)[0] if path else ""
    if path not in ATOMIC and top not in ATOMIC:
        if all(isinstance(x, dict) or x is _MISSING for x in (base, mine, theirs)) and not (
            mine is _MISSING or theirs is _MISSING
        ):
            return _merge_dicts(path, base if isinstance(base, dict) else {}, mine, theirs, conflicts)
        ident = _item_id(path)
        if all(_keyed(x, ident) or x is _MISSING for x in (base, mine, theirs)) and not (
            mine is _MISSING or theirs is _MISSING
        ):
            return _merge_items(path, base if isinstance(base, list) else [], mine, theirs, conflicts, ident)
    conflicts[path] = (None if mine is _MISSING else mine, None if theirs is _MISSING else theirs)
    if theirs is _MISSING:  # deleted there, changed here: keep the changed value (nothing is lost)
        return mine
    return theirs


def _merge_dicts(path: str, base: dict, mine: dict, theirs: dict, conflicts: dict) -> dict:
    out: dict = {}
    for k in [*theirs, *(k for k in mine if k not in theirs)]:
        sub = f"{path}.{k}" if path else str(k)
        v = _merge(sub, base.get(k, _MISSING), mine.get(k, _MISSING), theirs.get(k, _MISSING), conflicts)
        if v is not _MISSING:
            out[k] = v
    # keys deleted on one side and unchanged on the other are gone: _merge returned _MISSING
    return out


def _merge_items(
    path: str, base: list, mine: list, theirs: list, conflicts: dict, ident: str = "key"
) -> list:
    b, m, t = ({str(x[ident]): x for x in lst} for lst in (base, mine, theirs))
    merged = _merge_dicts(path, b, m, t, conflicts)
    order = [str(x[ident]) for x in theirs] + [str(x[ident]) for x in mine if str(x[ident]) not in t]
    items = [merged[k] for k in order if k in merged]
    if ident == "fy":  # a schedule is kept in year order
        items.sort(key=lambda x: x["fy"])
    return items


def merge_plans(base: Plan, mine: Plan, theirs: Plan) -> MergeResult:
    """Merge `mine` (based on `base`) into `theirs`. Raises MergeError when the result is invalid."""
    conflicts: dict[str, tuple[Any, Any]] = {}
    data = _merge(
        "",
        base.model_dump(mode="json"),
        mine.model_dump(mode="json"),
        theirs.model_dump(mode="json"),
        conflicts,
    )
    try:
        plan = Plan.model_validate(data)
    except ValidationError as exc:
        raise MergeError(str(exc)) from exc
    return MergeResult(plan, conflicts)


def _list_id(node: list) -> str:
    """ "fy" for a measure's schedule (entries named by fiscal year), else "key"."""
    return "fy" if node and all(isinstance(x, dict) and "fy" in x and "key" not in x for x in node) else "key"


def _step(node: Any, rest: str) -> tuple[Any, str]:
    """The key of `node` (a dict, or a list of keyed items) that `rest` starts with, longest first."""
    keys = [str(x[_list_id(node)]) for x in node] if isinstance(node, list) else [str(k) for k in node]
    for k in sorted(keys, key=len, reverse=True):
        if rest == k or rest.startswith(k + "."):
            return k, rest[len(k) + 1 :]
    if isinstance(node, list):  # an item not there (a schedule year the other side removed)
        key, _, after = rest.partition(".")
        return key, after
    return rest, ""  # a key not there yet (e.g. an answer the other side removed)


def with_value(plan: Plan, path: str, value: Any) -> Plan:
    """A validated copy of `plan` with the field at `path` (as in MergeResult.conflicts) set to `value`.

    A schedule year (`measures.M01.schedule.2026`, or its `.activity`) set to None is removed;
    one the plan lacks is added."""
    data = plan.model_dump(mode="json")
    node: Any = data
    rest = path
    while True:
        key, rest = _step(node, rest)
        if isinstance(node, list):
            ident = _list_id(node)
            found = next((x for x in node if str(x[ident]) == key), None)
            year = ident == "fy" or (found is None and key.isdigit())
            if found is None and not year:
                raise MergeError(f"{path}: {key} is not in the plan")
            if year and (value is None and rest in ("", "activity")):
                if found is not None:
                    node.remove(found)
                break
            if found is None:
                found = {"fy": int(key)}
                node.append(found)
                node.sort(key=lambda x: x["fy"])
            if not rest:
                node[node.index(found)] = value
                break
            node = found
            continue
        if not rest:
            if value is None and key.count(".") and key in node:  # an answer set back to empty
                node.pop(key)
            else:
                node[key] = value
            break
        node = node[key]
    try:
        return Plan.model_validate(data)
    except ValidationError as exc:
        raise MergeError(str(exc)) from exc
