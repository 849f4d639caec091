"""Contract writes: drafting, the issued-document register, signing, the free-use period and
the next step. Every transition writes a ContractEvent in the same transaction.

Lifecycle: drafted → signing → signed (all parties) → free_use (from its first day) →
awaiting_next_step (the day after its last day) → next_step_agreed / ended. A draft can be
cancelled. Follow-on contracts (licence, transfer, development, equity) have no free-use
period: they stay `signed` once every party has signed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.identity import identity_provider
from usefirst.accounts.models import Membership, Organisation, OrganisationKind, Person, User
from usefirst.catalog.choices import PATENT_KINDS
from usefirst.catalog.models import Achievement, AchievementInventor
from usefirst.core.audit import audit
from usefirst.core.dates import today
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition, from_validation_error
from usefirst.core.permissions import Action, can
from usefirst.notifications.services import notify
from usefirst.policy.selectors import parameter_value

from . import pdf as pdf_module
from . import signing
from .models import (
    FOLLOW_ON_KINDS,
    Contract,
    ContractAchievement,
    ContractEvent,
    ContractKind,
    ContractParty,
    ContractStatus,
    ContractTemplate,
    Exclusivity,
    InventorGrant,
    IssuedDocument,
    Mode,
    NextStepProposal,
    OpenLicence,
    Signature,
    TemplateStatus,
)
from .rendering import DRAFT_MARK, context_for

S = ContractStatus
SHARES_TOTAL = Decimal("100.00")
REMINDER_DAYS = (30, 7)
MAX_ACHIEVEMENTS = 20

TRANSITIONS: dict[str, set[str]] = {
    S.DRAFTED: {S.SIGNING, S.SIGNED, S.FREE_USE, S.CANCELLED},
    S.SIGNING: {S.SIGNED, S.FREE_USE, S.CANCELLED},
    S.SIGNED: {S.FREE_USE, S.AWAITING_NEXT_STEP, S.ENDED},
    S.FREE_USE: {S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED, S.ENDED},
    S.AWAITING_NEXT_STEP: {S.NEXT_STEP_AGREED, S.ENDED},
    S.NEXT_STEP_AGREED: {S.ENDED},
    S.ENDED: set(),
    S.CANCELLED: set(),
}


def can_transition(contract: Contract, to: str) -> bool:
    return to in TRANSITIONS.get(contract.status, set())


def _transition(contract: Contract, to: str, *, actor: Any, reason: str = "", **payload: Any) -> None:
    if not can_transition(contract, to):
        raise IllegalTransition(
            f"合同当前状态为“{contract.get_status_display()}”，不能变更为“{S(to).label}”", code="illegal_transition"
        )
    frm = contract.status
    contract.status = to
    contract.updated_at = timezone.now()
    contract.save(update_fields=["status", "updated_at", "signed_at", "ended_at", "is_first_cooperation"])
    _event(contract, actor=actor, frm=frm, to=to, reason=reason, **payload)


def _event(contract: Contract, *, actor: Any, frm: str, to: str, reason: str = "", **payload: Any) -> ContractEvent:
    user = actor if getattr(actor, "is_authenticated", False) else None
    return ContractEvent.objects.create(
        subject=contract, actor=user, from_status=frm, to_status=to, reason=reason, payload=payload
    )


def _error(field_name: str, message: str, code: str = "validation_failed") -> DomainError:
    return DomainError(message, code=code, field_errors={field_name: [message]})


def contract_url(contract: Contract) -> str:
    return reverse("contracts:detail", args=[contract.pk])


def _org_people(organisations: Iterable[Organisation | None], *, admins_only: bool = False) -> list[User]:
    ids = [o.pk for o in organisations if o is not None]
    memberships = Membership.objects.filter(organisation_id__in=ids, is_active=True).select_related("user")
    if admins_only:
        memberships = memberships.filter(Q(role=Membership.Role.ADMIN) | Q(can_sign=True))
    return [m.user for m in memberships]


def _party_users(contract: Contract) -> list[User]:
    users = _org_people([p.organisation for p in contract.parties.select_related("organisation")])
    users += [p.person.user for p in contract.parties.select_related("person__user") if p.person and p.person.user]
    return users


def _notify_parties(contract: Contract, *, kind: str, title: str, body: str = "", exclude: Any = None) -> None:
    recipients = [u for u in _party_users(contract) if exclude is None or u.pk != exclude.pk]
    notify(recipients=recipients, kind=kind, title=title, body=body, url=contract_url(contract))


# ---------------------------------------------------------------- templates


def template_for(kind: str, mode: str = "") -> ContractTemplate:
    template_mode = mode if kind == ContractKind.FREE_USE_LICENCE else ""
    template = (
        ContractTemplate.objects.filter(kind=kind, mode=template_mode, status=TemplateStatus.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if template is None:
        raise DomainError("该类合同尚无已发布的示范文本", code="no_published_template")
    return template


def template_create_version(*, actor: Any, kind: str, mode: str, title: str, body: str) -> ContractTemplate:
    if not roles.is_provincial_admin(actor):
        raise Forbidden("只有省级管理员可以编辑合同示范文本", code="forbidden")
    from django.template import Engine, TemplateSyntaxError

    try:
        Engine().from_string(body)
    except TemplateSyntaxError as exc:
        raise _error("body", f"正文中的占位符有误：{exc}") from exc
    template_mode = mode if kind == ContractKind.FREE_USE_LICENCE else ""
    with transaction.atomic():
        last = ContractTemplate.objects.filter(kind=kind, mode=template_mode).order_by("-version").first()
        template = ContractTemplate(
            kind=kind, mode=template_mode, version=(last.version + 1) if last else 1, title=title, body=body
        )
        try:
            template.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        template.save()
    return template


def template_publish(*, actor: Any, template: ContractTemplate) -> ContractTemplate:
    if not roles.is_provincial_admin(actor):
        raise Forbidden("只有省级管理员可以发布合同示范文本", code="forbidden")
    if template.status != TemplateStatus.DRAFT:
        raise IllegalTransition("只有草稿状态的示范文本可以发布", code="illegal_transition")
    template.status = TemplateStatus.PUBLISHED
    template.published_at = timezone.now()
    template.published_by = actor
    template.save(update_fields=["status", "published_at", "published_by"])
    return template


# ---------------------------------------------------------------- drafting


@dataclass
class AchievementShare:
    achievement_id: int
    price_share: Decimal = SHARES_TOTAL


@dataclass
class DraftData:
    kind: str
    achievements: list[AchievementShare]
    mode: str = ""
    title: str = ""
    licensor_id: int | None = None
    co_licensor_ids: list[int] = field(default_factory=list)
    licensor_person_id: int | None = None
    preliminary_agreement_id: int | None = None
    licensee_id: int | None = None
    agency_id: int | None = None
    inventor_person_ids: list[int] = field(default_factory=list)
    scope: str = ""
    field_of_use: str = ""
    territory: str = ""
    exclusivity: str = Exclusivity.NON_EXCLUSIVE
    development_kind: str = ""
    inventor_grant: str = InventorGrant.NONE
    free_use_start: dt.date | None = None
    free_use_end: dt.date | None = None
    term_end: dt.date | None = None
    price: Decimal | None = None
    payment_terms: str = ""
    extra_terms: str = ""
    parent_id: int | None = None
    open_licence_id: int | None = None
    engagement_id: int | None = None


def _in_force_q(day: dt.date) -> Q:
    return (
        Q(announced_on__lte=day)
        & (Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        & (Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=day))
    )


def open_licence_in_force(achievement: Achievement, *, on: dt.date | None = None) -> OpenLicence | None:
    return OpenLicence.objects.filter(_in_force_q(on or today()), achievement=achievement).first()


def _inventor_ids(achievement_ids: Iterable[int]) -> set[int]:
    return set(AchievementInventor.objects.filter(achievement_id__in=list(achievement_ids)).values_list("person_id", flat=True))


def _validate_achievements(data: DraftData, owners: set[int]) -> list[tuple[Achievement, Decimal]]:
    if not data.achievements:
        raise _error("achievements", "请至少选择一项科技成果")
    if len(data.achievements) > MAX_ACHIEVEMENTS:
        raise _error("achievements", f"一份合同最多涉及 {MAX_ACHIEVEMENTS} 项成果")
    ids = [a.achievement_id for a in data.achievements]
    if len(set(ids)) != len(ids):
        raise _error("achievements", "同一成果不能重复列入")
    found = {a.pk: a for a in Achievement.objects.filter(pk__in=ids)}
    rows: list[tuple[Achievement, Decimal]] = []
    total = Decimal("0")
    for item in data.achievements:
        achievement = found.get(item.achievement_id)
        if achievement is None:
            raise _error("achievements", "所选成果不存在")
        if achievement.owner_id not in owners:
            raise _error("achievements", f"成果“{achievement.title}”不属于许可方（或共有单位）", code="achievement_not_owned")
        share = Decimal(item.price_share)
        if share <= 0 or share > SHARES_TOTAL or share != share.quantize(Decimal("0.01")):
            raise _error("achievements", "每项成果的价款份额应大于 0、不超过 100，最多两位小数")
        total += share
        rows.append((achievement, share))
    if total != SHARES_TOTAL:
        raise _error("achievements", f"各成果价款份额之和应为 100%，现为 {total}%", code="shares_not_100")
    return rows


def _check_free_use_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is None or end is None:
        raise _error("free_use_end", "请填写免费使用期的起始日和届满日（均含当日）")
    if end < start:
        raise _error("free_use_end", "免费使用期届满日不能早于起始日", code="dates_out_of_order")
    if start < today():
        raise _error("free_use_start", "免费使用期起始日不能早于今天（起止日须在签署前载明）", code="start_in_past")
    if (end - start).days > 366 * 5:
        raise _error("free_use_end", "免费使用期不超过五年")


def _check_follow_on(data: DraftData, parent: Contract, achievements: list[tuple[Achievement, Decimal]]) -> None:
    if parent.kind != ContractKind.FREE_USE_LICENCE:
        raise _error("parent", "后续合同只能依据免费使用许可合同订立")
    if parent.status not in (S.FREE_USE, S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED):
        raise _error("parent", "原合同尚未进入免费使用期或已终止，不能订立后续合同", code="parent_not_open")
    if data.kind not in FOLLOW_ON_KINDS:
        raise _error("kind", "后续合同应为许可、转让、技术开发或作价投资合同")
    if parent.mode == Mode.PAY_LATER and data.kind not in (ContractKind.LICENCE, ContractKind.TRANSFER):
        raise _error("kind", "先使用后付费合同期满后的后续合同应为正式许可或转让合同", code="follow_on_kind")
    if parent.mode == Mode.COOPERATE_LATER:
        parent_achievements = set(parent.achievements.values_list("achievement_id", flat=True))
        parent_inventors = _inventor_ids(parent_achievements)
        for achievement, _share in achievements:
            if achievement.pk in parent_achievements:
                continue
            if not (_inventor_ids([achievement.pk]) & parent_inventors):
                raise _error(
                    "achievements",
                    f"成果“{achievement.title}”与原合同成果没有共同的成果完成人，不能作为下一阶段合作标的",
                    code="no_common_inventor",
                )
    if data.licensee_id != parent.licensee_id:
        raise _error("licensee_id", "后续合同的被许可方应与原合同一致")


def contract_draft(*, actor: Any, data: DraftData) -> Contract:
    """Draft a contract from the current published template version, and issue its PDF."""
    if data.kind not in ContractKind.values:
        raise _error("kind", "合同类型无效")
    if data.kind == ContractKind.FREE_USE_LICENCE and data.mode not in Mode.values:
        raise _error("mode", "请选择先使用后付费或先使用后合作")
    parent = Contract.objects.filter(pk=data.parent_id).first() if data.parent_id else None
    if data.parent_id and parent is None:
        raise _error("parent", "原合同不存在")
    mode = data.mode if data.kind == ContractKind.FREE_USE_LICENCE else (parent.mode if parent else data.mode)
    if mode and mode not in Mode.values:
        raise _error("mode", "模式无效")
    template = template_for(data.kind, mode)

    licensor = Organisation.objects.filter(pk=data.licensor_id).first() if data.licensor_id else None
    licensee = Organisation.objects.filter(pk=data.licensee_id).first() if data.licensee_id else None
    agency = Organisation.objects.filter(pk=data.agency_id).first() if data.agency_id else None
    co_licensors = list(Organisation.objects.filter(pk__in=data.co_licensor_ids))
    licensor_person = Person.objects.filter(pk=data.licensor_person_id).first() if data.licensor_person_id else None
    agreement = (
        Contract.objects.filter(pk=data.preliminary_agreement_id, kind=ContractKind.PRELIMINARY_AGREEMENT).first()
        if data.preliminary_agreement_id
        else None
    )
    if data.agency_id and (agency is None or agency.kind != OrganisationKind.AGENCY):
        raise _error("agency_id", "所选机构不是技术转移服务机构")

    # Who licenses: an owner unit (and co-owners), or an inventor under a preliminary agreement.
    if data.kind == ContractKind.PRELIMINARY_AGREEMENT:
        if licensor is None:
            raise _error("licensor_id", "请选择成果单位")
        if not data.inventor_person_ids:
            raise _error("inventor_person_ids", "请选择订立预先协议的成果完成人")
        if data.term_end is None or data.term_end < today():
            raise _error("term_end", "请填写不早于今天的协议期限届满日")
        owners = {licensor.pk}
    elif licensor_person is not None or agreement is not None or data.preliminary_agreement_id:
        agreement = _agreement_in_force(agreement, licensor_person)
        assert licensor_person is not None
        licensor = None
        owners = {agreement.licensor_id} if agreement.licensor_id else set()
    else:
        if licensor is None:
            raise _error("licensor_id", "请选择许可方（成果单位）")
        owners = {licensor.pk, *(o.pk for o in co_licensors)}

    achievements = _validate_achievements(data, owners)
    if agreement is not None:
        agreed = set(agreement.achievements.values_list("achievement_id", flat=True))
        for achievement, _share in achievements:
            if achievement.pk not in agreed:
                raise _error(
                    "achievements",
                    f"成果“{achievement.title}”不在预先协议 {agreement.number} 的范围内，成果完成人不能作为其许可方",
                    code="achievement_not_in_agreement",
                )

    if data.kind != ContractKind.PRELIMINARY_AGREEMENT:
        if licensee is None:
            raise _error("licensee_id", "请选择被许可方（企业）")
        if licensee.pk in owners:
            raise _error("licensee_id", "被许可方不能是许可方本身")

    # Actor: a member of a signing organisation, or the inventor-licensor.
    own = roles.organisation_ids(actor)
    is_party_member = bool(own & ({*owners, licensee.pk} if licensee else owners))
    is_inventor_licensor = licensor_person is not None and licensor_person.user_id == getattr(actor, "pk", None)
    if not (is_party_member or is_inventor_licensor):
        raise Forbidden("只有合同当事方可以起草合同", code="forbidden")

    if data.kind == ContractKind.FREE_USE_LICENCE:
        _check_free_use_dates(data.free_use_start, data.free_use_end)
    if data.exclusivity in (Exclusivity.EXCLUSIVE, Exclusivity.SOLE):
        for achievement, _share in achievements:
            if open_licence_in_force(achievement) or achievement.offers_open_licence:
                raise _error(
                    "exclusivity",
                    f"成果“{achievement.title}”实行专利开放许可，不得订立独占或排他许可（专利法第五十一条）",
                    code="open_licence_exclusive",
                )
    open_licence = None
    if data.kind == ContractKind.OPEN_LICENCE_RECORD:
        open_licence = OpenLicence.objects.filter(pk=data.open_licence_id).first() if data.open_licence_id else None
        if open_licence is None or open_licence.achievement_id not in {a.pk for a, _ in achievements}:
            raise _error("open_licence", "请选择该成果已公告的开放许可")
        if not open_licence.in_force_on(today()):
            raise _error(
                "open_licence",
                f"开放许可（公告号 {open_licence.announcement_number}）已届满或已撤回，不能再登记实施",
                code="open_licence_not_in_force",
            )
        if data.exclusivity != Exclusivity.NON_EXCLUSIVE:
            raise _error("exclusivity", "开放许可的实施只能是普通许可", code="open_licence_exclusive")
    if data.kind == ContractKind.DEVELOPMENT and not data.development_kind:
        raise _error("development_kind", "请选择委托开发或合作开发")
    if data.kind in FOLLOW_ON_KINDS and data.price is None:
        raise _error("price", "请填写合同金额")
    if data.price is not None and (data.price < 0 or data.price != Decimal(data.price).quantize(Decimal("0.01"))):
        raise _error("price", "金额不能为负数，最多两位小数（分）")
    if parent is not None:
        _check_follow_on(data, parent, achievements)
    inventor_grant = _inventor_grant(data, mode=mode, parent=parent)

    kind_label = ContractKind(data.kind).label
    title = (
        data.title.strip()
        or (f"{achievements[0][0].title}{kind_label}" + (f"（{Mode(mode).label}）" if mode and not parent else ""))[:200]
    )

    with transaction.atomic():
        contract = Contract(
            number=f"TMP-{uuid.uuid4().hex[:24]}",
            mode=mode,
            kind=data.kind,
            template=template,
            title=title,
            licensor=licensor if licensor_person is None else (agreement.licensor if agreement else None),
            licensor_person=licensor_person,
            preliminary_agreement=agreement,
            licensee=licensee,
            agency=agency,
            engagement_id_ref=data.engagement_id,
            open_licence=open_licence,
            scope=data.scope,
            field_of_use=data.field_of_use,
            territory=data.territory,
            exclusivity=data.exclusivity,
            development_kind=data.development_kind,
            inventor_grant=inventor_grant,
            free_use_start=data.free_use_start if data.kind == ContractKind.FREE_USE_LICENCE else None,
            free_use_end=data.free_use_end if data.kind == ContractKind.FREE_USE_LICENCE else None,
            term_end=data.term_end if data.kind == ContractKind.PRELIMINARY_AGREEMENT else None,
            price=data.price,
            payment_terms=data.payment_terms,
            extra_terms=data.extra_terms,
            parent=parent,
            created_by=actor,
        )
        try:
            contract.full_clean(exclude=["number"])
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        contract.save()
        contract.number = f"XYHZ{timezone.localdate():%Y}{contract.pk:07d}"
        contract.save(update_fields=["number"])
        if co_licensors and licensor_person is None:
            contract.co_licensors.set(co_licensors)
        for position, (achievement, share) in enumerate(achievements):
            ContractAchievement.objects.create(contract=contract, achievement=achievement, price_share=share, position=position)
        _create_parties(contract, licensor_person=licensor_person, co_licensors=co_licensors, data=data)
        _event(
            contract,
            actor=actor,
            frm="",
            to=S.DRAFTED,
            template_version=template.version,
            kind=data.kind,
            inventor_grant=inventor_grant,
            preliminary_agreement=agreement.number if agreement is not None else None,
        )
        contract_issue_document(actor=actor, contract=contract)
        _notify_parties(contract, kind="contract_drafted", title=f"合同待签署：{contract.title}", exclude=actor)
    return contract


def _agreement_in_force(agreement: Contract | None, licensor_person: Person | None) -> Contract:
    """An inventor may be the licensor only under a signed preliminary agreement (简约程序) that
    is still in its term and to which that inventor is a party."""
    if agreement is None:
        raise _error(
            "preliminary_agreement", "成果完成人作为许可方，须选择其与成果单位签署的简约程序预先协议", code="no_agreement"
        )
    if licensor_person is None:
        raise _error("licensor_person_id", "请选择作为许可方的成果完成人", code="no_inventor_licensor")
    if agreement.status in (S.ENDED, S.CANCELLED):
        raise _error(
            "preliminary_agreement",
            f"预先协议 {agreement.number} 已{agreement.get_status_display().removeprefix('已')}，成果完成人不能再依据它作为许可方",
            code="agreement_ended",
        )
    if agreement.status != S.SIGNED or agreement.term_end is None:
        raise _error(
            "preliminary_agreement",
            f"预先协议 {agreement.number} 尚未经各方签署，不能依据它订立合同",
            code="agreement_not_signed",
        )
    if agreement.term_end < today():
        raise _error(
            "preliminary_agreement",
            f"预先协议 {agreement.number} 的期限已于 {agreement.term_end:%Y-%m-%d} 届满，成果完成人不能再依据它作为许可方",
            code="agreement_expired",
        )
    if not agreement.parties.filter(person=licensor_person, role=ContractParty.Role.INVENTOR).exists():
        raise _error(
            "licensor_person_id", f"{licensor_person.full_name} 不是预先协议 {agreement.number} 的一方", code="not_in_agreement"
        )
    return agreement


def _inventor_grant(data: DraftData, *, mode: str, parent: Contract | None) -> str:
    """The grant to the inventors is a term of the cooperate_later free-use licence; its
    follow-on contracts carry it over (rule 1 applies to the income they bring)."""
    grant = data.inventor_grant or InventorGrant.NONE
    if grant not in InventorGrant.values:
        raise _error("inventor_grant", "赋权方式无效", code="validation_failed")
    if parent is not None:
        if grant not in (InventorGrant.NONE, parent.inventor_grant):
            raise _error(
                "inventor_grant",
                f"后续合同沿用原合同 {parent.number} 的赋权约定（{parent.get_inventor_grant_display()}），不能另行约定",
                code="grant_differs_from_parent",
            )
        return parent.inventor_grant
    if grant != InventorGrant.NONE and not (data.kind == ContractKind.FREE_USE_LICENCE and mode == Mode.COOPERATE_LATER):
        raise _error(
            "inventor_grant",
            "赋予成果完成人所有权或长期使用权只适用于先使用后合作的免费使用许可合同",
            code="grant_not_applicable",
        )
    return grant


def contract_text(contract: Contract) -> str:
    """The contract text as the HTML preview and the PDF show it: the template version rendered
    with the contract's data, including the grant to the inventors."""
    from django.template import Context, Engine

    context = context_for(contract)
    context.setdefault(
        "inventor_grant", contract.get_inventor_grant_display() if contract.inventor_grant != InventorGrant.NONE else ""
    )
    return Engine(autoescape=False).from_string(contract.template.body).render(Context(context, autoescape=False))


