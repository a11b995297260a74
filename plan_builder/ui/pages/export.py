"""Export: build the document in each format with a progress bar, then offer the download.

Word and PDF may use an organisation's own styled .docx (「組織の様式」), uploaded here; it is
checked by plan_builder.uploads before python-docx opens it.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from plan_builder.errors import PlanBuilderError
from plan_builder.export import charts
from plan_builder.service import download_name  # of the exported version, not the latest
from plan_builder.ui import common, progress, state, uploads_ui
from plan_builder.ui.render import md_escape

FORMATS = {
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF", "application/pdf"),
    "html": ("HTML", "text/html"),
    "md": ("テキスト", "text/markdown"),
    "json": ("計画ファイル", "application/json"),
}
RESULT = "pb_export_result"
STYLED = ("docx", "pdf")  # the formats that take a reference .docx
_REF_CHECKED = "pb_reference_checked"  # file_id -> validator message (None when accepted)


@dataclass(frozen=True)
class Reference:
    """An accepted upload of 「組織の様式」: its upload id, the name to show, and its bytes."""

    file_id: str
    name: str
    data: bytes = field(repr=False)


def _reference_upload() -> tuple[Reference | None, bool]:
    """(accepted reference or None, whether a refused file is in the uploader)."""
    up = st.file_uploader(
        "組織の様式（Word文書）",
        type=["docx"],
        key="export_reference",
        help="Word・PDFの見出しや本文の書式を、組織で使っているWord文書に合わせます。"
        "指定しないときは手引の標準の様式を使います。",
    )
    if up is None:
        st.caption("Word・PDFは手引の標準の様式で作成します。")
        return None, False
    checked: dict = st.session_state.setdefault(_REF_CHECKED, {})
    if up.file_id not in checked:
        checked[up.file_id] = uploads_ui.check_reference(up.name, up.getvalue())
    problem = checked[up.file_id]
    if problem:
        st.error(
            f"この様式は使えません：{md_escape(problem)}  \n"
            "Word・PDFを作成するには、このファイルを取り除くか、別のファイルを選んでください。",
            icon=":material/error:",
        )
        return None, True
    st.caption(f"Word・PDFは「{md_escape(up.name)}」の様式で作成します。")
    return Reference(up.file_id, up.name, up.getvalue()), False


def _build(op, fmt: str, ref: Reference | None) -> None:
    bar = st.progress(0.0, text="出力を準備しています…")

    def cb(fraction: float, message: str = "") -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message or "出力しています…")

    with tempfile.TemporaryDirectory(prefix="pb-export-") as tmp:
        out = Path(tmp) / f"plan.{fmt}"
        options = {}
        if ref is not None and fmt in STYLED:
            try:  # checked again right before use, and written under a fixed name
                options["reference_docx"] = uploads_ui.write_reference(ref.name, ref.data, Path(tmp))
            except PlanBuilderError as exc:
                bar.empty()
                st.error(f"この様式は使えません：{md_escape(exc)}")
                return
        try:
            # Through the service: the read is authorized again and the export is audited.
            result = state.service().export(op.id, fmt, out, version=op.version, progress=cb, **options)
        except Exception as exc:  # shown to the user; the plan itself is untouched
            bar.empty()
            st.error(f"{FORMATS[fmt][0]}の出力に失敗しました：{md_escape(exc)}")
            return
        path = Path(result.path)
        data = path.read_bytes()
    bar.progress(1.0, text="完了しました")
    st.session_state[RESULT] = {
        "key": (op.id, op.version, fmt),
        "fmt": fmt,
        "data": data,
        "name": download_name(op.plan, op.version, path.suffix.lstrip(".") or fmt),
        "warnings": list(result.warnings),
        "charts": getattr(result, "charts_rendered", None),
        "ref": ref.file_id if ref is not None and fmt in STYLED else None,
    }


def render() -> None:
    op = common.require_plan()
    if op is None:
        return
    common.header(op, "出力")
    charts.prewarm()  # start Chromium now, so the first export does not wait for it
    rep = progress.report(op)
    if rep.has_blocking:
        st.warning(
            f"必須の項目に未記入などの指摘が {rep.count('error')} 件あります（「点検」で確認できます）。下書きとして出力はできます。"
        )
    st.caption(
        "Word・PDF・HTML・テキスト（.md）は計画書です。計画ファイル（.json）は、この計画を他の端末に移したり保管したりするためのデータで、「ホーム」で取り込めます。"
    )
    ref, refused = _reference_upload()
    row = st.container(horizontal=True)  # wraps on a narrow screen: no label is cut (1024 px)
    chosen = None
    for fmt, (label, _) in FORMATS.items():
        blocked = refused and fmt in STYLED
        if row.button(f"{label}を作成", key=f"export:{fmt}", disabled=blocked):
            chosen = fmt
    if chosen:
        _build(op, chosen, ref)
    res = st.session_state.get(RESULT)
    ref_now = ref.file_id if ref is not None else None
    if res and res["fmt"] in STYLED and res.get("ref") != ref_now and res["key"][:2] == (op.id, op.version):
        st.caption("様式の指定が変わったため、もう一度作成してください。")
    elif res and res["key"][:2] == (op.id, op.version):
        label, mime = FORMATS[res["fmt"]]
        st.success(f"{label}を作成しました。")
        for w in res["warnings"]:
            st.warning(md_escape(w))  # may name styles from an uploaded .docx
        st.download_button(
            f"{label}をダウンロード",
            res["data"],
            file_name=res["name"],
            mime=mime,
            key="download",
            type="primary",
        )
    elif res:
        st.caption("計画が更新されたため、もう一度作成してください。")


if __name__ == "__main__":
    render()
