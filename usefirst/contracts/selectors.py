"""Contract reads, already scoped by the chokepoint."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from usefirst.catalog.models import Achievement, AchievementInventor
from usefirst.catalog.selectors import Filters, achievement_list_public
from usefirst.core import workflow
from usefirst.core.actors import Visitor
from usefirst.core.dates import today
from usefirst.core.permissions import Action, restrict
from usefirst.matchmaking import selectors as matchmaking_selectors
from usefirst.matchmaking.models import Engagement

from .models import Contract, ContractAchievement, ContractKind, ContractParty, ContractStatus, OpenLicence
from .models import ContractStatus as S


def visible_contracts(user: Visitor) -> QuerySet[Contract]:
    return (
        restrict(Contract.objects.all(), user, Action.VIEW)
        .select_related("licensor", "licensee", "licensor_person", "agency", "template")
        .order_by("-created_at", "-id")
    )


def contract_history(contract: Contract) -> list[workflow.HistoryRow]:
    """The contract's events, oldest first: what happened and how the status moved, in Chinese."""
    from .workflows import CONTRACT

    return workflow.history(CONTRACT, contract.events.select_related("actor"))


def contracts_of_engagement(user: Visitor, engagement_id: int) -> list[Contract]:
    """The contracts drafted from one engagement that this user may see, oldest first."""
    return list(visible_contracts(user).filter(engagement_id=engagement_id).order_by("created_at", "id"))


def engagement_stages(engagement_ids: list[int]) -> dict[int, str]:
    """For each engagement with a live contract: "signed" once one of its contracts is signed,
    else "signing" (drafted or being signed); engagements without one are left out."""
    signed = {S.SIGNED, S.FREE_USE, S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED, S.ENDED}
    statuses: dict[int, set[str]] = {}
    rows = Contract.objects.filter(engagement_id__in=engagement_ids).values_list("engagement_id", "status")
    for engagement_id, status in rows:
        if engagement_id is not None:
            statuses.setdefault(engagement_id, set()).add(str(status))
    stages: dict[int, str] = {}
    for engagement_id, found in statuses.items():
        if found & signed:
            stages[engagement_id] = "signed"
        elif found - {S.CANCELLED}:
            stages[engagement_id] = "signing"
    return stages


def achievement_ids_of_contract(contract_id: int) -> list[int]:
    """The achievements a contract covers, with those of the contract it follows (a later licence
    or transfer under a free-use licence counts towards the same achievements), sorted."""
    contract_ids = {contract_id}
    parent_id = Contract.objects.filter(pk=contract_id).values_list("parent_id", flat=True).first()
    if parent_id:
        contract_ids.add(parent_id)
    rows = ContractAchievement.objects.filter(contract_id__in=contract_ids).values_list("achievement_id", flat=True)
    return sorted(set(rows))


@dataclass(frozen=True)
class InventorSummary:
    number: str
    title: str
    kind: str
    mode: str
    status: str
    licensee: str
    signed_at: Any
    free_use_start: Any
    free_use_end: Any


def inventor_summaries(user: Visitor) -> list[InventorSummary]:
    """Inventors see a summary of the contracts on their achievements (not the full contract)."""
    person = getattr(user, "person", None) if getattr(user, "is_authenticated", False) else None
    if person is None:
        return []
    contracts = (
        Contract.objects.filter(achievements__achievement__inventors__person=person)
        .exclude(status__in=[ContractStatus.DRAFTED, ContractStatus.CANCELLED])
        .select_related("licensee")
        .distinct()
        .order_by("-created_at")[:200]
    )
    return [
        InventorSummary(
            number=c.number,
            title=c.title,
            kind=c.get_kind_display(),
            mode=c.get_mode_display() if c.mode else "",
            status=c.get_status_display(),
            licensee=c.licensee.name if c.licensee else "",
            signed_at=c.signed_at,
            free_use_start=c.free_use_start,
            free_use_end=c.free_use_end,
        )
        for c in contracts
    ]


def agreed_engagement(user: Visitor, engagement_id: int) -> Engagement | None:
    """The seam to matchmaking: an agreed engagement the user may see (read only); it gives the
    parties, the achievement and a confirmed agency."""
    return matchmaking_selectors.agreed_engagement(user=user, engagement_id=engagement_id)


def preliminary_agreements_for(user: Visitor) -> QuerySet[Contract]:
    """The simplified-procedure preliminary agreements this user may draft under: those where
    the user is an inventor party, or whose unit the user belongs to. Ended or expired ones are
    included so that drafting under them is refused with the reason, not hidden."""
    return (
        restrict(Contract.objects.all(), user, Action.CHANGE)
        .filter(kind=ContractKind.PRELIMINARY_AGREEMENT)
        .exclude(status=ContractStatus.CANCELLED)
        .select_related("licensor")
        .order_by("-created_at", "-id")
    )


def draftable_achievements(
    user: Visitor, *, organisations: Iterable[int], agreements: QuerySet[Contract] | None = None
) -> QuerySet[Achievement]:
    """What the drafting pages offer: the catalog's published, unrestricted achievements (never a
    draft or a restricted one, even to the owner's own staff) of the drafting units, or covered by
    a preliminary agreement the user drafts under."""
    scope = Q(owner_id__in=list(organisations))
    if agreements is not None:
        scope |= Q(contract_links__contract__in=agreements)
    return achievement_list_public(user=user, filters=Filters()).filter(scope).distinct()


def inventors_of(achievement_ids: Iterable[int]) -> QuerySet[AchievementInventor]:
    """The inventors listed on these achievements, with their shares, in the order listed."""
    return (
        AchievementInventor.objects.filter(achievement_id__in=list(achievement_ids))
        .select_related("person", "achievement")
        .order_by("achievement_id", "position", "id")
    )


