"""The plan model: validation in Japanese naming the field, numbers that are numbers, links."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from plan_builder.plan.model import Kpi, Measure, Plan, PlanPeriod, check_digit_ok
from plan_builder.plan.text import clean_text
from plan_builder.plan.validation import describe_errors, describe_validation_error


def base(**extra: Any) -> dict[str, Any]:
    return {
        "lg_code": "033227",
        "lg_name": "矢巾町",
        "guide_id": "kanmin-2019-municipality",
        "title": "計画",
        **extra,
    }


def errors_of(data: dict[str, Any]) -> str:
    with pytest.raises(ValidationError) as exc:
        Plan.model_validate(data)
    return describe_validation_error(exc.value, Plan, data)


def test_a_minimal_plan_is_valid() -> None:
    plan = Plan.model_validate(base())
    assert plan.schema_version == 3 and plan.status.value == "draft" and plan.answers == {}


@pytest.mark.parametrize("code", ["033227", "131016", "011002", "010006"])
def test_real_codes_pass_the_check_digit(code: str) -> None:
    assert check_digit_ok(code)


@pytest.mark.parametrize("code", ["033228", "13101", "1310160", "abcdef", ""])
def test_wrong_codes_are_refused_naming_the_field(code: str) -> None:
    msg = errors_of(base(lg_code=code))
    assert "「団体コード」" in msg and "検査数字" in msg


@pytest.mark.parametrize("bad", ["N/A", "未定", "nan", "inf", "-", "約10"])
def test_na_in_a_quantitative_kpi_is_refused(bad: str) -> None:
    data = base(
        kpis=[
            {"key": "K01", "name": "利用率", "unit": "%"},
            {"key": "K02", "name": "件数", "targets": {"2025": bad}},
        ]
    )
    msg = errors_of(data)
    assert "「KPI（K02）」" in msg
    assert "数値で入力してください" in msg and bad in msg


def test_qualitative_kpis_may_hold_text() -> None:
    k = Kpi(
        key="K01",
        name="体制の整備",
        nature="qualitative",
        targets={2026: "完了"},
        baseline={"value": "未着手"},
    )
    assert k.targets == {2026: "完了"} and k.baseline.value == "未着手"


def test_numeric_strings_become_numbers_including_full_width() -> None:
    k = Kpi(key="K01", name="件数", targets={2025: "１，２００", 2026: "3.5"}, baseline={"value": "12"})
    assert k.targets == {2025: 1200.0, 2026: 3.5} and k.baseline.value == 12.0


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 1e16, True])
def test_impossible_numbers_are_refused(value: object) -> None:
    with pytest.raises(ValidationError):
        Kpi(key="K01", name="件数", targets={2025: value})


def test_period_in_the_wrong_order_is_refused_with_wareki() -> None:
    msg = errors_of(base(period={"start_fy": 2028, "end_fy": 2024}))
    assert "「計画期間」" in msg and "令和6年度" in msg and "令和10年度" in msg


def test_period_helpers() -> None:
    p = PlanPeriod(start_fy=2024, end_fy=2028)
    assert p.length == 5 and p.years == [2024, 2025, 2026, 2027, 2028]
    assert p.label() == "令和6年度〜令和10年度（5年間）"


@pytest.mark.parametrize(
    ("year", "label"), [("99999", "年度「99999」"), ("1800", "年度「1800」"), ("x", "年度「x」")]
)
def test_impossible_target_years_are_refused(year: str, label: str) -> None:
    msg = errors_of(base(kpis=[{"key": "K01", "name": "件数", "targets": {year: 1}}]))
    assert "KPI（K01）の目標値の" + label in msg


def test_unknown_keys_wrong_types_and_missing_fields_are_each_named() -> None:
    data = base(
        titel="x", status="done", measures=[{"key": "M01", "name": "施策"}], contact={"email": "no-at"}
    )
    del data["title"]
    lines = describe_errors(_error(data), Plan, data)
    text = "\n".join(lines)
    assert "「計画の名称」：入力が必要です" in text
    assert "「titel」：想定されていない項目です" in text
    assert "「状態」：次のいずれかにしてください" in text
    assert "「施策（M01）の柱」：入力が必要です" in text
    assert "「問い合わせ先のメールアドレス」：メールアドレスの形式が正しくありません" in text
    assert len(lines) == 5


def _error(data: dict[str, Any]) -> ValidationError:
    try:
        Plan.model_validate(data)
    except ValidationError as exc:
        return exc
    raise AssertionError("expected a validation error")


def test_a_union_mismatch_gives_one_line() -> None:
    msg = errors_of(base(answers={"current.overview": {"nested": 1}}))
    assert msg.count("\n") == 0
    assert "「回答（current.overview）」" in msg and "文字列" in msg


def test_links_between_measures_and_kpis_are_checked() -> None:
    msg = errors_of(base(measures=[{"key": "M01", "pillar": "online", "name": "施策", "kpi_keys": ["K09"]}]))
    assert "K09" in msg and "KPI一覧にありません" in msg
    msg = errors_of(base(kpis=[{"key": "K01", "name": "a"}, {"key": "K01", "name": "b"}]))
    assert "KPI番号が重複しています" in msg


def test_answer_keys_must_be_question_keys() -> None:
    assert "設問キーの形式ではありません" in errors_of(base(answers={"Not A Key": "x"}))


def test_publication_url_must_be_http() -> None:
    assert "公表URL" in errors_of(base(publication_url="javascript:alert(1)"))


def test_text_is_cleaned_everywhere_including_kpis_and_contacts() -> None:
    plan = Plan.model_validate(
        base(
            title="計画\x00名",
            kpis=[{"key": "K01", "name": "指標\u202e名", "unit": "\x07件"}],
            contact={"department": "総務課\x0b"},
            pillars=["online\x01"],
        )
    )
    assert plan.title == "計画名" and plan.kpis[0].name == "指標名" and plan.kpis[0].unit == "件"
    assert plan.contact.department == "総務課" and plan.pillars == ["online"]


def test_assignment_is_validated() -> None:
    m = Measure(key="M01", pillar="online", name="施策")
    with pytest.raises(ValidationError):
        m.key = "X1"


def test_next_keys_fill_gaps() -> None:
    plan = Plan.model_validate(base(kpis=[{"key": "K01", "name": "a"}, {"key": "K03", "name": "b"}]))
    assert plan.next_kpi_key() == "K02" and plan.next_measure_key() == "M01"


@given(st.text())
def test_clean_text_is_idempotent_and_leaves_no_control_characters(s: str) -> None:
    once = clean_text(s)
    assert clean_text(once) == once
    assert not any(ord(c) < 32 and c not in "\t\n" for c in once)
