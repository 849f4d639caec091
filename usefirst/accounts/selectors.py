"""Reads of people (inventors) and their consent records, scoped through the chokepoint."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from usefirst.core.actors import Visitor
from usefirst.core.errors import DomainError, Forbidden
from usefirst.core.permissions import Action, restrict

from . import roles
from .models import Person, UnitPerson

MAX_NAME_QUERY = 64


def people_for(user: Visitor, *, unit_id: int | None = None, q: str = "") -> QuerySet[Person]:
    """The people the user may see: those listed by the user's units, everyone for the
    provincial department. `unit_id` narrows to one unit's list (the people page's view)."""
    queryset = restrict(Person.objects.all(), user, Action.VIEW)
    if unit_id is not None:
        if unit_id not in roles.organisation_ids(user) and not roles.is_provincial_staff(user):
            raise Forbidden("您只能查看本单位登记的成果完成人", code="forbidden")
        queryset = queryset.filter(unit_listings__unit_id=unit_id)
    q = (q or "").strip()
    if len(q) > MAX_NAME_QUERY:
        raise DomainError(f"姓名不超过 {MAX_NAME_QUERY} 个字", code="invalid_filter", field_errors={"q": ["过长"]})
    if q:
        queryset = queryset.filter(Q(full_name__icontains=q))
    return queryset.distinct().order_by("full_name", "pk")


def consents_for(user: Visitor, person: Person) -> QuerySet[UnitPerson]:
    """The person's notice-and-consent records the user may see: those of the user's own
    units; all of them for the provincial department."""
    queryset = UnitPerson.objects.filter(person=person).select_related("unit", "recorded_by").order_by("unit__name", "pk")
    if roles.is_provincial_staff(user):
        return queryset
    return queryset.filter(unit_id__in=roles.organisation_ids(user))