def _create_parties(
    contract: Contract, *, licensor_person: Person | None, co_licensors: list[Organisation], data: DraftData
) -> None:
    position = 0

    def add(role: str, organisation: Organisation | None = None, person: Person | None = None) -> None:
        nonlocal position
        ContractParty.objects.create(contract=contract, role=role, organisation=organisation, person=person, position=position)
        position += 1

    if contract.kind == ContractKind.PRELIMINARY_AGREEMENT:
        add(ContractParty.Role.UNIT, organisation=contract.licensor)
        for person in Person.objects.filter(pk__in=data.inventor_person_ids).order_by("pk"):
            add(ContractParty.Role.INVENTOR, person=person)
        return
    if licensor_person is not None:
        add(ContractParty.Role.LICENSOR, person=licensor_person)
    else:
        add(ContractParty.Role.LICENSOR, organisation=contract.licensor)
        for org in co_licensors:
            add(ContractParty.Role.CO_LICENSOR, organisation=org)
    add(ContractParty.Role.LICENSEE, organisation=contract.licensee)


def contract_issue_document(*, actor: Any, contract: Contract) -> IssuedDocument:
    """Render the unsigned PDF from the template version and record its SHA-256."""
    body = contract_text(contract)
    data = pdf_module.render_pdf(title=contract.title, number=contract.number, body=body, draft_mark=DRAFT_MARK)
    return _register(contract, data, kind=IssuedDocument.Kind.DRAFT, actor=actor, signatures=0)