def agreement_inventor_ids(agreements: QuerySet[Contract]) -> QuerySet[ContractParty, int]:
    return ContractParty.objects.filter(
        contract__in=agreements, role=ContractParty.Role.INVENTOR, person__isnull=False
    ).values_list("person_id", flat=True)


def open_licences_of(user: Visitor, achievement_id: int) -> QuerySet[OpenLicence]:
    return (
        restrict(OpenLicence.objects.all(), user, Action.VIEW)
        .filter(achievement_id=achievement_id)
        .select_related("recorded_by")
        .prefetch_related("take_ups__licensee")
        .order_by("-announced_on", "-id")
    )


def _in_force_q(day: dt.date) -> Q:
    return (
        Q(announced_on__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


def standing_open_licences(achievement_ids: Iterable[int]) -> QuerySet[OpenLicence]:
    """The open licences standing today on these achievements (what a take-up may implement)."""
    return OpenLicence.objects.filter(_in_force_q(today()), achievement_id__in=list(achievement_ids)).order_by("-announced_on")


def open_licence_in_force(achievement: Any, *, on: dt.date | None = None) -> OpenLicence | None:
    """The open licence standing on the achievement on a day (today by default), if any."""
    return OpenLicence.objects.filter(_in_force_q(on or today()), achievement=achievement).first()


def open_licences_in_force_for(contract: Contract) -> list[OpenLicence]:
    """The open licences standing today on the contract's achievements (shown on the contract)."""
    day = today()
    records = OpenLicence.objects.filter(achievement__contract_links__contract=contract).select_related("achievement")
    return [r for r in records.distinct() if r.in_force_on(day)]


def conversion_contracts_by_plan_project(numbers: Iterable[str]) -> dict[tuple[str, int], str]:
    """Rule 4: the signed conversion contracts on the platform of the achievements formed under
    these plan projects, as {(project number, owner unit): a contract number}. A contract counts
    once signed (even if ended later); a cancelled one and a preliminary agreement with the
    inventors do not."""
    rows = (
        ContractAchievement.objects.filter(achievement__plan_project_number__in=list(numbers), contract__signed_at__isnull=False)
        .exclude(contract__kind=ContractKind.PRELIMINARY_AGREEMENT)
        .exclude(contract__status=ContractStatus.CANCELLED)
        .order_by("contract__signed_at")
        .values_list("achievement__plan_project_number", "achievement__owner_id", "contract__number")
    )
    found: dict[tuple[str, int], str] = {}
    for number, owner_id, contract_number in rows:
        found.setdefault((number, owner_id), contract_number)
    return found


@dataclass(frozen=True)
class ContractFacts:
    """What a contract says about the deal, for those who price its risks (risk quotes): read
    here so that no other app reads the contract's rows itself."""

    pk: int
    number: str
    title: str
    kind: str
    mode: str
    mode_label: str
    status: str
    free_use_start: dt.date | None
    free_use_end: dt.date | None
    price: Any  # Decimal | None: the contract amount as stated
    licensor_id: int | None
    licensee_id: int | None
    licensee_name: str
    enterprise_size: str
    city: str
    county: str
    region: str
    trl: int | None  # the TRL of its main achievement (the largest price share; of equal shares, the least mature)
    field_codes: tuple[str, ...]  # the top fields of its achievements
    patents: int  # patents (invention, utility model, design) listed on its achievements
    follow_on_ids: tuple[int, ...]  # the licences, transfers … signed after it

    @property
    def free_use_days(self) -> int | None:
        if self.free_use_start is None or self.free_use_end is None:
            return None
        return (self.free_use_end - self.free_use_start).days + 1


def contract_facts(contract: Contract) -> ContractFacts:
    from usefirst.catalog.choices import PATENT_KINDS
    from usefirst.catalog.models import IpItem

    achievement_ids = achievement_ids_of_contract(contract.pk)
    achievements = list(Achievement.objects.filter(pk__in=achievement_ids).select_related("field__parent"))
    shares = dict(
        ContractAchievement.objects.filter(contract__in=[contract.pk, contract.parent_id or contract.pk]).values_list(
            "achievement_id", "price_share"
        )
    )
    main = min(achievements, key=lambda a: (-(shares.get(a.pk) or 0), a.trl), default=None)
    licensee = contract.licensee
    patents = IpItem.objects.filter(achievement_id__in=achievement_ids, kind__in=list(PATENT_KINDS)).count()
    return ContractFacts(
        pk=contract.pk,
        number=contract.number,
        title=contract.title,
        kind=contract.kind,
        mode=contract.mode,
        mode_label=contract.get_mode_display() if contract.mode else "",
        status=contract.status,
        free_use_start=contract.free_use_start,
        free_use_end=contract.free_use_end,
        price=contract.price,
        licensor_id=contract.licensor_id,
        licensee_id=contract.licensee_id,
        licensee_name=licensee.name if licensee is not None else "",
        enterprise_size=licensee.enterprise_size if licensee is not None else "",
        city=licensee.city if licensee is not None else "",
        county=licensee.county if licensee is not None else "",
        region=licensee.region if licensee is not None else "",
        trl=main.trl if main is not None else None,
        field_codes=tuple(sorted({a.field.top.code for a in achievements})),
        patents=patents,
        follow_on_ids=tuple(Contract.objects.filter(parent=contract).values_list("pk", flat=True)),
    )


def contracts_of_licensee(licensee_id: int) -> QuerySet[Contract]:
    """The licensee's signed contracts (their payment record is read by those who price risks)."""
    return Contract.objects.filter(licensee_id=licensee_id).exclude(status__in=[S.DRAFTED, S.SIGNING, S.CANCELLED])
