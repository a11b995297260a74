"""A complete, realistic sample plan for any guide: for demos, tests, trainers and benchmarks.

`sample_plan(guide)` answers every question of the guide, spreads measures over the guide's
core pillars, gives every KPI a baseline, yearly targets and the actuals reported so far, and
gives every measure a yearly schedule. It is deterministic: the same arguments give the same
plan, so tests and benchmarks can compare outputs.

Answers come from the guide's 記載例 (examples) where it has them, with only the examples'
fictional みどり町 / あおば県 replaced by the plan's municipality and its prefecture (so review
tools can still recognise text copied from the examples), and the plan period, baselines and KPIs match those examples
(令和2年度〜令和6年度, baselines as of 令和元年9月30日). The defaults are 矢巾町 (033227) for
the municipal guide and 岩手県 (030007) for the prefectural one: real codes, so that the plan
validator and the local-government list accept them; the plan itself is fictional and says
nothing about those governments' actual policies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from plan_builder.guide import Guide, Question, QuestionType
from plan_builder.plan import (
    Baseline,
    Contact,
    Kpi,
    KpiKind,
    Locality,
    Measure,
    MeasureOrigin,
    Plan,
    PlanPeriod,
    Revision,
    ScheduleEntry,
)
from plan_builder.store import read_local_governments

DEFAULT_MUNICIPALITY = ("033227", "矢巾町")
DEFAULT_PREFECTURE = ("030007", "岩手県")
EXAMPLE_TOWN, EXAMPLE_PREFECTURE = "みどり町", "あおば県"  # the fictional names in the guide's examples

START_FY = 2020  # 令和2年度, as in the guide's examples
END_FY = 2024  # 令和6年度
BASELINE_DAY = date(2019, 9, 30)
ADOPTED_ON = date(2020, 3, 27)
REVISED_ON = date(2022, 3, 25)
ACTUAL_YEARS = (2020, 2021, 2022, 2023)  # results reported so far

_PLACEHOLDERS = ("○○市町村", "○○市", "○○町", "○○村", "○○県", "○○都", "○○府", "○○道")

# Preferred choice for single-choice questions (otherwise the first option).
_PREFERRED_CHOICE = {"structure.ordinance": "planned"}


@lru_cache(maxsize=1)
def _prefectures() -> dict[str, str]:
    """団体コード → prefecture name, from data/local_governments.csv (empty if missing)."""
    try:
        return {lg.code6: lg.prefecture for lg in read_local_governments()}
    except OSError:
        return {}


@dataclass(frozen=True)
class _Names:
    lg: str
    prefecture: str
    variant: str


def _fill(text: str, names: _Names) -> str:
    """The example with the plan's own names: placeholders ({団体名} ...) and, in the samples'
    own texts, みどり町 / あおば県 / ○○市."""
    kind = names.lg[-1:] if names.lg[-1:] in "市町村区都道府県" else ""
    prefecture = names.lg if names.variant == "prefecture" else (names.prefecture or "県")
    text = Locality(names.lg, kind, prefecture).fill(text)
    for p in _PLACEHOLDERS:
        text = text.replace(p, names.lg)
    if names.variant == "prefecture":
        text = text.replace(EXAMPLE_PREFECTURE, names.lg)
    else:
        text = text.replace(EXAMPLE_TOWN, names.lg).replace(EXAMPLE_PREFECTURE, names.prefecture or "県")
    return text.strip()


# Fallback narrative for questions without examples. `{lg}` is the name. -----------------
_TEXT: dict[str, str] = {
    "current.overview": "{lg}の人口は減少が続き、高齢化が進んでいます。",
    "current.issues": (
        "窓口での手続は紙と対面が中心であり、平日の開庁時間に来庁できない住民から改善を求める"
        "声が寄せられています。職員数が減少する中で、定型的な事務の負担を軽減することが急務です。"
    ),
    "purpose.statement": (
        "本計画は、官民データの活用を推進することにより、住民の利便性の向上と行政運営の効率化を"
        "図り、データに基づく政策立案によって地域課題の解決を目指すものです。"
    ),
    "positioning.basis": (
        "本計画は、官民データ活用推進基本法第9条に基づく官民データ活用推進計画として策定するものです。"
    ),
    "positioning.review": "毎年度、施策の進捗状況を確認し、必要に応じて見直しを行います。",
    "structure.organization": ("{lg}官民データ活用推進本部を設置し、全庁横断的に計画を推進します。"),
    "structure.cio": "副町長をCIO（最高情報責任者）とします。",
    "structure.pdca": (
        "各施策の進捗と指標（KPI）の達成状況を毎年度評価し、その結果を公表します。評価の結果は"
        "翌年度の取組に反映します。"
    ),
    "structure.municipal_support": (
        "県内市町村の計画策定と施策の実施を、研修の開催や共同調達を通じて支援します。"
    ),
    "security.cybersecurity": (
        "サイバーセキュリティ基本法及び{lg}情報セキュリティポリシーに基づき、情報資産を適切に管理します。"
    ),
    "security.personal_info": (
        "個人情報の保護に関する法律その他の関係法令に基づき、個人情報を適正に取り扱います。"
    ),
}


# Measures and KPIs by pillar. --------------------------------------------------------------
# (name, summary, department, national measure it implements or "")
_MEASURES: dict[str, list[tuple[str, str, str, str]]] = {
    "online": [
        (
            "子育て関係手続のオンライン化",
            "児童手当の現況届など子育てに関する手続を、マイナポータルから申請できるようにします。",
            "住民福祉課",
            "子育てワンストップサービス",
        ),
        (
            "電子申請サービスの対象手続の拡大",
            "県と共同で運営する電子申請サービスで受け付ける手続を、申請件数の多いものから増やします。",
            "総務課",
            "",
        ),
        (
            "キャッシュレス決済の導入",
            "窓口での証明書手数料や施設使用料にキャッシュレス決済を導入します。",
            "会計課",
            "",
        ),
        (
            "施設予約のオンライン化",
            "公民館・体育施設の予約から支払までをオンラインで完結させます。",
            "教育委員会事務局",
            "",
        ),
        (
            "電子契約の導入",
            "工事・物品の契約に電子契約サービスを導入し、押印と郵送を不要にします。",
            "財政課",
            "",
        ),
        ("オンライン相談の実施", "子育てや移住に関する相談をビデオ通話で受け付けます。", "企画課", ""),
    ],
    "open_data": [
        (
            "オープンデータの公開拡大",
            "国が公開を推奨するデータセットを中心に、公開するデータを毎年度追加します。",
            "総務課",
            "推奨データセットの公開",
        ),
        (
            "オープンデータカタログの整備",
            "公開データを検索できるカタログサイトを県と共同で整備します。",
            "総務課",
            "",
        ),
        (
            "データ活用の推進（EBPM）",
            "統計やアンケートの結果を可視化し、政策立案に活用します。",
            "企画課",
            "",
        ),
        (
            "地域課題解決イベントの開催",
            "公開データを活用したアイデアソンを地元の高校・企業と開催します。",
            "企画課",
            "",
        ),
        (
            "防災情報のデータ化",
            "ハザードマップや避難所の情報を機械判読に適した形式で提供します。",
            "防災安全課",
            "",
        ),
        (
            "観光情報のオープンデータ化",
            "観光施設やイベントの情報をオープンデータとして提供します。",
            "産業振興課",
            "",
        ),
    ],
    "my_number": [
        (
            "マイナンバーカードの取得促進",
            "休日の交付窓口の開設や、地区の集会所・事業所への出張申請受付によりカードの取得を促します。",
            "町民課",
            "マイナンバーカードの普及促進",
        ),
        (
            "証明書のコンビニ交付",
            "住民票の写しや印鑑登録証明書をコンビニエンスストアで取得できるようにします。",
            "町民課",
            "",
        ),
        (
            "図書館カードとしての活用",
            "マイナンバーカードを図書館の利用者カードとして使えるようにします。",
            "教育委員会事務局",
            "",
        ),
        (
            "書かない窓口の導入",
            "カードの読み取りにより、申請書を書かずに済む窓口を導入します。",
            "町民課",
            "",
        ),
        ("健康保険証利用の促進", "カードの健康保険証としての利用登録を窓口で支援します。", "住民福祉課", ""),
    ],
    "digital_divide": [
        (
            "スマートフォン教室の開催",
            "公民館や地区の集会所で、高齢者を対象にスマートフォンの使い方教室を開きます。",
            "住民福祉課",
            "デジタル活用支援",
        ),
        (
            "デジタル相談窓口の設置",
            "役場と公民館に、情報機器の使い方を相談できる窓口を設けます。",
            "総務課",
            "",
        ),
        ("避難所の公衆無線LAN整備", "避難所となる公共施設に公衆無線LANを整備します。", "防災安全課", ""),
        ("ウェブアクセシビリティの向上", "ホームページをJIS X 8341-3に適合させます。", "企画課", ""),
        (
            "地域のデジタル支援員の育成",
            "身近な場所で機器の使い方を教える住民ボランティアを育成します。",
            "住民福祉課",
            "",
        ),
    ],
    "systems": [
        (
            "自治体クラウドへの移行",
            "住民記録・税・福祉などのシステムを、近隣の町村と共同で利用する自治体クラウドへ移行します。",
            "総務課",
            "自治体クラウドの導入促進",
        ),
        ("業務プロセスの見直し（BPR）", "システムの更新に合わせて窓口業務の流れを見直します。", "総務課", ""),
        ("RPAの導入", "定型的なデータ入力業務にRPAを導入し、作業時間を削減します。", "総務課", ""),
        ("AI-OCRの導入", "手書きの申請書の読み取りにAI-OCRを導入し、入力作業を削減します。", "税務課", ""),
        (
            "ペーパーレス会議の推進",
            "庁内会議と議会でタブレット端末を活用し、紙の資料を削減します。",
            "総務課",
            "",
        ),
        ("テレワーク環境の整備", "職員が庁外から安全に業務を行える環境を整備します。", "総務課", ""),
    ],
}

# (name, unit, baseline, final target, kind): the first two follow the guide's KPI examples.
_KPIS: dict[str, list[tuple[str, str, float, float, KpiKind]]] = {
    "online": [
        ("オンラインで申請できる手続の数", "手続", 5, 30, KpiKind.OUTPUT),
        ("主要手続のオンライン利用率", "%", 2.1, 30, KpiKind.OUTCOME),
        ("キャッシュレス決済に対応した窓口の数", "か所", 0, 8, KpiKind.OUTPUT),
    ],
    "open_data": [
        ("オープンデータの公開数", "データセット", 8, 30, KpiKind.OUTPUT),
        ("推奨データセットの公開数", "データセット", 2, 14, KpiKind.OUTPUT),
        ("オープンデータの年間ダウンロード数", "回", 350, 3000, KpiKind.OUTCOME),
    ],
    "my_number": [
        ("マイナンバーカードの交付率", "%", 14.8, 60, KpiKind.OUTCOME),
        ("証明書のコンビニ交付の利用割合", "%", 0, 25, KpiKind.OUTCOME),
        ("カードを利用できる独自サービスの数", "サービス", 0, 5, KpiKind.OUTPUT),
    ],
    "digital_divide": [
        ("スマートフォン教室の参加者数（累計）", "人", 0, 500, KpiKind.OUTPUT),
        ("デジタル相談窓口の相談件数", "件", 0, 300, KpiKind.OUTPUT),
        ("公衆無線LANを整備した避難所の割合", "%", 40, 100, KpiKind.OUTPUT),
    ],
    "systems": [
        ("共同利用システムへ移行した業務の数", "業務", 2, 16, KpiKind.OUTPUT),
        ("RPAによる年間削減時間", "時間", 0, 1800, KpiKind.OUTCOME),
        ("庁内会議の紙資料の削減率", "%", 0, 70, KpiKind.OUTCOME),
    ],
}

_SCHEDULE_STEPS = ("検討・準備", "一部実施", "実施・拡大", "全面実施", "評価・見直し")


def _core_pillar_keys(guide: Guide) -> list[str]:
    keys = [p.key for p in guide.pillars_shown()]
    return keys or [p.key for p in guide.pillars][:5]


def _content_key(pillar_key: str, i: int) -> str:
    """Which content pool a pillar draws from (unknown pillar keys borrow one in turn)."""
    pools = list(_MEASURES)
    return pillar_key if pillar_key in _MEASURES else pools[i % len(pools)]


def _round(value: float, unit: str) -> float:
    """Shares keep one decimal; counts (件, 人, 回, 時間 ...) are whole numbers."""
    return round(value, 1) if unit == "%" else float(round(value))


def _spread(pillars: list[str], n: int) -> list[tuple[str, int]]:
    """(pillar, index within pillar) for n items, as evenly as possible, grouped by pillar."""
    if not pillars:
        return []
    per, extra = divmod(n, len(pillars))
    return [(p, j) for i, p in enumerate(pillars) for j in range(per + (1 if i < extra else 0))]


def _kpis(pillars: list[str], n: int, rng: random.Random, years: list[int], jitter: float) -> list[Kpi]:
    out: list[Kpi] = []
    for i, (pillar, j) in enumerate(_spread(pillars, n)):
        pool = _KPIS[_content_key(pillar, pillars.index(pillar))]
        round_no, j = divmod(j, len(pool))
        name, unit, base, final, kind = pool[j]
        if round_no:
            name = f"{name}（重点地区{round_no}）"
        base_v = _round(base * (1 + rng.uniform(-jitter, jitter)), unit)
        final_v = _round(final * (1 + rng.uniform(-jitter, jitter)), unit)
        if unit == "%":
            final_v = min(final_v, 100.0)
        target_years = years
        targets = {
            fy: _round(base_v + (final_v - base_v) * k / len(target_years), unit)
            for k, fy in enumerate(target_years, 1)
        }
        actuals: dict[int, float] = {}
        for fy in ACTUAL_YEARS:
            if fy in years:
                planned = base_v + (final_v - base_v) * (years.index(fy) + 1) / len(years)
                actuals[fy] = _round(max(0.0, planned * rng.uniform(0.8, 1.1)), unit)
        out.append(
            Kpi(
                key=f"K{i + 1:02d}",
                name=name,
                unit=unit,
                kind=kind,
                baseline=Baseline(value=base_v, as_of=BASELINE_DAY),
                targets=targets,
                actuals=actuals,
                source="担当課の業務統計",
                method="毎年度末時点の実績を担当課が集計し、推進本部に報告する。",
                pillar=pillar,
            )
        )
    return out


def _measures(
    guide: Guide, pillars: list[str], n: int, kpis: list[Kpi], rng: random.Random, years: list[int]
) -> list[Measure]:
    out: list[Measure] = []
    kpis_by_pillar: dict[str, list[Kpi]] = {}
    for k in kpis:
        kpis_by_pillar.setdefault(k.pillar or "", []).append(k)
    for i, (pillar, j) in enumerate(_spread(pillars, n)):
        pool = _MEASURES[_content_key(pillar, pillars.index(pillar))]
        round_no, jj = divmod(j, len(pool))
        name, summary, dept, national = pool[jj]
        if round_no:
            name = f"{name}（第{round_no + 1}期）"
        start = years[min(len(years) - 1, 0 if j == 0 else rng.randrange(0, 3))]
        schedule = [
            ScheduleEntry(fy=fy, activity=_SCHEDULE_STEPS[min(k, len(_SCHEDULE_STEPS) - 1)])
            for k, fy in enumerate(y for y in years if y >= start)
        ]
        own = kpis_by_pillar.get(pillar, [])
        chosen = [own[j % len(own)]] if own else []
        try:
            article: int | None = guide.pillar(pillar).article
        except KeyError:
            article = None
        out.append(
            Measure(
                key=f"M{i + 1:02d}",
                pillar=pillar,
                article=article,
                name=name,
                summary=summary,
                department=dept,
                schedule=schedule,
                kpi_keys=[k.key for k in chosen],
                origin=MeasureOrigin.NATIONAL if national else MeasureOrigin.OWN,
                national_ref=national,
            )
        )
    # KPIs left over (more KPIs than measures in a pillar) join the pillar's first measure.
    linked = {k for m in out for k in m.kpi_keys}
    for k in kpis:
        if k.key in linked:
            continue
        for idx, m in enumerate(out):
            if m.pillar == k.pillar:
                out[idx] = m.model_copy(update={"kpi_keys": [*m.kpi_keys, k.key]})
                break
    return out


def _answer(guide: Guide, q: Question, names: _Names) -> Any:
    """An answer for a plain question (stored in plan.answers)."""
    example = _fill(q.examples[0], names) if q.examples else None
    match q.type:
        case QuestionType.LONG_TEXT | QuestionType.SHORT_TEXT:
            if example:
                return example[: q.max_length] if q.max_length else example
            text = _TEXT.get(q.key, f"{q.label}について、{names.lg}の実情に応じて取り組みます。")
            return _fill(text.format(lg=names.lg), names)
        case QuestionType.SINGLE_CHOICE:
            values = [o.value for o in guide.options_for(q)]
            preferred = _PREFERRED_CHOICE.get(q.key)
            return preferred if preferred in values else values[0]
        case QuestionType.MULTI_CHOICE:
            return [o.value for o in guide.options_for(q)]
        case QuestionType.CHECKLIST:
            return [o.value for o in guide.options_for(q)[:14]]
        case QuestionType.NUMBER:
            return int(example) if example and example.isdigit() else 3
        case QuestionType.FISCAL_YEAR:
            return START_FY
        case QuestionType.DATE:
            return ADOPTED_ON.isoformat()
        case QuestionType.URL:
            return example if example and example.startswith("http") else "https://www.example.jp/"
    return example or q.label


def _bound(guide: Guide, field: str, names: _Names) -> str:
    """The guide's example for a question bound to a plan field (title, contact ...), if any."""
    for q in guide.questions():
        if q.field == field and q.examples:
            return _fill(q.examples[0], names)
    return ""


