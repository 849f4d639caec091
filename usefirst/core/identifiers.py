"""Check-character validation of Chinese identifiers (docs/domain.md, "Reference facts").

Each validator returns the normalised value or raises ValidationError with a Chinese message.
"""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_ALPHABET[(31 - total % 31) % 31]


def normalise_credit_code(value: str) -> str:
    """Unified social credit code, GB 32100-2015: 18 characters, the last a check character."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_ALPHABET for c in code):
        raise ValidationError("统一社会信用代码应为18位，由数字和大写字母组成（不含 I、O、Z、S、V）", code="credit_code_format")
    if not code[2:8].isdigit():
        raise ValidationError("统一社会信用代码第3至8位应为登记管理机关行政区划码", code="credit_code_area")
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError("统一社会信用代码校验位不正确，请核对后重新输入", code="credit_code_check")
    return code


ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def resident_id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


class IdKind:
    MAINLAND = "mainland"
    HONG_KONG = "hong_kong"
    MACAO = "macao"
    TAIWAN = "taiwan"
    PASSPORT = "passport"

    CHOICES = [
        (MAINLAND, "居民身份证"),
        (HONG_KONG, "香港居民身份证件"),
        (MACAO, "澳门居民身份证件"),
        (TAIWAN, "台湾居民身份证件"),
        (PASSPORT, "护照"),
    ]


_HK = re.compile(r"^[A-Z]{1,2}\d{6}\(?[0-9A]\)?$")
_MO = re.compile(r"^[157]\d{6}\(?\d\)?$")
_TW = re.compile(r"^[A-Z][12]\d{8}$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def normalise_id_number(value: str, kind: str = IdKind.MAINLAND) -> str:
    """Normalised personal ID number; mainland numbers are checked by GB 11643's check digit."""
    number = re.sub(r"\s+", "", value or "").upper()
    if kind == IdKind.MAINLAND:
        if not re.fullmatch(r"\d{17}[\dX]", number):
            raise ValidationError("居民身份证号码应为18位（最后一位可为X）", code="id_format")
        try:
            dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
        except ValueError as exc:
            raise ValidationError("居民身份证号码中的出生日期无效", code="id_birthdate") from exc
        if resident_id_check_char(number[:17]) != number[17]:
            raise ValidationError("居民身份证号码校验位不正确，请核对后重新输入", code="id_check")
        return number
    patterns = {IdKind.HONG_KONG: _HK, IdKind.MACAO: _MO, IdKind.TAIWAN: _TW, IdKind.PASSPORT: _PASSPORT}
    pattern = patterns.get(kind)
    if pattern is None:
        raise ValidationError("未知的证件类型", code="id_kind")
    if not pattern.fullmatch(number):
        raise ValidationError("证件号码格式不正确", code="id_format")
    return number.replace("(", "").replace(")", "")


PATENT_WEIGHTS = (2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5)


def patent_check_char(digits: str) -> str:
    remainder = sum(int(d) * w for d, w in zip(digits, PATENT_WEIGHTS, strict=False)) % 11
    return "X" if remainder == 10 else str(remainder)


def normalise_patent_number(value: str) -> str:
    """Chinese patent application number: 12 digits (since 2004) or 8 digits (before), then
    a check character after a dot. Prefixes CN / ZL are optional and removed."""
    number = re.sub(r"\s+", "", value or "").upper()
    for prefix in ("CN", "ZL"):
        if number.startswith(prefix):
            number = number[len(prefix) :]
    match = re.fullmatch(r"(\d{12}|\d{8})\.?([\dX])", number)
    if not match:
        raise ValidationError(
            "专利申请号格式不正确：应为12位数字加校验位（如 202310123456.6），或2004年前的8位数字加校验位",
            code="patent_format",
        )
    digits, check = match.groups()
    if patent_check_char(digits) != check:
        raise ValidationError("专利申请号校验位不正确，请核对后重新输入", code="patent_check")
    return f"{digits}.{check}"
