"""Who sees which dashboard. The dashboards are read from the rollup, not from a model people
reach, so these are predicates (asked by the views, the API and the workspace alike):

- the province dashboard: the provincial department's staff (省科学技术厅), every city;
- a city dashboard: the staff of that city's department (地市管理部门), their own city only;
- the open statistics: everyone, aggregate only (selectors.open_breakdown).
"""

from __future__ import annotations

from usefirst.accounts import roles
from usefirst.accounts.models import OrganisationKind
from usefirst.core.actors import Visitor


def may_view_province(user: Visitor) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and roles.is_provincial_staff(user)


def city_of(user: Visitor) -> str:
    """The city whose dashboard this person may see ("" for none): their city department's city."""
    if not getattr(user, "is_authenticated", False):
        return ""
    membership = (
        roles.active_memberships(user)
        .filter(organisation__kind=OrganisationKind.CITY_DEPARTMENT)
        .select_related("organisation")
        .order_by("pk")
        .first()
    )
    return membership.organisation.city if membership is not None else ""
