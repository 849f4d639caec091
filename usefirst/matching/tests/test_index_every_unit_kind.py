"""Every kind of owner unit's achievements enter the index (PostgreSQL checks column lengths)."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import OrganisationKind
from usefirst.catalog.models import AchievementStatus
from usefirst.catalog.tests.factories import make_achievement
from usefirst.core.testing import make_org, make_user
from usefirst.matching import indexing
from usefirst.matching.models import ItemKind, SearchDocument

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["research_institute", "medical_institution", "out_of_province_institute", "university"])
def test_an_achievement_of_any_unit_kind_is_indexed(kind):
    assert kind in OrganisationKind.values
    unit = make_org(kind, name=f"测试{kind}单位")
    owner = make_user(unit, role="admin")
    achievement = make_achievement(unit, owner, title="窑炉余热回收发电技术")
    achievement.status = AchievementStatus.PUBLISHED
    achievement.save(update_fields=["status"])
    indexing.sync_achievement(achievement)
    document = SearchDocument.objects.get(kind=ItemKind.ACHIEVEMENT, object_id=achievement.pk)
    assert document.unit_kind == kind
