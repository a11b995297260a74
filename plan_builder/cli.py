"""`python -m plan_builder`: every core capability from the command line, without Streamlit.

All commands honour DATABASE_URL (and PLAN_BUILDER_HOME for the default SQLite file). User
errors print a Japanese message to stderr and exit 2; `check` exits 1 when something required is
missing; `guides` exits 1 when a guide file is invalid. Plans are read and written through
PlanService with the actor from `resolve_actor` (Actor.local() unless `--user` is given).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from plan_builder.auth import Actor
from plan_builder.errors import NotFoundError, PlanBuilderError

if TYPE_CHECKING:  # the heavy modules are imported inside the commands that need them
    from plan_builder.guide import Guide, Question
    from plan_builder.plan import PlanPeriod

Handler = Callable[[argparse.Namespace], int]
EXPORT_FORMATS = ("json", "docx", "md", "html", "pdf")
_LEVEL_LABELS = {
    "prefecture": "都道府県",
    "designated_city": "政令指定都市",
    "core_city": "中核市",
    "city": "市",
    "special_ward": "特別区",
    "town": "町",
    "village": "村",
    "ward": "行政区",
}


class CliError(PlanBuilderError):
    """A user error found by the CLI itself (bad argument, file not readable)."""


# --- plumbing ---------------------------------------------------------------------------------


def _store(args: argparse.Namespace):
    from plan_builder.store import Store

    return Store.open(getattr(args, "database_url", None) or None)


def resolve_actor(args: argparse.Namespace, store: Any = None) -> Actor:
    """Who the command acts as. Standalone: Actor.local(). `--user NAME` (shared mode) acts as
    that registered, active user, so the same authorization rules apply as in the app."""
    username = getattr(args, "user", None)
    if not username:
        return Actor.local()
    from plan_builder.auth import active_actor

    actor = active_actor(store if store is not None else _store(args), username)
    if actor is None:
        raise CliError(f"利用者「{username}」は登録されていないか、停止されています。")
    return actor


def _service(args: argparse.Namespace):
    from plan_builder.service import PlanService

    store = _store(args)
    return PlanService(store, resolve_actor(args, store))


def _plan_id(text: str) -> int:
    if not re.fullmatch(r"\d{1,12}", text.strip()):
        raise argparse.ArgumentTypeError(f"計画IDは数字で指定してください（「{text}」）")
    return int(text)


def _version(text: str) -> int:
    if not re.fullmatch(r"\d{1,9}", text.strip()) or int(text) < 1:
        raise argparse.ArgumentTypeError(f"版は1以上の数字で指定してください（「{text}」）")
    return int(text)


def _out(line: str = "") -> None:
    print(line)


def _note(line: str) -> None:
    print(line, file=sys.stderr)


# --- guides, local governments ----------------------------------------------------------------


def cmd_guides(args: argparse.Namespace) -> int:
    from plan_builder.guide import GuideLoadError, default_guide_dir, guide_files, load_guide

    directory = Path(args.dir) if args.dir else default_guide_dir()
    files = guide_files(directory)
    if not files:
        _note(f"エラー: 手引ファイル（*.yaml）が {directory} にありません。")
        return 1
    bad = 0
    seen: dict[str, Path] = {}
    for file in files:
        try:
            g = load_guide(file, directory)
        except GuideLoadError as exc:
            bad += 1
            _note(f"エラー: {exc}")
            continue
        if g.id in seen:
            bad += 1
            _note(f"エラー: 手引ファイル {file} の id: 手引ID「{g.id}」が {seen[g.id].name} と重複しています")
            continue
        seen[g.id] = file
        n_q = len(g.questions())
        _out(
            f"{g.id}\t{g.variant_label}\t{g.title}\t{g.edition}\t{g.date.isoformat()}\t{len(g.chapters)}章 {n_q}問"
        )
    return 1 if bad else 0


def cmd_lg_search(args: argparse.Namespace) -> int:
    store = _store(args)
    pref = args.pref
    if pref is not None:
        pref = unicodedata.normalize("NFKC", pref).strip()
        if not re.fullmatch(r"\d{1,2}", pref) or not 1 <= int(pref) <= 47:
            raise CliError(f"都道府県コードは01〜47の数字で指定してください（「{args.pref}」）。")
        pref = f"{int(pref):02d}"
    text = args.text  # folded (NFKC, kana) by the store search, as in the app
    rows = store.search_local_governments(text, pref_code=pref, limit=args.limit, include_wards=args.wards)
    if not rows:
        _note(f"「{args.text}」に当てはまる地方公共団体はありません。")
        return 1
    for lg in rows:
        where = lg.prefecture if lg.level != "prefecture" else ""
        _out(
            f"{lg.code6}\t{where}{'' if not where else ' '}{lg.name}\t{lg.name_kana}\t{_LEVEL_LABELS.get(lg.type, lg.type)}"
        )
    return 0


# --- plans ------------------------------------------------------------------------------------


def cmd_new(args: argparse.Namespace) -> int:
    from plan_builder.creation import new_plan
    from plan_builder.guide import get_guide
    from plan_builder.plan import check_digit_ok

    code = unicodedata.normalize("NFKC", args.lg).strip()
    if not check_digit_ok(code):
        raise CliError(
            f"団体コード「{args.lg}」は6桁の全国地方公共団体コード（検査数字付き）ではありません。"
        )
    service = _service(args)
    lg = service.store.local_government(code)
    guide = get_guide(args.guide)
    plan = new_plan(lg, guide, title=args.title, training=args.training)
    stored = service.create(plan)
    _out(str(stored.id))
    _note(f"計画を作成しました: ID {stored.id}「{plan.title}」（{lg.name}、{guide.variant_label}）")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from plan_builder.plan import to_jst

    rows = _service(args).list_plans()
    if args.json:
        _out(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "lg_code": r.lg_code,
                        "lg_name": r.lg_name,
                        "title": r.title,
                        "guide_id": r.guide_id,
                        "status": r.status.value,
                        "version": r.version,
                        "is_training": r.is_training,
                        "updated_at": r.updated_at.isoformat(),
                        "updated_by": r.updated_by,
                    }
                    for r in rows
                ],
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    if not rows:
        _note("計画はまだありません。`new --lg 団体コード --guide 手引ID` で作成できます。")
        return 0
    _out("ID\t版\t状態\t団体\t計画の名称\t更新日時（日本時間）")
    for r in rows:
        training = "（研修）" if r.is_training else ""
        _out(
            f"{r.id}\t{r.version}\t{r.status.label}{training}\t{r.lg_name}\t{r.title}\t{to_jst(r.updated_at):%Y-%m-%d %H:%M}"
        )
    return 0


def _format_value(value: Any) -> str:
    from plan_builder.plan import PlanPeriod

    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    if isinstance(value, PlanPeriod):
        return value.label()
    return str(value)


def cmd_show(args: argparse.Namespace) -> int:
    from plan_builder.checks import check_plan
    from plan_builder.exchange import export_json
    from plan_builder.guide import QuestionType, get_guide
    from plan_builder.plan import format_fiscal_year, get_answer, is_answered

    stored = _service(args).get(args.plan_id)
    plan = stored.plan
    if args.json:
        sys.stdout.write(export_json(plan))
        return 0
    guide = get_guide(plan.guide_id)
    report = check_plan(plan, guide)
    _out(f"計画 ID {stored.id}（版 {stored.version}）「{plan.title}」")
    _out(f"団体: {plan.lg_name}（{plan.lg_code}）  手引: {guide.title}（{guide.variant_label}）")
    _out(
        f"状態: {plan.status.label}{'（研修用）' if plan.is_training else ''}  完成度: {report.completeness:.0%}"
    )
    _out(f"計画期間: {plan.period.label() if plan.period else '未設定'}")
    for chapter in guide.chapters:
        _out("")
        _out(f"第{chapter.number}章 {chapter.title}（完成度 {report.chapter_completeness(chapter.key):.0%}）")
        for q in chapter.questions:
            value = get_answer(plan, q)
            if q.type is QuestionType.MEASURES:
                _out(f"  {q.label}（{q.key}）: {len(plan.measures)}件")
                for m in plan.measures:
                    kpis = "、".join(m.kpi_keys) or "なし"
                    _out(f"    {m.key} [{m.pillar}] {m.name}（KPI: {kpis}）")
            elif q.type is QuestionType.KPIS:
                _out(f"  {q.label}（{q.key}）: {len(plan.kpis)}件")
                for k in plan.kpis:
                    final = k.final_target
                    goal = f"{format_fiscal_year(final[0])}に{final[1]}{k.unit}" if final else "目標なし"
                    _out(
                        f"    {k.key} {k.name}（現状値 {k.baseline.value if k.baseline.value is not None else 'なし'}、{goal}）"
                    )
            else:
                shown = _format_value(value) if is_answered(value) else "（未記入）"
                if len(shown) > 80 and not args.full:
                    shown = shown[:80] + "…"
                _out(f"  {q.label}（{q.key}）: {shown}")
    return 0


def cmd_check(args: argparse.Namespace) -> int:
    from plan_builder.checks import check_plan
    from plan_builder.guide import get_guide

    stored = _service(args).get(args.plan_id)
    guide = get_guide(stored.plan.guide_id)
    report = check_plan(stored.plan, guide)
    if args.json:
        _out(
            json.dumps(
                {"plan_id": stored.id, "version": stored.version, **report.to_dict()},
                ensure_ascii=False,
                indent=2,
            )
        )
        return 1 if report.has_blocking else 0
    _out(
        f"計画 ID {stored.id}「{stored.plan.title}」 完成度 {report.completeness:.0%}  "
        f"要対応 {report.count('error')}件・確認 {report.count('warning')}件・参考 {report.count('info')}件"
    )
    chapters = {c.key: c for c in guide.chapters}
    for key, findings in report.by_chapter().items():
        if not findings:
            continue
        c = chapters.get(key)
        title = f"第{c.number}章 {c.title}" if c else key
        _out("")
        _out(f"{title}（完成度 {report.chapter_completeness(key):.0%}）")
        for f in findings:
            where = f" [{f.question_key}]" if f.question_key else ""
            _out(f"  【{f.severity_label}】{f.message}{where}")
    if not report.has_blocking:
        _out("")
        _out("必須の項目はすべて記入されています。")
    return 1 if report.has_blocking else 0


# --- set: values from the command line ---------------------------------------------------------


def parse_period(text: str) -> PlanPeriod:
    """2024-2028, 2024〜2028, 令和6年度-令和10年度 (and 全角 forms)."""
    from pydantic import ValidationError

    from plan_builder.plan import PlanPeriod, describe_validation_error, parse_fiscal_year

    s = unicodedata.normalize("NFKC", text).strip()
    parts = [p for p in re.split(r"\s*(?:〜|~|–|—|-|から|まで)\s*", s) if p]
    if len(parts) != 2:
        raise CliError(
            f"計画期間「{text}」は「2024-2028」や「令和6年度-令和10年度」の形式で指定してください。"
        )
    try:
        start, end = parse_fiscal_year(parts[0]), parse_fiscal_year(parts[1])
    except ValueError as exc:
        raise CliError(f"計画期間: {exc}") from None
    try:
        return PlanPeriod(start_fy=start, end_fy=end)
    except ValidationError as exc:
        raise CliError(describe_validation_error(exc, PlanPeriod)) from None


def _choose(guide: Guide, q: Question, token: str) -> str:
    options = guide.options_for(q)
    t = unicodedata.normalize("NFKC", token).strip()
    for o in options:
        if t in (o.value, unicodedata.normalize("NFKC", o.label).strip()):
            return o.value
    listed = "、".join(f"{o.value}（{o.label}）" for o in options[:30])
    raise CliError(f"「{token}」は設問「{q.label}」の選択肢にありません。選択肢: {listed}")


def _split_list(text: str) -> list[str]:
    return [t for t in (p.strip() for p in re.split(r"[,、，\n]", text)) if t]


def parse_cli_value(guide: Guide, q: Question, text: str) -> Any:
    """Turn a command-line string into the answer value the question's type expects."""
    from datetime import date

    from plan_builder.guide import QuestionType
    from plan_builder.plan import parse_fiscal_year

    if text.strip() == "" and q.type not in (QuestionType.MEASURES, QuestionType.KPIS):
        return (
            []
            if q.type in (QuestionType.MULTI_CHOICE, QuestionType.CHECKLIST, QuestionType.PILLARS)
            else ("" if q.field else None)
        )
    match q.type:
        case QuestionType.NUMBER:
            s = unicodedata.normalize("NFKC", text).replace(",", "").strip()
            try:
                number = float(s)
            except ValueError:
                raise CliError(f"設問「{q.label}」は数値で指定してください（「{text}」）。") from None
            return int(number) if number.is_integer() and abs(number) < 1e15 else number
        case QuestionType.FISCAL_YEAR:
            try:
                return parse_fiscal_year(text)
            except ValueError as exc:
                raise CliError(f"設問「{q.label}」: {exc}") from None
        case QuestionType.DATE:
            try:
                return date.fromisoformat(unicodedata.normalize("NFKC", text).strip()).isoformat()
            except ValueError:
                raise CliError(
                    f"設問「{q.label}」は日付（YYYY-MM-DD）で指定してください（「{text}」）。"
                ) from None
        case QuestionType.SINGLE_CHOICE:
            return _choose(guide, q, text)
        case QuestionType.MULTI_CHOICE | QuestionType.CHECKLIST:
            return list(dict.fromkeys(_choose(guide, q, t) for t in _split_list(text)))
        case QuestionType.PLAN_PERIOD:
            return parse_period(text)
        case QuestionType.PILLARS:
            keys = []
            for token in _split_list(text):
                t = unicodedata.normalize("NFKC", token).strip()
                match = next(
                    (
                        p
                        for p in guide.pillars
                        if t in (p.key, p.name, p.short_name, str(p.article), f"第{p.article}条")
                    ),
                    None,
                )
                if match is None:
                    known = "、".join(f"{p.key}（{p.short_name}・第{p.article}条）" for p in guide.pillars)
                    raise CliError(f"柱「{token}」はこの手引にありません。柱: {known}")
                keys.append(match.key)
            return list(dict.fromkeys(keys))
        case QuestionType.MEASURES | QuestionType.KPIS:
            try:
                value = json.loads(text)
            except json.JSONDecodeError as exc:
                raise CliError(
                    f"設問「{q.label}」はJSONの配列で指定してください（{exc.lineno}行 {exc.colno}列が正しくありません）。"
                ) from None
            if not isinstance(value, list):
                raise CliError(f"設問「{q.label}」はJSONの配列（[...]）で指定してください。")
            return value
    return text


