"""KPI benchmarking: KPIs of the same kind across plans, as distributions and per 1,000 residents.

Plans name their KPIs freely, so KPIs are matched to a kind by rules on the normalised name
(NFKC, without brackets and spaces). A KPI no rule knows is grouped with KPIs of the same
normalised name. Only counts (件, 人, 回, 施設 …) are also shown per 1,000 residents, using the
population of `local_government` (data/local_governments.csv); shares (%), rates, hours, money
and any unit not known to be a count are compared as they are, with their unit.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, NamedTuple

from plan_builder.plan import kpi_rows
from plan_builder.review.snapshots import (
    BAND_LABELS,
    LG_HEADER,
    LG_TYPE_LABELS,
    Snapshot,
    band_label,
    lg_cells,
)


@dataclass(frozen=True)
class KindRule:
    tag: str
    label: str
    match: Callable[[str], bool]


def _has(*words: str) -> Callable[[str], bool]:
    return lambda n: all(w in n for w in words)


def _any(*preds: Callable[[str], bool]) -> Callable[[str], bool]:
    return lambda n: any(p(n) for p in preds)


# Order matters: the first rule that matches wins.
KIND_RULES: list[KindRule] = [
    KindRule(
        "online_rate", "オンライン利用率", _any(_has("オンライン", "利用率"), _has("オンライン", "利用割合"))
    ),
    KindRule("online_procedures", "オンライン化した手続の数", _any(_has("オンライン", "手続", "数"))),
    KindRule(
        "open_data_views",
        "オープンデータの閲覧・ダウンロード数",
        _any(
            _has("オープンデータ", "閲覧"), _has("カタログ", "閲覧"), _has("オープンデータ", "ダウンロード")
        ),
    ),
    KindRule("recommended_datasets", "推奨データセットの公開数", _has("推奨データセット")),
    KindRule(
        "open_data_count",
        "オープンデータ公開件数",
        _any(_has("オープンデータ", "数"), _has("データセット", "数"), _has("オープンデータ", "件")),
    ),
    KindRule(
        "my_number_rate",
        "マイナンバーカード保有率",
        _any(
            _has("マイナンバーカード", "保有率"),
            _has("マイナンバーカード", "交付率"),
            _has("マイナンバーカード", "取得率"),
        ),
    ),
    KindRule("convenience_store", "コンビニ交付の割合", _has("コンビニ")),
    KindRule("cashless", "キャッシュレス決済の導入数", _has("キャッシュレス")),
    KindRule(
        "smartphone_class",
        "スマートフォン教室の参加者数",
        _any(_has("スマートフォン", "参加"), _has("スマホ", "参加")),
    ),
    KindRule("digital_consultation", "デジタル相談の件数", _has("相談", "件数")),
    KindRule("public_wifi", "公衆無線LANの整備率", _any(_has("無線LAN"), _has("WI-FI"), _has("WIFI"))),
    KindRule(
        "standard_systems",
        "標準準拠・共同利用システムへ移行した業務の数",
        _any(_has("標準準拠システム"), _has("共同利用システム")),
    ),
    KindRule("rpa_hours", "RPAによる削減時間", _has("RPA")),
    KindRule("paperless", "紙資料の削減率", _has("紙", "削減")),
]
RULE_LABELS = {r.tag: r.label for r in KIND_RULES}

_BRACKETS = re.compile(r"[（(【\[［][^）)】\]］]*[）)】\]］]")
_SPACES = re.compile(r"\s+")


def normalise_name(name: str) -> str:
    n = unicodedata.normalize("NFKC", name or "").upper()
    n = _BRACKETS.sub("", n)
    return _SPACES.sub("", n).strip("・、。")


@lru_cache(maxsize=4096)
def kind_of(name: str) -> str:
    """The kind tag of a KPI name (cached: across 1,741 plans the same names recur)."""
    n = normalise_name(name)
    for rule in KIND_RULES:
        if rule.match(n):
            return rule.tag
    return f"name:{n}"


def kind_label(tag: str) -> str:
    return RULE_LABELS.get(tag) or tag.removeprefix("name:")


VALUE_KINDS = {"final_target": "最終目標値", "baseline": "現状値", "latest_actual": "直近の実績値"}
GROUPINGS = {"type": "団体区分", "band": "人口規模"}


class KpiPoint(NamedTuple):
    """One KPI of one plan (a NamedTuple: a benchmark of 5,000 plans makes ~35,000 of them, and
    a frozen dataclass took four times as long to build)."""

    plan_id: int
    lg_code: str
    lg_name: str
    prefecture: str
    lg_type: str
    band: str | None
    population: int | None
    kpi_key: str
    kpi_name: str
    unit: str
    baseline: float | None
    final_target: float | None
    latest_actual: float | None

    @property
    def type_label(self) -> str:
        return LG_TYPE_LABELS.get(self.lg_type, self.lg_type)

    def value(self, which: str) -> float | None:
        return getattr(self, which)

    def per_1000(self, which: str) -> float | None:
        """Per 1,000 residents, for counts only (None for %, rates and other units)."""
        v = self.value(which)
        if v is None or not self.population or not is_count_unit(self.unit):
            return None
        return v / self.population * 1000


@dataclass(frozen=True)
class GroupStat:
    group: str
    label: str
    n: int
    min: float
    q1: float
    median: float
    q3: float
    max: float
    mean: float


@dataclass(frozen=True)
class KpiBenchmark:
    tag: str
    label: str
    unit: str
    value_kind: str
    per_capita: bool  # values are per 1,000 residents
    points: list[KpiPoint]
    values: list[float]  # aligned with points
    groups: list[GroupStat]
    other_units: int  # KPIs of this kind left out because their unit differs
    group_by: str = "type"

    def group_of(self, p: KpiPoint) -> str:
        return p.lg_type if self.group_by == "type" else (p.band or "unknown")

    def header(self) -> list[str]:
        v = VALUE_KINDS[self.value_kind]
        unit = f"（{self.unit}）" if self.unit else ""
        return [
            *LG_HEADER, "人口規模", "人口",
            "KPI番号", "指標名", "単位", f"{v}{unit}", f"{v}（人口千人当たり{self.unit}）",
        ]  # fmt: skip

    def legend(self) -> list[tuple[str, str]]:
        """Terms of the export, for its 凡例 sheet."""
        v = VALUE_KINDS[self.value_kind]
        return [
            ("KPIの種類", self.label),
            ("単位", self.unit or "（なし）"),
            (v, "計画に記載された値（単位は「単位」列）"),
            (
                f"{v}（人口千人当たり{self.unit}）",
                "件数・人数などの数を人口千人当たりに換算した値。割合（%）や率は換算せず空欄"
                if not self.per_capita
                else "数を人口千人当たりに換算した値（人口は住民基本台帳、令和4年1月1日現在）",
            ),
        ]

    def records(self) -> list[list[Any]]:
        return [
            [
                *lg_cells(p),
                band_label(p.band),
                p.population,
                p.kpi_key,
                p.kpi_name,
                p.unit,
                p.value(self.value_kind),
                p.per_1000(self.value_kind),
            ]
            for p in self.points
        ]


# Units that count things: only these are divided by population.
COUNT_UNITS = frozenset(
    [
        "件",
        "人",
        "回",
        "個",
        "箇所",
        "か所",
        "カ所",
        "ヶ所",
        "ケ所",
        "台",
        "校",
        "施設",
        "団体",
        "手続",
        "業務",
        "種類",
        "種",
        "本",
        "社",
        "者",
        "事業者",
        "データセット",
        "セット",
        "冊",
        "枚",
        "戸",
        "世帯",
        "店",
        "店舗",
        "名",
        "組",
        "機関",
        "地区",
        "人日",
        "アクセス",
        "ダウンロード",
        "PV",
        "件数",
        "人数",
        "回数",
        "手続数",
        "業務数",
    ]
)


@lru_cache(maxsize=1024)
def is_count_unit(unit: str | None) -> bool:
    """Whether a KPI's unit counts things (件, 人, 回 …), so a per-resident figure means something."""
    return normalise_unit(unit) in COUNT_UNITS


