"""Generate reference.docx, the styled Word document the plan export is built from.

Run from the repository root:  .venv/bin/python guide_templates/templates/kanmin-2019/make_reference_docx.py

The styles themselves are defined in plan_builder/export/styles.py (A4, margins, 明朝 body and
ゴシック headings with w:eastAsia set, captions, table text, TOC levels). An organisation that
wants its own look can copy reference.docx, restyle it in Word (keeping the style names), and
pass it to the export as its reference document.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))

from docx import Document  # noqa: E402

from plan_builder.export.styles import apply_house_style  # noqa: E402


def main(out: Path = HERE / "reference.docx") -> Path:
    doc = Document()
    apply_house_style(doc)
    props = doc.core_properties
    props.title = "官民データ活用推進計画（参照スタイル）"
    props.author = "plan_builder"
    props.comments = "plan_builder の文書出力が使うスタイル定義です。スタイル名を変えずに書式を変更できます。"
    fixed = datetime(2019, 10, 11, tzinfo=UTC)  # reproducible output
    props.created = props.modified = fixed
    props.last_modified_by = "plan_builder"
    props.revision = 1
    doc.save(out)
    return out


if __name__ == "__main__":
    path = main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE / "reference.docx")
    print(f"{path} ({path.stat().st_size:,} bytes)")
