"""Copies of the guide's 記載例 are caught with names swapped, and near-duplicates are all found."""

from __future__ import annotations

import itertools
import random

from hypothesis import given
from hypothesis import strategies as st

from plan_builder.checks import check_plan
from plan_builder.guide import Guide
from plan_builder.plan.copying import copied_example, fictional_names_in, normalise
from plan_builder.plan.model import PlanStatus
from plan_builder.review.compare import side_by_side
from plan_builder.review.neardup import jaccard, near_duplicate_groups, shingles
from plan_builder.review.snapshots import Snapshot
from plan_builder.samples import sample_plan

EXAMPLE = (
    "本町の人口は18,214人で、10年前と比べて約1,900人減少しています。"
    "みどり町では、あおば県と連携して行政手続のオンライン化を進めます。"
)


def test_example_with_names_swapped_is_a_copy() -> None:
    swapped = EXAMPLE.replace("本町", "本市").replace("みどり町", "藤枝市").replace("あおば県", "静岡県")
    assert copied_example(swapped, [EXAMPLE], "藤枝市")
    # full-width digits, extra spaces and other punctuation change nothing
    wide = swapped.replace("18,214", "１８，２１４").replace("、", "，　")
    assert copied_example(wide, [EXAMPLE], "藤枝市")
    # a real rewrite is not a copy
    assert not copied_example(swapped.replace("オンライン化", "窓口の予約制"), [EXAMPLE], "藤枝市")


def test_every_example_answer_of_a_sample_plan_is_flagged_in_the_planners_check(guide: Guide) -> None:
    plan = sample_plan(guide, lg_code="222143", lg_name="藤枝市")
    flagged = {f.question_key for f in check_plan(plan, guide).findings if "記載例と同じ" in f.message}
    with_examples = {
        q.key for q in guide.questions() if q.examples and isinstance(plan.answers.get(q.key), str)
    }
    assert flagged and flagged == with_examples
    rewritten = plan.model_copy(
        update={
            "answers": {
                **plan.answers,
                "current.overview": "藤枝市は茶の産地として知られ、人口は約14万人です。",
            }
        }
    )
    assert "current.overview" not in {
        f.question_key for f in check_plan(rewritten, guide).findings if "記載例と同じ" in f.message
    }


def test_fictional_town_left_in_is_reported(guide: Guide) -> None:
    plan = sample_plan(guide, lg_code="222143", lg_name="藤枝市")
    text = "みどり町では窓口のオンライン化を進めています。" * 3
    plan = plan.model_copy(update={"answers": {**plan.answers, "current.issues": text}})
    assert fictional_names_in(text) == ["みどり町"]
    assert any("架空の団体名（みどり町）" in f.message for f in check_plan(plan, guide).findings)


def test_side_by_side_flags_examples_copied_by_a_city(guide: Guide) -> None:
    """The reviewer's 記載例と同一 flag: the example with 藤枝市 and 静岡県 swapped in."""
    plan = sample_plan(guide, lg_code="222143", lg_name="藤枝市")
    snap = Snapshot(1, "222143", "藤枝市", "22", "静岡県", "city", 141000, PlanStatus.SUBMITTED,
                    guide.id, False, 1, 2, None, None, None, plan.model_dump(mode="json"))  # fmt: skip
    for key in ("current.overview", "positioning.prefecture_plan", "security.cybersecurity"):
        [row] = side_by_side([snap], guide, key).rows
        assert row.example, key


@given(st.text(max_size=200), st.text(max_size=10))
def test_normalise_never_fails_and_is_idempotent_on_its_mask(text: str, name: str) -> None:
    once = normalise(text, name)
    assert normalise(once, name) == normalise(once)  # names are already masked


def _clusters(n: int = 200, seed: int = 7) -> dict[tuple[int, int], str]:
    """n clusters of 2–4 texts: a random base of ~150 characters and variants with a few
    characters replaced, so similarities within a cluster straddle 0.8."""
    rng = random.Random(seed)
    alphabet = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]
    texts = {}
    for c in range(n):
        base = [rng.choice(alphabet) for _ in range(150)]
        for m in range(rng.randint(2, 4)):
            t = list(base)
            for _ in range(rng.randint(0, 9)):
                t[rng.randrange(len(t))] = rng.choice(alphabet)
            texts[(c, m)] = "".join(t)
    return texts


def test_lsh_recall_is_complete_above_threshold() -> None:
    texts = _clusters()
    groups = near_duplicate_groups(texts, threshold=0.8)
    sh = {k: shingles(normalise(t)) for k, t in texts.items()}
    pairs = [
        (a, b) for a, b in itertools.combinations(texts, 2) if a[0] == b[0] and jaccard(sh[a], sh[b]) >= 0.8
    ]
    assert len(pairs) > 150
    missed = [(a, b) for a, b in pairs if b not in groups.get(a, [])]
    assert missed == [], f"missed {len(missed)} of {len(pairs)} pairs"
    # and nothing from different clusters is grouped
    assert all(o[0] == k[0] for k, others in groups.items() for o in others)
