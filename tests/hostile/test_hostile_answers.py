"""Hostile text typed into answers: stored as plain data, never markup, never code, never SQL.

Control and XML-invalid characters are removed on input (they would break the .docx); HTML and
script stay text and come out escaped; Jinja syntax is printed literally; SQL-looking text is just
text. Enormous numbers and impossible years are refused with a Japanese message, and nothing
already saved changes.
"""

from __future__ import annotations

import ast
import importlib
import zipfile
from pathlib import Path

import pytest
from conftest import JAPANESE, fingerprint
from hostile_cases import ANSWER_CASES, ANSWER_EXPECT_REMOVED
from pydantic import ValidationError

from plan_builder.auth.users import LoginError, authenticate
from plan_builder.export.context import build_context
from plan_builder.export.text import render_template
from plan_builder.guide import Guide
from plan_builder.plan.model import Kpi, Plan, PlanPeriod
from plan_builder.service import PlanService
from plan_builder.store.db import PROJECT_ROOT

QUESTION = "current.overview"


def _with_answer(plan: Plan, text: str) -> Plan:
    data = plan.model_dump()
    data["answers"][QUESTION] = text
    data["title"] = ("計画" + text)[:200]
    return Plan.model_validate(data)


@pytest.mark.parametrize("case", sorted(ANSWER_CASES))
def test_hostile_answer_stored_as_plain_text(svc: PlanService, saved, case: str) -> None:
    text = ANSWER_CASES[case]
    stored = svc.save(saved.id, _with_answer(saved.plan, text), expected_version=saved.version)
    again = svc.get(saved.id).plan
    expected = ANSWER_EXPECT_REMOVED.get(case, text)
    assert again.answers[QUESTION] == expected
    assert again == stored.plan
    assert svc.store.list_plans()  # the tables are still there and readable
    assert len(svc.revisions(saved.id)) == 2


@pytest.mark.parametrize("case", sorted(ANSWER_CASES))
def test_hostile_answer_rendered_literally_by_templates(saved, guide: Guide, case: str) -> None:
    text = ANSWER_EXPECT_REMOVED.get(case, ANSWER_CASES[case])
    plan = _with_answer(saved.plan, ANSWER_CASES[case])
    template_dir = PROJECT_ROOT / "guide_templates" / "templates" / (guide.templates or "kanmin-2019")
    xml = render_template(template_dir, build_context(plan, guide))
    from markupsafe import escape

    assert str(escape(text)) in xml  # inserted as escaped text ...
    if "<" in text:
        assert text not in xml  # ... so no element was added
    if "{{" in text or "{%" in text:
        assert "繰り返し繰り返し" not in xml and "[<class" not in xml


def _export_plan():
    try:
        return importlib.import_module("plan_builder.export").export_plan
    except (ImportError, AttributeError):
        return None


@pytest.mark.skipif(_export_plan() is None, reason="plan_builder.export.export_plan not written yet")
@pytest.mark.parametrize("fmt", ["docx", "html", "md"])
def test_hostile_answers_survive_export(
    svc: PlanService, saved, tmp_path: Path, fmt: str, monkeypatch
) -> None:
    monkeypatch.setenv("PLAN_BUILDER_NO_CHARTS", "1")
    data = saved.plan.model_dump()
    keys = [q for q in data["answers"] if isinstance(data["answers"][q], str)][: len(ANSWER_CASES)]
    for key, case in zip(keys, sorted(ANSWER_CASES), strict=False):
        data["answers"][key] = ANSWER_CASES[case]
    plan = Plan.model_validate(data)
    stored = svc.save(saved.id, plan, expected_version=saved.version)
    out = tmp_path / f"plan.{fmt}"
    svc.export(stored.id, fmt, out)
    if fmt == "docx":
        import docx

        doc = docx.Document(str(out))  # opens: no invalid XML reached the file
        body = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
            c.text for t in doc.tables for r in t.rows for c in r.cells
        )
        assert "{{ 7*7 }}" in body and "<script>alert('x')</script>" in body
        with zipfile.ZipFile(out) as zf:
            xml = zf.read("word/document.xml").decode("utf-8")
        assert "<script>" not in xml and "\x00" not in xml
    else:
        text = out.read_text(encoding="utf-8")
        assert ("{{ 7*7 }}" if fmt == "html" else "{{ 7\\*7 }}") in text  # Markdown escapes the *
        if fmt == "md":
            assert "\\<script\\>" in text and "](javascript:" not in text.replace("\\]", "")
        if fmt == "html":
            assert "<script>alert" not in text and "&lt;script&gt;" in text
            assert 'onerror="alert(1)"' not in text


