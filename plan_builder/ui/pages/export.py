"""Export: build the document in each format with a progress bar, then offer the download."""

from __future__ import annotations

import tempfile
from pathlib import Path

import streamlit as st

from plan_builder.export import charts
from plan_builder.ui import common, progress, state

FORMATS = {
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "pdf": ("PDF", "application/pdf"),
    "html": ("HTML", "text/html"),
    "md": ("Markdown", "text/markdown"),
    "json": ("JSON", "application/json"),
}
RESULT = "pb_export_result"


def _build(op, fmt: str) -> None:
    bar = st.progress(0.0, text="出力を準備しています…")

    def cb(fraction: float, message: str = "") -> None:
        bar.progress(min(max(float(fraction), 0.0), 1.0), text=message or "出力しています…")

    with tempfile.TemporaryDirectory(prefix="pb-export-") as tmp:
        out = Path(tmp) / f"plan.{fmt}"
        try:
            # Through the service: the read is authorized again and the export is audited.
            result = state.service().export(op.id, fmt, out, version=op.version, progress=cb)
        except Exception as exc:  # shown to the user; the plan itself is untouched
            bar.empty()
            st.error(f"{FORMATS[fmt][0]}の出力に失敗しました：{exc}")
            return
        path = Path(result.path)
        data = path.read_bytes()
    bar.progress(1.0, text="完了しました")
    st.session_state[RESULT] = {
        "key": (op.id, op.version, fmt),
        "fmt": fmt,
        "data": data,
        "name": state.service().download_name(op.id, path.suffix.lstrip(".") or fmt),
        "warnings": list(result.warnings),
        "charts": getattr(result, "charts_rendered", None),
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
    st.caption("Word・PDF・HTML・Markdown は計画書、JSON は他の端末やツールへ受け渡すためのデータです。")
    cols = st.columns(len(FORMATS))
    chosen = None
    for col, (fmt, (label, _)) in zip(cols, FORMATS.items(), strict=True):
        if col.button(f"{label}を作成", key=f"export:{fmt}", width="stretch"):
            chosen = fmt
    if chosen:
        _build(op, chosen)
    res = st.session_state.get(RESULT)
    if res and res["key"][:2] == (op.id, op.version):
        label, mime = FORMATS[res["fmt"]]
        st.success(f"{label}を作成しました。")
        for w in res["warnings"]:
            st.warning(str(w))
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
