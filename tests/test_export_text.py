"""Templates: sandboxed rendering, errors that name file and line, numbering of the tree."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from plan_builder.export import build_document, template_dir_for
from plan_builder.export.context import build_context, format_value
from plan_builder.export.text import (
    ROOT_TEMPLATE,
    TemplateError,
    circled,
    heading_text,
    parse_document,
    render_template,
)
from plan_builder.guide import Guide, get_guide
from plan_builder.samples import sample_plan


@pytest.fixture(scope="module")
def guide() -> Guide:
    return get_guide("kanmin-2019-municipality")


@pytest.fixture(scope="module")
def context(guide: Guide) -> dict:
    return build_context(sample_plan(guide), guide)


@pytest.fixture
def templates(tmp_path: Path, guide: Guide) -> Path:
    dst = tmp_path / "kanmin-2019"
    shutil.copytree(template_dir_for(guide), dst)
    return dst


def _break(templates: Path, name: str, line: int, text: str) -> None:
    path = templates / name
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.insert(line - 1, text)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_unknown_answer_key_names_file_and_line(templates: Path, context: dict):
    _break(templates, "chapters/current.xml.j2", 3, '{{ answers["current.no_such_question"] }}')
    with pytest.raises(TemplateError) as exc:
        render_template(templates, context)
    assert exc.value.template == "chapters/current.xml.j2"
    assert exc.value.line == 3
    assert "chapters/current.xml.j2 の 3 行目" in str(exc.value)


def test_syntax_error_names_file_and_line(templates: Path, context: dict):
    _break(templates, "chapters/security.xml.j2", 2, "{% if %}")
    with pytest.raises(TemplateError) as exc:
        render_template(templates, context)
    assert exc.value.template.endswith("chapters/security.xml.j2")
    assert exc.value.line == 2


def test_sandbox_blocks_internals_and_mutation(templates: Path, context: dict):
    for bad in (
        "{{ answers.__class__.__mro__ }}",
        "{{ answers.clear() }}",
        "{{ lg.__class__.__subclasses__() }}",
    ):
        (templates / ROOT_TEMPLATE).write_text(f"<document>\n<p>{bad}</p>\n</document>\n", encoding="utf-8")
        with pytest.raises(TemplateError) as exc:
            render_template(templates, context)
        assert exc.value.template == ROOT_TEMPLATE and exc.value.line == 2
    assert context["answers"]  # nothing was cleared


def test_bad_markup_from_a_template_is_reported(context: dict, tmp_path: Path):
    (tmp_path / ROOT_TEMPLATE).write_text("<document><p>開いたまま</document>", encoding="utf-8")
    with pytest.raises(TemplateError, match="正しい文書の形"):
        parse_document(render_template(tmp_path, context))
    (tmp_path / ROOT_TEMPLATE).write_text("<document><script>x</script></document>", encoding="utf-8")
    with pytest.raises(TemplateError, match="<script>"):
        parse_document(render_template(tmp_path, context))


def test_user_text_cannot_add_markup_or_be_evaluated(guide: Guide):
    plan = sample_plan(guide)
    answers = dict(plan.answers)
    answers["current.overview"] = '</p><h1>偽の章</h1><chart kind="schedule"/>{{ 7*7 }}{% raw %}'
    plan = plan.model_copy(update={"answers": answers})
    root = build_document(plan, guide)
    assert [heading_text(h) for h in root.iter("h1")].count("偽の章") == 0
    assert sum(1 for t in root.iter("table") if t.get("kind") == "schedule") == 1
    assert sum(1 for c in root.iter("chart") if c.get("kind") == "schedule") == 0
    texts = "".join(p.text or "" for p in root.iter("p"))
    assert '</p><h1>偽の章</h1><chart kind="schedule"/>{{ 7*7 }}{% raw %}' in texts


def test_headings_tables_and_figures_are_numbered(guide: Guide):
    root = build_document(sample_plan(guide), guide)
    h1 = [h.get("number") for h in root.iter("h1")]
    assert h1 == [f"第{i}章" for i in range(1, len(guide.chapters) + 1)] + [None]
    assert [c.get("number") for c in root.iter("chart")][:2] == ["図1", "図2"]
    assert [t.get("number") for t in root.iter("table") if t.get("caption")][0] == "表1"
    assert circled(1) == "①" and circled(20) == "⑳" and circled(21) == "㉑" and circled(50) == "㊿"


def test_every_guide_chapter_has_a_template_or_the_generic_one(guide: Guide, context: dict, tmp_path: Path):
    # A chapter key the templates do not know falls back to the generic chapter template.
    tdir = template_dir_for(guide)
    names = {p.stem.removesuffix(".xml") for p in (tdir / "chapters").glob("*.xml.j2")}
    assert {c.key for c in guide.chapters} <= names
    shutil.copytree(tdir, tmp_path / "t")
    (tmp_path / "t" / "chapters" / "security.xml.j2").unlink()
    root = parse_document(render_template(tmp_path / "t", context))
    titles = [heading_text(h) for h in root.iter("h1")]
    assert any("セキュリティ" in t for t in titles)
    assert any(heading_text(h).endswith("サイバーセキュリティの確保") for h in root.iter("h2"))


def test_value_formatting():
    assert format_value(30.0) == "30" and format_value(14.8) == "14.8" and format_value(1800) == "1,800"
    assert format_value(None) == "－" and format_value("定性的な目標") == "定性的な目標"