_STRUCTURED = (QuestionType.PLAN_PERIOD, QuestionType.PILLARS, QuestionType.MEASURES, QuestionType.KPIS)


def sample_plan(
    guide: Guide,
    *,
    lg_code: str | None = None,
    lg_name: str | None = None,
    n_measures: int = 6,
    n_kpis: int = 5,
    seed: int = 0,
) -> Plan:
    """A complete plan answering every question of `guide` (deterministic for given arguments).

    Measures and KPIs are spread evenly over the guide's core pillars (grouped by pillar, so M01…
    and K01… run pillar by pillar). Every measure has a yearly schedule and, when its pillar has
    KPIs, one related KPI; every KPI belongs to a measure of its pillar when there is one.
    seed=0 keeps the guide's example figures exactly; other seeds vary them a little.
    """
    if n_measures < 0 or n_kpis < 0:
        raise ValueError("n_measures と n_kpis は0以上にしてください")
    default = DEFAULT_PREFECTURE if guide.variant == "prefecture" else DEFAULT_MUNICIPALITY
    lg_code = lg_code or default[0]
    lg_name = lg_name or default[1]
    names = _Names(lg_name, _prefectures().get(lg_code, ""), guide.variant)
    rng = random.Random(f"sample-plan:{seed}:{n_measures}:{n_kpis}")
    period = PlanPeriod(start_fy=START_FY, end_fy=END_FY)
    years = period.years
    pillars = _core_pillar_keys(guide)
    kpis = _kpis(pillars, n_kpis, rng, years, jitter=0.0 if seed == 0 else 0.08)
    measures = [
        m.model_copy(update={"department": _fill(m.department, names), "summary": _fill(m.summary, names)})
        for m in _measures(guide, pillars, n_measures, kpis, rng, years)
    ]
    kpis = [k.model_copy(update={"name": _fill(k.name, names)}) for k in kpis]

    answers = {
        q.key: _answer(guide, q, names)
        for q in guide.questions()
        if not q.field and q.type not in _STRUCTURED
    }
    slug = "pref.aoba" if guide.variant == "prefecture" else "town.midori"
    return Plan(
        lg_code=lg_code,
        lg_name=lg_name,
        guide_id=guide.id,
        guide_edition=guide.edition,
        title=_bound(guide, "title", names) or f"{lg_name}{guide.plan_kind}",
        period=period,
        answers=answers,
        pillars=pillars,
        measures=measures,
        kpis=kpis,
        publication_url=_bound(guide, "publication_url", names)
        or f"https://www.{slug}.example.jp/soshiki/somu/kanmin-data.html",
        contact=Contact(
            department=_bound(guide, "contact.department", names) or f"{lg_name} 総務課 情報政策係",
            phone=_bound(guide, "contact.phone", names) or "0123-45-6789",
            email=_bound(guide, "contact.email", names) or f"johosei@{slug}.example.jp",
        ),
        history=[
            Revision(on=ADOPTED_ON, note="策定"),
            Revision(on=REVISED_ON, note="中間年度の見直し（指標（KPI）の目標値と施策の一部を見直し）"),
        ],
    )