@pytest.mark.parametrize(
    ("build", "field"),
    [
        (lambda: Kpi(key="K01", name="指標", targets={2026: 1e300}), "目標値"),
        (lambda: Kpi(key="K01", name="指標", targets={2026: "9" * 30}), "目標値"),
        (lambda: Kpi(key="K01", name="指標", baseline={"value": -1e16}), "現状値"),
        (lambda: Kpi(key="K01", name="指標", actuals={2025: float("nan")}), "実績値"),
        (lambda: Kpi(key="K01", name="指標", targets={-2026: 1}), "2026"),
        (lambda: PlanPeriod(start_fy=-1, end_fy=2028), "1900"),
        (lambda: PlanPeriod(start_fy=2024, end_fy=10**12), "2200"),
        (lambda: PlanPeriod(start_fy=2028, end_fy=2024), "前です"),
    ],
    ids=[
        "target-1e300",
        "target-30-digits",
        "baseline-negative-huge",
        "actual-nan",
        "negative-year-key",
        "period-negative",
        "period-huge",
        "period-reversed",
    ],
)
def test_enormous_numbers_and_bad_years_refused(svc: PlanService, saved, build, field: str) -> None:
    before = fingerprint(svc.store)
    with pytest.raises(ValidationError) as exc:
        build()
    from plan_builder.plan.validation import describe_validation_error

    model = {"Kpi": Kpi, "PlanPeriod": PlanPeriod}[exc.value.title]
    message = describe_validation_error(exc.value, model)
    assert JAPANESE.search(message) and field in message, message
    assert fingerprint(svc.store) == before


def test_save_of_unvalidated_enormous_number_refused(svc: PlanService, saved) -> None:
    """A caller that bypasses validation (model_construct) still cannot store it."""
    before = fingerprint(svc.store)
    kpi = saved.plan.kpis[0].model_copy(update={"targets": {2026: 1e300}})
    plan = saved.plan.model_copy(update={"kpis": [kpi, *saved.plan.kpis[1:]]})
    with pytest.raises(ValidationError):
        svc.save(saved.id, plan, expected_version=saved.version)
    assert fingerprint(svc.store) == before


@pytest.mark.parametrize(
    "needle", ["' OR '1'='1", "%", "_", "矢巾'; DROP TABLE local_government; --", "\\", "\x00"]
)
def test_sql_looking_search_is_just_text(svc: PlanService, needle: str) -> None:
    found = svc.store.search_local_governments(needle)  # on PostgreSQL a NUL used to raise DataError
    literal = needle.replace("\x00", "")
    if literal.strip("%_\\"):
        assert found == []  # no name contains these characters: nothing is matched by accident
    assert svc.store.local_government("033227").name == "矢巾町"


@pytest.mark.parametrize("username", ["admin' --", "' OR 1=1 --", "a\x00b", "x" * 10_000])
def test_sql_looking_login_is_refused(svc: PlanService, username: str, monkeypatch) -> None:
    from plan_builder.auth import users

    monkeypatch.setattr(users, "FAILURE_DELAY_SECONDS", 0.0)
    with pytest.raises(LoginError, match="正しくありません"):
        authenticate(svc.store, username, "' OR '1'='1")


# --- user text never reaches Streamlit as HTML --------------------------------------------------

UI_FILES = sorted([*(PROJECT_ROOT / "plan_builder" / "ui").rglob("*.py"), PROJECT_ROOT / "app.py"])


def _html_calls(tree: ast.AST):
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
        unsafe = any(
            k.arg == "unsafe_allow_html"
            and not (isinstance(k.value, ast.Constant) and k.value.value is False)
            for k in node.keywords
        )
        if unsafe or name == "html":
            yield node


def _constant_names(tree: ast.Module) -> set[str]:
    names = set()
    for node in tree.body:
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
        ):
            names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    return names


@pytest.mark.parametrize("path", [p for p in UI_FILES if p.exists()], ids=lambda p: p.name)
def test_html_in_ui_only_from_constants(path: Path) -> None:
    """Every st.html / unsafe_allow_html call passes a literal or a module-level constant string."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    constants = _constant_names(tree)
    for call in _html_calls(tree):
        arg = call.args[0] if call.args else None
        ok = (isinstance(arg, ast.Constant) and isinstance(arg.value, str)) or (
            isinstance(arg, ast.Name) and arg.id in constants
        )
        assert ok, f"{path.name}:{call.lineno}: HTML built from a non-constant value"


def test_html_check_catches_user_text() -> None:
    """The checker itself: an f-string with a variable must be flagged."""
    tree = ast.parse("import streamlit as st\nst.markdown(f'<b>{answer}</b>', unsafe_allow_html=True)\n")
    calls = list(_html_calls(tree))
    assert len(calls) == 1 and not isinstance(calls[0].args[0], ast.Constant)


def test_docx_xml_stays_valid_with_hostile_answers(saved, guide: Guide) -> None:
    """The rendered document XML parses (defusedxml) even with every hostile answer in it."""
    from defusedxml import ElementTree

    data = saved.plan.model_dump()
    for i, (_case, text) in enumerate(sorted(ANSWER_CASES.items())):
        data["answers"][f"current.x{i}"] = text
        data["answers"][QUESTION] = text
    plan = Plan.model_validate(data)
    template_dir = PROJECT_ROOT / "guide_templates" / "templates" / (guide.templates or "kanmin-2019")
    ElementTree.fromstring(render_template(template_dir, build_context(plan, guide)))
