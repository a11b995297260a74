"""Review fixes in the app: planner text never reaches another browser as Markdown (no remote
image, no HTML), messages are escaped once, the download is named after the exported version,
and a deleted plan does not crash a save."""

from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest
from ui_support import by_label, open_app

from plan_builder.auth.actor import Actor
from plan_builder.guide import Guide
from plan_builder.plan import format_fiscal_year
from plan_builder.review.workflow import ReviewService
from plan_builder.samples import sample_plan
from plan_builder.service import PlanService
from plan_builder.store import Store
from plan_builder.ui.render import md_escape

pytestmark = pytest.mark.usefixtures("app_env")

IMG = "![x](http://evil.example/x.png)"
HTML = "<img src=http://evil.example>"
UNIT = "![](http://evil.example/u)"
PAGES = "plan_builder/ui/pages/{}.py"
_UNESCAPED = re.compile(r"(?<!\\)!(?<!\\)\[|(?<!\\)\]\((?:http|//)|(?<!\\)<img")


def _hostile_plan(store: Store, guide: Guide, *, lg_code: str = "033227", lg_name: str = "矢巾町") -> int:
    plan = sample_plan(guide, lg_code=lg_code, lg_name=lg_name, n_measures=4, n_kpis=3)
    kpis = [k.model_copy(update={"name": f"{k.name}{IMG}{HTML}", "unit": UNIT}) for k in plan.kpis]
    measures = [m.model_copy(update={"name": f"{m.name}{IMG}{HTML}"}) for m in plan.measures]
    if kpis and not any(kpis[0].key in m.kpi_keys for m in measures):
        measures[0] = measures[0].model_copy(update={"kpi_keys": [*measures[0].kpi_keys, kpis[0].key]})
    plan = plan.model_copy(update={"title": f"計画{IMG}{HTML}", "kpis": kpis, "measures": measures})
    return PlanService(store, Actor.local()).create(plan).id


def _rendered(at: AppTest) -> list[str]:
    """Every string the page hands to Streamlit's Markdown renderer (bodies, labels, tooltips)."""
    out: list[str] = []
    for kind in ("markdown", "caption", "title", "header", "subheader", "error", "warning", "info",
                 "success", "toast", "expander", "tabs"):  # fmt: skip
        for e in at.get(kind):
            for attr in ("value", "label"):  # body text, or the label of an expander/tab
                v = getattr(e, attr, None)
                if isinstance(v, str):
                    out.append(v)
    for b in at.get("button"):
        out += [b.label, b.proto.help]
    return out


def _assert_escaped(at: AppTest) -> None:
    assert not at.exception, at.exception
    shown = _rendered(at)
    bad = [s for s in shown if _UNESCAPED.search(s)]
    assert not bad, bad
    joined = "\n".join(shown)
    assert md_escape(IMG) in joined  # the planner's text is there, shown literally


def test_home_escapes_title_in_caption_list_and_tooltip(store: Store, guide: Guide) -> None:
    pid = _hostile_plan(store, guide)
    at = open_app(pid, None)
    _assert_escaped(at)
    assert any(md_escape(IMG) in (b.proto.help or "") for b in at.button)  # the 開く tooltip


def test_wizard_header_caption_is_escaped(store: Store, guide: Guide) -> None:
    pid = _hostile_plan(store, guide)
    _assert_escaped(open_app(pid, PAGES.format("wizard")))


def test_kpi_page_escapes_linked_measures_and_error_messages(store: Store, guide: Guide) -> None:
    pid = _hostile_plan(store, guide)
    at = open_app(pid, PAGES.format("kpis"))
    _assert_escaped(at)
    baseline = next(t for t in at.text_input if t.label == "現状値")
    baseline.input(IMG).run()  # refused; the message quotes what was typed
    assert at.error, "a text baseline must be refused"
    _assert_escaped(at)


def test_flash_is_escaped_exactly_once(store: Store, guide: Guide) -> None:
    pid = _hostile_plan(store, guide)
    at = open_app(None, None)
    next(b for b in at.button if b.key == f"dup:{pid}").click().run()
    assert not at.exception, at.exception
    [ok] = [s.value for s in at.success]
    assert md_escape(f"計画{IMG}{HTML}") in ok and "\\\\" not in ok


def _review_page(name: str) -> None:
    from plan_builder.ui import review_pages

    getattr(review_pages, name)()


