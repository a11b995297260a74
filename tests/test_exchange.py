"""The JSON exchange format: round trip, the committed schema, and hostile files refused whole."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, reject, settings
from hypothesis import strategies as st

from plan_builder.auth.actor import Actor
from plan_builder.errors import PlanBuilderError
from plan_builder.exchange import (
    SCHEMA_PATH,
    PlanImportError,
    export_json,
    json_schema_text,
    parse_plan_json,
)
from plan_builder.guide import Guide
from plan_builder.plan.model import Plan, PlanStatus
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.uploads import MAX_JSON_BYTES as MAX_BYTES
from plan_builder.uploads import MAX_JSON_STRING

# --- the committed JSON Schema -----------------------------------------------------------------


def test_committed_schema_is_the_generated_one() -> None:
    assert SCHEMA_PATH.read_text(encoding="utf-8") == json_schema_text(), (
        "schema/plan.schema.json is out of date: run `bash scripts/update_schema.sh` and commit it"
    )


def test_schema_describes_the_file_and_its_version() -> None:
    schema = json.loads(json_schema_text())
    assert schema["properties"]["schema_version"]["enum"] == [1, 2, 3]
    assert schema["additionalProperties"] is False
    assert {"lg_code", "lg_name", "guide_id", "title"} <= set(schema["required"])
    kind = schema["$defs"]["Kpi"]["properties"]["kind"]
    assert kind["default"] is None and {"type": "null"} in kind["anyOf"], "指標の種類 may be left unchosen"


# --- 指標の種類 not chosen (schema version 3) ---------------------------------------------------


def test_kpi_kind_not_chosen_round_trips_as_null(guide: Guide) -> None:
    plan = sample_plan(guide, n_measures=2, n_kpis=2)
    d = json.loads(export_json(plan))
    d["kpis"][0]["kind"] = None
    back = parse_plan_json(json.dumps(d, ensure_ascii=False).encode())
    assert back.kpis[0].kind is None and back.kpis[1].kind == plan.kpis[1].kind
    assert json.loads(export_json(back))["kpis"][0]["kind"] is None


@pytest.mark.parametrize("version", [1, 2])
def test_older_files_keep_their_kpi_kind(guide: Guide, version: int) -> None:
    """Before version 3 every file carried a kind ("outcome" was the silent default): a stored
    成果指標 cannot be told from an unchosen one, so it stays 成果指標. A KPI written without the
    field (by hand or by another tool) was never chosen and loads as not chosen."""
    plan = sample_plan(guide, n_measures=2, n_kpis=2)
    d = json.loads(export_json(plan))
    d["schema_version"] = version
    d["kpis"][0]["kind"] = "outcome"
    del d["kpis"][1]["kind"]
    back = parse_plan_json(json.dumps(d, ensure_ascii=False).encode())
    assert back.schema_version == 3
    assert back.kpis[0].kind == "outcome" and back.kpis[1].kind is None


# --- round trip --------------------------------------------------------------------------------

# Hostile text: any Unicode including controls, bidi overrides, surrogate-free astral planes,
# combining marks, full-width forms, quotes and backslashes. The model cleans text; the round
# trip must give back exactly the cleaned plan.
hostile = st.text(
    alphabet=st.characters(blacklist_categories=["Cs"])
    | st.sampled_from('\x00\u202e\u0301"\\\n\r\t\ufeff　Ａ𠮷'),
    max_size=16,
)
name = st.builds(lambda a, b: a + b, st.sampled_from("計画AＡ𠮷ｶ"), hostile)  # never empty once cleaned
years = st.integers(min_value=2000, max_value=2060)
number = st.floats(min_value=-1e12, max_value=1e12, allow_nan=False, allow_infinity=False)
answer_value = st.one_of(
    st.none(), hostile, st.integers(-(10**12), 10**12), number, st.booleans(), st.lists(hostile, max_size=4)
)
answer_key = st.from_regex(r"\A[a-z][a-z0-9_]{0,8}(\.[a-z][a-z0-9_]{0,8}){0,2}\Z")


@st.composite
def kpis(draw: st.DrawFn, n: int) -> list[dict[str, Any]]:
    out = []
    for i in range(n):
        quantitative = draw(st.booleans())
        value = number if quantitative else st.one_of(number, name)
        out.append(
            {
                "key": f"K{i + 1:02d}",
                "name": draw(name),
                "unit": draw(hostile.map(lambda s: s[:30])),
                "kind": draw(st.sampled_from(["outcome", "output", None])),
                "nature": "quantitative" if quantitative else "qualitative",
                "baseline": {
                    "value": draw(st.none() | value),
                    "as_of": draw(st.none() | st.dates(date(2000, 1, 1), date(2060, 12, 31))),
                },
                "targets": draw(st.dictionaries(years, value, max_size=4)),
                "actuals": draw(st.dictionaries(years, value, max_size=3)),
                "source": draw(hostile),
                "method": draw(hostile),
                "pillar": draw(st.none() | st.sampled_from(["online", "open_data"])),
            }
        )
    return out


@st.composite
def plans(draw: st.DrawFn) -> Plan:
    n_kpis = draw(st.integers(0, 4))
    kpi_list = draw(kpis(n_kpis))
    keys = [k["key"] for k in kpi_list]
    measures = [
        {
            "key": f"M{i + 1:02d}",
            "pillar": draw(st.sampled_from(["online", "open_data", "my_number", "x"])),
            "article": draw(st.none() | st.integers(1, 99)),
            "name": draw(name),
            "summary": draw(hostile),
            "department": draw(hostile),
            "schedule": [{"fy": fy, "activity": draw(name)} for fy in draw(st.lists(years, max_size=3))],
            "kpi_keys": draw(st.lists(st.sampled_from(keys), unique=True, max_size=3)) if keys else [],
            "origin": draw(st.sampled_from(["national", "own"])),
        }
        for i in range(draw(st.integers(0, 4)))
    ]
    start = draw(st.none() | years)
    tz = draw(st.sampled_from([UTC, timezone(timedelta(hours=9)), None]))
    data = {
        "lg_code": draw(st.sampled_from(["033227", "131016", "030007"])),
        "lg_name": draw(name.map(lambda s: s[:100])),
        "guide_id": draw(st.sampled_from(["kanmin-2019-municipality", "kanmin-2019-prefecture"])),
        "guide_edition": draw(hostile),
        "title": draw(name.map(lambda s: s[:200])),
        "period": None if start is None else {"start_fy": start, "end_fy": start + draw(st.integers(0, 12))},
        "answers": draw(st.dictionaries(answer_key, answer_value, max_size=6)),
        "pillars": draw(st.lists(st.sampled_from(["online", "open_data", "systems"]), unique=True)),
        "measures": measures,
        "kpis": kpi_list,
        "publication_url": draw(st.sampled_from(["", "https://www.town.example.lg.jp/plan?x=1&y=「計画」"])),
        "contact": {"department": draw(hostile), "phone": draw(hostile.map(lambda s: s[:50]))},
        "status": draw(st.sampled_from([s.value for s in PlanStatus])),
        "history": [{"on": draw(st.dates()), "note": draw(name)}] if draw(st.booleans()) else [],
        "is_training": draw(st.booleans()),
        "created_at": draw(st.none() | st.datetimes(timezones=st.just(tz) if tz else st.none())),
    }
    try:
        return Plan.model_validate(data)
    except ValueError:
        reject()  # e.g. a text that cleaning leaves empty, or a period the model refuses


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much]
)
@given(plans())
def test_export_then_import_gives_back_an_identical_plan(plan: Plan) -> None:
    text = export_json(plan)
    back = parse_plan_json(text)
    assert back == plan
    assert back.model_dump(mode="json") == plan.model_dump(mode="json")
    assert parse_plan_json(text.encode("utf-8")) == plan
    assert export_json(back) == text


def test_round_trip_of_a_full_sample_plan(guide: Guide) -> None:
    plan = sample_plan(guide, n_measures=25, n_kpis=25)
    assert parse_plan_json(export_json(plan)) == plan


def test_a_bom_is_accepted(guide: Guide) -> None:
    plan = sample_plan(guide)
    assert parse_plan_json(b"\xef\xbb\xbf" + export_json(plan).encode()) == plan


# --- hostile files -----------------------------------------------------------------------------


def _valid(guide_plan: Plan) -> dict[str, Any]:
    return json.loads(export_json(guide_plan))


def _with(data: dict[str, Any], **changes: Any) -> bytes:
    return json.dumps({**data, **changes}, ensure_ascii=False).encode()


def hostile_files(plan: Plan) -> list[tuple[str, bytes, str]]:
    """(what, file content, a fragment the message must contain)."""
    d = _valid(plan)
    k0 = {**d["kpis"][0]}
    m0 = {**d["measures"][0]}
    return [
        ("empty file", b"", "空です"),
        ("truncated JSON", export_json(plan)[:200].encode(), "JSONの構文"),
        ("trailing comma", b'{"schema_version": 1,}', "行"),
        ("not UTF-8 (Shift_JIS)", export_json(plan).encode("cp932", errors="replace"), "UTF-8"),
        ("a list, not an object", b"[1, 2, 3]", "オブジェクト"),
        (
            "no schema_version",
            _with({k: v for k, v in d.items() if k != "schema_version"}),
            "schema_version がありません",
        ),
        ("future schema_version", _with(d, schema_version=4), "新しい版"),
        ("schema_version as text", _with(d, schema_version="1"), "schema_version は整数"),
        ("unknown top-level key", _with(d, owner="x"), "「owner」：想定されていない項目"),
        (
            "unknown key inside a KPI",
            _with(d, kpis=[{**k0, "colour": "red"}, *d["kpis"][1:]]),
            "KPI（K01）のcolour",
        ),
        ("wrong type: measures is a string", _with(d, measures="many"), "「施策」：リスト"),
        ("wrong type: period is a number", _with(d, period=2024), "「計画期間」"),
        (
            "N/A in a quantitative KPI",
            _with(d, kpis=[{**k0, "targets": {"2025": "N/A"}}, *d["kpis"][1:]]),
            "数値で入力",
        ),
        ("raw control character", export_json(plan).replace("矢巾町", "矢巾\x01町", 1).encode(), "制御文字"),
        ("escaped NUL", _with(d, title="計画\u0000"), "「計画の名称」に使えない制御文字（U+0000）"),
        (
            "bidi override",
            _with(d, measures=[{**m0, "name": "施策\u202e名"}, *d["measures"][1:]]),
            "施策（M01）の施策名",
        ),
        ("5 MB string", _with(d, title="あ" * (2 * 1024 * 1024)), "大きすぎます"),
        (
            "answer is an object",
            _with(d, answers={"current.overview": {"$ref": "x"}}),
            "「回答（current.overview）」",
        ),
        (
            "impossible year key",
            _with(d, kpis=[{**k0, "targets": {"99999": 1}}, *d["kpis"][1:]]),
            "年度「99999」",
        ),
        ("period before Meiji", _with(d, period={"start_fy": 1066, "end_fy": 1070}), "計画期間（開始年度）"),
        ("period reversed", _with(d, period={"start_fy": 2028, "end_fy": 2024}), "より前です"),
        (
            "impossible date",
            _with(d, kpis=[{**k0, "baseline": {"value": 1, "as_of": "2023-02-30"}}]),
            "基準日",
        ),
        ("bad check digit", _with(d, lg_code="033228"), "検査数字"),
        (
            "duplicate keys",
            export_json(plan).replace('"title"', '"title": "x", "title"', 1).encode(),
            "2回以上",
        ),
        (
            "NaN literal",
            export_json(plan).replace('"is_training": false', '"is_training": NaN', 1).encode(),
            "NaN",
        ),
        ("deep nesting", b'{"schema_version": 1, "answers": ' + b"[" * 5000 + b"]" * 5000 + b"}", "入れ子"),
        ("huge integer", b'{"schema_version": 1, "period": ' + b"9" * 5000 + b"}", "値"),
        ("dangling KPI link", _with(d, measures=[{**m0, "kpi_keys": ["K99"]}]), "K99"),
    ]


@pytest.fixture(scope="module")
def valid_plan(guide: Guide) -> Plan:
    return sample_plan(guide, lg_code="033227", lg_name="矢巾町", n_measures=6, n_kpis=5)


def test_there_are_at_least_15_hostile_files(valid_plan: Plan) -> None:
    assert len(hostile_files(valid_plan)) >= 15


@pytest.mark.parametrize("index", range(28))
def test_a_hostile_file_is_refused_with_a_clear_message(valid_plan: Plan, index: int) -> None:
    what, content, fragment = hostile_files(valid_plan)[index]
    with pytest.raises(PlanImportError) as exc:
        parse_plan_json(content)
    message = str(exc.value)
    assert message.startswith("計画ファイルを読み込めません。"), what
    if fragment:
        assert fragment in message, f"{what}: {message[:500]}"
    assert "Traceback" not in message and "pydantic" not in message and len(message) < 3000


def test_a_large_file_under_the_limit_is_accepted(valid_plan: Plan) -> None:
    """Close to the file size limit, with every text under the per-string limit, still imports."""
    n = (MAX_BYTES - 100_000) // MAX_JSON_STRING
    answers = {f"extra.a{i}": "a" * MAX_JSON_STRING for i in range(n)}
    big = _with(_valid(valid_plan), answers=answers)
    assert MAX_BYTES - 200_000 <= len(big) <= MAX_BYTES
    assert len(parse_plan_json(big).answers) == n


def test_a_single_enormous_answer_is_refused(valid_plan: Plan) -> None:
    big = _with(_valid(valid_plan), answers={"current.overview": "a" * (MAX_JSON_STRING + 1)})
    with pytest.raises(PlanImportError, match="長すぎます"):
        parse_plan_json(big)


def test_file_count_matches_the_parametrisation(valid_plan: Plan) -> None:
    assert len(hostile_files(valid_plan)) == 28


# --- import into the store: all or nothing -------------------------------------------------------


def _snapshot(store: Store) -> list[tuple[int, int]]:
    return [(p.id, p.version) for p in store.list_plans()]


def test_import_creates_a_new_draft(store: Store, valid_plan: Plan) -> None:
    service = PlanService(store, Actor.local())
    submitted = valid_plan.model_copy(update={"status": PlanStatus.APPROVED})
    stored = service.import_json(export_json(submitted))
    assert stored.plan.status is PlanStatus.DRAFT
    back = stored.plan.model_copy(update={"status": PlanStatus.APPROVED, "created_at": None})
    assert back == submitted
    assert _snapshot(store) == [(stored.id, 1)]


def test_every_hostile_file_leaves_the_database_unchanged(store: Store, valid_plan: Plan) -> None:
    service = PlanService(store, Actor.local())
    existing = service.import_json(export_json(valid_plan))
    before = _snapshot(store)
    d = _valid(valid_plan)
    files = [c for _, c, _ in hostile_files(valid_plan)] + [
        _with(d, lg_code="999997"),  # valid check digit, no such local government
        _with(d, lg_name="盛岡市"),  # name does not match the code
        _with(d, guide_id="no-such-guide"),
        _with(d, lg_code="030007", lg_name="岩手県"),  # a prefecture on the municipal guide
    ]
    for content in files:
        with pytest.raises(PlanBuilderError):
            service.import_json(content)
    assert _snapshot(store) == before
    assert store.get_plan(existing.id).plan == existing.plan


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"lg_code": "999997"}, "団体コード「999997」の地方公共団体が見つかりません"),
        ({"lg_name": "盛岡市"}, "一致しません"),
        ({"guide_id": "no-such-guide"}, "手引「no-such-guide」はこの環境にありません"),
        ({"lg_code": "030007", "lg_name": "岩手県"}, "都道府県版の手引"),
    ],
)
def test_import_checks_the_local_government_and_guide(
    store: Store, valid_plan: Plan, changes: dict[str, str], fragment: str
) -> None:
    with pytest.raises(PlanImportError, match=fragment):
        PlanService(store, Actor.local()).import_json(_with(_valid(valid_plan), **changes))


def test_created_at_survives_with_its_timezone(valid_plan: Plan) -> None:
    at = datetime(2024, 4, 1, 9, 30, 15, 123456, tzinfo=timezone(timedelta(hours=9)))
    plan = valid_plan.model_copy(update={"created_at": at})
    assert parse_plan_json(export_json(plan)).created_at == at
