"""Small role predicates and review routing: who reviews which organisation.

Routing: enterprises are reviewed by their city's department; units with a
sector department (education, health, market) by that department; every other unit, agency,
insurer, guarantor and out-of-province organisation by the provincial department. Nobody
reviews their own organisation.
"""

from __future__ import annotations

from django.db.models import QuerySet

from usefirst.core.actors import Visitor

from .models import Membership, Organisation, OrganisationKind, OrganisationStatus


def active_memberships(user: Visitor | None) -> QuerySet[Membership]:
    if user is None or not user.is_authenticated:
        return Membership.objects.none()
    return Membership.objects.filter(user=user, is_active=True, organisation__status=OrganisationStatus.ACTIVE)


def organisation_ids(user: Visitor) -> set[int]:
    return set(active_memberships(user).values_list("organisation_id", flat=True))


def admin_organisation_ids(user: Visitor) -> set[int]:
    return set(active_memberships(user).filter(role=Membership.Role.ADMIN).values_list("organisation_id", flat=True))


def is_member(user: Visitor, organisation: Organisation) -> bool:
    return organisation.pk in organisation_ids(user)


def is_org_admin(user: Visitor, organisation: Organisation) -> bool:
    return organisation.pk in admin_organisation_ids(user)


def department_ids(user: Visitor) -> set[int]:
    return set(
        active_memberships(user)
        .filter(
            organisation__kind__in=[
                k.value
                for k in (
                    OrganisationKind.CITY_DEPARTMENT,
                    OrganisationKind.SECTOR_DEPARTMENT,
                    OrganisationKind.PROVINCIAL_DEPARTMENT,
                )
            ]
        )
        .values_list("organisation_id", flat=True)
    )


def is_provincial_staff(user: Visitor) -> bool:
    return active_memberships(user).filter(organisation__kind=OrganisationKind.PROVINCIAL_DEPARTMENT).exists()


def is_provincial_admin(user: Visitor) -> bool:
    """Provincial administrators edit policy parameters and raise quotas."""
    return (
        active_memberships(user)
        .filter(organisation__kind=OrganisationKind.PROVINCIAL_DEPARTMENT, role=Membership.Role.ADMIN)
        .exists()
    )


def provincial_department() -> Organisation | None:
    return Organisation.objects.filter(kind=OrganisationKind.PROVINCIAL_DEPARTMENT).order_by("pk").first()


def reviewing_department(organisation: Organisation) -> Organisation | None:
    """The department that reviews this organisation's registration and publications."""
    if organisation.kind == OrganisationKind.ENTERPRISE and organisation.region != "outside":
        city_department = (
            Organisation.objects.filter(
                kind=OrganisationKind.CITY_DEPARTMENT, city=organisation.city, status=OrganisationStatus.ACTIVE
            )
            .order_by("pk")
            .first()
        )
        if city_department is not None and city_department.pk != organisation.pk:
            return city_department
    if organisation.sector and organisation.kind not in (
        OrganisationKind.SECTOR_DEPARTMENT,
        OrganisationKind.PROVINCIAL_DEPARTMENT,
        OrganisationKind.CITY_DEPARTMENT,
    ):
        sector_department = (
            Organisation.objects.filter(
                kind=OrganisationKind.SECTOR_DEPARTMENT, sector=organisation.sector, status=OrganisationStatus.ACTIVE
            )
            .order_by("pk")
            .first()
        )
        if sector_department is not None and sector_department.pk != organisation.pk:
            return sector_department
    province = provincial_department()
    if province is None or province.pk == organisation.pk:
        return None
    return province


def reviewable_organisation_ids(user: Visitor) -> QuerySet[Organisation]:
    """Organisations whose reviews land in a queue of one of the user's departments."""
    return Organisation.objects.filter(reviewing_department_id__in=department_ids(user)).values_list("pk", flat=True)  # type: ignore[return-value]