def _register(contract: Contract, data: bytes, *, kind: str, actor: Any, signatures: int) -> IssuedDocument:
    digest = hashlib.sha256(data).hexdigest()
    document = IssuedDocument(
        contract=contract,
        kind=kind,
        sha256=digest,
        size=len(data),
        signature_count=signatures,
        issued_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    document.file.save(f"{contract.number}-{signatures}-{digest[:12]}.pdf", ContentFile(data), save=False)
    document.save()
    return document


def current_document(contract: Contract) -> IssuedDocument:
    document = contract.documents.order_by("-issued_at", "-id").first()
    if document is None:
        raise Conflict("该合同尚未生成文本", code="no_document")
    return document


def contract_cancel(*, actor: Any, contract: Contract, reason: str = "") -> Contract:
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if not can(actor, Action.CHANGE, contract):
            raise Forbidden("您没有执行此操作的权限", code="forbidden")
        if contract.signatures.exists():
            raise IllegalTransition("已有当事方签署的合同不能撤销，请使用终止", code="illegal_transition")
        _transition(contract, S.CANCELLED, actor=actor, reason=reason)
    return contract


# ---------------------------------------------------------------- signing


def signable_parties(user: Any, contract: Contract) -> list[ContractParty]:
    """The unsigned parties this user may sign for (can_sign in the organisation, or the person)."""
    if not getattr(user, "is_authenticated", False):
        return []
    signer_orgs = set(roles.active_memberships(user).filter(can_sign=True).values_list("organisation_id", flat=True))
    parties = contract.parties.filter(signatures__isnull=True).select_related("organisation", "person")
    return [
        p
        for p in parties
        if (p.organisation_id is not None and p.organisation_id in signer_orgs)
        or (p.person is not None and p.person.user_id == user.pk)
    ]


def contract_sign(*, actor: Any, contract: Contract, password: str, party_id: int | None = None) -> Signature:
    """One PAdES signature for one party, appended to the latest issued PDF."""
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("请先登录", code="forbidden")
    if identity_provider().authenticate(None, username=actor.email, password=password or "") is None:
        raise Forbidden("密码不正确，签署前须重新输入登录密码", code="password_incorrect")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if contract.status not in (S.DRAFTED, S.SIGNING):
            raise IllegalTransition("该合同不在待签署状态", code="illegal_transition")
        parties = signable_parties(actor, contract)
        if party_id is not None:
            parties = [p for p in parties if p.pk == party_id]
        if not parties:
            raise Forbidden("您不是该合同任何一方的授权签署人（须在该机构具有“可代表机构签署合同”权限）", code="not_a_signer")
        party = parties[0]
        document = current_document(contract)
        with document.file.open("rb") as handle:
            data = handle.read()
        organisation_name = party.organisation.name if party.organisation else "成果完成人（个人）"
        identity = signing.SigningIdentity(person_name=actor.full_name, organisation_name=organisation_name, user_id=actor.pk)
        count = contract.signatures.count()
        result = signing.sign_pdf(data, identity=identity, field_name=f"Signature{count + 1}")
        signed = _register(contract, result.pdf, kind=IssuedDocument.Kind.SIGNED, actor=actor, signatures=count + 1)
        signature = Signature.objects.create(
            contract=contract,
            party=party,
            signer=actor,
            signed_at=timezone.now(),
            certificate_serial=result.certificate_serial,
            certificate_fingerprint=result.certificate_fingerprint,
            document=signed,
        )
        all_signed = not contract.parties.filter(signatures__isnull=True).exists()
        payload = {"party": party.display_name, "sha256": signed.sha256}
        if not all_signed:
            if contract.status == S.DRAFTED:
                _transition(contract, S.SIGNING, actor=actor, reason=f"{party.display_name} 已签署", **payload)
            else:
                _event(contract, actor=actor, frm=S.SIGNING, to=S.SIGNING, reason=f"{party.display_name} 已签署", **payload)
        else:
            contract.signed_at = signature.signed_at
            _mark_first_cooperation(contract)
            to = S.SIGNED
            if contract.kind == ContractKind.FREE_USE_LICENCE and contract.free_use_start and contract.free_use_start <= today():
                to = S.FREE_USE
            _transition(contract, to, actor=actor, reason="各方均已签署", **payload)
            _after_follow_on_signed(contract, actor=actor)
        _notify_parties(
            contract,
            kind="contract_signed",
            title=f"{party.display_name} 已签署合同：{contract.title}",
            exclude=actor,
        )
    return signature


def _mark_first_cooperation(contract: Contract) -> None:
    """The first follow-on fully signed under a cooperate_later contract (by signing time) is its
    first cooperation project; fixed once signed. A unique constraint backs this."""
    parent = contract.parent
    if parent is None or parent.mode != Mode.COOPERATE_LATER:
        return
    Contract.objects.select_for_update().filter(pk=parent.pk).first()  # serialise siblings
    if not Contract.objects.filter(parent=parent, is_first_cooperation=True).exists():
        contract.is_first_cooperation = True


def _after_follow_on_signed(contract: Contract, *, actor: Any) -> None:
    parent = contract.parent
    if parent is None:
        return
    parent = Contract.objects.select_for_update().get(pk=parent.pk)
    if parent.status in (S.FREE_USE, S.AWAITING_NEXT_STEP):
        _transition(parent, S.NEXT_STEP_AGREED, actor=actor, reason=f"后续合同 {contract.number} 已签署", follow_on=contract.pk)


# ---------------------------------------------------------------- the free-use period


def contract_end(*, actor: Any, contract: Contract, reason: str) -> Contract:
    """Either side may end the arrangement; the enterprise then stops using the achievement."""
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", "请填写终止理由", code="reason_required")
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        if not can(actor, Action.CHANGE, contract):
            raise Forbidden("只有合同当事方可以终止合同", code="forbidden")
        contract.ended_at = timezone.now()
        _transition(contract, S.ENDED, actor=actor, reason=reason)
        _notify_parties(contract, kind="contract_ended", title=f"合同已终止：{contract.title}", body=reason, exclude=actor)
    return contract


def _party_side(actor: Any, contract: Contract) -> Organisation | None:
    own = roles.organisation_ids(actor)
    for org in [contract.licensor, contract.licensee, *contract.co_licensors.all()]:
        if org is not None and org.pk in own:
            return org
    return None


def _licensor_side_ids(contract: Contract) -> set[int]:
    ids = {o.pk for o in contract.co_licensors.all()}
    if contract.licensor_id:
        ids.add(contract.licensor_id)
    return ids


def next_step_propose(
    *,
    actor: Any,
    contract: Contract,
    kind: str,
    achievement_id: int,
    price: Decimal | None = None,
    terms: str = "",
    development_kind: str = "",
) -> NextStepProposal:
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=contract.pk)
        side = _party_side(actor, contract)
        if side is None or not can(actor, Action.CHANGE, contract):
            raise Forbidden("只有合同当事方可以提出后续安排", code="forbidden")
        if contract.kind != ContractKind.FREE_USE_LICENCE or contract.status not in (S.FREE_USE, S.AWAITING_NEXT_STEP):
            raise IllegalTransition("只有免费使用期内或期满待商定的合同可以提出后续安排", code="illegal_transition")
        if contract.mode == Mode.PAY_LATER and kind not in (ContractKind.LICENCE, ContractKind.TRANSFER):
            raise _error("kind", "先使用后付费合同的后续安排应为正式许可或转让", code="follow_on_kind")
        if kind not in FOLLOW_ON_KINDS:
            raise _error("kind", "后续安排应为许可、转让、技术开发或作价投资")
        if kind == ContractKind.DEVELOPMENT and not development_kind:
            raise _error("development_kind", "请选择委托开发或合作开发")
        if price is not None and (price < 0 or price != price.quantize(Decimal("0.01"))):
            raise _error("price", "金额不能为负数，最多两位小数（分）")
        achievement = Achievement.objects.filter(pk=achievement_id).first()
        if achievement is None:
            raise _error("achievement_id", "所选成果不存在")
        parent_achievements = set(contract.achievements.values_list("achievement_id", flat=True))
        if achievement.pk not in parent_achievements:
            if contract.mode == Mode.PAY_LATER:
                raise _error("achievement_id", "先使用后付费的后续合同应针对原合同成果")
            if not (_inventor_ids([achievement.pk]) & _inventor_ids(parent_achievements)):
                raise _error("achievement_id", "该成果与原合同成果没有共同的成果完成人", code="no_common_inventor")
            if achievement.owner_id not in _licensor_side_ids(contract):
                raise _error("achievement_id", "该成果不属于许可方")
        previous = contract.next_step_proposals.filter(status=NextStepProposal.Status.OPEN).first()
        if previous is not None:
            same_side = previous.proposed_by_organisation_id == side.pk
            previous.status = NextStepProposal.Status.WITHDRAWN if same_side else NextStepProposal.Status.COUNTERED
            previous.answered_at = timezone.now()
            previous.save(update_fields=["status", "answered_at"])
        proposal = NextStepProposal.objects.create(
            contract=contract,
            proposed_by_organisation=side,
            proposed_by=actor,
            kind=kind,
            achievement=achievement,
            development_kind=development_kind,
            price=price,
            terms=terms,
            replaces=previous,
        )
        _event(
            contract,
            actor=actor,
            frm=contract.status,
            to=contract.status,
            reason="提出后续安排" if previous is None or previous.status == "withdrawn" else "提出修改意见（还价）",
            proposal=proposal.pk,
            kind=kind,
            price=str(price) if price is not None else None,
        )
        _notify_parties(contract, kind="next_step_proposed", title=f"对方提出了后续安排：{contract.title}", exclude=actor)
    return proposal


