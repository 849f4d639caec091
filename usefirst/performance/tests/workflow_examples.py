"""A consent as the example row for the generated test of every workflow."""

from __future__ import annotations

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.testing import make_org, make_user, workflow_example
from usefirst.performance.models import Consent


@workflow_example("performance.consent")
def consent() -> Consent:
    enterprise = make_org(OrganisationKind.ENTERPRISE)
    grantee = make_org(OrganisationKind.INSURER)
    return Consent.objects.create(
        enterprise=enterprise, grantee=grantee, granted_by=make_user(enterprise, role=Membership.Role.ADMIN)
    )
