"""A complete, realistic sample plan for any guide: for demos, tests, trainers and benchmarks.

`sample_plan(guide)` answers every question of the guide, spreads measures over the guide's
core pillars, gives every KPI a baseline, yearly targets and the actuals of the years already
past, and gives every measure a yearly schedule. It is deterministic: the same arguments give
the same plan, so tests and benchmarks can compare outputs.

The default municipality is a real 団体コード (so the check digit validates), but the plan text is
invented for illustration and says nothing about that municipality's actual policy.
"""

from __future__ import annotations

import random
from datetime import date
from typing import Any

from plan_builder.guide.model import Guide, Question, QuestionType
from plan_builder.plan.model import (
    Baseline,
    Contact,
    Kpi,
    KpiKind,
    Measure,
    MeasureOrigin,
    Plan,
    PlanPeriod,
    Revision,
    ScheduleEntry,
)

# Defaults: a town for the municipal guide, its prefecture for the prefectural guide.
DEFAULT_MUNICIPALITY = ("033227", "矢巾町")
DEFAULT_PREFECTURE = ("030007", "岩手県")

START_FY = 2024  # 令和6年度
END_FY = 2028  # 令和10年度
BASELINE_DAY = date(2024, 3, 31)
ADOPTED_ON = date(2024, 3, 27)
REVISED_ON = date(2025, 3, 26)
ACTUAL_YEARS = (2024, 2025)  # years already past when the sample was written

_PLACEHOLDERS = ("○○市町村", "○○市", "○○町", "○○村", "○○県", "○○都", "○○府", "○○道", "○○")


def _fill(text: str, lg_name: str) -> str:
    for p in _PLACEHOLDERS:
        text = text.replace(p, lg_name)
    return text


