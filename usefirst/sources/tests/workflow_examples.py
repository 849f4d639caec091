"""A recommendation batch as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.sources.models import RecommendationBatch


@workflow_example("sources.batch")
def batch() -> RecommendationBatch:
    province = make_org(OrganisationKind.PROVINCIAL_DEPARTMENT)
    unit = make_org(OrganisationKind.UNIVERSITY)
    return RecommendationBatch.objects.create(
        recommender=unit,
        channel="unit",
        reviewer=province,
        title="第一批推荐成果",
        signed_recommendation="sources/recommendations/example.pdf",
        created_by=make_user(unit, role=Membership.Role.ADMIN),
    )