def next_step_accept(*, actor: Any, proposal: NextStepProposal) -> Contract:
    """The other side accepts: the next step is agreed and the follow-on contract is drafted."""
    with transaction.atomic():
        contract = Contract.objects.select_for_update().get(pk=proposal.contract_id)
        proposal = NextStepProposal.objects.select_for_update().get(pk=proposal.pk)
        side = _party_side(actor, contract)
        if side is None:
            raise Forbidden("只有合同当事方可以接受后续安排", code="forbidden")
        if proposal.status != NextStepProposal.Status.OPEN:
            raise IllegalTransition("该提议已答复或撤回", code="illegal_transition")
        proposer_is_licensor = proposal.proposed_by_organisation_id in _licensor_side_ids(contract)
        actor_is_licensor = side.pk in _licensor_side_ids(contract)
        if proposer_is_licensor == actor_is_licensor:
            raise Forbidden("后续安排须由另一方接受", code="same_side")
        proposal.status = NextStepProposal.Status.ACCEPTED
        proposal.answered_at = timezone.now()
        proposal.save(update_fields=["status", "answered_at"])
        _transition(contract, S.NEXT_STEP_AGREED, actor=actor, reason="双方已商定后续安排", proposal=proposal.pk)
        follow_on = contract_draft(
            actor=actor,
            data=DraftData(
                kind=proposal.kind,
                achievements=[AchievementShare(proposal.achievement_id)],
                licensor_id=contract.licensor_id,
                co_licensor_ids=[o.pk for o in contract.co_licensors.all()],
                licensor_person_id=contract.licensor_person_id,
                preliminary_agreement_id=contract.preliminary_agreement_id,
                licensee_id=contract.licensee_id,
                agency_id=contract.agency_id,
                scope=contract.scope,
                field_of_use=contract.field_of_use,
                territory=contract.territory,
                exclusivity=contract.exclusivity,
                development_kind=proposal.development_kind,
                price=proposal.price,
                payment_terms=proposal.terms,
                parent_id=contract.pk,
            ),
        )
    return follow_on


