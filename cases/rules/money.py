"""Amounts in Chinese capitals (人民币大写), as receipts and vouchers write them.

After 《支付结算办法》附件一《正确填写票据和结算凭证的基本规定》: the digits 零壹贰叁肆伍陆柒捌玖
with the units 拾佰仟万亿, then 元角分; an amount ending at 元 (or at 角) is followed by 整,
an amount with 分 is not; a zero between figures is written once as 零 (¥1,005.00 →
壹仟零伍元整, ¥325.04 → 叁佰贰拾伍元零肆分); a leading ten is written 壹拾 (¥10.00 →
壹拾元整), so that nothing can be written in front of it. Amounts are Decimal, in yuan, to
the fen; anything finer, or negative, is refused rather than rounded.

`yuan` writes an amount in figures as every page, notice and document shows it: ¥8,000.00,
grouped by thousands in every language (Django's Chinese number format groups nothing).
"""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

DIGITS = "零壹贰叁肆伍陆柒捌玖"
GROUP_UNITS = ("", "万", "亿", "万亿")
PLACE_UNITS = ("仟", "佰", "拾", "")
FEN = Decimal("0.01")


def _group(value: int) -> str:
    """One group of four digits (1..9999): 1010 → 壹仟零壹拾; leading zeros are left to the caller."""
    out, pending_zero = "", False
    for digit, unit in zip(f"{value:04d}", PLACE_UNITS, strict=True):
        if digit == "0":
            pending_zero = bool(out)
            continue
        if pending_zero:
            out += "零"
            pending_zero = False
        out += DIGITS[int(digit)] + unit
    return out


def _integer(value: int) -> str:
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    if len(groups) > len(GROUP_UNITS):
        raise ValueError("amount too large for Chinese capitals")
    out, pending_zero = "", False
    for index in reversed(range(len(groups))):
        group = groups[index]
        if group == 0:
            pending_zero = bool(out)
            continue
        if out and (pending_zero or group < 1000):
            out += "零"
        out += _group(group) + GROUP_UNITS[index]
        pending_zero = False
    return out


def rmb_capitals(amount: Decimal) -> str:
    """Decimal("3000.00") → 叁仟元整; Decimal("1234.56") → 壹仟贰佰叁拾肆元伍角陆分."""
    if not isinstance(amount, Decimal):
        raise TypeError(f"amounts are Decimal, not {type(amount).__name__}")
    if not amount.is_finite() or amount < 0:
        raise ValueError(f"no Chinese capitals for {amount}")
    fen_total = amount / FEN
    if fen_total != fen_total.to_integral_value():
        raise ValueError(f"{amount} is finer than the fen")
    yuan, rest = divmod(int(fen_total), 100)
    jiao, fen = divmod(rest, 10)
    if yuan == jiao == fen == 0:
        return "零元整"
    out = _integer(yuan) + "元" if yuan else ""
    if jiao:
        out += DIGITS[jiao] + "角"
    elif fen and yuan:
        out += "零"
    if fen:
        out += DIGITS[fen] + "分"
    else:
        out += "整"
    return out


NO_AMOUNT = "—"


def yuan(amount, *, symbol: bool = True) -> str:
    """¥8,000.00: yuan to the fen (half up), grouped by thousands; a negative amount as
    −¥1,000.00; an em dash for no amount (None or ""). `symbol=False` leaves out the ¥ for a
    text that writes it itself ("¥{{ amount|money }}"). Text that is no number comes back as
    it is. The one formatter behind cases.selectors.yuan, the `money` template filter, the
    documents' cn_money and the rules' and services' messages."""
    if amount is None or amount == "":
        return NO_AMOUNT
    if isinstance(amount, float):
        amount = repr(amount)  # the number as written, never its binary expansion
    try:
        value = Decimal(amount).quantize(FEN, rounding=ROUND_HALF_UP)
    except (InvalidOperation, TypeError, ValueError):
        return str(amount)
    sign = "−" if value < 0 else ""
    return f"{sign}{'¥' if symbol else ''}{abs(value):,.2f}"
