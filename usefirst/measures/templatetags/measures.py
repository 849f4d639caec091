"""`{% applicable_measures organisation %}`: the local support measures that may apply to an
enterprise by its city and county, as a small section on the pages of achievements and deals."""

from __future__ import annotations

from typing import Any

from django import template

from usefirst.accounts.models import Organisation, OrganisationKind

from ..selectors import applicable_to

register = template.Library()


@register.inclusion_tag("measures/_applicable.html")
def applicable_measures(organisation: Organisation | None, heading: str = "") -> dict[str, Any]:
    if organisation is None:
        return {"measures": [], "organisation": None}
    return {
        "measures": list(applicable_to(organisation)[:10]),
        "organisation": organisation,
        "heading": heading,
    }


@register.simple_tag(takes_context=True)
def viewing_enterprise(context: Any) -> Organisation | None:
    """The enterprise the person is acting for, if any (the one whose measures an achievement's page shows)."""
    organisation = context.get("current_organisation")
    if organisation is not None and organisation.kind == OrganisationKind.ENTERPRISE:
        return organisation  # type: ignore[no-any-return]
    return None
