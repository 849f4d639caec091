"""Drafting a contract from the current published template version: parties (an owner unit
and co-owners, or an inventor under a preliminary agreement), achievements and price shares,
terms, the grant to the inventors; the issued-document register and the contract text."""

from __future__ import annotations

import datetime as dt
import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, OrganisationKind, Person
from usefirst.catalog.choices import USE_FIRST_MODES, Mode
from usefirst.catalog.models import Achievement, AchievementInventor
from usefirst.core.actors import Actor
from usefirst.core.dates import term_last_day, today
from usefirst.core.errors import Conflict, DomainError, Forbidden, from_validation_error
from usefirst.core.files import file_kept_only_with_its_row
from usefirst.core.text import stated_reason

from .. import pdf as pdf_module
from ..models import (
    FOLLOW_ON_KINDS,
    Contract,
    ContractAchievement,
    ContractKind,
    ContractParty,
    Exclusivity,
    InventorGrant,
    IssuedDocument,
    OpenLicence,
)
from ..rendering import DRAFT_MARK, render_text, signature_slots
from ..selectors import open_licence_in_force
from ..workflows import ContractEventType as E
from .common import MAX_ACHIEVEMENTS, SHARES_TOTAL, S, field_error, move, notify_parties, record
from .templates import template_for


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
    # The term, when the end is not stated: computed by 民法典 arts. 201–204 (core.dates.term_last_day).
    free_use_term: int | None = None
    free_use_term_unit: str = "month"  # "year" | "month" | "day"
    term_end: dt.date | None = None
    price: Decimal | None = None
    payment_terms: str = ""
    extra_terms: str = ""
    parent_id: int | None = None
    open_licence_id: int | None = None
    engagement_id: int | None = None
    # Why another contract is drafted for an engagement that already has one (required then).
    engagement_reason: str = ""


def inventor_ids(achievement_ids: Iterable[int]) -> set[int]:
    return set(AchievementInventor.objects.filter(achievement_id__in=list(achievement_ids)).values_list("person_id", flat=True))


def _validate_achievements(data: DraftData, owners: set[int]) -> list[tuple[Achievement, Decimal]]:
    if not data.achievements:
        raise field_error("achievements", "请至少选择一项科技成果")
    if len(data.achievements) > MAX_ACHIEVEMENTS:
        raise field_error("achievements", f"一份合同最多涉及 {MAX_ACHIEVEMENTS} 项成果")
    ids = [a.achievement_id for a in data.achievements]
    if len(set(ids)) != len(ids):
        raise field_error("achievements", "同一成果不能重复列入")
    found = {a.pk: a for a in Achievement.objects.filter(pk__in=ids)}
    rows: list[tuple[Achievement, Decimal]] = []
    total = Decimal("0")
    for item in data.achievements:
        achievement = found.get(item.achievement_id)
        if achievement is None:
            raise field_error("achievements", "所选成果不存在")
        if achievement.owner_id not in owners:
            raise field_error(
                "achievements", f"成果“{achievement.title}”不属于许可方（或共有单位）", code="achievement_not_owned"
            )
        share = Decimal(item.price_share)
        if share <= 0 or share > SHARES_TOTAL or share != share.quantize(Decimal("0.01")):
            raise field_error("achievements", "每项成果的价款份额应大于 0、不超过 100，最多两位小数")
        total += share
        rows.append((achievement, share))
    if total != SHARES_TOTAL:
        raise field_error("achievements", f"各成果价款份额之和应为 100%，现为 {total}%", code="shares_not_100")
    return rows


TERM_UNITS = {"year": "年", "month": "个月", "day": "日"}


def free_use_end_of(data: DraftData) -> dt.date | None:
    """The stated end when there is one (explicit dates rule); otherwise the end of the term.
    The drafting pages show it before saving; `contract_draft` stores it."""
    if data.free_use_end is not None or data.free_use_term is None:
        return data.free_use_end
    if data.free_use_start is None:
        raise field_error("free_use_start", "请填写免费使用期起始日（含当日），届满日将按期限计算")
    if data.free_use_term_unit not in TERM_UNITS or data.free_use_term < 1:
        raise field_error("free_use_term", "免费使用期限应为正整数年、月或日")
    unit = data.free_use_term_unit
    return term_last_day(
        data.free_use_start,
        years=data.free_use_term if unit == "year" else 0,
        months=data.free_use_term if unit == "month" else 0,
        days=data.free_use_term if unit == "day" else 0,
    )


def _check_free_use_dates(start: dt.date | None, end: dt.date | None) -> None:
    if start is None or end is None:
        raise field_error("free_use_end", "请填写免费使用期的起始日和届满日（均含当日）")
    if end < start:
        raise field_error("free_use_end", "免费使用期届满日不能早于起始日", code="dates_out_of_order")
    if start < today():
        raise field_error("free_use_start", "免费使用期起始日不能早于今天（起止日须在签署前载明）", code="start_in_past")
    if (end - start).days > 366 * 5:
        raise field_error("free_use_end", "免费使用期不超过五年")


