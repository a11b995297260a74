"""Guide loading errors name the file and line, also with libyaml's parser (issue 13: the guides
are parsed on every server's first page, and the pure-Python parser took 0.2 s of it)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from plan_builder.guide import loader


def test_parsed_by_libyaml_when_pyyaml_has_it() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml")
    assert issubclass(loader._UniqueKeyLoader, yaml.CSafeLoader)


def test_a_key_given_twice_is_refused_with_both_lines(tmp_path: Path) -> None:
    f = tmp_path / "g.yaml"
    f.write_text("id: a\nname: x\nid: b\n", encoding="utf-8")
    with pytest.raises(loader.GuideLoadError) as err:
        loader.load_guide(f)
    assert "3行目" in str(err.value) and "キー「id」が重複しています（1行目にもあります）" in str(err.value)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    f = tmp_path / "g.yaml"
    f.write_text("id: a\n  name: [x\n", encoding="utf-8")
    with pytest.raises(loader.GuideLoadError, match="2行目: YAML として読めません"):
        loader.load_guide(f)


def test_only_safe_tags(tmp_path: Path) -> None:
    f = tmp_path / "g.yaml"
    f.write_text("id: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    with pytest.raises(loader.GuideLoadError, match="YAML として読めません"):
        loader.load_guide(f)