def _find_question(guide: Guide, key: str) -> Question:
    try:
        return guide.question(key)
    except KeyError:
        near = [q.key for q in guide.questions() if q.key.split(".")[0] == key.split(".")[0]][:12]
        hint = (
            f" 同じ章の設問: {', '.join(near)}"
            if near
            else f" 章: {', '.join(c.key for c in guide.chapters)}"
        )
        raise CliError(f"設問キー「{key}」は手引「{guide.id}」にありません。{hint}") from None


def cmd_set(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from plan_builder.guide import get_guide
    from plan_builder.plan import Plan, describe_validation_error, set_answer

    service = _service(args)
    stored = service.get(args.plan_id)
    guide = get_guide(stored.plan.guide_id)
    plan = stored.plan
    changed: list[str] = []
    if args.period:
        period = parse_period(args.period)
        plan = Plan.model_validate({**plan.model_dump(), "period": period.model_dump()})
        changed.append("計画期間")
    if args.key is not None:
        q = _find_question(guide, args.key)
        if args.value_file:
            text = _read_text(Path(args.value_file))
        elif args.value is not None:
            text = args.value
        else:
            raise CliError(
                f"設問「{q.label}」に設定する値を指定してください（値、または --value-file ファイル）。"
            )
        value = parse_cli_value(guide, q, text)
        try:
            plan = set_answer(plan, q, value)
        except ValidationError as exc:
            raise CliError(describe_validation_error(exc, Plan, plan.model_dump(mode="json"))) from None
        changed.append(q.label)
    if not changed:
        raise CliError("変更する内容を指定してください（設問キーと値、または --period）。")
    expected = args.expected_version or stored.version
    saved = service.save(
        args.plan_id, plan, expected_version=expected, note=f"CLI: {'、'.join(changed)}を変更"
    )
    _out(f"計画 ID {saved.id} を版 {saved.version} として保存しました（{'、'.join(changed)}）。")
    return 0


# --- exchange, history -------------------------------------------------------------------------


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise CliError(f"ファイル「{path}」は UTF-8 ではありません。") from None


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def cmd_export(args: argparse.Namespace) -> int:
    service = _service(args)
    stored = service.revision(args.plan_id, args.version) if args.version else service.get(args.plan_id)
    out = Path(args.out)
    if args.format == "json":
        if args.reference_docx:
            raise CliError("--reference-docx は Word 形式（--format docx / pdf）でのみ使えます。")
        text = service.export_json(args.plan_id, version=args.version)
        _write_atomically(out, text.encode("utf-8"))
    else:
        kwargs: dict[str, Any] = {}
        if args.reference_docx:
            ref = Path(args.reference_docx)
            if not ref.is_file():
                raise CliError(f"参照用の Word ファイル「{ref}」が見つかりません。")
            kwargs["reference_docx"] = ref
        result = service.export(args.plan_id, args.format, out, version=args.version, **kwargs)
        for warning in result.warnings:
            _note(f"注意: {warning}")
    _note(f"計画 ID {stored.id}（版 {stored.version}）を {out} に書き出しました（{args.format}）。")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from plan_builder.exchange import PlanImportError
    from plan_builder.uploads import MAX_JSON_BYTES as MAX_BYTES

    path = Path(args.file)
    if not path.is_file():
        raise CliError(f"ファイル「{path}」が見つかりません。")
    size = path.stat().st_size
    if size > MAX_BYTES:
        raise PlanImportError(
            f"ファイルが大きすぎます（{size / 1024 / 1024:.1f} MB。上限は {MAX_BYTES // 1024 // 1024} MB です）。"
        )
    stored = _service(args).import_json(path.read_bytes())
    _out(str(stored.id))
    _note(f"計画を取り込みました: ID {stored.id}「{stored.plan.title}」（状態は作成中になります）")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    from plan_builder.plan import to_jst

    service = _service(args)
    current = service.get(args.plan_id).version
    _out("版\t保存日時（日本時間）\t保存した人\t内容")
    for r in service.revisions(args.plan_id):
        mark = "＊" if r.version == current else ""
        _out(f"{r.version}{mark}\t{to_jst(r.created_at):%Y-%m-%d %H:%M:%S}\t{r.actor}\t{r.note}")
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    service = _service(args)
    current = service.get(args.plan_id)
    if args.version == current.version:
        raise CliError(f"版 {args.version} はすでに最新の版です。")
    service.revision(args.plan_id, args.version)  # a clear "not found" before anything else
    expected = args.expected_version or current.version
    saved = service.restore(args.plan_id, args.version, expected_version=expected)
    _out(f"計画 ID {saved.id} の版 {args.version} を復元し、版 {saved.version} として保存しました。")
    return 0


def cmd_schema(args: argparse.Namespace) -> int:
    from plan_builder.exchange import SCHEMA_PATH, json_schema_text

    path = Path(args.out) if args.out else SCHEMA_PATH
    text = json_schema_text()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else ""
        if current != text:
            _note(f"{path} は計画モデルと一致しません。`python -m plan_builder schema` で更新してください。")
            return 1
        return 0
    _write_atomically(path, text.encode("utf-8"))
    _note(f"JSON Schema を {path} に書き出しました。")
    return 0


# --- parser -----------------------------------------------------------------------------------


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"エラー: 引数が正しくありません（{message}）。`--help` で使い方を表示できます。\n")


