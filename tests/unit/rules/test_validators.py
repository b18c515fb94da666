"""Resident ID (GB 11643), unified social credit code (GB 32100-2015) and mobile numbers."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, strategies as st

from cases.rules.validators import (
    ResidentIdInfo,
    normalise_mobile,
    parse_resident_id,
    validate_mobile,
    validate_resident_id,
    validate_uscc,
)

# The check formulas as DOMAIN.md states them, written out independently of the module.
ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def with_id_check(first17: str) -> str:
    return first17 + "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def with_uscc_check(first17: str) -> str:
    c = 31 - sum(USCC_CHARS.index(ch) * w for ch, w in zip(first17, USCC_WEIGHTS)) % 31
    return first17 + USCC_CHARS[0 if c == 31 else c]


def error_code(validator, value) -> str:
    with pytest.raises(ValidationError) as caught:
        validator(value)
    return caught.value.code


# Resident ID

@pytest.mark.parametrize("value", ["11010519491231002X", "11010519491231002x", " 11010519491231002X "])
def test_valid_resident_id_passes(value):
    validate_resident_id(value)


def test_resident_id_is_parsed_for_autofill():
    assert parse_resident_id("11010519491231002x") == ResidentIdInfo(
        birth_date=date(1949, 12, 31), sex="F", region_code="110105",
    )
    assert parse_resident_id(with_id_check("32010219800101001")).sex == "M"


def test_wrong_check_digit_is_refused_without_revealing_the_right_one():
    with pytest.raises(ValidationError) as caught:
        validate_resident_id("110105194912310021")
    assert caught.value.code == "resident_id_check"
    assert caught.value.messages == ["公民身份号码校验码不正确（GB 11643）。"]


def test_impossible_birth_date_is_refused_even_with_a_right_check_digit():
    number = with_id_check("11010519490230002")  # 30 February
    assert error_code(validate_resident_id, number) == "resident_id_birth_date"
    with pytest.raises(ValidationError, match="出生日期"):
        parse_resident_id(number)


def test_birth_date_in_the_future_is_refused():
    assert error_code(validate_resident_id, with_id_check("11010529990101002")) == "resident_id_birth_future"


@pytest.mark.parametrize("value", ["", "11010519491231002", "11010519491231002X1"])
def test_resident_id_of_the_wrong_length_is_refused(value):
    assert error_code(validate_resident_id, value) == "resident_id_length"


@pytest.mark.parametrize("value", [
    "11010519491231002Y", "1101051949123100X2", "11010519491231-02X", "１１０１０５19491231002X",
])
def test_resident_id_with_bad_characters_is_refused(value):
    assert error_code(validate_resident_id, value) == "resident_id_characters"


@given(
    region=st.from_regex(r"[0-9]{6}", fullmatch=True),
    birth=st.dates(min_value=date(1900, 1, 1), max_value=date(2020, 12, 31)),
    sequence=st.from_regex(r"[0-9]{3}", fullmatch=True),
    position=st.integers(min_value=0, max_value=17),
    shift=st.integers(min_value=1, max_value=9),
)
def test_any_id_with_a_computed_check_digit_passes_and_any_single_change_breaks_it(
    region, birth, sequence, position, shift,
):
    number = with_id_check(f"{region}{birth:%Y%m%d}{sequence}")
    validate_resident_id(number)
    assert parse_resident_id(number).birth_date == birth
    alphabet = "0123456789X" if position == 17 else "0123456789"
    changed_char = alphabet[(alphabet.index(number[position]) + shift) % len(alphabet)]
    changed = number[:position] + changed_char + number[position + 1:]
    with pytest.raises(ValidationError):
        validate_resident_id(changed)


# Unified social credit code

@pytest.mark.parametrize("value", ["91350100M000100Y43", "91350100m000100y43"])
def test_valid_uscc_passes(value):
    validate_uscc(value)


def test_uscc_with_a_wrong_check_character_is_refused():
    assert error_code(validate_uscc, "91350100M000100Y44") == "uscc_check"


@pytest.mark.parametrize("letter", list("IOZSV"))
def test_uscc_letters_the_standard_leaves_out_are_refused(letter):
    value = "91350100" + letter + "000100Y43"
    with pytest.raises(ValidationError) as caught:
        validate_uscc(value)
    assert caught.value.code == "uscc_characters"
    assert letter in caught.value.messages[0]


@pytest.mark.parametrize("value", ["", "91350100M000100Y4", "91350100M000100Y433"])
def test_uscc_of_the_wrong_length_is_refused(value):
    assert error_code(validate_uscc, value) == "uscc_length"


@given(
    body=st.text(alphabet=USCC_CHARS, min_size=17, max_size=17),
    position=st.integers(min_value=0, max_value=17),
    shift=st.integers(min_value=1, max_value=30),
)
def test_any_uscc_with_a_computed_check_passes_and_any_single_change_breaks_it(body, position, shift):
    code = with_uscc_check(body)
    validate_uscc(code)
    changed_char = USCC_CHARS[(USCC_CHARS.index(code[position]) + shift) % 31]
    with pytest.raises(ValidationError):
        validate_uscc(code[:position] + changed_char + code[position + 1:])


# Mobile numbers

@pytest.mark.parametrize("value", ["13800138000", " 13800138000 ", "+8613800138000", "+86 13800138000"])
def test_mobile_numbers_pass_and_normalise(value):
    validate_mobile(value)
    assert normalise_mobile(value) == "13800138000"


@pytest.mark.parametrize("value", [
    "", "23800138000", "1380013800", "138001380000", "1380013800a", "１３８００１３８０００",
    "+85213800138000", "86 13800138000", "138 0013 8000",
])
def test_malformed_mobile_numbers_are_refused(value):
    with pytest.raises(ValidationError, match="11位"):
        validate_mobile(value)