@lru_cache(maxsize=1024)
def normalise_unit(unit: str | None) -> str:
    """One spelling per unit (NFKC: full-width ％ and ｋｍ are % and km; no spaces), so that KPIs
    typed either way land in one bucket and shares are never divided by population."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", unit or ""))


def kpi_index(snapshots: list[Snapshot]) -> dict[str, list[KpiPoint]]:
    """KPIs by kind, one per plan and kind (the first one the plan lists).

    Reads each snapshot's stored KPI rows (content="kpis"), or makes them from its JSON."""
    out: dict[str, list[KpiPoint]] = {}
    for s in snapshots:
        seen: set[str] = set()
        band = s.band  # once per plan, not per KPI
        rows = s.data.get("kpi_rows")
        for key, name, unit, nature, baseline, final, latest in kpi_rows(s.data) if rows is None else rows:
            if nature != "quantitative":
                continue
            tag = kind_of(name)
            if tag in seen:
                continue
            seen.add(tag)
            point = KpiPoint(
                s.plan_id, s.lg_code, s.lg_name, s.prefecture, s.lg_type, band, s.population,
                key, name, normalise_unit(unit), baseline, final, latest,
            )  # fmt: skip
            out.setdefault(tag, []).append(point)
    return out


def kinds(index: dict[str, list[KpiPoint]], *, min_plans: int = 1) -> list[tuple[str, str, int]]:
    """(tag, label, number of plans), rule-matched kinds first, then by frequency."""
    rows = [(t, kind_label(t), len(p)) for t, p in index.items() if len(p) >= min_plans]
    return sorted(rows, key=lambda r: (r[0].startswith("name:"), -r[2], r[1]))