def test_review_queue_detail_and_kpi_benchmark_are_escaped(store: Store, guide: Guide, db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the page tests run once, on SQLite")
    ids = [_hostile_plan(store, guide), _hostile_plan(store, guide, lg_code="032018", lg_name="盛岡市")]
    for pid in ids:
        ReviewService(store, Actor.local()).submit(pid)
    at = AppTest.from_function(_review_page, args=("queue_page",), default_timeout=30).run()
    _assert_escaped(at)
    assert any(md_escape(IMG) in s.value for s in at.subheader)
    at = AppTest.from_function(_review_page, args=("kpi_page",), default_timeout=30).run()
    assert not at.exception, at.exception
    assert not [s for s in _rendered(at) if _UNESCAPED.search(s)]
    assert at.get("plotly_chart")  # the benchmark was drawn from the hostile KPIs


def test_export_download_is_named_after_the_exported_version(store: Store, guide: Guide) -> None:
    from plan_builder.ui.pages.export import download_name

    plan = sample_plan(guide)
    name = download_name(plan, 3, "docx")
    assert name.endswith("_v3.docx") and "/" not in name
    svc = PlanService(store, Actor.local())
    pid = svc.create(plan).id
    assert name == svc.download_name(pid, "docx").replace("_v1.", "_v3.")  # same form as the service


def test_export_page_offers_the_version_it_built(store: Store, guide: Guide) -> None:
    pytest.importorskip("plan_builder.export")
    from plan_builder.ui.pages.export import RESULT

    svc = PlanService(store, Actor.local())
    pid = svc.create(sample_plan(guide)).id
    at = open_app(pid, PAGES.format("export"))
    cur = svc.get(pid)  # another tab saves version 2 while this one still shows version 1
    svc.save(pid, cur.plan.model_copy(update={"title": "別のタブで変えた名称"}), expected_version=cur.version)
    next(b for b in at.button if b.label == "計画ファイルを作成").click().run()
    assert not at.exception, at.exception
    res = at.session_state[RESULT]
    assert res["name"].endswith("_v1.json") and "別のタブ" not in res["name"]
    assert "別のタブで変えた名称" not in res["data"].decode("utf-8")


def test_save_of_a_deleted_plan_shows_a_message(store: Store, guide: Guide, monkeypatch) -> None:
    from plan_builder.errors import NotFoundError
    from plan_builder.ui import state

    pid = PlanService(store, Actor.local()).create(sample_plan(guide)).id
    at = open_app(pid, PAGES.format("kpis"))

    def gone(self, *a, **k):
        raise NotFoundError("計画が見つかりません")

    monkeypatch.setattr(PlanService, "save", gone)
    monkeypatch.setattr(PlanService, "current_version", gone)
    next(t for t in at.text_input if t.label == "単位").input("件数").run()
    assert not at.exception, at.exception
    assert any(state.NOT_FOUND_MESSAGE in w.value for w in at.warning)


def test_kpi_baseline_date_is_typed_in_either_calendar(store: Store, guide: Guide) -> None:
    """現状値の基準日 is a text field (no calendar over the target table): 和暦 is saved as a
    date; unreadable text gets a Japanese message naming the field, and the saved date stays."""
    from datetime import date

    plan = sample_plan(guide, n_measures=1, n_kpis=1)
    kpi = plan.kpis[0]
    kpi = kpi.model_copy(update={"baseline": kpi.baseline.model_copy(update={"as_of": None})})
    pid = PlanService(store, Actor.local()).create(plan.model_copy(update={"kpis": [kpi]})).id
    at = open_app(pid, PAGES.format("kpis"))
    lines = [c.value for c in at.caption]
    # the 和暦 line is there before any date (the walk-through: once it appeared, it moved the
    # target table down under the user's click)
    assert "和暦：基準日を入力すると表示します" in lines
    field = by_label(at.text_input, "現状値の基準日")
    field.input("令和6年3月31日").run()
    assert store.get_plan(pid).plan.kpis[0].baseline.as_of == date(2024, 3, 31)
    assert len(at.caption) == len(lines) and "令和6年3月31日" in [c.value for c in at.caption]
    by_label(at.text_input, "現状値の基準日").input("3月末").run()
    assert not at.exception
    assert any("現状値の基準日" in e.value and "2024/03/31" in e.value for e in at.error)
    assert store.get_plan(pid).plan.kpis[0].baseline.as_of == date(2024, 3, 31)
    assert by_label(at.text_input, "現状値の基準日").value == "3月末"  # the typed text stays


def test_kpi_targets_and_actuals_are_plain_fields_per_year(store: Store, guide: Guide) -> None:
    """Issue 9, sequence 2: each year's 目標値 and 実績値 is its own field (the canvas table dropped
    the first keys typed after a click). Each saves alone; a bad value gets a message naming the
    year and column, and keeps the typed text; other years are untouched."""
    plan = sample_plan(guide, n_measures=1, n_kpis=1)
    pid = PlanService(store, Actor.local()).create(plan).id
    before = plan.kpis[0]
    first, second = sorted(plan.period.years)[:2]
    label = f"{format_fiscal_year(first)}の目標値"
    at = open_app(pid, PAGES.format("kpis"))
    by_label(at.text_input, label).input("4321").run()
    by_label(at.text_input, f"{format_fiscal_year(second)}の実績値").input("12.5").run()
    stored = store.get_plan(pid).plan.kpis[0]
    assert stored.targets[first] == 4321 and stored.actuals[second] == 12.5
    assert {fy: v for fy, v in stored.targets.items() if fy != first} == {
        fy: v for fy, v in before.targets.items() if fy != first
    }
    by_label(at.text_input, label).input("たくさん").run()
    assert not at.exception
    assert any(f"の目標値（{format_fiscal_year(first)}）は数値で" in e.value for e in at.error)
    assert by_label(at.text_input, label).value == "たくさん"  # the typed text stays
    assert store.get_plan(pid).plan.kpis[0].targets[first] == 4321
    by_label(at.text_input, label).input("").run()  # emptied: the year has no target any more
    assert first not in store.get_plan(pid).plan.kpis[0].targets