def _check_follow_on(data: DraftData, parent: Contract, achievements: list[tuple[Achievement, Decimal]]) -> None:
    if parent.kind != ContractKind.FREE_USE_LICENCE:
        raise field_error("parent", "后续合同只能依据免费使用许可合同订立")
    if parent.status not in (S.FREE_USE, S.AWAITING_NEXT_STEP, S.NEXT_STEP_AGREED):
        raise field_error("parent", "原合同尚未进入免费使用期或已终止，不能订立后续合同", code="parent_not_open")
    if data.kind not in FOLLOW_ON_KINDS:
        raise field_error("kind", "后续合同应为许可、转让、技术开发或作价投资合同")
    if parent.mode == Mode.PAY_LATER and data.kind not in (ContractKind.LICENCE, ContractKind.TRANSFER):
        raise field_error("kind", "先使用后付费合同期满后的后续合同应为正式许可或转让合同", code="follow_on_kind")
    if parent.mode == Mode.COOPERATE_LATER:
        parent_achievements = set(parent.achievements.values_list("achievement_id", flat=True))
        parent_inventors = inventor_ids(parent_achievements)
        for achievement, _share in achievements:
            if achievement.pk in parent_achievements:
                continue
            if not (inventor_ids([achievement.pk]) & parent_inventors):
                raise field_error(
                    "achievements",
                    f"成果“{achievement.title}”与原合同成果没有共同的成果完成人，不能作为下一阶段合作标的",
                    code="no_common_inventor",
                )
    if data.licensee_id != parent.licensee_id:
        raise field_error("licensee_id", "后续合同的被许可方应与原合同一致")


def contract_draft(*, actor: Actor, data: DraftData) -> Contract:
    """Draft a contract from the current published template version, and issue its PDF.

    The contract's rows are written first (the PDF shows its number); its text is rendered
    after that transaction, so that no write lock is held while the PDF renders."""
    contract = draft_without_text(actor=actor, data=data)
    contract_issue_document(actor=actor, contract=contract)
    return contract


