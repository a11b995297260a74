"""Review commands of `python -m plan_builder`: submit, start-review, comment, return, approve,
status-board. Registered by plan_builder.cli, which passes how to open the store and who acts,
so the same authorization and guards apply as in the app. Heavy imports stay in the handlers."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

StoreOf = Callable[[argparse.Namespace], Any]
ActorOf = Callable[..., Any]


def _out(line: str = "") -> None:
    print(line)


def _note(line: str) -> None:
    print(line, file=sys.stderr)


def register(sub: argparse._SubParsersAction, store_of: StoreOf, actor_of: ActorOf) -> None:
    def ctx(args: argparse.Namespace) -> tuple[Any, Any]:
        store = store_of(args)
        return store, actor_of(args, store)

    def change(to: str) -> Callable[[argparse.Namespace], int]:
        def handler(args: argparse.Namespace) -> int:
            from plan_builder.plan import PlanStatus
            from plan_builder.review import GUARDED, GuardService, ReviewService

            store, actor = ctx(args)
            guard = GuardService(store, actor)
            target = PlanStatus(to)
            if target is PlanStatus.SUBMITTED and ReviewService(store, actor).submissions(args.plan_id):
                target = PlanStatus.RESUBMITTED  # `submit` after a return is the resubmission
            if target in GUARDED:
                b = guard.brief(args.plan_id, target)
                _print_brief(b)
                if not b.clear and not args.yes:
                    _note("確認が必要な項目があります。内容を確認したうえで --yes を付けて実行してください。")
                    return 1
            _, message = guard.transition(
                args.plan_id,
                target,
                note=args.note or "",
                confirmed=bool(getattr(args, "yes", False)),
            )
            _out(message)
            return 0

        return handler

    def _print_brief(b: Any) -> None:
        _out(f"{b.lg_name}：{b.summary()}")
        for place, f in b.errors:
            _out(f"  要対応　{place}：{f.message}")
        for c in b.comments:
            _out(f"  コメント　{c.place}（{c.author}）：{c.body}")
        for flag in b.flags:
            _out(f"  注意　{flag}")

    def plan_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument("plan_id", type=int, help="計画ID")
        p.add_argument("--note", help="メモ（承認で要対応の指摘が残る場合は必須）")

    for name, to, help_, guarded in (
        ("submit", "submitted", "計画を提出する（差戻し後は再提出）", True),
        ("start-review", "in_review", "提出された計画の確認を開始する", False),
        ("return", "returned", "計画を差し戻す", False),
        ("approve", "approved", "計画を承認する", True),
    ):
        p = sub.add_parser(name, help=help_)
        plan_arg(p)
        if guarded:
            p.add_argument(
                "--yes", action="store_true", help="要対応の指摘・未解決のコメントを確認済みとして進める"
            )
        p.set_defaults(handler=change(to))

    def comment(args: argparse.Namespace) -> int:
        from plan_builder.review import CommentService

        store, actor = ctx(args)
        body = Path(args.body_file).read_text(encoding="utf-8") if args.body_file else (args.body or "")
        c = CommentService(store, actor).add(
            args.plan_id, question_key=args.question, chapter_key=args.chapter, item_key=args.item, body=body
        )
        _out(f"コメントを追加しました（コメントID {c.id}）。")
        return 0

    p = sub.add_parser("comment", help="計画の設問または章にコメントを付ける")
    p.add_argument("plan_id", type=int, help="計画ID")
    p.add_argument("body", nargs="?", help="コメント")
    p.add_argument("--body-file", help="コメントをファイル（UTF-8）から読む")
    p.add_argument("--question", help="設問キー（例: current.overview）")
    p.add_argument("--chapter", help="章キー（章全体へのコメント）")
    p.add_argument("--item", help="施策・KPIの番号（例: M01）")
    p.set_defaults(handler=comment)

    def board(args: argparse.Namespace) -> int:
        from plan_builder.review import (
            SURVEY_HEADER,
            BoardFilter,
            BoardStatus,
            StatusBoardService,
            board_counts,
            survey_records,
            to_csv,
            to_xlsx,
        )

        store, actor = ctx(args)
        wanted = None
        if args.status:
            by_label = {s.label: s for s in BoardStatus} | {s.value: s for s in BoardStatus}
            unknown = [x for x in args.status if x not in by_label]
            if unknown:
                _note(
                    f"エラー: 状況「{'」「'.join(unknown)}」は選べません（{'、'.join(s.label for s in BoardStatus)}）。"
                )
                return 2
            wanted = [by_label[x] for x in args.status]
        flt = BoardFilter(
            statuses=wanted, pref_codes=[args.pref] if args.pref else None, text=args.search or ""
        )
        rows = StatusBoardService(store, actor).rows(flt)
        if args.out:
            out = Path(args.out)
            data = (
                to_xlsx(SURVEY_HEADER, survey_records(rows), sheet="策定状況")
                if out.suffix.lower() == ".xlsx"
                else to_csv(SURVEY_HEADER, survey_records(rows), bom=not args.no_bom)
            )
            out.write_bytes(data)
            _out(f"{len(rows):,}団体の策定状況を {out} に書き出しました。")
        else:
            for r in rows:
                _out(
                    f"{r.lg_code}\t{r.prefecture}\t{r.lg_name}\t{r.status.label}"
                    + ("\t期限超過" if r.overdue else "")
                )
        _out("　".join(f"{s.label} {n:,}" for s, n in board_counts(rows).items()))
        return 0

    p = sub.add_parser("status-board", help="所管の団体の策定状況を表示・書き出す（国の策定状況調査の形）")
    p.add_argument("--pref", help="都道府県コード（全国の審査担当者・管理者）")
    p.add_argument("--status", nargs="*", help="状況で絞り込む（未着手 作成中 提出済 差戻し 承認済 公表済）")
    p.add_argument("--search", help="団体名・よみ・団体コード")
    p.add_argument("--out", help="書き出すファイル（.xlsx または .csv）")
    p.add_argument("--no-bom", action="store_true", help="CSV を BOM なしの UTF-8 で書き出す")
    p.set_defaults(handler=board)
