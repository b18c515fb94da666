"""Valid made-up identifiers for tests: GB 11643 resident ID numbers and GB 32100 unified
social credit codes, with correct check characters."""

from cases.rules.validators import resident_id_check_char, uscc_check_char


def resident_id(n: int = 1, *, region: str = "110105", born: str = "19900101") -> str:
    """The n-th person (n below 1000) of `region` born on `born` (YYYYMMDD)."""
    first17 = f"{region}{born}{n % 1000:03d}"
    return first17 + resident_id_check_char(first17)


def uscc(n: int = 1, *, series: str = "MA0") -> str:
    first17 = f"91110108{series}{n:06d}"
    return first17 + uscc_check_char(first17)
