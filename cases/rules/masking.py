"""Masking personal names for what is published (公示, 退档公示), and phones and emails for the admin.

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


def mask_phone(phone: str | None) -> str:
    """13800138000 (or +86 138-0013-8000) → 138****8000: the first three and last four digits,
    as banks and carriers print a number; a shorter number is hidden whole."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if len(digits) == 13 and digits.startswith("86"):
        digits = digits[2:]
    if len(digits) < 8:
        return MASK * len(digits)
    return digits[:3] + MASK * (len(digits) - 7) + digits[-4:]


def mask_email(email: str | None) -> str:
    """zhangsan@example.com → z*******@example.com: the mailbox's first character and the domain."""
    local, at, domain = (email or "").strip().partition("@")
    if not at:
        return MASK * len(local)
    return local[:1] + MASK * max(len(local) - 1, 1) + at + domain


def mask_contact(address: str | None) -> str:
    """A notification's address, a phone or an email, as the admin shows it."""
    return mask_email(address) if "@" in (address or "") else mask_phone(address)
