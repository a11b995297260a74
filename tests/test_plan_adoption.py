"""策定年月 and 改定履歴: the edit the wizard makes (plan.adoption) and the form on the
「位置付け」 chapter (AppTest), with refused input leaving the saved plan as it was."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ui_support import by_label, open_app, texts

from plan_builder.auth.actor import Actor
from plan_builder.checks import check_plan
from plan_builder.creation import new_plan
from plan_builder.exchange import export_json, parse_plan_json
from plan_builder.guide import Guide, get_guide
from plan_builder.plan.adoption import set_adoption
from plan_builder.plan.edit import EditError
from plan_builder.plan.model import SCHEMA_VERSION, Plan
from plan_builder.plan.text import clean_text
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store

GUIDE = get_guide("kanmin-2019-municipality")


def test_adoption_and_history_are_set_in_date_order():
    plan = sample_plan(GUIDE)
    new = set_adoption(
        plan,
        date(2019, 5, 1),
        [
            {"on": "2023-03-24", "note": "見直し"},
            {"on": date(2021, 3, 1), "note": "一部改定"},
            {"on": None, "note": ""},
        ],
    )
    assert new.adopted_on == date(2019, 5, 1)
    assert [(r.on, r.note) for r in new.history] == [
        (date(2021, 3, 1), "一部改定"),
        (date(2023, 3, 24), "見直し"),
    ]
    assert new.revisions == new.history
    assert plan.adopted_on == date(2020, 3, 27)  # the plan passed in is unchanged


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([{"on": None, "note": "見直し"}], "1行目（見直し）に改定日"),
        ([{"on": "2022-01-01", "note": " "}], "改定内容を入力"),
        ([{"on": "2010-01-01", "note": "古い"}], "策定年月（令和2年3月27日）より前"),
        ([{"on": "令和4年", "note": "x"}], "日付「令和4年」を読み取れません"),
    ],
)
def test_bad_rows_are_refused_naming_the_row(rows, message):
    with pytest.raises(EditError, match=message):
        set_adoption(sample_plan(GUIDE), date(2020, 3, 27), rows)


@given(note=st.text(min_size=1, max_size=80).filter(lambda s: clean_text(s).strip()))
def test_any_note_round_trips_through_the_exchange_file(note: str):
    plan = set_adoption(
        sample_plan(GUIDE, n_measures=1, n_kpis=1), "2020-03-27", [{"on": "2022-03-25", "note": note}]
    )
    again = parse_plan_json(export_json(plan))
    assert again.adopted_on == plan.adopted_on and again.history == plan.history
    assert plan.history[0].note == clean_text(note).strip()


def test_a_version_1_file_still_imports_and_gains_its_adoption_date():
    plan = sample_plan(GUIDE)
    data = plan.model_dump(mode="json")
    del data["adopted_on"]
    data["schema_version"] = 1
    import json

    old = parse_plan_json(json.dumps(data, ensure_ascii=False))
    assert old.schema_version == SCHEMA_VERSION and old.adopted_on == plan.history[0].on


def test_check_warns_when_adoption_is_missing():
    plan = sample_plan(GUIDE).model_copy(update={"adopted_on": None})
    found = [f for f in check_plan(plan, GUIDE).findings if "策定年月" in f.message]
    assert found and found[0].severity == "warning"
    assert not [f for f in check_plan(sample_plan(GUIDE), GUIDE).findings if "策定年月" in f.message]


@pytest.mark.usefixtures("app_env")
def test_wizard_saves_the_adoption_date(store: Store, guide: Guide) -> None:
    lg = store.local_government("033227")
    plan_id = PlanService(store, Actor.local()).create(new_plan(lg, guide)).id
    at = open_app(plan_id, "plan_builder/ui/pages/wizard.py")
    at.radio[0].set_value("positioning").run()
    assert "策定年月と改定履歴" in texts(at)
    by_label(at.date_input, "策定日（表紙には年月を印刷します）").set_value(date(2021, 3, 26))
    at.button[[b.label for b in at.button].index("策定年月と改定履歴を保存")].click().run()
    assert not at.exception, at.exception
    stored: Plan = store.get_plan(plan_id).plan
    assert stored.adopted_on == date(2021, 3, 26)
    assert "令和3年3月策定" in texts(at)
