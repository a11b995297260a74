"""`python -m plan_builder session …`: briefing sessions from the command line, beside the UI.

create, list, close, reset, export (every seat's draft as a zip of .docx), handout and delete.
The acting user is `--user NAME` (a registered trainer or admin) or, without it, this PC's local
user; TrainingService checks the role and writes the audit log, exactly as in the app.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from plan_builder.auth import Actor
from plan_builder.errors import PlanBuilderError
from plan_builder.plan import to_jst
from plan_builder.store import Store

if TYPE_CHECKING:
    from plan_builder.training.sessions import TrainingService

STARTS = ("blank", "sample")  # the keys of training.sessions.START_LABELS (a test keeps them equal)


def _service(args: argparse.Namespace) -> TrainingService:
    store = Store.open(getattr(args, "database_url", None) or None)
    username = getattr(args, "user", None)
    actor = Actor.local()
    if username:
        from plan_builder.auth import active_actor

        found = active_actor(store, username)
        if found is None:
            raise PlanBuilderError(f"利用者「{username}」は登録されていないか、停止されています")
        actor = found
    from plan_builder.training.sessions import TrainingService

    return TrainingService(store, actor)


def _status_label(status: str) -> str:
    from plan_builder.training.sessions import STATUS_LABELS

    return STATUS_LABELS[status]


def _create(args: argparse.Namespace) -> int:
    info = _service(args).create_session(args.name, args.guide, start=args.start)
    print(f"研修「{info.name}」を作成しました（研修ID {info.id}、参加コード {info.join_code}）")
    return 0


def _list(args: argparse.Namespace) -> int:
    sessions = _service(args).sessions()
    if args.json:
        rows = [
            {"id": s.id, "name": s.name, "guide_id": s.guide_id, "status": s.status, "join_code": s.join_code,
             "seats": s.seats, "created_at": to_jst(s.created_at).isoformat(), "created_by": s.created_by}
            for s in sessions
        ]  # fmt: skip
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print("研修ID\t状態\t参加コード\t席数\t作成\t研修名")
    for s in sessions:
        print(
            f"{s.id}\t{_status_label(s.status)}\t{s.join_code}\t{s.seats}\t{to_jst(s.created_at):%Y-%m-%d %H:%M}\t{s.name}"
        )
    return 0


def _close(args: argparse.Namespace) -> int:
    info = _service(args).close(args.session_id)
    print(f"研修「{info.name}」を終了しました。参加者の計画は閲覧だけができます。")
    return 0


def _reset(args: argparse.Namespace) -> int:
    svc = _service(args)
    seats = svc.seats(args.session_id)
    wanted = None
    if args.seat:
        by_number = {s.number: s.id for s in seats}
        missing = [n for n in args.seat if n not in by_number]
        if missing:
            raise PlanBuilderError(f"席番号 {missing[0]} はこの研修にありません")
        wanted = [by_number[n] for n in args.seat]
    done = svc.reset(args.session_id, wanted)
    print(f"{len(done)}席を初期状態に戻しました")
    return 0


def _export(args: argparse.Namespace) -> int:
    data = _service(args).export_zip(args.session_id, render_charts=args.charts)
    Path(args.out).write_bytes(data)
    print(f"{args.out} に書き出しました")
    return 0


def _handout(args: argparse.Namespace) -> int:
    svc = _service(args)
    info = svc.session(args.session_id)
    Path(args.out).write_bytes(svc.handout(info.id, info.guide_id, args.format, args.url or ""))
    print(f"{args.out} に書き出しました")
    return 0


def _delete(args: argparse.Namespace) -> int:
    svc = _service(args)
    info = svc.session(args.session_id)
    if not args.yes:
        raise PlanBuilderError(
            f"研修「{info.name}」と練習用の計画をすべて削除します。よければ --yes を付けてください"
        )
    n = svc.delete(info.id)
    print(f"研修「{info.name}」と練習用の計画{n}件を削除しました")
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `session …` to the main parser's subcommands."""
    session = subparsers.add_parser("session", help="説明会（研修）の管理")
    sub = session.add_subparsers(dest="session_command", required=True, metavar="操作")
    p = sub.add_parser("create", help="研修を作成し、参加コードを表示する")
    p.add_argument("name", help="研修名")
    p.add_argument("--guide", required=True, help="手引ID（`guides` で確認）")
    p.add_argument("--start", choices=list(STARTS), default="blank", help="blank（白紙）/ sample（記入例）")
    p.set_defaults(handler=_create)
    p = sub.add_parser("list", help="研修の一覧")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_list)
    p = sub.add_parser("close", help="研修を終了する（参加者の計画は閲覧のみ）")
    p.add_argument("session_id", type=int)
    p.set_defaults(handler=_close)
    p = sub.add_parser("reset", help="席を初期状態に戻す（--seat を省くと全員）")
    p.add_argument("session_id", type=int)
    p.add_argument("--seat", type=int, action="append", help="席番号（複数指定可）")
    p.set_defaults(handler=_reset)
    p = sub.add_parser("export", help="全員の計画を Word（.docx）の zip で書き出す")
    p.add_argument("session_id", type=int)
    p.add_argument("--out", required=True)
    p.add_argument("--charts", action="store_true", help="グラフも描く（時間がかかります）")
    p.set_defaults(handler=_export)
    p = sub.add_parser("handout", help="配布資料を書き出す")
    p.add_argument("session_id", type=int)
    p.add_argument("--format", choices=["docx", "md"], default="docx")
    p.add_argument("--out", required=True)
    p.add_argument("--url", help="参加者が開くアドレス（配布資料の手順に載せる）")
    p.set_defaults(handler=_handout)
    p = sub.add_parser("delete", help="研修と練習用の計画を削除する（操作記録に残る）")
    p.add_argument("session_id", type=int)
    p.add_argument("--yes", action="store_true", help="確認なしで削除する")
    p.set_defaults(handler=_delete)
