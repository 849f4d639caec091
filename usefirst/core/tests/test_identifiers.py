import pytest
from django.core.exceptions import ValidationError

from usefirst.core.identifiers import (
    IdKind,
    credit_code_check_char,
    normalise_credit_code,
    normalise_id_number,
    normalise_patent_number,
    resident_id_check_char,
)


def test_it_accepts_a_credit_code_with_its_check_character():
    body = "91440300MA5D12345"
    code = body + credit_code_check_char(body)
    assert normalise_credit_code(code.lower()) == code


def test_it_refuses_a_credit_code_with_a_wrong_check_character():
    body = "91440300MA5D12345"
    good = credit_code_check_char(body)
    bad = next(c for c in "0123456789" if c != good)
    with pytest.raises(ValidationError, match="校验位"):
        normalise_credit_code(body + bad)


@pytest.mark.parametrize("code", ["", "123", "91440300MA5D1234I5", "91440300MA5D12345OO"])
def test_it_refuses_malformed_credit_codes(code):
    with pytest.raises(ValidationError):
        normalise_credit_code(code)


def test_a_real_published_credit_code_validates():
    # 腾讯科技（深圳）有限公司, a published code.
    assert normalise_credit_code("9144030071526726XG") == "9144030071526726XG"


def test_it_validates_a_mainland_id_number_by_its_check_digit():
    body = "44010619900307001"
    number = body + resident_id_check_char(body)
    assert normalise_id_number(number.lower()) == number
    wrong = "0" if number[-1] != "0" else "1"
    with pytest.raises(ValidationError, match="校验位"):
        normalise_id_number(body + wrong)


def test_it_refuses_an_id_number_with_an_impossible_birth_date():
    body = "44010619901307001"
    with pytest.raises(ValidationError, match="出生日期"):
        normalise_id_number(body + resident_id_check_char(body))


@pytest.mark.parametrize(
    ("kind", "number"),
    [
        (IdKind.HONG_KONG, "A123456(7)"),
        (IdKind.MACAO, "1234567(8)"),
        (IdKind.TAIWAN, "A123456789"),
        (IdKind.PASSPORT, "E12345678"),
    ],
)
def test_it_allows_hong_kong_macao_taiwan_and_passport_numbers(kind, number):
    assert normalise_id_number(number, kind)


def test_it_validates_the_domain_example_patent_number():
    assert normalise_patent_number("CN202310123456.6") == "202310123456.6"
    assert normalise_patent_number("ZL 202310123456.6") == "202310123456.6"


def test_it_validates_a_pre_2004_patent_number():
    assert normalise_patent_number("95115608.X") == "95115608.X"


def test_it_refuses_a_patent_number_with_a_wrong_check_character():
    with pytest.raises(ValidationError, match="校验位"):
        normalise_patent_number("202310123456.7")
