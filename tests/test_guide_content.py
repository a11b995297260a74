"""The shipped guide content (手引 2017, rev. 2019, both variants) and loader errors on broken files."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from plan_builder.guide import GuideLoadError, QuestionType, Requirement, load_guide, load_guides
from plan_builder.guide.loader import default_guide_dir
from plan_builder.guide.model import Guide, PillarVisibility

GUIDE_DIR = default_guide_dir()
BROKEN = Path(__file__).parent / "fixtures" / "broken_guides"
VARIANTS = {"kanmin-2019-municipality": "municipality", "kanmin-2019-prefecture": "prefecture"}
EDITION = "令和元年10月改訂版"

CHAPTERS = [
    ("current", "現状及び課題"),
    ("purpose", "目的"),
    ("positioning", "位置付け"),
    ("structure", "推進体制"),
    ("policy", "施策の基本的な方針"),
    ("measures", "個別施策"),
    ("security", "セキュリティ及び個人情報の適正な取扱いの確保"),
]

# Keys other modules depend on: they must exist, with these types, in both variants.
STABLE_KEYS: dict[str, QuestionType] = {
    "current.overview": QuestionType.LONG_TEXT,
    "current.issues": QuestionType.LONG_TEXT,
    "current.initiatives": QuestionType.LONG_TEXT,
    "current.data_status": QuestionType.LONG_TEXT,
    "purpose.goals": QuestionType.MULTI_CHOICE,
    "purpose.statement": QuestionType.LONG_TEXT,
    "positioning.title": QuestionType.SHORT_TEXT,
    "positioning.basis": QuestionType.LONG_TEXT,
    "positioning.related_plans": QuestionType.LONG_TEXT,
    "positioning.period": QuestionType.PLAN_PERIOD,
    "positioning.review": QuestionType.SHORT_TEXT,
    "structure.organization": QuestionType.LONG_TEXT,
    "structure.cio": QuestionType.SHORT_TEXT,
    "structure.pdca": QuestionType.LONG_TEXT,
    "structure.ordinance": QuestionType.SINGLE_CHOICE,
    "structure.publication_url": QuestionType.URL,
    "structure.contact_department": QuestionType.SHORT_TEXT,
    "structure.contact_phone": QuestionType.SHORT_TEXT,
    "structure.contact_email": QuestionType.SHORT_TEXT,
    "policy.pillars": QuestionType.PILLARS,
    "policy.overall": QuestionType.LONG_TEXT,
    "policy.online": QuestionType.LONG_TEXT,
    "policy.open_data": QuestionType.LONG_TEXT,
    "policy.my_number": QuestionType.LONG_TEXT,
    "policy.digital_divide": QuestionType.LONG_TEXT,
    "policy.systems": QuestionType.LONG_TEXT,
    "measures.list": QuestionType.MEASURES,
    "measures.kpis": QuestionType.KPIS,
    "measures.open_data_sets": QuestionType.CHECKLIST,
    "security.cybersecurity": QuestionType.LONG_TEXT,
    "security.personal_info": QuestionType.LONG_TEXT,
    "security.service_design": QuestionType.CHECKLIST,
}
VARIANT_ONLY = {
    "municipality": {"positioning.prefecture_plan"},
    "prefecture": {"structure.municipal_support"},
}

REQUIRED = {
    "current.overview",
    "current.issues",
    "purpose.goals",
    "purpose.statement",
    "positioning.title",
    "positioning.basis",
    "positioning.period",
    "structure.publication_url",
    "structure.contact_department",
    "policy.pillars",
    "measures.list",
    "measures.kpis",
    "security.cybersecurity",
    "security.personal_info",
}
RECOMMENDED = {
    "current.initiatives",
    "positioning.related_plans",
    "positioning.review",
    "structure.organization",
    "structure.pdca",
    "structure.contact_phone",
    "policy.online",
    "policy.open_data",
    "policy.my_number",
    "policy.digital_divide",
    "policy.systems",
    "measures.open_data_sets",
}
OPTIONAL = {
    "current.data_status",
    "structure.cio",
    "structure.ordinance",
    "structure.contact_email",
    "security.service_design",
}
BOUND_FIELDS = {
    "positioning.title": "title",
    "structure.publication_url": "publication_url",
    "structure.contact_department": "contact.department",
    "structure.contact_phone": "contact.phone",
    "structure.contact_email": "contact.email",
}
TEXT_TYPES = {QuestionType.SHORT_TEXT, QuestionType.LONG_TEXT}


@pytest.fixture(scope="module")
def guides() -> dict[str, Guide]:
    return load_guides(GUIDE_DIR)


@pytest.fixture(scope="module", params=sorted(VARIANTS))
def shipped(request: pytest.FixtureRequest, guides: dict[str, Guide]) -> Guide:
    return guides[request.param]


# --- the shipped guides ---------------------------------------------------------------------


def test_both_variants_load(guides: dict[str, Guide]) -> None:
    assert set(VARIANTS) <= set(guides)
    for guide_id, variant in VARIANTS.items():
        g = guides[guide_id]
        assert g.variant == variant
        assert g.edition == EDITION
        assert g.date == date(2019, 10, 11)
        assert g.templates == "kanmin-2019"
    assert guides["kanmin-2019-municipality"].title == "市町村官民データ活用推進計画策定の手引"
    assert guides["kanmin-2019-prefecture"].title == "都道府県官民データ活用推進計画策定の手引"


def test_each_file_loads_on_its_own() -> None:
    for guide_id in VARIANTS:
        assert load_guide(GUIDE_DIR / f"{guide_id}.yaml").id == guide_id


def test_seven_chapters_in_order(shipped: Guide) -> None:
    assert [(c.key, c.title) for c in shipped.chapters] == CHAPTERS
    assert [c.number for c in shipped.chapters] == list(range(1, 8))


def test_pillar_visibility(shipped: Guide) -> None:
    by_article = {p.article: p.visibility for p in shipped.pillars}
    assert by_article == {
        10: PillarVisibility.CORE,
        11: PillarVisibility.CORE,
        13: PillarVisibility.CORE,
        14: PillarVisibility.CORE,
        15: PillarVisibility.CORE,
        12: PillarVisibility.EXTRA,
        17: PillarVisibility.EXTRA,
        18: PillarVisibility.EXTRA,
        19: PillarVisibility.EXTRA,
        16: PillarVisibility.HIDDEN,
    }
    keys = {p.article: p.key for p in shipped.pillars}
    assert keys == {
        10: "online",
        11: "open_data",
        13: "my_number",
        14: "digital_divide",
        15: "systems",
        12: "data_use",
        17: "human_resources",
        18: "education",
        19: "consistency",
        16: "research",
    }
    assert shipped.pillar("online").short_name == "オンライン化原則"
    assert shipped.pillar("open_data").name == "官民データの容易な利用等に係る取組"
    assert "research" not in {p.key for p in shipped.pillars_shown({"research", "human_resources"})}
    assert "human_resources" in {p.key for p in shipped.pillars_shown({"human_resources"})}


def test_pillars_are_shared_between_variants(guides: dict[str, Guide]) -> None:
    m, p = (guides[g] for g in sorted(VARIANTS))
    assert m.pillars == p.pillars
    assert m.references == p.references


def test_policy_text_questions_match_core_pillars(shipped: Guide) -> None:
    core = {p.key for p in shipped.pillars if p.visibility is PillarVisibility.CORE}
    policy_text = {
        q.key.split(".", 1)[1]
        for q in shipped.chapter("policy").questions
        if q.key not in ("policy.pillars", "policy.overall")
    }
    assert policy_text == core


def test_stable_keys_and_types(shipped: Guide) -> None:
    types = {q.key: q.type for q in shipped.questions()}
    assert {k: types.get(k) for k in STABLE_KEYS} == STABLE_KEYS
    assert set(types) == set(STABLE_KEYS) | VARIANT_ONLY[shipped.variant]


def test_question_keys_unique(shipped: Guide) -> None:
    keys = [q.key for q in shipped.questions()]
    assert len(keys) == len(set(keys))
    for chapter in shipped.chapters:
        assert all(q.key.startswith(chapter.key + ".") for q in chapter.questions)


def test_required_levels(shipped: Guide) -> None:
    for key in REQUIRED:
        assert shipped.question(key).required is Requirement.REQUIRED, key
    for key in RECOMMENDED:
        assert shipped.question(key).required is Requirement.RECOMMENDED, key
    for key in OPTIONAL:
        assert shipped.question(key).required is Requirement.OPTIONAL, key


def test_bases_cite_the_law_where_it_applies(guides: dict[str, Guide]) -> None:
    for g in (guides[k] for k in VARIANTS):  # the 官民データ guides; the DX guide has its own test
        assert "第9条第4項" in g.question("structure.publication_url").basis
        assert "第9条第4項" in g.question("structure.contact_department").basis
        assert "3年、5年" in g.question("positioning.period").basis
        assert "達成の時期" in g.question("measures.list").basis
    assert "第9条第3項" in guides["kanmin-2019-municipality"].question("positioning.basis").basis
    assert "第9条第1項" in guides["kanmin-2019-prefecture"].question("positioning.basis").basis


def test_bound_fields(shipped: Guide) -> None:
    bound = {q.key: q.field for q in shipped.questions() if q.field}
    assert bound == BOUND_FIELDS


def test_every_question_has_guidance_examples_and_citation(shipped: Guide) -> None:
    for q in shipped.questions():
        assert q.guidance.strip(), q.key
        assert q.citation.edition == EDITION, q.key
        assert q.citation.part.startswith(("Ⅰ", "Ⅱ")), q.key
        assert q.citation.chapter, q.key
        if q.type in TEXT_TYPES:
            assert q.examples and all(e.strip() for e in q.examples), q.key
    for c in shipped.chapters:
        assert c.citation.part.startswith("Ⅱ") and c.citation.chapter.startswith(f"{c.number} "), c.key


def test_recommended_and_required_questions_state_a_basis(shipped: Guide) -> None:
    for q in shipped.questions():
        if q.required is not Requirement.OPTIONAL:
            assert q.basis.strip(), q.key


def test_examples_are_templates_of_the_plans_own_body(guides: dict[str, Guide]) -> None:
    """記載例 name no body: placeholders stand where the fictional みどり町 / あおば県 stood."""

    def texts(g: Guide) -> str:
        return "\n".join(e for q in g.questions() for e in q.examples)

    muni, pref = texts(guides["kanmin-2019-municipality"]), texts(guides["kanmin-2019-prefecture"])
    for text in (muni, pref):
        assert "{団体名}" in text and "{本団体}" in text and "{団体}" in text
        assert "みどり" not in text and "あおば" not in text and "○○" not in text
        assert "本町" not in text and "本県" not in text and "町民" not in text and "県民" not in text
    assert "{都道府県名}" in muni and "町内" not in muni


def test_chapter_intros_speak_of_no_particular_kind_of_body(guides: dict[str, Guide]) -> None:
    for g in guides.values():
        for ch in g.chapters:
            assert "町の" not in ch.intro and "県の現状" not in ch.intro, (g.id, ch.key)


def test_examples_fill_for_the_fictional_bodies_as_before(guides: dict[str, Guide]) -> None:
    from plan_builder.plan.locality import example_locality

    for g in guides.values():
        filled = "\n".join(example_locality(g.variant).fill(e) for q in g.questions() for e in q.examples)
        assert "{" not in filled and "}" not in filled
        if g.variant == "municipality":
            assert "みどり町" in filled and "本町" in filled and "あおば県" in filled
        else:
            assert "あおば県" in filled and "本県" in filled and "みどり" not in filled


def test_example_lengths_fit_the_question(shipped: Guide) -> None:
    for q in shipped.questions():
        for e in q.examples:
            if q.max_length:  # filled with a long name (a placeholder is never longer than 10)
                assert len(e) + 10 * e.count("{") <= q.max_length, q.key
            if q.min_length:
                assert len(e) >= q.min_length, q.key


def test_purpose_goal_and_ordinance_options(shipped: Guide) -> None:
    goals = shipped.options_for(shipped.question("purpose.goals"))
    assert [o.value for o in goals] == ["reduce_burden", "local_issues", "convenience", "ebpm"]
    assert goals[0].label == "事務負担の軽減"
    ordinance = shipped.options_for(shipped.question("structure.ordinance"))
    assert [(o.value, o.label) for o in ordinance] == [
        ("exists", "制定済み"),
        ("planned", "制定を検討"),
        ("none", "制定しない"),
    ]


def test_open_data_sets_reference(shipped: Guide) -> None:
    ref = shipped.reference("open_data_sets")
    numbers = [i.number for i in ref.items]
    expected = [f"{n:02d}" for n in [*range(1, 18), *range(22, 32)]]
    assert numbers == expected
    assert [i.value for i in ref.items] == [f"ods{n}" for n in expected]
    assert ref.items[2].label == "指定緊急避難場所一覧"
    assert "18〜21" in ref.note
    assert ref.source.strip()
    options = shipped.options_for(shipped.question("measures.open_data_sets"))
    assert options[0].value == "ods01" and options[0].label == "01 公共施設一覧"


def test_service_design_principles_reference(shipped: Guide) -> None:
    ref = shipped.reference("service_design_principles")
    assert [i.value for i in ref.items] == [f"sd{n:02d}" for n in range(1, 13)]
    assert [i.number for i in ref.items] == [f"第{n}条" for n in range(1, 13)]
    assert ref.items[0].label == "利用者のニーズから出発する"
    assert ref.items[11].label == "システムではなくサービスを作る"
    assert all(i.description.startswith("（本ツールによる説明）") for i in ref.items)


def test_national_measures_reference(shipped: Guide) -> None:
    """Only the verified 自治体DX推進計画 priority items, and the list says it is not the 手引's Ⅲ."""
    ref = shipped.reference("national_measures")
    assert [i.label for i in ref.items] == [
        "自治体フロントヤード改革の推進",
        "自治体の情報システムの標準化・共通化",
        "公金収納におけるeLTAXの活用",
        "マイナンバーカードの普及促進・利用の推進",
        "セキュリティ対策の徹底",
        "自治体のAI・RPAの利用推進",
        "テレワークの推進",
        "行政手続のオンライン化",
    ]
    assert "自治体デジタル・トランスフォーメーション（DX）推進計画" in ref.source
    assert "「Ⅲ 国の施策一覧」ではありません" in ref.note
    pillar_names = {p.short_name for p in shipped.pillars}
    for item in ref.items:
        assert item.description.startswith("（本ツールによる説明）"), item.label
        named = item.description.rsplit("関連する柱：", 1)[1].rstrip("。")
        assert named in pillar_names, (item.label, named)