def contract_advance(*, on: dt.date | None = None) -> dict[str, int]:
    """Daily: start and close free-use periods, send the 30- and 7-day reminders, escalate
    contracts with no agreed next step `next_step_escalation_days` after the period ended."""
    day = on or today()
    counts = {"started": 0, "expired": 0, "reminded": 0, "escalated": 0}
    for contract in Contract.objects.filter(status=S.SIGNED, kind=ContractKind.FREE_USE_LICENCE, free_use_start__lte=day):
        with transaction.atomic():
            _transition(contract, S.FREE_USE, actor=None, reason="免费使用期开始")
        counts["started"] += 1
    for contract in Contract.objects.filter(status=S.FREE_USE, free_use_end__lt=day):
        with transaction.atomic():
            _transition(contract, S.AWAITING_NEXT_STEP, actor=None, reason="免费使用期届满，待商定后续安排")
            _notify_parties(contract, kind="free_use_ended", title=f"免费使用期已届满，请商定后续安排：{contract.title}")
        counts["expired"] += 1
    for days in REMINDER_DAYS:
        target = day + dt.timedelta(days=days)
        reminded = Contract.objects.filter(
            Q(status=S.FREE_USE, free_use_end=target)
            | Q(status=S.SIGNED, kind=ContractKind.PRELIMINARY_AGREEMENT, term_end=target)
        )
        for contract in reminded:
            if days in contract.reminders_sent:
                continue
            with transaction.atomic():
                contract.reminders_sent = [*contract.reminders_sent, days]
                contract.save(update_fields=["reminders_sent"])
                what = "预先协议期限" if contract.kind == ContractKind.PRELIMINARY_AGREEMENT else "免费使用期"
                _notify_parties(
                    contract,
                    kind="free_use_reminder",
                    title=f"{what}将于 {days} 日后届满：{contract.title}",
                    body=f"届满日（含）：{target:%Y-%m-%d}。请及时商定后续安排。",
                )
            counts["reminded"] += 1
    escalation_days = int(parameter_value("next_step_escalation_days", on=day))
    overdue = Contract.objects.filter(
        status=S.AWAITING_NEXT_STEP, escalated_at__isnull=True, free_use_end__lt=day - dt.timedelta(days=escalation_days)
    )
    for contract in overdue:
        with transaction.atomic():
            contract.escalated_at = timezone.now()
            contract.save(update_fields=["escalated_at"])
            unit = contract.licensor or (contract.preliminary_agreement.licensor if contract.preliminary_agreement else None)
            recipients = _org_people([unit], admins_only=True) + _org_people([contract.agency])
            notify(
                recipients=recipients,
                kind="next_step_escalated",
                title=f"免费使用期届满 {escalation_days} 日仍未商定后续安排：{contract.title}",
                body="请成果单位（及技术转移服务机构）跟进。",
                url=contract_url(contract),
            )
            _event(contract, actor=None, frm=contract.status, to=contract.status, reason="逾期未商定后续安排，已升级提醒")
        counts["escalated"] += 1
    return counts


