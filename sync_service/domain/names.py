"""Family and given name from form 1's single name box, for the account profile."""

from __future__ import annotations

# Two-character Taiwanese surnames that would otherwise be split after one
# character (not exhaustive; a wrong split is corrected by the person at
# first sign-in, when UPDATE_PROFILE asks them to confirm their data).
COMPOUND_SURNAMES = frozenset(
    {
        "歐陽",
        "司馬",
        "諸葛",
        "上官",
        "東方",
        "皇甫",
        "司徒",
        "公孫",
        "夏侯",
        "尉遲",
        "長孫",
        "慕容",
        "令狐",
        "宇文",
        "張簡",
        "范姜",
        "張廖",
        "周黃",
        "劉張",
        "陳吳",
        "江謝",
        "簡林",
    }
)


def split_person_name(name: str) -> tuple[str, str]:
    """(family name, given name)."""
    name = name.strip()
    if "·" in name:  # indigenous or transliterated foreign names: given·family
        given, _, family = name.rpartition("·")
        return family, given
    if " " in name:  # Latin letters, written given-name first
        given, _, family = name.rpartition(" ")
        return family, given
    if len(name) >= 3 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    return name[:1], name[1:]