def draft_without_text(*, actor: Actor, data: DraftData) -> Contract:
    """`contract_draft` up to its transaction: the contract, its parties, achievements and the
    drafting event. A caller drafting inside its own transaction issues the text after it
    (`contract_issue_document`); until then signing issues it first."""
    if data.kind not in ContractKind.values:
        raise field_error("kind", "合同类型无效")
    if data.kind == ContractKind.FREE_USE_LICENCE and data.mode not in USE_FIRST_MODES:
        raise field_error("mode", "请选择先使用后付费或先使用后合作")
    parent = Contract.objects.filter(pk=data.parent_id).first() if data.parent_id else None
    if data.parent_id and parent is None:
        raise field_error("parent", "原合同不存在")
    mode = data.mode if data.kind == ContractKind.FREE_USE_LICENCE else (parent.mode if parent else data.mode)
    if mode and mode not in USE_FIRST_MODES:
        raise field_error("mode", "模式无效")
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
        raise field_error("agency_id", "所选机构不是技术转移服务机构")

    # Who licenses: an owner unit (and co-owners), or an inventor under a preliminary agreement.
    if data.kind == ContractKind.PRELIMINARY_AGREEMENT:
        if licensor is None:
            raise field_error("licensor_id", "请选择成果单位")
        if not data.inventor_person_ids:
            raise field_error("inventor_person_ids", "请选择订立预先协议的成果完成人")
        if data.term_end is None or data.term_end < today():
            raise field_error("term_end", "请填写不早于今天的协议期限届满日")
        owners = {licensor.pk}
    elif licensor_person is not None or agreement is not None or data.preliminary_agreement_id:
        agreement = _agreement_in_force(agreement, licensor_person)
        assert licensor_person is not None
        licensor = None
        owners = {agreement.licensor_id} if agreement.licensor_id else set()
    else:
        if licensor is None:
            raise field_error("licensor_id", "请选择许可方（成果单位）")
        owners = {licensor.pk, *(o.pk for o in co_licensors)}

    achievements = _validate_achievements(data, owners)
    if agreement is not None:
        agreed = set(agreement.achievements.values_list("achievement_id", flat=True))
        for achievement, _share in achievements:
            if achievement.pk not in agreed:
                raise field_error(
                    "achievements",
                    f"成果“{achievement.title}”不在预先协议 {agreement.number} 的范围内，成果完成人不能作为其许可方",
                    code="achievement_not_in_agreement",
                )

    if data.kind != ContractKind.PRELIMINARY_AGREEMENT:
        if licensee is None:
            raise field_error("licensee_id", "请选择被许可方（企业）")
        if licensee.pk in owners:
            raise field_error("licensee_id", "被许可方不能是许可方本身")

    # Actor: a member of a signing organisation, or the inventor-licensor.
    own = roles.organisation_ids(actor)
    is_party_member = bool(own & ({*owners, licensee.pk} if licensee else owners))
    is_inventor_licensor = licensor_person is not None and licensor_person.user_id == getattr(actor, "pk", None)
    if not (is_party_member or is_inventor_licensor):
        raise Forbidden("只有合同当事方可以起草合同", code="forbidden")

    if data.kind == ContractKind.FREE_USE_LICENCE:
        data.free_use_end = free_use_end_of(data)
        _check_free_use_dates(data.free_use_start, data.free_use_end)
    _check_no_open_licence(data, achievements)
    open_licence = None
    if data.kind == ContractKind.OPEN_LICENCE_RECORD:
        open_licence = OpenLicence.objects.filter(pk=data.open_licence_id).first() if data.open_licence_id else None
        if open_licence is None or open_licence.achievement_id not in {a.pk for a, _ in achievements}:
            raise field_error("open_licence", "请选择该成果已公告的开放许可")
        if not open_licence.in_force_on(today()):
            raise field_error(
                "open_licence",
                f"开放许可（公告号 {open_licence.announcement_number}）已届满或已撤回，不能再登记实施",
                code="open_licence_not_in_force",
            )
        if data.exclusivity != Exclusivity.NON_EXCLUSIVE:
            raise field_error("exclusivity", "开放许可的实施只能是普通许可", code="open_licence_exclusive")
    if data.kind == ContractKind.DEVELOPMENT and not data.development_kind:
        raise field_error("development_kind", "请选择委托开发或合作开发")
    if data.kind in FOLLOW_ON_KINDS and data.price is None:
        raise field_error("price", "请填写合同金额")
    if data.price is not None and (data.price < 0 or data.price != Decimal(data.price).quantize(Decimal("0.01"))):
        raise field_error("price", "金额不能为负数，最多两位小数（分）")
    if parent is not None:
        _check_follow_on(data, parent, achievements)
    inventor_grant = _inventor_grant(data, mode=mode, parent=parent)

    kind_label = ContractKind(data.kind).label
    title = (
        data.title.strip()
        or (f"{achievements[0][0].title}{kind_label}" + (f"（{Mode(mode).label}）" if mode and not parent else ""))[:200]
    )

    engagement_reason = _another_contract_reason(data)

    with transaction.atomic():
        if data.exclusivity in (Exclusivity.EXCLUSIVE, Exclusivity.SOLE):
            # Re-checked under the achievement locks that open_licence_record also takes, so an
            # open licence recorded meanwhile cannot slip past an exclusive licence.
            ids = [a.pk for a, _ in achievements]
            list(Achievement.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list("pk", flat=True))
            _check_no_open_licence(data, achievements)
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
            engagement_id=data.engagement_id,
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
        record(
            contract,
            E.DRAFT,
            actor=actor,
            from_status="",
            template_version=template.version,
            kind=data.kind,
            inventor_grant=inventor_grant,
            preliminary_agreement=agreement.number if agreement is not None else None,
            engagement=data.engagement_id,
            **({"another_contract_reason": engagement_reason} if engagement_reason else {}),
        )
        notify_parties(contract, kind="contracts.drafted", title=f"合同待签署：{contract.title}", exclude=actor)
    return contract


def _another_contract_reason(data: DraftData) -> str:
    """An engagement normally leads to one contract: a further one (a follow-on kept apart, a
    redraft after a cancellation is not one) needs its reason stated, kept on the drafting event."""
    if data.engagement_id is None:
        return ""
    existing = list(
        Contract.objects.filter(engagement_id=data.engagement_id)
        .exclude(status=S.CANCELLED)
        .order_by("pk")
        .values_list("number", flat=True)
    )
    if not existing:
        return ""
    try:
        return stated_reason(data.engagement_reason, field="engagement_reason", label="另起合同的理由")
    except DomainError as exc:
        message = f"本对接已有合同 {'、'.join(existing)}；如确需另起一份合同，请说明理由。{exc.detail}"
        raise DomainError(message, code="engagement_contract_exists", field_errors={"engagement_reason": [message]}) from exc


def _check_no_open_licence(data: DraftData, achievements: list[tuple[Achievement, Decimal]]) -> None:
    """While an open licence stands, no exclusive or sole licence of the patent (专利法第五十一条)."""
    if data.exclusivity not in (Exclusivity.EXCLUSIVE, Exclusivity.SOLE):
        return
    for achievement, _share in achievements:
        if open_licence_in_force(achievement) or achievement.offers_open_licence:
            raise field_error(
                "exclusivity",
                f"成果“{achievement.title}”实行专利开放许可，不得订立独占或排他许可（专利法第五十一条）",
                code="open_licence_exclusive",
            )


