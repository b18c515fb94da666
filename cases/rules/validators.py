"""Validators for the identifiers the federation records: resident ID (GB 11643),
unified social credit code (GB 32100-2015) and mainland mobile numbers.

Each `validate_*` is a Django validator (raises ValidationError with a Chinese message
naming the rule); each `normalise_*` gives the form the value should be stored in.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

RESIDENT_ID_LENGTH = 18
RESIDENT_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
RESIDENT_ID_CHECK_CHARS = "10X98765432"
_RESIDENT_ID_SHAPE = re.compile(r"[0-9]{17}[0-9X]")

USCC_LENGTH = 18
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

MOBILE_COUNTRY_PREFIX = "+86"
# [0-9], not \d: \d also matches full-width and other non-ASCII digits.
_MOBILE_SHAPE = re.compile(r"1[0-9]{10}")


@dataclass(frozen=True)
class ResidentIdInfo:
    birth_date: date
    sex: str  # "M" or "F"
    region_code: str


def normalise_resident_id(value: str) -> str:
    return str(value).strip().upper()


def resident_id_check_char(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, RESIDENT_ID_WEIGHTS))
    return RESIDENT_ID_CHECK_CHARS[total % 11]


def _resident_id_birth_date(number: str) -> date:
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("公民身份号码第7–14位的出生日期“%(digits)s”不是有效日期（GB 11643）。"),
            code="resident_id_birth_date", params={"digits": number[6:14]},
        ) from None
    if birth > timezone.localdate():
        raise ValidationError(
            _("公民身份号码中的出生日期晚于今天（GB 11643）。"), code="resident_id_birth_future",
        )
    return birth


def validate_resident_id(value: str) -> None:
    number = normalise_resident_id(value)
    if len(number) != RESIDENT_ID_LENGTH:
        raise ValidationError(
            _("公民身份号码应为18位，当前为%(length)d位（GB 11643）。"),
            code="resident_id_length", params={"length": len(number)},
        )
    if not _RESIDENT_ID_SHAPE.fullmatch(number):
        raise ValidationError(
            _("公民身份号码前17位应为数字，最后一位应为数字或X（GB 11643）。"),
            code="resident_id_characters",
        )
    _resident_id_birth_date(number)
    if resident_id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("公民身份号码校验码不正确（GB 11643）。"), code="resident_id_check")


def parse_resident_id(value: str) -> ResidentIdInfo:
    """Birth date, sex and region of a valid resident ID; raises ValidationError otherwise."""
    validate_resident_id(value)
    number = normalise_resident_id(value)
    return ResidentIdInfo(
        birth_date=_resident_id_birth_date(number),
        sex="M" if int(number[16]) % 2 else "F",
        region_code=number[:6],
    )


def normalise_uscc(value: str) -> str:
    return str(value).strip().upper()


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_CHARSET.index(char) * weight for char, weight in zip(first17, USCC_WEIGHTS))
    return USCC_CHARSET[(31 - total % 31) % 31]


def validate_uscc(value: str) -> None:
    code = normalise_uscc(value)
    if len(code) != USCC_LENGTH:
        raise ValidationError(
            _("统一社会信用代码应为18位，当前为%(length)d位（GB 32100-2015）。"),
            code="uscc_length", params={"length": len(code)},
        )
    bad = sorted({char for char in code if char not in USCC_CHARSET})
    if bad:
        raise ValidationError(
            _("统一社会信用代码含有不允许的字符“%(chars)s”（GB 32100-2015 不使用 I、O、Z、S、V）。"),
            code="uscc_characters", params={"chars": "".join(bad)},
        )
    if uscc_check_char(code[:17]) != code[17]:
        raise ValidationError(_("统一社会信用代码校验码不正确（GB 32100-2015）。"), code="uscc_check")


def normalise_mobile(value: str) -> str:
    number = str(value).strip()
    if number.startswith(MOBILE_COUNTRY_PREFIX):
        number = number[len(MOBILE_COUNTRY_PREFIX):].strip()
    return number


def validate_mobile(value: str) -> None:
    if not _MOBILE_SHAPE.fullmatch(normalise_mobile(value)):
        raise ValidationError(
            _("手机号码应为以1开头的11位数字（可带+86前缀）。"), code="mobile_format",
        )


def as_date(value, field: str):
    """A transition's date input: a date (a datetime counts by its day), else an error on `field`."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    raise ValidationError({field: _("请填写日期。")})


def as_past_date(value, field: str):
    """As as_date, and not later than today."""
    day = as_date(value, field)
    if day > timezone.localdate():
        raise ValidationError({field: _("日期不能晚于今天。")})
    return day


# Postal item numbers (邮件号码) as a 邮寄送达 is proved by them: a domestic EMS waybill (国内特快专递
# 邮件详情单) carries 13 digits; a registered or EMS item numbered under UPU standard S10 (挂号信函,
# 国际及部分国内邮件) carries two letters, eight digits, a check digit and the country code.
_POSTAL_DOMESTIC_EMS = re.compile(r"[0-9]{13}")
_POSTAL_S10 = re.compile(r"[A-Z]{2}([0-9]{8})([0-9])[A-Z]{2}")
S10_WEIGHTS = (8, 6, 4, 2, 3, 5, 9, 7)


def normalise_postal_number(value: str) -> str:
    return re.sub(r"[\s-]", "", str(value or "")).upper()


def s10_check_digit(serial: str) -> int:
    remainder = sum(int(digit) * weight for digit, weight in zip(serial, S10_WEIGHTS, strict=True)) % 11
    return {10: 0, 11: 5}.get(11 - remainder, 11 - remainder)


def validate_postal_number(value: str) -> None:
    number = normalise_postal_number(value)
    if not number:
        raise ValidationError(_("邮寄送达须填写邮件号码（邮件详情单或挂号函件收据上的号码）。"), code="postal_required")
    s10 = _POSTAL_S10.fullmatch(number)
    if s10 and s10_check_digit(s10.group(1)) != int(s10.group(2)):
        raise ValidationError(_("邮件号码%(number)s的校验位不正确（UPU S10）：请核对收据上的号码。"),
                              code="postal_check", params={"number": number})
    if not (s10 or _POSTAL_DOMESTIC_EMS.fullmatch(number)):
        raise ValidationError(
            _("邮件号码格式不正确：国内特快专递为13位数字（如1123456789012），挂号信函为2个字母、9位数字和2个字母"
              "（如XA123456785CN）。请按收据填写。"), code="postal_format")