# ---------------------------------------------------------------- open patent licences


def open_licence_record(
    *,
    actor: Any,
    achievement: Achievement,
    announcement_number: str,
    announced_on: dt.date,
    fee_terms: str,
    valid_until: dt.date | None = None,
) -> OpenLicence:
    """Record an open licence announced by CNIPA (专利法第50–52条) for the unit's achievement.
    While it stands, no exclusive or sole licence of the achievement may be drafted."""
    if not roles.is_member(actor, achievement.owner):
        raise Forbidden("只有成果单位可以登记开放许可", code="forbidden")
    number = (announcement_number or "").strip()
    fee_terms = (fee_terms or "").strip()
    if not number:
        raise _error("announcement_number", "请填写国家知识产权局的开放许可公告号")
    if not fee_terms:
        raise _error("fee_terms", "请填写公告的许可使用费及支付方式等条件")
    if announced_on is None:
        raise _error("announced_on", "请填写公告日")
    if announced_on > today():
        raise _error("announced_on", "公告日不能晚于今天：只能登记已公告的开放许可", code="announced_in_future")
    if valid_until is not None and valid_until < announced_on:
        raise _error("valid_until", "开放许可期限届满日不能早于公告日", code="dates_out_of_order")
    if not achievement.ip_items.filter(kind__in=PATENT_KINDS).exists():
        raise _error("achievement", f"成果“{achievement.title}”没有登记专利，不能实行专利开放许可", code="no_patent")
    with transaction.atomic():
        Achievement.objects.select_for_update().filter(pk=achievement.pk).first()  # serialise with drafting
        if OpenLicence.objects.filter(achievement=achievement, announcement_number=number).exists():
            raise Conflict(f"公告号 {number} 的开放许可已登记", code="open_licence_exists")
        if Contract.objects.filter(
            achievements__achievement=achievement,
            exclusivity__in=[Exclusivity.EXCLUSIVE, Exclusivity.SOLE],
            status__in=[S.SIGNED, S.FREE_USE, S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED, S.SIGNING, S.DRAFTED],
        ).exists():
            raise Conflict("该成果存在有效的独占或排他许可，不能实行开放许可", code="exclusive_licence_exists")
        record = OpenLicence(
            achievement=achievement,
            announcement_number=number,
            announced_on=announced_on,
            fee_terms=fee_terms,
            valid_until=valid_until,
            recorded_by=actor,
        )
        try:
            record.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        record.save()
        audit(
            actor=actor,
            action="open_licence.recorded",
            obj=record,
            achievement=achievement.pk,
            announcement_number=number,
            announced_on=str(announced_on),
            valid_until=str(valid_until) if valid_until else None,
        )
    return record


