"""Side by side with flags, near-duplicates, the coverage matrix and KPI benchmarking."""

from __future__ import annotations

import random

import pytest

from plan_builder.auth.actor import Actor, Role
from plan_builder.guide import Guide
from plan_builder.plan.model import PlanStatus
from plan_builder.review.compare import question_path, side_by_side
from plan_builder.review.coverage import coverage_matrix
from plan_builder.review.digests import digest
from plan_builder.review.kpi import benchmark, kind_of, kinds, kpi_index, normalise_name
from plan_builder.review.neardup import near_duplicate_groups, normalise
from plan_builder.review.snapshots import SnapshotFilter, SnapshotService, population_band
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

ADMIN = Actor("admin", Role.ADMIN)
IWATE = Actor("iwate", Role.REVIEWER, scope="03")
# 矢巾町 (town, 03), 盛岡市 (core city, 03), 札幌市 (designated city, 01), 雫石町 (town, 03)
LGS = [("033227", "矢巾町"), ("032018", "盛岡市"), ("011002", "札幌市"), ("033014", "雫石町")]
BASE = "窓口での手続は紙と対面が中心であり、平日の開庁時間に来庁できない子育て世代から改善を求める声が寄せられています。"


@pytest.fixture
def plans(store: Store, guide: Guide) -> dict[str, int]:
    """Four submitted plans with known answers to current.issues."""
    texts = {
        "033227": BASE,
        "032018": BASE.replace("寄せられています", "多く寄せられています"),  # near-duplicate
        "011002": "",  # blank
        "033014": "短い。",  # very short
    }
    ids = {}
    for i, (code, name) in enumerate(LGS):
        p = sample_plan(guide, lg_code=code, lg_name=name, seed=i + 1, n_kpis=10)
        answers = dict(p.answers)
        if texts[code]:
            answers["current.issues"] = texts[code]
        else:
            answers.pop("current.issues")
        p = p.model_copy(update={"answers": answers})
        pid = PlanService(store, ADMIN).create(p).id
        ReviewService(store, ADMIN).submit(pid)
        ids[code] = pid
    return ids


def test_side_by_side_flags(store: Store, guide: Guide, plans: dict[str, int]) -> None:
    q = guide.question("current.issues")
    snaps = SnapshotService(store, ADMIN).load(paths=[question_path(q)])
    sb = side_by_side(snaps, guide, "current.issues")
    rows = {r.lg_code: r for r in sb.rows}
    assert rows["011002"].flags == ["blank"]
    assert rows["033014"].flags == ["short"]
    assert rows["033227"].near_duplicate_of == ["盛岡市"] and rows["032018"].near_duplicate_of == ["矢巾町"]
    assert len(sb.records()) == 4 and all(len(r) == len(sb.header()) for r in sb.records())
    # the sample's overview is the guide's example with the name filled in
    ov = side_by_side(SnapshotService(store, ADMIN).load(), guide, "current.overview")
    assert all("example" in r.flags for r in ov.rows)
    with pytest.raises(ValueError, match="設問「no.such」"):
        side_by_side(snaps, guide, "no.such")


def test_snapshots_respect_scope_and_filters(store: Store, plans: dict[str, int]) -> None:
    iwate = SnapshotService(store, IWATE).load(content="none")
    assert sorted(s.lg_code for s in iwate) == ["032018", "033014", "033227"]
    towns = SnapshotService(store, ADMIN).load(SnapshotFilter(lg_types=["town"]), content="none")
    assert sorted(s.lg_code for s in towns) == ["033014", "033227"]
    big = SnapshotService(store, ADMIN).load(SnapshotFilter(bands=["ge500k"]), content="none")
    assert [s.lg_code for s in big] == ["011002"]
    assert SnapshotService(store, ADMIN).load(SnapshotFilter(statuses=[PlanStatus.APPROVED])) == []
    assert (
        population_band(9_999) == "lt10k"
        and population_band(10_000) == "10k_50k"
        and population_band(None) is None
    )


def test_frozen_content_is_what_the_views_read(store: Store, guide: Guide, plans: dict[str, int]) -> None:
    pid = plans["033227"]
    cur = PlanService(store, ADMIN).get(pid)
    answers = {**cur.plan.answers, "current.issues": "提出後に書き換えた文章"}
    PlanService(store, ADMIN).save(
        pid, cur.plan.model_copy(update={"answers": answers}), expected_version=cur.version
    )
    [s] = SnapshotService(store, ADMIN).load(SnapshotFilter(plan_ids=[pid]))
    assert s.data["answers"]["current.issues"] == BASE
    [d] = SnapshotService(store, ADMIN).load(SnapshotFilter(plan_ids=[pid]), content="digest")
    assert d.data["answers"]["current.issues"] is True


def test_near_duplicates_mask_the_municipality_name() -> None:
    a = "矢巾町では、子育て世帯の転入が続く一方で、農村部では高齢化と単身世帯の増加が進んでいます。"
    b = a.replace("矢巾町", "紫波町")
    other = (
        "本市は港湾都市として発展してきました。観光客の増加に伴い、多言語での情報発信が課題となっています。"
    )
    groups = near_duplicate_groups(
        {1: a, 2: b, 3: other, 4: ""}, names={1: "矢巾町", 2: "紫波町", 3: "釧路市"}
    )
    assert groups == {1: [2], 2: [1]}
    assert normalise("○○市は、 県の「中央」。", "") == "○○は県の中央"


