"""Masking personal names for what is published (公示, 退档公示).

Federations publish a hardship household's name with the given name hidden except its last
character: 王建国 → 王*国, 王伟 → 王*, 欧阳娜娜 → 欧**娜. The first and the last characters
stay, every character between them is a *; a two-character name keeps its first. Names
written with the interpunct of minority names (阿依古丽·买买提) keep the dot, so the shape
of the name stays recognisable to those who know the household and to nobody else.
"""

MASK = "*"
NAME_SEPARATORS = frozenset("·•・.")


def mask_name(name: str | None) -> str:
    """The name as a publicity notice shows it; an empty name stays empty."""
    name = "".join((name or "").split())  # no spaces inside a Chinese name
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + MASK
    middle = "".join(ch if ch in NAME_SEPARATORS else MASK for ch in name[1:-1])
    return name[0] + middle + name[-1]