def _stat(group: str, label: str, xs: list[float]) -> GroupStat:
    xs = sorted(xs)
    if len(xs) >= 2:
        q1, med, q3 = statistics.quantiles(xs, n=4, method="inclusive")
    else:
        q1 = med = q3 = xs[0]
    return GroupStat(group, label, len(xs), xs[0], q1, med, q3, xs[-1], statistics.fmean(xs))


def benchmark(
    index: dict[str, list[KpiPoint]],
    tag: str,
    *,
    value_kind: str = "final_target",
    group_by: str = "type",
    per_capita: bool | None = None,
) -> KpiBenchmark:
    """Distribution of one kind of KPI, by 団体区分 or 人口規模.

    `per_capita=None` divides counts by population (per 1,000 residents) and leaves shares (%),
    rates and other units as they are; `per_capita=True` is ignored for a unit that is not a count.
    """
    if value_kind not in VALUE_KINDS:
        raise ValueError(f"値の種類「{value_kind}」は選べません（{'、'.join(VALUE_KINDS.values())}）")
    if group_by not in GROUPINGS:
        raise ValueError(f"集計の単位「{group_by}」は選べません（{'、'.join(GROUPINGS.values())}）")
    points = index.get(tag, [])
    units = Counter(p.unit for p in points)  # already normalised by kpi_index
    unit = units.most_common(1)[0][0] if units else ""
    same = [p for p in points if p.unit == unit]
    per_capita = is_count_unit(unit) and per_capita is not False
    kept: list[KpiPoint] = []
    values: list[float] = []
    by_group: dict[str, list[float]] = {}
    for p in same:  # one pass, plain attribute reads: this runs for every point of every kind
        v = getattr(p, value_kind)
        if v is None or (per_capita and not p.population):
            continue
        if per_capita:
            v = v / p.population * 1000  # the unit is a count (see KpiPoint.per_1000)
        kept.append(p)
        values.append(v)
        by_group.setdefault(p.lg_type if group_by == "type" else (p.band or "unknown"), []).append(v)
    order = list(LG_TYPE_LABELS) if group_by == "type" else [*BAND_LABELS, "unknown"]
    labels = LG_TYPE_LABELS if group_by == "type" else {**BAND_LABELS, "unknown": "人口不明"}
    groups = [_stat(g, labels.get(g, g), by_group[g]) for g in sorted(by_group, key=order.index)]
    return KpiBenchmark(
        tag,
        kind_label(tag),
        unit,
        value_kind,
        per_capita,
        kept,
        values,
        groups,
        len(points) - len(same),
        group_by,
    )