def open_licence_withdraw(*, actor: Any, record: OpenLicence, withdrawn_on: dt.date, reason: str) -> OpenLicence:
    """The patentee withdrew the declaration (announced by CNIPA); take-ups already made stand."""
    if not roles.is_member(actor, record.achievement.owner):
        raise Forbidden("只有成果单位可以登记开放许可的撤回", code="forbidden")
    reason = (reason or "").strip()
    if not reason:
        raise _error("reason", "请填写撤回说明（如撤回公告号）", code="reason_required")
    if withdrawn_on is None or withdrawn_on < record.announced_on:
        raise _error("withdrawn_on", "撤回生效日不能早于开放许可公告日", code="dates_out_of_order")
    with transaction.atomic():
        record = OpenLicence.objects.select_for_update().get(pk=record.pk)
        if record.withdrawn_on is not None:
            raise IllegalTransition("该开放许可已登记撤回", code="illegal_transition")
        record.withdrawn_on, record.withdrawal_reason = withdrawn_on, reason
        try:
            record.full_clean()
        except ValidationError as exc:
            raise from_validation_error(exc) from exc
        record.save(update_fields=["withdrawn_on", "withdrawal_reason"])
        audit(actor=actor, action="open_licence.withdrawn", obj=record, withdrawn_on=str(withdrawn_on), reason=reason)
    return record


def open_licence_take_up(
    *, actor: Any, record: OpenLicence, licensee_id: int | None, scope: str = "", extra_terms: str = ""
) -> Contract:
    """Record a take-up of an open licence (the implementer's written notice and payment on the
    announced terms) as an open-licence implementation record signed by both sides."""
    achievement = record.achievement
    return contract_draft(
        actor=actor,
        data=DraftData(
            kind=ContractKind.OPEN_LICENCE_RECORD,
            achievements=[AchievementShare(achievement.pk)],
            licensor_id=achievement.owner_id,
            licensee_id=licensee_id,
            scope=scope,
            exclusivity=Exclusivity.NON_EXCLUSIVE,
            extra_terms=extra_terms,
            open_licence_id=record.pk,
        ),
    )
