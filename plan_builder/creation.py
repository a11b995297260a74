"""Starting a plan: which guide fits which local government, and the empty plan itself.

Shared by the CLI (`new`, `import`) and the wizard so the rule lives in one place: prefectures
use the prefectural variant, municipalities (including 特別区) the municipal one; the wards of
designated cities and the 北方領土 villages do not make their own plans.
"""

from __future__ import annotations

from plan_builder.errors import PlanBuilderError
from plan_builder.guide import Guide
from plan_builder.plan import Plan
from plan_builder.store import LocalGovernment

_VARIANT_OF_LEVEL = {"prefecture": "prefecture", "municipality": "municipality"}
_VARIANT_LABEL = {"prefecture": "都道府県版", "municipality": "市町村版"}


def ensure_guide_fits(lg: LocalGovernment, guide: Guide) -> None:
    """Raise PlanBuilderError (Japanese) when `guide` is not the variant for `lg`."""
    if lg.northern_territories:
        raise PlanBuilderError(f"{lg.name}（{lg.code6}）は北方領土の村のため、計画を作成できません。")
    wanted = _VARIANT_OF_LEVEL.get(lg.level)
    if wanted is None:
        raise PlanBuilderError(
            f"{lg.prefecture}{lg.name}（{lg.code6}）は政令指定都市の区です。計画は市（団体）の単位で作成してください"
            f"（団体コード {lg.parent_code6 or '（不明）'}）。"
        )
    if guide.variant != wanted:
        raise PlanBuilderError(
            f"{lg.name}は{'都道府県' if wanted == 'prefecture' else '市区町村'}のため、"
            f"{_VARIANT_LABEL[wanted]}の手引を使ってください。"
            f"指定された手引「{guide.id}」は{guide.variant_label}です。"
        )


def default_title(lg: LocalGovernment, guide: Guide) -> str:
    return f"{lg.name}{guide.plan_kind}"


def new_plan(lg: LocalGovernment, guide: Guide, *, title: str | None = None, training: bool = False) -> Plan:
    """An empty plan for `lg` on `guide` (validated; nothing is stored)."""
    ensure_guide_fits(lg, guide)
    return Plan(
        lg_code=lg.code6,
        lg_name=lg.name,
        guide_id=guide.id,
        guide_edition=guide.edition,
        title=title or default_title(lg, guide),
        is_training=training,
    )
