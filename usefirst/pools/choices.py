"""Choice lists of industry pools (成果池 / 专区)."""

from __future__ import annotations

from django.db import models


class EntryStatus(models.TextChoices):
    PROPOSED = "proposed", "推荐中"
    ADMITTED = "admitted", "已入池"
    DECLINED = "declined", "未入池"
    REMOVED = "removed", "已移出"


# Who may operate a pool: a government department, a university or an enterprise (a leading one).
OPERATOR_KINDS = frozenset(
    {"provincial_department", "sector_department", "city_department", "development_zone", "university", "enterprise"}
)
