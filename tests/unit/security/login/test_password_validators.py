"""Issue 17 point 2: passwords like the username or made only of digits are refused, in Chinese."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

pytestmark = pytest.mark.django_db


def problems(password, user=None):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


def test_point_2_a_password_equal_to_the_username_is_refused(people):
    assert problems("hd_mediator", people["mediator"]) == ["密码跟 用户名 太相似了。"]


def test_point_2_an_all_digit_password_is_refused():
    assert problems("83920571641") == ["密码只包含数字。"]


def test_point_2_a_long_unrelated_password_is_accepted(people):
    assert problems("juniper-lantern-2026", people["mediator"]) == []


def test_point_2_changing_ones_password_to_the_username_is_refused_on_the_page(client, people):
    client.force_login(people["mediator"])

    response = client.post("/accounts/password_change/", {
        "old_password": "pw-hd_mediator", "new_password1": "hd_mediator", "new_password2": "hd_mediator"})

    assert response.status_code == 200
    assert "密码跟 用户名 太相似了。" in response.content.decode()
    people["mediator"].refresh_from_db()
    assert people["mediator"].check_password("pw-hd_mediator")
