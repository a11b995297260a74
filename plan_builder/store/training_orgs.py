"""The fictional organisations that own every training sandbox (研修県・研修市).

Why: a sandbox attached to a real town showed up in that town's lists and in review queues. Each
guide variant gets one fictional organisation with the prefecture code 99, which no real local
government has, so a training plan can never belong to a real organisation and a real plan can
never be filed under a training one (Store.create_plan enforces both directions).
"""

from __future__ import annotations

TRAINING_PREF = "99"  # real prefecture codes are 01–47

# code6 carries a valid 総務省 check digit, so the plan model accepts it unchanged.
TRAINING_ORGS: dict[str, dict[str, str | None]] = {
    "prefecture": {
        "code6": "990001",
        "code5": "99000",
        "name": "研修県",
        "name_kana": "ケンシュウケン",
        "level": "prefecture",
        "type": "prefecture",
    },
    "municipality": {
        "code6": "990019",
        "code5": "99001",
        "name": "研修市",
        "name_kana": "ケンシュウシ",
        "level": "municipality",
        "type": "city",
    },
}
TRAINING_PREFECTURE = "研修県"
TRAINING_NOTE = "研修用の架空の団体"


def is_training_org(code6: str | None) -> bool:
    """True for the fictional training organisations (prefecture code 99)."""
    return bool(code6) and str(code6)[:2] == TRAINING_PREF


def training_org_code(variant: str) -> str:
    """The fictional organisation for a guide variant ("prefecture" or "municipality")."""
    return str(TRAINING_ORGS[variant]["code6"])


def training_org_rows() -> list[dict[str, object]]:
    """Rows for the local_government table (inserted by migration 0006)."""
    return [
        {
            **org,
            "pref_code": TRAINING_PREF,
            "prefecture": TRAINING_PREFECTURE,
            "prefecture_kana": "ケンシュウケン",
            "parent_code6": None,
            "northern_territories": False,
            "population": None,
        }
        for org in TRAINING_ORGS.values()
    ]
