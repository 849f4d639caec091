"""Field types shared by the API's request schemas."""

from __future__ import annotations

from typing import Annotated

from ninja import Schema
from pydantic import Field, StrictInt

# An exact decimal figure (an amount in yuan, a percentage): a string such as "1234.50", or a
# whole number. JSON true/false and floats are refused (a float is not exact; `true` is not 1.00),
# before `usefirst.core.money.parse_amount` applies the money rules.
ExactNumber = Annotated[
    str | StrictInt,
    Field(description='精确的十进制数：字符串（如 "1234.50"）或整数；不接受浮点数和布尔值', examples=["1234.50"]),
]


class ReasonIn(Schema):
    """A reason that may be left empty (a return, a withdrawal with nothing to add)."""

    reason: str = ""


class RequiredReasonIn(Schema):
    """A reason that must be given (a refusal, a reversal); services judge its content."""

    reason: str


class PageQuery(Schema):
    """`page` and `page_size` as sent: `usefirst.core.pagination.paginate` checks them and says
    what is wrong in Chinese."""

    page: str | None = None
    page_size: str | None = None