# --- broken guide files ---------------------------------------------------------------------

BROKEN_CASES = [
    ("missing_label.yaml", "chapters[0].questions[1].label", "必須のキーがありません"),
    ("bad_key.yaml", "chapters[0].questions[0].key", "使えない文字"),
    ("unknown_field.yaml", "chapters[0].questions[0].placehlder", "想定されていないキー"),
    ("unknown_type.yaml", "chapters[0].questions[0].type", "long_text"),
    ("choice_without_options.yaml", "chapters[0].questions[0]", "options"),
    ("required_without_basis.yaml", "chapters[0].questions[0]", "basis"),
    ("duplicate_question_keys.yaml", "", "chapters[0].questions[1].key"),
    ("unknown_reference.yaml", "", "chapters[0].questions[0].options_from"),
    ("duplicate_yaml_key.yaml", "25行目", "キー「label」が重複しています（22行目にもあります）"),
    ("syntax_error.yaml", "12行目", "YAML として読めません"),
    ("include_outside.yaml", "pillars", "$include"),
    (
        "unknown_placeholder.yaml",
        "chapters[0].questions[0]",
        "設問 current.overview の記載例2に使えない差し込み（{町名}）",
    ),
]


@pytest.mark.parametrize(("name", "key_path", "fragment"), BROKEN_CASES)
def test_broken_guide_names_file_and_key_path(name: str, key_path: str, fragment: str) -> None:
    file = BROKEN / name
    with pytest.raises(GuideLoadError) as info:
        load_guide(file)
    err = info.value
    assert err.file == file
    assert err.key_path == key_path
    assert name in str(err)
    if key_path:
        assert f"の {key_path}: " in str(err)
    assert fragment in str(err)


def test_every_broken_fixture_is_covered() -> None:
    assert {p.name for p in BROKEN.glob("*.yaml")} == {name for name, _, _ in BROKEN_CASES}


def test_duplicate_question_key_names_the_key() -> None:
    with pytest.raises(GuideLoadError, match=r"設問キーが重複しています: current\.issues"):
        load_guide(BROKEN / "duplicate_question_keys.yaml")


def test_load_guides_is_all_or_nothing() -> None:
    with pytest.raises(GuideLoadError):
        load_guides(BROKEN)


def test_missing_include_names_the_included_file(tmp_path: Path) -> None:
    text = (BROKEN / "missing_label.yaml").read_text(encoding="utf-8")
    head, _, _ = text.partition("pillars:")
    _, _, tail = text.partition("chapters:")
    (tmp_path / "g.yaml").write_text(
        head + 'pillars: {"$include": "reference/nothing.yaml"}\nchapters:' + tail, encoding="utf-8"
    )
    with pytest.raises(GuideLoadError, match="ファイルが見つかりません") as info:
        load_guide(tmp_path / "g.yaml")
    assert info.value.file.name == "nothing.yaml"