# Narrative answers by question key. `{lg}` is the municipality's name. ---------------------
_TEXT: dict[str, str] = {
    "current.overview": (
        "{lg}は県のほぼ中央に位置し、県都に隣接する住宅地と、水田や果樹園が広がる農村部から"
        "なるまちです。人口は約2万6千人で、ここ数年は横ばいから微減に転じており、65歳以上の"
        "割合は28%を超えました。子育て世帯の転入が続く一方で、農村部では高齢化と単身世帯の"
        "増加が進んでいます。"
    ),
    "current.issues": (
        "窓口での手続は依然として紙と対面が中心であり、平日の開庁時間に来庁できない子育て世代や"
        "勤労世代から改善を求める声が寄せられています。また、職員数が減少する中で、災害対応や"
        "福祉分野の業務量は増えており、定型的な事務の負担を軽減することが急務です。"
        "行政が保有するデータは各課に分散しており、政策の立案や効果の検証に十分活用されて"
        "いません。"
    ),
    "current.initiatives": (
        "これまで、ぴったりサービスを利用した子育て関係手続のオンライン受付、コンビニエンス"
        "ストアでの住民票の写し等の交付、公共施設予約システムの導入などに取り組んできました。"
        "令和5年度には庁内の無線LAN環境を整備し、ペーパーレス会議を試行しています。"
    ),
    "current.data_status": (
        "オープンデータは令和5年度末時点で12データセットを町のホームページで公開していますが、"
        "機械判読に適さないPDF形式のものが多く、更新頻度も一定していません。マイナンバーカードの"
        "保有率は令和6年3月末時点で74.2%です。"
    ),
    "purpose.statement": (
        "本計画は、官民データ活用推進基本法の趣旨を踏まえ、行政手続のオンライン化やオープン"
        "データの推進などを通じて、住民の利便性の向上と行政運営の効率化を図るとともに、"
        "データに基づく政策立案（EBPM）によって地域課題の解決を目指すものです。"
    ),
    "positioning.basis": (
        "本計画は、官民データ活用推進基本法第9条第3項に規定する「市町村官民データ活用推進計画」"
        "として策定するものです。"
    ),
    "positioning.related_plans": (
        "本計画は、「第7次{lg}総合計画」を上位計画とし、「{lg}まち・ひと・しごと創生総合戦略」や"
        "「{lg}地域防災計画」など関連する個別計画と整合を図ります。また、国の「デジタル社会の実現に"
        "向けた重点計画」及び「自治体DX推進計画」、県の官民データ活用推進計画を踏まえています。"
    ),
    "positioning.review": (
        "社会情勢の変化や国の施策の動向、毎年度の進捗状況の評価結果を踏まえ、必要に応じて計画期間中"
        "であっても見直しを行います。"
    ),
    "structure.organization": (
        "町長を本部長とし、副町長及び各課長で構成する「{lg}DX推進本部」を設置し、全庁横断的に計画を"
        "推進します。事務局は総務課情報政策係が担い、各課にはDX推進員を配置します。"
    ),
    "structure.pdca": (
        "各施策の進捗とKPIの達成状況を毎年度DX推進本部で評価し、その結果を町のホームページで"
        "公表します。評価の結果は翌年度の取組と予算に反映し、PDCAサイクルによって計画を着実に"
        "推進します。"
    ),
    "structure.ordinance": "条例は制定していません。",
    "policy.online": (
        "住民が「いつでも、どこでも」行政手続を行えるよう、申請件数の多い手続から順にオンライン化を"
        "進めます。あわせて、書面・押印・対面を前提とした業務の見直しを行います。"
    ),
    "policy.open_data": (
        "町が保有するデータは原則として公開する「オープンデータ・バイ・デザイン」の考え方に立ち、"
        "自治体標準オープンデータセットに準拠した機械判読可能な形式で公開します。"
    ),
    "policy.my_number": (
        "マイナンバーカードの取得を促進するとともに、コンビニ交付や書かない窓口など、カードを"
        "活用した住民サービスを拡充します。"
    ),
    "policy.digital_divide": (
        "高齢者や障がいのある方など、誰もがデジタル化の恩恵を受けられるよう、スマートフォン教室や"
        "身近な相談窓口を設け、デジタルデバイドの解消に取り組みます。"
    ),
    "policy.systems": (
        "基幹業務システムを標準準拠システムへ移行し、ガバメントクラウドの活用によって運用コストの"
        "削減と業務の標準化を図ります。RPAやAIの活用により定型業務の効率化も進めます。"
    ),
    "security.cybersecurity": (
        "サイバーセキュリティ基本法及び{lg}情報セキュリティポリシーに基づき、情報資産の適切な管理と"
        "職員研修、インシデント発生時の対応体制の整備を行います。"
    ),
    "security.personal_info": (
        "個人情報の保護に関する法律及び関係規程に基づき、個人情報を適正に取り扱います。オープン"
        "データの公開にあたっては、個人が特定されないよう十分に配慮します。"
    ),
    "security.service_design": (
        "国の「サービス設計12箇条」を踏まえ、利用者の視点に立って、分かりやすく使いやすい"
        "サービスの設計に努めます。"
    ),
}

_SHORT: dict[str, str] = {
    "structure.cio": "副町長",
    "structure.contact_phone": "019-611-2600",
}