AUTH_COMMANDS = ("user", "audit")


def _wants_auth_commands(argv: Sequence[str] | None) -> bool:
    """Importing the account commands costs ~0.6 s (password hashing set-up), so they are only
    registered when asked for, or when the help is shown."""
    args = list(sys.argv[1:] if argv is None else argv)
    global_values = {i + 1 for i, a in enumerate(args) if a in ("--user", "--database-url")}
    positional = next(
        (a for i, a in enumerate(args) if not a.startswith("-") and i not in global_values), None
    )
    return positional is None or positional in AUTH_COMMANDS or positional == "help"


def build_parser(*, with_auth: bool = True) -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m plan_builder", description="官民データ活用推進計画の作成支援ツール")
    parser.add_argument("--user", help="共有運用: 登録された利用者として操作する（省略時はこの端末の利用者）")
    parser.add_argument(
        "--database-url", help="接続先（省略時は環境変数 DATABASE_URL、なければ既定の SQLite）"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="コマンド", parser_class=_Parser)

    p = sub.add_parser("guides", help="手引の一覧を表示し、すべての手引ファイルを検証する")
    p.add_argument("--dir", help="手引フォルダ（省略時は guide_templates/）")
    p.set_defaults(handler=cmd_guides)

    lg = sub.add_parser("lg", help="地方公共団体")
    lg_sub = lg.add_subparsers(dest="lg_command", required=True, metavar="操作", parser_class=_Parser)
    p = lg_sub.add_parser("search", help="名称・よみ・団体コードで探す")
    p.add_argument("text")
    p.add_argument("--pref", help="都道府県コード（01〜47）で絞り込む")
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--wards", action="store_true", help="政令指定都市の区も含める")
    p.set_defaults(handler=cmd_lg_search)

    p = sub.add_parser("new", help="計画を作成し、計画IDを表示する")
    p.add_argument("--lg", required=True, help="団体コード（6桁）")
    p.add_argument("--guide", required=True, help="手引ID（`guides` で確認）")
    p.add_argument("--title", help="計画の名称（省略時は「○○市官民データ活用推進計画」）")
    p.add_argument("--training", action="store_true", help="研修用の計画として作成する")
    p.set_defaults(handler=cmd_new)

    p = sub.add_parser("list", help="計画の一覧")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)

    p = sub.add_parser("show", help="計画の内容を表示する")
    p.add_argument("plan_id", type=_plan_id)
    p.add_argument("--json", action="store_true", help="交換形式（JSON）で表示する")
    p.add_argument("--full", action="store_true", help="長い回答を省略せずに表示する")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("check", help="記入漏れと不整合を確認する（必須の漏れがあれば終了コード1）")
    p.add_argument("plan_id", type=_plan_id)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)

    p = sub.add_parser("set", help="設問の回答を設定する（版を確認してから保存）")
    p.add_argument("plan_id", type=_plan_id)
    p.add_argument("key", nargs="?", help="設問キー（例: current.overview）")
    p.add_argument("value", nargs="?", help="値（空文字で消去）")
    p.add_argument("--value-file", help="値をファイル（UTF-8）から読む")
    p.add_argument("--period", help="計画期間（例: 2024-2028、令和6年度-令和10年度）")
    p.add_argument(
        "--expected-version", type=_version, help="編集元の版（他の人の更新と衝突したら保存しない）"
    )
    p.set_defaults(handler=cmd_set)

    p = sub.add_parser("export", help="計画を書き出す")
    p.add_argument("plan_id", type=_plan_id)
    p.add_argument("--format", choices=EXPORT_FORMATS, default="json")
    p.add_argument("--out", required=True, help="出力ファイル")
    p.add_argument("--reference-docx", help="書式を引き継ぐ Word ファイル（docx / pdf）")
    p.add_argument("--version", type=_version, help="過去の版を書き出す")
    p.set_defaults(handler=cmd_export)

    p = sub.add_parser("import", help="計画ファイル（JSON）を取り込み、新しい計画IDを表示する")
    p.add_argument("file")
    p.set_defaults(handler=cmd_import)

    p = sub.add_parser("history", help="保存の履歴（版）を表示する")
    p.add_argument("plan_id", type=_plan_id)
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("restore", help="過去の版を復元する（新しい版として保存）")
    p.add_argument("plan_id", type=_plan_id)
    p.add_argument("version", type=_version)
    p.add_argument("--expected-version", type=_version)
    p.set_defaults(handler=cmd_restore)

    p = sub.add_parser("schema", help="交換形式の JSON Schema を書き出す（schema/plan.schema.json）")
    p.add_argument("--out")
    p.add_argument("--check", action="store_true", help="書き出さずに、保存済みのファイルが最新か確かめる")
    p.set_defaults(handler=cmd_schema)

    from plan_builder.review import register as register_review

    register_review(
        sub, _store, resolve_actor
    )  # submit, start-review, comment, return, approve, status-board
    from plan_builder.training import register as register_sessions

    register_sessions(sub)
    from plan_builder.followup import register as register_followup

    register_followup(sub, _service, _plan_id)

    if with_auth:  # account administration (user, audit)
        from plan_builder.auth import register

        register(sub)
    return parser


