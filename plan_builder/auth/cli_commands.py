"""The `user` and `audit` subcommands of `python -m plan_builder` (account administration).

They run on the server as the operator (whoever can reach the database is trusted with it), so
the first admin can be created before anybody can log in. Passwords are read with getpass or from
standard input (`--password-stdin`), never from the command line, and never echoed.

plan_builder/cli.py calls `register(subparsers)`; each parser sets `handler`, a function of the
parsed arguments that returns the exit code.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from collections.abc import Callable

from plan_builder.auth import audit
from plan_builder.auth.actor import Actor, Role
from plan_builder.auth.users import UserAdmin, UserInfo
from plan_builder.errors import PlanBuilderError
from plan_builder.plan import to_jst
from plan_builder.store import Store

Handler = Callable[[argparse.Namespace], int]


def _operator(args: argparse.Namespace) -> Actor:
    """Who runs an account command. With `--user NAME`, that registered user, who must be an
    admin. Without it, the operator at the server's shell: whoever can run this already holds the
    database credentials, so this is the bootstrap path for the first admin."""
    username = getattr(args, "user", None)
    if username:
        from plan_builder.auth.users import active_actor

        actor = active_actor(_store(args), username)
        if actor is None or actor.role is not Role.ADMIN:
            raise PlanBuilderError("利用者の管理と操作記録の閲覧は、管理者だけができます")
        return actor
    try:
        who = getpass.getuser()
    except (KeyError, OSError):
        who = "unknown"
    return Actor(username=f"cli:{who}", role=Role.ADMIN, display_name="管理コマンド")


def _store(args: argparse.Namespace) -> Store:
    return Store.open(getattr(args, "database_url", None) or None)


def _read_password(args: argparse.Namespace) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    first = getpass.getpass("パスワード: ")
    second = getpass.getpass("パスワード（確認）: ")
    if first != second:
        raise PlanBuilderError("確認のために入力したパスワードが一致しません")
    return first


def _line(u: UserInfo) -> str:
    where = u.org_code or u.scope or "-"
    state = "有効" if u.active else "停止"
    return f"{u.username}\t{u.role.value}\t{where}\t{state}\t{u.display_name}\t{u.email or ''}"


def _user_add(args: argparse.Namespace) -> int:
    store = _store(args)
    password = None if args.no_password else _read_password(args)
    u = UserAdmin(store, _operator(args)).add(
        args.username,
        role=args.role,
        password=password,
        display_name=args.name or "",
        org_code=args.org,
        scope=args.scope,
        email=args.email,
    )
    print(f"利用者「{u.username}」（{u.role.label}）を追加しました")
    return 0


def _user_list(args: argparse.Namespace) -> int:
    users = UserAdmin(_store(args), _operator(args)).list(include_inactive=args.all)
    if args.json:
        rows = [
            {
                "username": u.username,
                "display_name": u.display_name,
                "role": u.role.value,
                "org_code": u.org_code,
                "scope": u.scope,
                "email": u.email,
                "active": u.active,
            }
            for u in users
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        print("利用者名\t役割\t団体・範囲\t状態\t表示名\tメール")
        for u in users:
            print(_line(u))
    return 0


def _user_set_role(args: argparse.Namespace) -> int:
    u = UserAdmin(_store(args), _operator(args)).set_role(
        args.username, args.role, org_code=args.org, scope=args.scope
    )
    print(f"利用者「{u.username}」の役割を{u.role.label}にしました")
    return 0


def _user_reset_password(args: argparse.Namespace) -> int:
    store = _store(args)
    admin = UserAdmin(store, _operator(args))
    admin.get(args.username)  # say "not registered" before asking for a password
    admin.reset_password(args.username, _read_password(args))
    print(f"利用者「{args.username}」のパスワードを再設定しました")
    return 0


def _user_disable(args: argparse.Namespace) -> int:
    UserAdmin(_store(args), _operator(args)).set_active(args.username, False)
    print(f"利用者「{args.username}」を停止しました")
    return 0


def _user_enable(args: argparse.Namespace) -> int:
    UserAdmin(_store(args), _operator(args)).set_active(args.username, True)
    print(f"利用者「{args.username}」を再開しました")
    return 0


def _audit(args: argparse.Namespace) -> int:
    _operator(args)  # admins only
    store = _store(args)
    rows = audit.entries(
        store.engine, actor=args.actor, action=args.action, target=args.target, limit=args.limit
    )
    if args.json:
        out = [
            {
                "at": e.at.isoformat(),
                "actor": e.actor,
                "action": e.action,
                "target": e.target,
                "detail": e.detail,
            }
            for e in rows
        ]
        print(json.dumps(out, ensure_ascii=False, indent=2, default=str))
        return 0
    print("日時（日本時間）\t利用者\t操作\t対象\t内容")
    for e in rows:
        detail = json.dumps(e.detail, ensure_ascii=False, default=str) if e.detail else ""
        print(f"{to_jst(e.at):%Y-%m-%d %H:%M:%S}\t{e.actor}\t{e.action_label}\t{e.target}\t{detail}")
    return 0


def _wrap(fn: Handler) -> Handler:
    def run(args: argparse.Namespace) -> int:
        try:
            return fn(args)
        except PlanBuilderError as exc:
            print(f"エラー: {exc}", file=sys.stderr)
            return 2
        except (KeyboardInterrupt, EOFError):
            print("\n中止しました", file=sys.stderr)
            return 130

    return run


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add `user …` and `audit` to the main parser's subcommands."""
    roles = [r.value for r in Role if r is not Role.PARTICIPANT]
    user = subparsers.add_parser("user", help="利用者（アカウント）の管理（共有運用）")
    user_sub = user.add_subparsers(dest="user_command", required=True, metavar="操作")

    def pw_options(p: argparse.ArgumentParser) -> None:
        p.add_argument("--password-stdin", action="store_true", help="パスワードを標準入力の1行目から読む")

    p = user_sub.add_parser("add", help="利用者を追加する")
    p.add_argument("username")
    p.add_argument("--role", required=True, choices=roles, help="planner / reviewer / trainer / admin")
    p.add_argument("--org", help="計画担当者の団体コード（6桁）")
    p.add_argument("--scope", help="審査担当者の範囲（都道府県コード2桁、または national）")
    p.add_argument("--name", help="表示名")
    p.add_argument("--email", help="OIDCでログインするときのメールアドレス")
    pw_options(p)
    p.add_argument("--no-password", action="store_true", help="パスワードを設定しない（OIDCでのみログイン）")
    p.set_defaults(handler=_wrap(_user_add))

    p = user_sub.add_parser("list", help="利用者の一覧")
    p.add_argument("--all", action="store_true", default=True, help=argparse.SUPPRESS)
    p.add_argument("--active", dest="all", action="store_false", help="有効な利用者だけを表示する")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_wrap(_user_list))

    p = user_sub.add_parser("set-role", help="役割・団体・審査範囲を変更する")
    p.add_argument("username")
    p.add_argument("role", choices=roles)
    p.add_argument("--org")
    p.add_argument("--scope")
    p.set_defaults(handler=_wrap(_user_set_role))

    p = user_sub.add_parser("reset-password", help="パスワードを再設定する（ロックも解除）")
    p.add_argument("username")
    pw_options(p)
    p.set_defaults(handler=_wrap(_user_reset_password))

    p = user_sub.add_parser("disable", help="利用者を停止する")
    p.add_argument("username")
    p.set_defaults(handler=_wrap(_user_disable))

    p = user_sub.add_parser("enable", help="停止した利用者を再開する")
    p.add_argument("username")
    p.set_defaults(handler=_wrap(_user_enable))

    p = subparsers.add_parser("audit", help="操作記録（監査ログ）を表示する")
    p.add_argument("--actor", help="利用者名で絞り込む")
    p.add_argument(
        "--action", help="操作で絞り込む（例: plan.save。末尾を「.」にすると前方一致: plan. / login.）"
    )
    p.add_argument("--target", help="対象で絞り込む（例: plan:12）")
    p.add_argument("--limit", type=int, default=100)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=_wrap(_audit))

    for sp in [*user_sub.choices.values(), p]:
        sp.add_argument(
            "--database-url", default=argparse.SUPPRESS, help="接続先（省略時は環境変数 DATABASE_URL）"
        )


def main(argv: list[str] | None = None) -> int:
    """Run these subcommands on their own (used by tests and until cli.py wires them in)."""
    parser = argparse.ArgumentParser(prog="python -m plan_builder")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    raise SystemExit(main())