# Measures and KPIs by pillar. --------------------------------------------------------------
# (name, summary, department, national_ref or "")
_MEASURES: dict[str, list[tuple[str, str, str, str]]] = {
    "online": [
        (
            "行政手続のオンライン化",
            "子育て・介護など住民の利用が多い手続を中心に、マイナポータルや電子申請サービスによる"
            "オンライン申請を拡大します。",
            "総務課",
            "自治体の行政手続のオンライン化",
        ),
        (
            "キャッシュレス決済の導入",
            "窓口での証明書手数料や施設使用料にキャッシュレス決済を導入します。",
            "会計課",
            "",
        ),
        (
            "電子契約の導入",
            "工事・物品の契約に電子契約サービスを導入し、押印と郵送を不要にします。",
            "財政課",
            "",
        ),
        (
            "施設予約のオンライン化",
            "公民館・体育施設の予約から支払までをオンラインで完結させます。",
            "生涯学習課",
            "",
        ),
        ("オンライン相談の実施", "子育てや移住に関する相談をビデオ通話で受け付けます。", "企画課", ""),
        (
            "電子申請の案内強化",
            "電子申請できる手続を一覧にして、町のホームページと広報誌で周知します。",
            "総務課",
            "",
        ),
    ],
    "open_data": [
        (
            "推奨データセットの公開",
            "自治体標準オープンデータセットに準拠した形式で、公共施設や避難所などのデータを公開します。",
            "総務課",
            "オープンデータの推進",
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
            "ハザードマップや避難所の開設状況を機械判読可能な形式で提供します。",
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
            "休日や出張による申請受付を行い、カードの取得を支援します。",
            "住民課",
            "マイナンバーカードの普及促進",
        ),
        ("コンビニ交付の拡充", "コンビニ交付で取得できる証明書の種類を拡大します。", "住民課", ""),
        (
            "書かない窓口の導入",
            "マイナンバーカードの読み取りにより、申請書を書かずに済む窓口を導入します。",
            "住民課",
            "",
        ),
        (
            "図書館カードとしての活用",
            "マイナンバーカードを図書館の利用者カードとして使えるようにします。",
            "生涯学習課",
            "",
        ),
        ("健康保険証利用の促進", "マイナ保険証の利用登録を窓口で支援します。", "健康福祉課", ""),
    ],
    "digital_divide": [
        (
            "スマートフォン教室の開催",
            "高齢者を対象に、スマートフォンの基本操作やオンライン手続の方法を学ぶ教室を開催します。",
            "長寿介護課",
            "デジタル活用支援推進事業",
        ),
        (
            "デジタル相談窓口の設置",
            "役場と公民館に、デジタル機器の使い方を相談できる窓口を設けます。",
            "総務課",
            "",
        ),
        ("公共施設の公衆無線LAN整備", "避難所となる公共施設に公衆無線LANを整備します。", "防災安全課", ""),
        ("ウェブアクセシビリティの向上", "町のホームページをJIS X 8341-3に準拠させます。", "企画課", ""),
        (
            "デジタル推進委員の育成",
            "地域でデジタル機器の使い方を教える住民ボランティアを育成します。",
            "長寿介護課",
            "",
        ),
    ],
    "systems": [
        (
            "基幹業務システムの標準化",
            "住民記録・税・福祉などの基幹業務システムを標準準拠システムへ移行します。",
            "総務課",
            "地方公共団体情報システムの標準化",
        ),
        ("ガバメントクラウドの活用", "標準準拠システムをガバメントクラウド上で運用します。", "総務課", ""),
        ("RPAの導入", "定型的なデータ入力業務にRPAを導入し、作業時間を削減します。", "総務課", ""),
        (
            "ペーパーレス会議の推進",
            "庁内会議と議会でタブレット端末を活用し、紙の資料を削減します。",
            "総務課",
            "",
        ),
        ("テレワーク環境の整備", "職員が庁外から安全に業務を行える環境を整備します。", "総務課", ""),
        ("生成AIの業務活用", "文書作成や要約に生成AIを試行し、利用ルールを定めます。", "総務課", ""),
    ],
}