def _agreement_in_force(agreement: Contract | None, licensor_person: Person | None) -> Contract:
    """An inventor may be the licensor only under a signed preliminary agreement (简约程序) that
    is still in its term and to which that inventor is a party."""
    if agreement is None:
        raise field_error(
            "preliminary_agreement", "成果完成人作为许可方，须选择其与成果单位签署的简约程序预先协议", code="no_agreement"
        )
    if licensor_person is None:
        raise field_error("licensor_person_id", "请选择作为许可方的成果完成人", code="no_inventor_licensor")
    if agreement.status in (S.ENDED, S.CANCELLED):
        raise field_error(
            "preliminary_agreement",
            f"预先协议 {agreement.number} 已{agreement.get_status_display().removeprefix('已')}，成果完成人不能再依据它作为许可方",
            code="agreement_ended",
        )
    if agreement.status != S.SIGNED or agreement.term_end is None:
        raise field_error(
            "preliminary_agreement",
            f"预先协议 {agreement.number} 尚未经各方签署，不能依据它订立合同",
            code="agreement_not_signed",
        )
    if agreement.term_end < today():
        raise field_error(
            "preliminary_agreement",
            f"预先协议 {agreement.number} 的期限已于 {agreement.term_end:%Y-%m-%d} 届满，成果完成人不能再依据它作为许可方",
            code="agreement_expired",
        )
    if not agreement.parties.filter(person=licensor_person, role=ContractParty.Role.INVENTOR).exists():
        raise field_error(
            "licensor_person_id", f"{licensor_person.full_name} 不是预先协议 {agreement.number} 的一方", code="not_in_agreement"
        )
    return agreement


def _inventor_grant(data: DraftData, *, mode: str, parent: Contract | None) -> str:
    """The grant to the inventors is a term of the cooperate_later free-use licence; its
    follow-on contracts carry it over (rule 1 applies to the income they bring)."""
    grant = data.inventor_grant or InventorGrant.NONE
    if grant not in InventorGrant.values:
        raise field_error("inventor_grant", "赋权方式无效", code="validation_failed")
    if parent is not None:
        if grant not in (InventorGrant.NONE, parent.inventor_grant):
            raise field_error(
                "inventor_grant",
                f"后续合同沿用原合同 {parent.number} 的赋权约定（{parent.get_inventor_grant_display()}），不能另行约定",
                code="grant_differs_from_parent",
            )
        return parent.inventor_grant
    if grant != InventorGrant.NONE and not (data.kind == ContractKind.FREE_USE_LICENCE and mode == Mode.COOPERATE_LATER):
        raise field_error(
            "inventor_grant",
            "赋予成果完成人所有权或长期使用权只适用于先使用后合作的免费使用许可合同",
            code="grant_not_applicable",
        )
    return grant


def contract_text(contract: Contract) -> str:
    """The contract text as the HTML preview and the PDF show it."""
    return render_text(contract)


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


def contract_issue_document(*, actor: Actor, contract: Contract) -> IssuedDocument:
    """Render the unsigned PDF from the template version and record its SHA-256.

    Rendering and storing the file happen before the short transaction that records it. The
    text is issued once: when another request recorded it meanwhile, that document stands and
    this file is deleted again."""
    data = pdf_module.render_pdf(
        title=contract.title,
        number=contract.number,
        body=render_text(contract, for_pdf=True),
        draft_mark=DRAFT_MARK,
        signature_slots=signature_slots(contract),
    )
    with file_kept_only_with_its_row() as write:
        document = stage_document(contract, data, kind=IssuedDocument.Kind.DRAFT, actor=actor, signatures=0)
        write.file = document.file
        with transaction.atomic():
            Contract.objects.select_for_update().filter(pk=contract.pk).first()
            issued = contract.documents.order_by("issued_at", "id").first()
            if issued is not None:
                return issued
            document.issued_at = timezone.now()
            document.save()
            write.kept = True
    return document


def stage_document(contract: Contract, data: bytes, *, kind: str, actor: Actor, signatures: int) -> IssuedDocument:
    """An issued document whose file is already in storage, its row not yet saved: the caller
    saves it in the transaction that records it (guarded by `file_kept_only_with_its_row`)."""
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
    return document


def current_document(contract: Contract) -> IssuedDocument:
    document = contract.documents.order_by("-issued_at", "-id").first()
    if document is None:
        raise Conflict("该合同尚未生成文本", code="no_document")
    return document


def contract_cancel(*, actor: Actor, contract: Contract, reason: str = "") -> Contract:
    """A draft no party has signed is cancelled (one that was signed ends instead)."""
    return move(contract, E.CANCEL, actor=actor, reason=reason)
