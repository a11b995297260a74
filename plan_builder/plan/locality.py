"""The plan's own body in words: its name, whether it is a 市, 町, 村, 区 or 都道府県, and its
prefecture. These fill the placeholders of the guide's 記載例 (plan_builder.guide.placeholders).

Everything comes from the plan's 団体コード and 団体名, so no lookup table or database is needed:
the first two digits of the code are the prefecture (JIS X 0401), and a municipality's name
ends with its kind.
"""

from __future__ import annotations

from dataclasses import dataclass

from plan_builder.guide import fill

# JIS X 0401 order: index + 1 is the prefecture code.
PREFECTURES = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)  # fmt: skip
_HEAD = {"市": "市長", "町": "町長", "村": "村長", "区": "区長"}
_OFFICE = {"市": "市役所", "町": "町役場", "村": "村役場", "区": "区役所"}


@dataclass(frozen=True)
class Locality:
    """A local government as the 記載例 speak of it."""

    name: str  # 矢巾町
    kind: str  # 町 (市/町/村/区, or 県/都/道/府 for a prefecture)
    prefecture: str  # 岩手県 (the body itself for a prefecture)

    @classmethod
    def of(cls, lg_code: str, lg_name: str) -> Locality:
        """From a 団体コード and name; an unusual name falls back to neutral words."""
        pref_no = int(lg_code[:2]) if lg_code[:2].isdigit() else 0
        prefecture = PREFECTURES[pref_no - 1] if 1 <= pref_no <= 47 else ""
        if lg_code[2:5] == "000":  # a prefecture itself
            return cls(lg_name, lg_name[-1:] if lg_name[-1:] in "都道府県" else "県", lg_name)
        kind = lg_name[-1:] if lg_name[-1:] in "市町村区" else ""
        return cls(lg_name, kind, prefecture)

    @property
    def is_prefecture(self) -> bool:
        return self.kind in ("都", "道", "府", "県")

    def values(self) -> dict[str, str]:
        """The text for each placeholder name."""
        pref_kind = self.prefecture[-1:] if self.prefecture[-1:] in "都道府県" else "都道府県"
        kind = self.kind or "団体"
        return {
            "団体名": self.name,
            "本団体": f"本{self.kind}" if self.kind else "本団体",
            "団体": kind,
            "都道府県名": self.prefecture or "都道府県",
            "都道府県": pref_kind,
            "首長": "知事" if self.is_prefecture else _HEAD.get(self.kind, "首長"),
            "役所": f"{self.kind}庁" if self.is_prefecture else _OFFICE.get(self.kind, "役所"),
        }

    def fill(self, text: str) -> str:
        """A 記載例 (or any guide text with placeholders) written for this body."""
        return fill(text, self.values())


# The fictional bodies the examples were written for: used where no plan is at hand
# (training hand-outs) and by the sample plans.
EXAMPLE_MUNICIPALITY = Locality("みどり町", "町", "あおば県")
EXAMPLE_PREFECTURE = Locality("あおば県", "県", "あおば県")


def example_locality(variant: str) -> Locality:
    """The fictional body of a guide variant ("prefecture" or "municipality")."""
    return EXAMPLE_PREFECTURE if variant == "prefecture" else EXAMPLE_MUNICIPALITY