# (name, unit, baseline, final target, kind)
_KPIS: dict[str, list[tuple[str, str, float, float, KpiKind]]] = {
    "online": [
        ("オンライン申請が可能な手続の数", "件", 18, 120, KpiKind.OUTPUT),
        ("主要手続のオンライン利用率", "%", 8.5, 40, KpiKind.OUTCOME),
        ("キャッシュレス決済に対応した窓口の数", "か所", 0, 12, KpiKind.OUTPUT),
    ],
    "open_data": [
        ("公開しているオープンデータセット数", "件", 12, 60, KpiKind.OUTPUT),
        ("推奨データセットの公開数", "件", 4, 20, KpiKind.OUTPUT),
        ("オープンデータカタログの年間閲覧数", "回", 1200, 6000, KpiKind.OUTCOME),
    ],
    "my_number": [
        ("マイナンバーカードの保有率", "%", 74.2, 90, KpiKind.OUTCOME),
        ("コンビニ交付による証明書の交付割合", "%", 11.3, 35, KpiKind.OUTCOME),
        ("カードを利用できる町独自サービスの数", "件", 1, 6, KpiKind.OUTPUT),
    ],
    "digital_divide": [
        ("スマートフォン教室の参加者数（累計）", "人", 85, 600, KpiKind.OUTPUT),
        ("デジタル相談窓口の相談件数", "件", 0, 400, KpiKind.OUTPUT),
        ("公衆無線LANを整備した避難所の割合", "%", 35, 100, KpiKind.OUTPUT),
    ],
    "systems": [
        ("標準準拠システムへ移行した業務の数", "業務", 0, 20, KpiKind.OUTPUT),
        ("RPAによる年間削減時間", "時間", 150, 2400, KpiKind.OUTCOME),
        ("庁内会議の紙資料の削減率", "%", 10, 80, KpiKind.OUTCOME),
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
                method="毎年度末時点の実績を担当課が集計し、DX推進本部に報告する。",
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


def _answer(guide: Guide, q: Question, lg_name: str, rng: random.Random) -> Any:
    """An answer for a plain question (stored in plan.answers)."""
    example = _fill(q.examples[0], lg_name) if q.examples else None
    match q.type:
        case QuestionType.LONG_TEXT:
            if example:
                return example
            return _TEXT.get(q.key, f"{q.label}について、{lg_name}の実情に応じて取り組みます。").format(
                lg=lg_name
            )
        case QuestionType.SHORT_TEXT:
            if example:
                return example
            text = _SHORT.get(q.key) or _TEXT.get(q.key)
            return (text or f"{q.label}（記入例）").format(lg=lg_name)[: q.max_length or 200]
        case QuestionType.SINGLE_CHOICE:
            return guide.options_for(q)[0].value
        case QuestionType.MULTI_CHOICE:
            return [o.value for o in guide.options_for(q)]
        case QuestionType.CHECKLIST:
            opts = guide.options_for(q)
            return [o.value for o in opts[: max(1, min(len(opts), 14))]]
        case QuestionType.NUMBER:
            return int(example) if example and example.isdigit() else 3
        case QuestionType.FISCAL_YEAR:
            return START_FY
        case QuestionType.DATE:
            return ADOPTED_ON.isoformat()
        case QuestionType.URL:
            return example if example and example.startswith("http") else "https://www.example.lg.jp/"
    return example or f"{q.label}（記入例）"


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

    Measures and KPIs are spread round-robin over the guide's core pillars; every measure has a
    yearly schedule and (when KPIs exist) at least one KPI of its pillar, and every KPI belongs
    to a measure when there are measures of its pillar.
    """
    if n_measures < 0 or n_kpis < 0:
        raise ValueError("n_measures と n_kpis は0以上にしてください")
    default = DEFAULT_PREFECTURE if guide.variant == "prefecture" else DEFAULT_MUNICIPALITY
    lg_code = lg_code or default[0]
    lg_name = lg_name or (default[1] if lg_code == default[0] else "サンプル町")
    rng = random.Random(f"sample-plan:{seed}:{n_measures}:{n_kpis}")
    period = PlanPeriod(start_fy=START_FY, end_fy=END_FY)
    years = period.years
    pillars = _core_pillar_keys(guide)
    kpis = _kpis(pillars, n_kpis, rng, years, jitter=0.0 if seed == 0 else 0.08)
    measures = _measures(guide, pillars, n_measures, kpis, rng, years)

    answers: dict[str, Any] = {}
    for q in guide.questions():
        if q.field or q.type in (
            QuestionType.PLAN_PERIOD,
            QuestionType.PILLARS,
            QuestionType.MEASURES,
            QuestionType.KPIS,
        ):
            continue
        answers[q.key] = _answer(guide, q, lg_name, rng)

    slug = "sample"
    return Plan(
        lg_code=lg_code,
        lg_name=lg_name,
        guide_id=guide.id,
        guide_edition=guide.edition,
        title=f"{lg_name}{guide.plan_kind}",
        period=period,
        answers=answers,
        pillars=pillars,
        measures=measures,
        kpis=kpis,
        publication_url=f"https://www.{slug}.example.lg.jp/soshiki/somu/dx/plan.html",
        contact=Contact(
            department="総務課 情報政策係",
            phone=_SHORT["structure.contact_phone"],
            email=f"johoseisaku@{slug}.example.lg.jp",
            address="",
        ),
        history=[
            Revision(on=ADOPTED_ON, note="策定"),
            Revision(on=REVISED_ON, note="令和6年度の実績値を反映し、KPIの目標値を一部見直し"),
        ],
    )