def test_near_duplicates_find_light_edits_among_many() -> None:
    rng = random.Random(3)
    pool = "あいうえおかきくけこさしすせそたちつてとなにぬねの行政計画推進住民窓口手続データ公開"
    texts = {i: "".join(rng.choice(pool) for _ in range(120)) for i in range(300)}
    texts[1000] = texts[5][:60] + "一部だけ" + texts[5][60:]  # a light edit of plan 5's text
    groups = near_duplicate_groups(texts)
    assert groups == {5: [1000], 1000: [5]}


def test_coverage_matrix(store: Store, guide: Guide, plans: dict[str, int]) -> None:
    m = coverage_matrix(SnapshotService(store, ADMIN).load(content="digest"), guide)
    assert len(m.rows) == 4
    keys = [c.key for c in m.columns]
    assert keys[:5] == [f"pillar:{p.key}" for p in guide.pillars_shown()]
    assert "req:current.issues" in keys and keys[-1] == "completeness"
    by = {r.lg_code: r for r in m.rows}
    col = keys.index("req:current.issues")
    assert by["011002"].values[col] == 0.0 and by["033227"].values[col] == 1.0
    assert all(0 <= v <= 1 for r in m.rows for v in r.values)
    assert by["011002"].values[-1] < by["033227"].values[-1]  # a missing required answer costs completeness
    assert len(m.header()) == len(m.records()[0])
    # the digest gives the same matrix as the full content
    full = coverage_matrix(SnapshotService(store, ADMIN).load(), guide)
    assert [r.values for r in full.rows] == [r.values for r in m.rows]


def test_pillar_without_measures_counts_half(guide: Guide) -> None:
    from plan_builder.review.snapshots import Snapshot

    p = sample_plan(guide).model_dump(mode="json")
    p["measures"] = [m for m in p["measures"] if m["pillar"] != "online"]
    s = Snapshot(1, "033227", "矢巾町", "03", "岩手県", "town", 27000, PlanStatus.SUBMITTED, guide.id, False,
                 1, 2, None, None, None, digest(p))  # fmt: skip
    [row] = coverage_matrix([s], guide).rows
    assert row.values[0] == 0.5 and row.values[1] == 1.0


def test_kpi_kinds_from_names() -> None:
    assert normalise_name("主要手続の オンライン利用率（重点地区1）") == "主要手続のオンライン利用率"
    assert kind_of("主要手続のオンライン利用率") == "online_rate"
    assert kind_of("公開しているオープンデータセット数") == "open_data_count"
    assert kind_of("オープンデータ公開件数") == "open_data_count"
    assert kind_of("推奨データセットの公開数") == "recommended_datasets"
    assert kind_of("マイナンバーカードの保有率") == "my_number_rate"
    assert kind_of("オープンデータの年間ダウンロード数") == "open_data_views"
    assert kind_of("共同利用システムへ移行した業務の数") == "standard_systems"
    assert kind_of("ふるさと納税の件数") == "name:ふるさと納税の件数"


def test_kpi_benchmark_per_1000_residents(store: Store, plans: dict[str, int]) -> None:
    idx = kpi_index(SnapshotService(store, ADMIN).load(content="digest"))
    tags = [t for t, _, _ in kinds(idx)]
    assert "open_data_count" in tags and "online_rate" in tags
    b = benchmark(idx, "open_data_count", value_kind="baseline", group_by="type")
    assert b.per_capita and b.unit == "データセット"
    lg = {lg.code6: lg.population for lg in store.local_governments([p.lg_code for p in b.points])}
    for p, v in zip(b.points, b.values, strict=True):
        assert v == pytest.approx(p.baseline / lg[p.lg_code] * 1000)
    assert {g.group for g in b.groups} == {"town", "core_city", "designated_city"}
    town = next(g for g in b.groups if g.group == "town")
    assert town.n == 2 and town.min <= town.median <= town.max
    rate = benchmark(idx, "online_rate", group_by="band")
    assert not rate.per_capita and rate.unit == "%"
    assert rate.values == [p.final_target for p in rate.points]
    assert len(rate.records()[0]) == len(rate.header())
    with pytest.raises(ValueError, match="値の種類"):
        benchmark(idx, "online_rate", value_kind="median")


def test_percent_and_rate_kpis_are_never_divided_by_population(store: Store, plans: dict[str, int]) -> None:
    """A 29.4% share stays 29.4 in the benchmark, its export and its per-capita column."""
    from plan_builder.review.kpi import KpiPoint, is_count_unit

    idx = kpi_index(SnapshotService(store, ADMIN).load(content="digest"))
    rate = benchmark(idx, "online_rate", per_capita=True)  # asking for per capita changes nothing
    assert not rate.per_capita and rate.values == [p.final_target for p in rate.points]
    col = rate.header().index(next(h for h in rate.header() if "人口千人当たり" in h))
    assert all(r[col] is None for r in rate.records())
    assert "%" in rate.header()[col - 1]  # the value column names its unit
    for unit in ("%", "％", "割", "ポイント", "倍", "時間", "円", ""):
        assert not is_count_unit(unit), unit
    for unit in ("件", "人", "回", "施設", "データセット", "手続"):
        assert is_count_unit(unit), unit
    p = KpiPoint(1, "222143", "藤枝市", "静岡県", "city", "100k_200k", 141000, "K01", "利用率", "%",
                 29.4, 29.4, None)  # fmt: skip
    assert p.per_1000("final_target") is None