def _utf8_streams() -> None:
    """A Windows console may not be UTF-8: never crash on a character it cannot show."""
    for stream in (sys.stdout, sys.stderr):
        if hasattr(stream, "reconfigure") and (stream.encoding or "").lower().replace("-", "") != "utf8":
            stream.reconfigure(errors="backslashreplace")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_streams()
    parser = build_parser(with_auth=_wants_auth_commands(argv))
    try:
        args = parser.parse_args(list(argv) if argv is not None else None)
    except SystemExit as exc:  # --help, or a bad argument (already reported in Japanese)
        return exc.code if isinstance(exc.code, int) else 2
    try:
        return args.handler(args)
    except NotFoundError as exc:
        _note(f"エラー: {exc}")
        return 2
    except PlanBuilderError as exc:
        _note(f"エラー: {exc}")
        return 2
    except BrokenPipeError:  # output piped into `head` and cut short
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except OSError as exc:
        _note(f"エラー: ファイル「{exc.filename or ''}」を読み書きできません（{exc.strerror or exc}）。")
        return 2
    except KeyboardInterrupt:
        _note("中止しました。")
        return 130
    except Exception as exc:
        from pydantic import ValidationError
        from sqlalchemy.exc import OperationalError

        from plan_builder.plan import describe_validation_error

        if isinstance(exc, ValidationError):
            _note("エラー: 入力に誤りがあります。\n" + describe_validation_error(exc))
            return 2
        if isinstance(exc, OperationalError):
            _note(
                "エラー: データベースに接続できません。DATABASE_URL の設定とデータベースの状態を確認してください。"
            )
            return 2
        raise
