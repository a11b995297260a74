"""CLI commands for the plan's life after adoption, registered by plan_builder.cli:

  followup actuals PLAN FILE       bulk entry of actuals (.xlsx/.csv); refused rows listed, exit 1
  followup template PLAN FY --out  the bulk-entry template (.xlsx or .csv by the file name)
  followup status PLAN M01 FY 遅れ  a measure's status for a year (--comment)
  followup report PLAN FY --out    the 年次報告 (.docx or .pdf by the file name)
  next-period PLAN START END       a new draft for the next plan period (old plan untouched)
  migrate-guide PLAN GUIDE         list what moving to GUIDE changes; --yes saves it
  guide-diff OLD NEW               what changed between two guide versions
  import-word PLAN FILE            show the proposed mapping; --yes fills the answers

The caller passes `service(args)` so this package needs nothing above its layer. The heavy
modules (openpyxl, python-docx, plotly) are imported by the command that uses them, so the
CLI starts as fast as before.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plan_builder.plan import format_date, format_fiscal_year

Service = Callable[[argparse.Namespace], Any]


if TYPE_CHECKING:
    from plan_builder.guide import GuideDiff


def get_guide(guide_id: str) -> Any:
    from plan_builder.guide import get_guide as load  # lazy: registering commands stays light

    return load(guide_id)


def diff_guides(old: Any, new: Any) -> GuideDiff:
    from plan_builder.guide import diff_guides as diff

    return diff(old, new)


def _print_diff(d: GuideDiff) -> None:
    for q in d.added:
        print(f"追加\t{q.key}\t{q.label}")
    for c in d.changed:
        print(f"変更\t{c.key}\t{c.label}\t{'、'.join(c.fields)}\t{'／'.join(c.details)}")
    for q in d.removed:
        print(f"削除\t{q.key}\t{q.label}")
    if d.empty:
        print("設問に違いはありません。")


def register(sub: Any, service: Service, plan_id: Callable[[str], int]) -> None:
    def actuals(args: argparse.Namespace) -> int:
        from plan_builder.followup.bulk import import_actuals

        svc = service(args)
        stored = svc.get(args.plan_id)
        path = Path(args.file)
        result = import_actuals(stored.plan, path.name, path.read_bytes())
        for r in result.refused:
            print(f"{r.row}行目: {r.reason}")
        if result.changed:
            saved = svc.save(
                args.plan_id, result.plan, expected_version=stored.version,
                note=f"実績値の一括入力（{path.name}、{len(result.applied)}行）",
            )  # fmt: skip
            print(f"{result.summary()}（版 {saved.version}）")
        else:
            print("取り込める行がありません。計画は変更していません。")
        return 1 if result.refused else 0

    def template(args: argparse.Namespace) -> int:
        from plan_builder.followup.bulk import template_csv, template_xlsx
        from plan_builder.followup.entry import parse_fy

        plan = service(args).get(args.plan_id).plan
        fy = parse_fy(args.fy, plan)
        out = Path(args.out)
        out.write_bytes(template_xlsx(plan, fy) if out.suffix.lower() == ".xlsx" else template_csv(plan, fy))
        print(f"ひな形を {out} に書き出しました。")
        return 0

    def status(args: argparse.Namespace) -> int:
        from plan_builder.followup.entry import set_status

        svc = service(args)
        stored = svc.get(args.plan_id)
        new = set_status(stored.plan, args.measure, args.fy, args.status, args.comment)
        saved = svc.save(
            args.plan_id, new, expected_version=stored.version, note=f"施策の進捗の入力（{args.measure}）"
        )
        print(f"保存しました（版 {saved.version}）。")
        return 0

    def report(args: argparse.Namespace) -> int:
        from plan_builder.followup.entry import parse_fy
        from plan_builder.followup.report import export_report

        plan = service(args).get(args.plan_id).plan
        out = Path(args.out)
        fmt = "pdf" if out.suffix.lower() == ".pdf" else "docx"
        res = export_report(plan, get_guide(plan.guide_id), parse_fy(args.fy, plan), out, fmt=fmt)
        print(f"年次報告を {res.path} に書き出しました（グラフ {res.charts_placed}/{res.charts_total}）。")
        return 0

    def next_period(args: argparse.Namespace) -> int:
        from plan_builder.followup.carry import carry_forward
        from plan_builder.followup.entry import parse_fy

        svc = service(args)
        old = svc.get(args.plan_id)
        new, carried = carry_forward(
            old.plan, start_fy=parse_fy(args.start), end_fy=parse_fy(args.end), previous_plan_id=args.plan_id
        )
        for c in carried:
            print(
                f"{c.kpi_key}\t現状値 {c.value}（{format_date(c.as_of)}、{format_fiscal_year(c.from_fy)}の実績）"
            )
        print(svc.create(new).id)
        return 0

    def migrate(args: argparse.Namespace) -> int:
        from plan_builder.plan import migrate_plan

        svc = service(args)
        stored = svc.get(args.plan_id)
        preview = migrate_plan(stored.plan, get_guide(stored.plan.guide_id), get_guide(args.guide))
        _print_diff(preview.diff)
        for s in preview.set_aside:
            print(f"移らない回答\t{s.key}\t{s.label}\t{s.reason}")
        if not args.yes:
            print("確認のみです。移行するには --yes を付けてください。")
            return 0
        saved = svc.save(args.plan_id, preview.plan, expected_version=stored.version, note=preview.note)
        print(f"移行しました（版 {saved.version}）。移行前の版は履歴に残っています。")
        return 0

    def gdiff(args: argparse.Namespace) -> int:
        _print_diff(diff_guides(get_guide(args.old), get_guide(args.new)))
        return 0

    def word(args: argparse.Namespace) -> int:
        from plan_builder.wordimport import apply_mapping, propose_mapping, read_sections

        svc = service(args)
        stored = svc.get(args.plan_id)
        guide = get_guide(stored.plan.guide_id)
        path = Path(args.file)
        sections = read_sections(path.name, path.read_bytes())
        mapping = {p.section: p.question_key for p in propose_mapping(sections, guide)}
        for i, key in mapping.items():
            print(f"{sections[i].title}\t→\t{key or '（取り込まない）'}")
        if not args.yes:
            print("確認のみです。この対応で取り込むには --yes を付けてください。")
            return 0
        new, filled = apply_mapping(stored.plan, guide, sections, mapping, overwrite=args.overwrite)
        saved = svc.save(
            args.plan_id, new, expected_version=stored.version, note=f"Word文書からの取込（{path.name}）"
        )
        print(f"{len(filled)}件の設問に取り込みました（版 {saved.version}）。")
        return 0

    fu = sub.add_parser("followup", help="進捗管理（実績値・施策の進捗・年次報告）")
    fsub = fu.add_subparsers(dest="followup_command", required=True, metavar="操作")
    p = fsub.add_parser("actuals", help="実績値をExcel・CSVから一括入力する")
    p.add_argument("plan_id", type=plan_id)
    p.add_argument("file")
    p.set_defaults(handler=actuals)
    p = fsub.add_parser("template", help="一括入力のひな形を書き出す（.xlsx / .csv）")
    p.add_argument("plan_id", type=plan_id)
    p.add_argument("fy", help="年度（令和6年度、2024 など）")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=template)
    p = fsub.add_parser("status", help="施策の進捗状況を入力する（順調／遅れ／未着手／完了／見直し）")
    p.add_argument("plan_id", type=plan_id)
    p.add_argument("measure")
    p.add_argument("fy")
    p.add_argument("status")
    p.add_argument("--comment", default="")
    p.set_defaults(handler=status)
    p = fsub.add_parser("report", help="年次報告を書き出す（.docx / .pdf）")
    p.add_argument("plan_id", type=plan_id)
    p.add_argument("fy")
    p.add_argument("--out", required=True)
    p.set_defaults(handler=report)
    p = sub.add_parser("next-period", help="次の計画期間の計画を作成し、計画IDを表示する")
    p.add_argument("plan_id", type=plan_id)
    p.add_argument("start")
    p.add_argument("end")
    p.set_defaults(handler=next_period)
    p = sub.add_parser("migrate-guide", help="計画を別の版の手引へ移行する（--yes で保存）")
    p.add_argument("plan_id", type=plan_id)
    p.add_argument("guide")
    p.add_argument("--yes", action="store_true")
    p.set_defaults(handler=migrate)
    p = sub.add_parser("guide-diff", help="2つの手引の設問の違いを表示する")
    p.add_argument("old")
    p.add_argument("new")
    p.set_defaults(handler=gdiff)
    p = sub.add_parser("import-word", help="Word文書の見出しと本文を回答に取り込む（--yes で保存）")
    p.add_argument("plan_id", type=plan_id)
    p.add_argument("file")
    p.add_argument("--yes", action="store_true")
    p.add_argument("--overwrite", action="store_true", help="入力済みの回答も上書きする")
    p.set_defaults(handler=word)


__all__ = ["register"]
