"""Builds the demo platform: organisations, logins, inventors, achievements, demands and their events.

Everything is seeded, so two loads give the same names, codes and numbers (dates follow the
day of loading). Rows are written with bulk_create inside one transaction: a failed load
leaves nothing behind. Values pass the models' validators (full_clean on every organisation,
field validation on every achievement and demand, check characters on every identifier).
"""

from __future__ import annotations

import datetime as dt
import random
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from usefirst.accounts.models import (
    Membership,
    Organisation,
    OrganisationEvent,
    OrganisationKind,
    OrganisationStatus,
    Person,
    UnitPerson,
    User,
)
from usefirst.accounts.roles import reviewing_department
from usefirst.catalog.choices import (
    AchievementStatus,
    CooperationForm,
    DemandStatus,
    IpKind,
    IpLegalStatus,
    ProjectCategory,
    RestrictionReason,
)
from usefirst.catalog.models import (
    Achievement,
    AchievementEvent,
    AchievementInventor,
    Demand,
    DemandEvent,
    IpItem,
    TechField,
)
from usefirst.catalog.services.common import normalise_keywords
from usefirst.core import dates
from usefirst.core.errors import DomainError
from usefirst.core.identifiers import (
    IdKind,
    credit_code_check_char,
    normalise_credit_code,
    normalise_patent_number,
    patent_check_char,
    resident_id_check_char,
)
from usefirst.core.regions import region_of

from . import specs
from .contracts import ContractsStage
from .corpus import ACHIEVEMENT_CATEGORIES, Record, read_records
from .evaluation import load_demo_evaluation
from .financing import load_demo_financing
from .inclusion import load_demo_inclusion
from .logins import DEMO_LOGINS, DEMO_PASSWORD, admin_email, load_demo_second_factor
from .performance import load_demo_performance
from .reporting import load_demo_reporting
from .risk import load_demo_risk
from .safehouse import load_demo_safehouse
from .sources import load_demo_sources
from .specs import OrgSpec

SEED = 20260201
SHOWCASE_UNIT = "lnlg"  # the university of the university-admin@ and university-staff@ logins
SHOWCASE_ACHIEVEMENTS = 14
T = TypeVar("T")
K = OrganisationKind

_GOVERNMENT = {K.PROVINCIAL_DEPARTMENT, K.SECTOR_DEPARTMENT, K.CITY_DEPARTMENT, K.DEVELOPMENT_ZONE}
_PUBLIC_BODIES = {
    K.UNIVERSITY,
    K.RESEARCH_INSTITUTE,
    K.MEDICAL_INSTITUTION,
    K.OUT_OF_PROVINCE_INSTITUTE,
    K.PROFESSIONAL_INSTITUTION,
}
_SENTENCE_END = re.compile(r"(?<=[。！？])|(?<=\.)(?!\d)")


def credit_code(kind: str, area: str, serial: int) -> str:
    """A fictitious unified social credit code: registration authority and type by kind
    (11 government body, 12 public institution, 91 company), the area code, a serial as the
    organisation code, and the GB 32100-2015 check character."""
    prefix = "11" if kind in _GOVERNMENT else "12" if kind in _PUBLIC_BODIES else "91"
    body = f"{prefix}{area}{serial:09d}"
    return normalise_credit_code(body + credit_code_check_char(body))


def fictitious_id_number(n: int) -> str:
    """An obviously fictitious mainland ID number (area 440000, born 1900 onwards) with a valid check digit."""
    birth = dt.date(1900, 1, 1) + dt.timedelta(days=n)
    body = f"440000{birth:%Y%m%d}{n % 1000:03d}"
    return body + resident_id_check_char(body)


def patent_number(year: int, kind_digit: int, serial: int) -> str:
    digits = f"{year}{kind_digit}{serial:07d}"
    return normalise_patent_number(f"{digits}.{patent_check_char(digits)}")


@dataclass
class _Plan:
    """An achievement or demand to write, with the times of its transitions."""

    obj: Achievement | Demand
    creator: User
    reviewer: User | None
    history: list[tuple[str, str, dt.datetime, str]] = field(default_factory=list)  # (from, to, at, reason)
    corpus_id: str = ""


class DemoLoader:
    def __init__(
        self,
        *,
        achievement_limit: int | None = None,
        demand_limit: int | None = None,
        log: Callable[[str], None] = print,
        seed: int = SEED,
        with_contracts: bool = False,
    ) -> None:
        self.with_contracts = with_contracts
        self.achievement_limit = achievement_limit
        self.demand_limit = demand_limit
        self.log = log
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.today = dates.today()
        self.started = time.monotonic()
        self.orgs: dict[str, Organisation] = {}
        self.org_specs: dict[str, OrgSpec] = {}
        self.industries: dict[str, specs.Industry] = {}
        self.admins: dict[int, User] = {}
        self.reviewers: dict[int, User] = {}
        self.logins: dict[str, User] = {}
        self.pools: dict[int, list[Person]] = defaultdict(list)
        self.counts: Counter[str] = Counter()
        self._serial = 0

    # -- helpers --------------------------------------------------------------------------------
    def _progress(self, message: str) -> None:
        self.log(f"[{time.monotonic() - self.started:5.1f}s] {message}")

    def _pick(self, items: Sequence[T]) -> T:
        return items[self.rng.randrange(len(items))]

    def _name(self) -> str:
        given = "".join(self.rng.choice(specs.GIVEN_CHARS) for _ in range(self.rng.choice((1, 2, 2))))
        return self.rng.choice(specs.SURNAMES) + given

    def _ago(self, low_days: float, high_days: float) -> dt.datetime:
        return self.now - dt.timedelta(days=self.rng.uniform(low_days, high_days))

    def _keywords(self, record: Record, limit: int = 10) -> list[str]:
        keywords: list[str] = []
        for word in record.keywords:
            try:
                keywords.extend(normalise_keywords([*keywords, word])[len(keywords) :])
            except DomainError:
                continue  # a keyword the platform would refuse (too long): leave it out
        return keywords[:limit]

    # -- the load -------------------------------------------------------------------------------
    def run(self) -> dict[str, int]:
        with transaction.atomic():
            self.fields = self._tech_fields()
            self._organisations()
            self._users()
            self._organisation_events()
            records = self._select_records()
            owners = self._with_showcase_unit([self._owner_for(record) for record in records], records)
            self._people(Counter(o.pk for o in owners))
            self._achievements(records, owners)
            self._demands()
            from .engagements import load_demo_engagements

            self.counts["engagements"] = load_demo_engagements(log=self._progress)
            self.counts["plan_projects"] = load_demo_inclusion(log=self._progress)
            if self.with_contracts:
                made = ContractsStage(log=self._progress).run()
                self.counts["contracts"] = len(made.by_story)
                from .events import load_demo_events

                self.counts["events"] = load_demo_events(stories=made.by_story, log=self._progress)
            self.counts["risk_products"] = load_demo_risk(log=self._progress)
            self.counts["loan_applications"] = load_demo_financing(log=self._progress)
            self.counts["evaluations"] = load_demo_evaluation(log=self._progress)
            self.counts["performance_consents"] = load_demo_performance(log=self._progress)
            self.counts["reporting"] = load_demo_reporting(log=self._progress)
            self.counts["sources"] = load_demo_sources(log=self._progress)
        self.counts["safehouse_entries"] = load_demo_safehouse(log=self._progress)
        self.counts["demo_authenticators"] = load_demo_second_factor(log=self._progress)  # after the last demo login is made
        if self.with_contracts:  # last: its contracts and the statistics rollup change nothing the other stages chose
            from .statistics import load_demo_statistics

            self.counts["statistics_contracts"] = load_demo_statistics(log=self._progress)
        self._progress("完成")
        return dict(self.counts)

    def _tech_fields(self) -> dict[str, TechField]:
        """The eight fields and their sub-fields (catalog's data migration); created by code if missing."""
        by_name: dict[str, TechField] = {}
        for position, (code, name) in enumerate(specs.TECH_FIELDS, start=1):
            top = TechField.objects.filter(parent__isnull=True, name=name).first()
            if top is None:
                top, _ = TechField.objects.get_or_create(code=code, defaults={"name": name, "position": position})
            by_name[name] = top
        children = {(f.parent_id, f.name): f for f in TechField.objects.filter(parent__isnull=False)}
        self.discipline_fields: dict[str, TechField] = {}
        for discipline, name in specs.DISCIPLINE_FIELD.items():
            top = by_name[name]
            sub = specs.DISCIPLINE_SUBFIELD.get(discipline, "")
            self.discipline_fields[discipline] = children.get((top.pk, sub), top)
        return by_name

    # -- organisations --------------------------------------------------------------------------
    def _organisation(self, spec: OrgSpec) -> Organisation:
        self._serial += 1
        area = spec.area or specs.CITY_AREA[spec.city]
        government = spec.kind in (K.PROVINCIAL_DEPARTMENT, K.SECTOR_DEPARTMENT, K.CITY_DEPARTMENT)
        org = Organisation(
            name=spec.name,
            kind=spec.kind,
            credit_code=credit_code(spec.kind, area, self._serial),
            legal_representative=self._name(),
            city=spec.city,
            county=spec.county,
            enterprise_size=spec.enterprise_size,
            sector=spec.sector,
            superior_department_name=spec.superior_name,
            status=OrganisationStatus.ACTIVE,
            created_at=self._ago(330, 340) if government else self._ago(285, 320),
        )
        return org

    def _organisations(self) -> None:
        enterprise_specs = specs.enterprise_specs()
        all_specs = [
            specs.PROVINCE,
            *specs.SECTOR_DEPARTMENTS,
            *specs.CITY_DEPARTMENTS,
            *specs.OWNER_UNITS,
            *specs.SERVICE_ORGANISATIONS,
            *(spec for spec, _ in enterprise_specs),
        ]
        self.industries = {spec.key: industry for spec, industry in enterprise_specs}
        for spec in all_specs:
            org = self._organisation(spec)
            org.superior_department = self._superior(spec)
            org.full_clean()
            org.save()
            self.orgs[spec.key] = org
            self.org_specs[spec.key] = spec
        for org in self.orgs.values():
            org.reviewing_department = reviewing_department(org)
        Organisation.objects.bulk_update(self.orgs.values(), ["reviewing_department"])
        self.counts["organisations"] = len(self.orgs)
        kinds = Counter(o.kind for o in self.orgs.values())
        self._progress(
            f"机构 {len(self.orgs)} 个（成果单位 {sum(1 for s in specs.OWNER_UNITS if s.key in self.orgs)}，"
            f"企业 {kinds[K.ENTERPRISE]}，地市部门 {kinds[K.CITY_DEPARTMENT]}）"
        )

    def _superior(self, spec: OrgSpec) -> Organisation | None:
        if spec.kind == K.UNIVERSITY:
            return self.orgs["education"]
        if spec.kind == K.MEDICAL_INSTITUTION:
            return self.orgs["health"]
        if spec.kind == K.RESEARCH_INSTITUTE:
            if spec.sector == specs.MARKET:
                return self.orgs["market"]
            if spec.name.startswith("广东省"):
                return self.orgs["province"]
            return self.orgs.get(f"city-{specs.CITY_AREA[spec.city]}")
        return None

    # -- logins -------------------------------------------------------------------------------
    def _users(self) -> None:
        password = make_password(DEMO_PASSWORD)  # hashed once: every demo account shares it
        logins = {(login.org_key, login.membership_role): login for login in DEMO_LOGINS}
        users: list[User] = []
        memberships: list[tuple[User, Organisation, str]] = []

        def add(email: str, full_name: str, org: Organisation, role: str) -> User:
            user = User(
                email=email,
                full_name=full_name,
                password=password,
                date_joined=org.created_at,
                email_verified_at=org.created_at,
            )
            users.append(user)
            memberships.append((user, org, role))
            return user

        for key, org in self.orgs.items():
            login = logins.get((key, Membership.Role.ADMIN))
            if login is not None:
                admin = add(login.email, login.full_name, org, Membership.Role.ADMIN)
                self.logins[login.email] = admin
            else:
                admin = add(admin_email(key), self._name(), org, Membership.Role.ADMIN)
            self.admins[org.pk] = admin
            self.reviewers[org.pk] = admin
            staff = logins.get((key, Membership.Role.STAFF))
            if staff is not None:
                user = add(staff.email, staff.full_name, org, Membership.Role.STAFF)
                self.logins[staff.email] = user
                if org.is_department:
                    self.reviewers[org.pk] = user
        User.objects.bulk_create(users)
        Membership.objects.bulk_create(
            Membership(
                user=user,
                organisation=org,
                role=role,
                can_sign=role == Membership.Role.ADMIN,
                created_at=org.created_at,
            )
            for user, org, role in memberships
        )
        self.counts["users"] = len(users)
        self._progress(f"账号 {len(users)} 个（演示登录 {len(self.logins)} 个）")

    def _organisation_events(self) -> None:
        events: list[OrganisationEvent] = []
        for org in self.orgs.values():
            admin = self.admins[org.pk]
            if org.reviewing_department_id is None:
                events.append(OrganisationEvent(subject=org, at=org.created_at, to_status=org.status, reason="平台初始化"))
                continue
            events.append(
                OrganisationEvent(
                    subject=org,
                    at=org.created_at,
                    actor=admin,
                    from_status=OrganisationStatus.DRAFT,
                    to_status=OrganisationStatus.SUBMITTED,
                    reason="提交机构注册申请",
                )
            )
            events.append(
                OrganisationEvent(
                    subject=org,
                    at=org.created_at + dt.timedelta(days=self.rng.uniform(0.5, 3)),
                    actor=self.reviewers[org.reviewing_department_id],
                    from_status=OrganisationStatus.SUBMITTED,
                    to_status=OrganisationStatus.ACTIVE,
                    reason="材料齐全，审核通过",
                )
            )
        OrganisationEvent.objects.bulk_create(events)
        self.counts["organisation_events"] = len(events)

    # -- inventors --------------------------------------------------------------------------------
    def _people(self, achievements_per_unit: Counter[int]) -> None:
        units = [self.orgs[s.key] for s in specs.OWNER_UNITS]
        people: list[Person] = []
        listings: list[tuple[Organisation, Person]] = []
        for unit in units:
            size = min(30, max(5, achievements_per_unit[unit.pk] // 4))
            if unit.pk == self.orgs[SHOWCASE_UNIT].pk:
                size = 30  # enough people for achievements with different inventors (recognition demo)
            for _ in range(size):
                n = len(people) + 1
                person = Person(full_name=self._name(), created_at=unit.created_at)
                person.set_id_number(IdKind.MAINLAND, fictitious_id_number(n))
                person.set_phone(f"138{n:08d}")
                people.append(person)
                listings.append((unit, person))
                self.pools[unit.pk].append(person)
        # The university's staff login is also one of its inventors.
        staff = self.logins.get(next(lg.email for lg in DEMO_LOGINS if lg.org_key == "lnlg" and lg.membership_role == "staff"))
        first = self.pools[self.orgs["lnlg"].pk][0]
        if staff is not None:
            first.full_name, first.user = staff.full_name, staff
        Person.objects.bulk_create(people)
        # Doctors of the affiliated hospital also teach at the medical university: one person, two units.
        university, hospital = self.orgs["nyyk"], self.orgs["nyfy"]
        for person in self.pools[hospital.pk][:5]:
            listings.append((university, person))
            self.pools[university.pk].append(person)
        UnitPerson.objects.bulk_create(
            UnitPerson(
                unit=unit,
                person=person,
                notice_given_at=unit.created_at + dt.timedelta(days=5),
                consent_at=unit.created_at + dt.timedelta(days=6),
                consent_method=self.rng.choice(("书面告知并签署同意书", "平台内告知并在线确认")),
                recorded_by=self.admins[unit.pk],
            )
            for unit, person in listings
        )
        self.counts["persons"] = len(people)
        self.counts["unit_person_listings"] = len(listings)
        self._progress(f"成果完成人 {len(people)} 名（单位登记及告知同意 {len(listings)} 条）")

    # -- achievements -------------------------------------------------------------------------------
    @staticmethod
    def _is_defence(record: Record) -> bool:
        return record.label in specs.DEFENCE_DISCIPLINES or record.category == "军事学"

    def _select_records(self) -> list[Record]:
        records = [r for r in read_records() if r.category in ACHIEVEMENT_CATEGORIES or self._is_defence(r)]
        self.rng.shuffle(records)
        self.all_records = records
        if self.achievement_limit is None:
            return records
        defence = [r for r in records if self._is_defence(r)][: max(2, self.achievement_limit // 20)]
        others = [r for r in records if not self._is_defence(r)][: self.achievement_limit - len(defence)]
        return defence + others

    def _with_showcase_unit(self, owners: list[Organisation], records: list[Record]) -> list[Organisation]:
        """The university of the demo logins holds at least SHOWCASE_ACHIEVEMENTS achievements,
        even in a small load: the contracts and recognition demo needs six of them with
        different inventors."""
        showcase = self.orgs[SHOWCASE_UNIT]
        missing = SHOWCASE_ACHIEVEMENTS - sum(1 for o in owners if o.pk == showcase.pk)
        for index, record in enumerate(records):
            if missing <= 0:
                break
            if owners[index].pk != showcase.pk and not self._is_defence(record):
                owners[index] = showcase
                missing -= 1
        return owners

    def _owner_for(self, record: Record) -> Organisation:
        if not hasattr(self, "_by_label"):
            self._by_label: dict[str, list[Organisation]] = defaultdict(list)
            self._by_category: dict[str, list[Organisation]] = defaultdict(list)
            for spec in specs.OWNER_UNITS:
                for label in spec.labels:
                    self._by_label[label].append(self.orgs[spec.key])
                for category in spec.categories:
                    self._by_category[category].append(self.orgs[spec.key])
        strong = self._by_label.get(record.label)
        if strong and self.rng.random() < 0.7:
            return self._pick(strong)
        return self._pick(self._by_category[record.category])

    def _status_for(self, record: Record) -> str:
        if self._is_defence(record):
            return AchievementStatus.SUBMITTED if self.rng.random() < 0.3 else AchievementStatus.DRAFT
        roll = self.rng.random()
        if roll < 0.03:
            return AchievementStatus.DRAFT
        if roll < 0.07:
            return AchievementStatus.SUBMITTED
        if roll < 0.08:
            return AchievementStatus.RETURNED
        return AchievementStatus.PUBLISHED

    def _trl(self, record: Record) -> int:
        trl = self.rng.choices(range(1, 10), weights=(1, 2, 4, 8, 10, 12, 10, 6, 3))[0]
        return max(1, trl - 1) if record.category == "理学" else trl

    def _achievements(self, records: list[Record], owners: list[Organisation]) -> None:
        plans: list[_Plan] = []
        achievements: list[Achievement] = []
        ip_rows: list[tuple[int, IpItem]] = []
        inventor_rows: list[tuple[int, AchievementInventor]] = []
        used_patents: set[str] = set()
        staff_email = next(lg.email for lg in DEMO_LOGINS if lg.org_key == "lnlg" and lg.membership_role == "staff")
        for index, (record, owner) in enumerate(zip(records, owners, strict=True)):
            status = self._status_for(record)
            creator = self.admins[owner.pk]
            if owner.pk == self.orgs["lnlg"].pk and self.rng.random() < 0.3:
                creator = self.logins.get(staff_email, creator)
            ips = self._ip_items(record, used_patents)
            achievement = self._achievement(record, owner, status, ips)
            achievement.created_by = creator
            plan = _Plan(
                obj=achievement,
                creator=creator,
                reviewer=self.reviewers.get(owner.reviewing_department_id or 0),
                corpus_id=record.id,
            )
            plans.append(plan)
            achievements.append(achievement)
            ip_rows.extend((index, ip) for ip in ips)
            inventor_rows.extend((index, inv) for inv in self._inventors(owner))
        self._fill_review_queues(achievements)
        for plan in plans:
            self._timeline(plan)
        for achievement in achievements:
            achievement.full_clean(exclude=["owner", "field", "created_by"], validate_unique=False, validate_constraints=False)
        Achievement.objects.bulk_create(achievements, batch_size=500)
        for index, ip in ip_rows:
            ip.achievement = achievements[index]
        for index, inventor in inventor_rows:
            inventor.achievement = achievements[index]
        IpItem.objects.bulk_create([ip for _, ip in ip_rows], batch_size=1000)
        AchievementInventor.objects.bulk_create([inv for _, inv in inventor_rows], batch_size=1000)
        events = [
            AchievementEvent(
                subject=achievement,
                at=at,
                actor=plan.reviewer if to in (AchievementStatus.PUBLISHED, AchievementStatus.RETURNED) else plan.creator,
                from_status=before,
                to_status=to,
                reason=reason,
                payload={"demo_source": f"CSL {plan.corpus_id}"} if not before else {},
            )
            for achievement, plan in zip(achievements, plans, strict=True)
            for before, to, at, reason in plan.history
        ]
        AchievementEvent.objects.bulk_create(events, batch_size=1000)
        by_status = Counter(a.status for a in achievements)
        self.counts["achievements"] = len(achievements)
        self.counts["achievements_published"] = by_status[AchievementStatus.PUBLISHED]
        self.counts["achievements_restricted"] = sum(1 for a in achievements if a.restriction)
        self.counts["ip_items"] = len(ip_rows)
        self.counts["achievement_inventors"] = len(inventor_rows)
        self.counts["achievement_events"] = len(events)
        self._progress(
            f"成果 {len(achievements)} 项（已发布 {by_status[AchievementStatus.PUBLISHED]}，"
            f"待审核 {by_status[AchievementStatus.SUBMITTED]}，草稿 {by_status[AchievementStatus.DRAFT]}，"
            f"已退回 {by_status[AchievementStatus.RETURNED]}，涉及国防不公开 {self.counts['achievements_restricted']}），"
            f"知识产权 {len(ip_rows)} 项，事件 {len(events)} 条"
        )

    def _achievement(self, record: Record, owner: Organisation, status: str, ips: list[IpItem]) -> Achievement:
        sentences = [s.strip() for s in _SENTENCE_END.split(record.abstract) if len(s.strip()) >= 10]
        pay_later = self.rng.random() < 0.65
        cooperate_later = self.rng.random() < 0.5 or not pay_later
        granted_patent = any(
            ip.kind in (IpKind.INVENTION_PATENT, IpKind.UTILITY_MODEL) and ip.legal_status == IpLegalStatus.GRANTED for ip in ips
        )
        open_licence = granted_patent and self.rng.random() < 0.2
        months = self.rng.choice((3, 6, 6, 12, 12, 12, 18, 24, 36))
        achievement = Achievement(
            owner=owner,
            title=record.title[:200],
            summary=record.abstract,
            problem_solved=sentences[0] if len(sentences) >= 3 else "",
            advantages=sentences[-1] if len(sentences) >= 3 else "",
            field=self.discipline_fields[record.label],
            discipline=record.label,
            keywords=self._keywords(record),
            trl=self._trl(record),
            offers_pay_later=pay_later,
            offers_cooperate_later=cooperate_later,
            offers_open_licence=open_licence,
            free_use_months=months,
            indicative_terms=self._terms(months, pay_later, cooperate_later, open_licence),
            status=status,
            restriction=RestrictionReason.DEFENCE if self._is_defence(record) else RestrictionReason.NONE,
        )
        if self.rng.random() < 0.25:
            year = self.rng.randint(2018, 2023)
            acceptance = dt.date(year + self.rng.randint(2, 3), self.rng.randint(1, 12), self.rng.randint(1, 28))
            achievement.plan_project_number = (
                f"{year}B{self.rng.choice(('0101', '0202', '0303', '1010', '1111', '1212'))}{self.rng.randint(1, 999999):06d}"
            )
            achievement.plan_project_category = (
                ProjectCategory.KEY_TECHNOLOGY if self.rng.random() < 0.7 else ProjectCategory.OTHER
            )
            achievement.acceptance_date = min(acceptance, self.today - dt.timedelta(days=30))
            achievement.provincial_funding = True
        return achievement

    def _terms(self, months: int, pay_later: bool, cooperate_later: bool, open_licence: bool) -> str:
        parts = [f"免费使用期 {months} 个月。"]
        if pay_later:
            payment = self.rng.choice(
                (
                    f"按产品销售收入的 {self.rng.choice((2, 3, 3.5, 5))}% 收益提成支付",
                    f"分 {self.rng.choice((3, 4, 5))} 期支付许可费",
                    "按中试、量产两个里程碑支付",
                    "延期一年后一次性支付",
                    "入门费加销售提成",
                )
            )
            parts.append(f"先使用后付费：期满后双方协商{payment}，并签订正式许可合同。")
        if cooperate_later:
            stage = self.rng.choice(("技术开发（合作开发）", "技术转让", "作价入股", "独占许可"))
            parts.append(f"先使用后合作：期满后根据实施效果，可进一步开展{stage}。")
        if open_licence:
            parts.append(f"专利开放许可：年许可费 {self.rng.choice((1, 2, 3, 5))} 万元，以国家知识产权局公告为准。")
        return "".join(parts)

    def _ip_items(self, record: Record, used: set[str]) -> list[IpItem]:
        if self.rng.random() >= 0.7:
            return []
        keyword = next((k for k in record.keywords if len(k) <= 16), record.title[:16])
        items: list[IpItem] = []
        for _ in range(self.rng.choice((1, 1, 2, 3))):
            year = self.rng.randint(2015, 2024)
            roll = self.rng.random()
            software = record.label in ("计算机科学与技术", "信息与通信工程", "控制科学与工程", "数学", "测绘科学与技术")
            variety = record.label in ("作物学", "园艺学", "林学/林业工程")
            if software and roll < 0.35:
                items.append(
                    IpItem(
                        kind=IpKind.SOFTWARE_COPYRIGHT,
                        number=f"{year}SR{self.rng.randint(10000, 1999999):07d}",
                        title=f"{keyword}分析软件V1.0",
                        legal_status=IpLegalStatus.GRANTED,
                    )
                )
                continue
            if variety and roll < 0.35:
                items.append(
                    IpItem(
                        kind=IpKind.PLANT_VARIETY,
                        number=f"CNA{year}{self.rng.randint(1, 99999):05d}.{self.rng.randint(0, 9)}",
                        title=f"{keyword}新品种（粤选{self.rng.randint(1, 30)}号）",
                        legal_status=self.rng.choice((IpLegalStatus.GRANTED, IpLegalStatus.PENDING)),
                    )
                )
                continue
            kind = IpKind.INVENTION_PATENT if roll < 0.75 else IpKind.UTILITY_MODEL
            if kind == IpKind.UTILITY_MODEL and record.category in ("工学",) and roll > 0.95:
                kind = IpKind.DESIGN
            digit = {IpKind.INVENTION_PATENT: 1, IpKind.UTILITY_MODEL: 2, IpKind.DESIGN: 3}[kind]
            number = patent_number(year, digit, self.rng.randint(1, 9999999))
            if number in used:
                continue
            used.add(number)
            if kind == IpKind.INVENTION_PATENT:
                status = IpLegalStatus.PENDING if year >= 2023 or self.rng.random() < 0.3 else IpLegalStatus.GRANTED
                title = self._pick(_INVENTION_TITLES.get(record.category, _INVENTION_TITLES["工学"])).format(kw=keyword)
            else:
                status = IpLegalStatus.GRANTED
                title = f"一种{keyword}装置" if kind == IpKind.UTILITY_MODEL else f"{keyword}检测仪（外观设计）"
            items.append(IpItem(kind=kind, number=number, title=title, legal_status=status))
        return items

    def _inventors(self, owner: Organisation) -> list[AchievementInventor]:
        pool = self.pools[owner.pk]
        n = min(len(pool), self.rng.choices((1, 2, 3, 4, 5), weights=(10, 20, 30, 25, 15))[0])
        people = self.rng.sample(pool, n)
        if n == 3 and self.rng.random() < 0.15:
            shares = [Decimal("33.34"), Decimal("33.33"), Decimal("33.33")]
        elif n == 1:
            shares = [Decimal("100")]
        else:
            leader = self.rng.randint(30, 60)
            cuts = sorted(self.rng.sample(range(1, (100 - leader) // 5), n - 2)) if n > 2 else []
            rest, previous = [], 0
            for cut in [*cuts, (100 - leader) // 5]:
                rest.append((cut - previous) * 5)
                previous = cut
            rest[-1] += (100 - leader) % 5
            shares = sorted((Decimal(s) for s in (leader, *rest)), reverse=True)  # the leader holds the largest share
        assert sum(shares) == Decimal("100"), shares
        return [
            AchievementInventor(person=person, share=share, is_leader=position == 1, position=position)
            for position, (person, share) in enumerate(zip(people, shares, strict=True), start=1)
        ]

    @staticmethod
    def _fill_review_queues(achievements: list[Achievement]) -> None:
        """Every reviewing department gets at least two achievements waiting in its queue."""
        waiting: Counter[int] = Counter()
        for achievement in achievements:
            if achievement.status == AchievementStatus.SUBMITTED and not achievement.restriction:
                waiting[achievement.owner.reviewing_department_id or 0] += 1
        for achievement in achievements:
            department = achievement.owner.reviewing_department_id or 0
            if achievement.status == AchievementStatus.PUBLISHED and waiting[department] < 2:
                achievement.status = AchievementStatus.SUBMITTED
                waiting[department] += 1

    def _timeline(self, plan: _Plan) -> None:
        obj = plan.obj
        status = obj.status
        if status in (AchievementStatus.PUBLISHED, DemandStatus.CLOSED, DemandStatus.EXPIRED):
            published = obj.published_at or self._ago(1 / 24, 240)
            submitted = published - dt.timedelta(days=self.rng.uniform(0.2, 6))
        elif status in (AchievementStatus.SUBMITTED, AchievementStatus.RETURNED):
            published = None
            submitted = self._ago(3, 12)
        else:
            published, submitted = None, None
        created = (submitted or self.now) - dt.timedelta(days=self.rng.uniform(0.05, 30))
        obj.created_at = created
        obj.updated_at = published or submitted or created
        plan.history.append(("", AchievementStatus.DRAFT, created, ""))
        if submitted is None:
            return
        plan.history.append((AchievementStatus.DRAFT, AchievementStatus.SUBMITTED, submitted, ""))
        if status == AchievementStatus.RETURNED:
            returned_at = submitted + dt.timedelta(days=self.rng.uniform(0.1, 2))
            plan.history.append((AchievementStatus.SUBMITTED, status, returned_at, self._pick(_RETURN_REASONS)))
            obj.updated_at = returned_at
        if published is None:
            return
        obj.published_at = published
        plan.history.append((AchievementStatus.SUBMITTED, AchievementStatus.PUBLISHED, published, "审核通过，予以发布"))

    # -- demands ----------------------------------------------------------------------------------
    def _demands(self) -> None:
        records_by_label: dict[str, list[Record]] = defaultdict(list)
        for record in self.all_records:
            if not self._is_defence(record) and record.keywords:
                records_by_label[record.label].append(record)
        enterprises = [(self.orgs[key], industry) for key, industry in self.industries.items()]
        target = self.demand_limit if self.demand_limit is not None else 225
        per_enterprise = -(-target // len(enterprises))
        plans: list[_Plan] = []
        for position, (enterprise, industry) in enumerate(enterprises):
            count = min(per_enterprise + self.rng.randint(-1, 1), 8) if self.demand_limit is None else per_enterprise
            for j in range(max(1, count)):
                if len(plans) >= target and self.demand_limit is not None:
                    break
                labels = [label for label in industry.labels if records_by_label.get(label)]
                record = self._pick(records_by_label[self._pick(labels)])
                status = self._demand_status(first=j == 0, position=position, enterprise=enterprise)
                plans.append(self._demand(enterprise, industry, record, status))
        while len(plans) < target:  # the random counts fell short: top up from the first enterprises
            enterprise, industry = enterprises[len(plans) % len(enterprises)]
            labels = [label for label in industry.labels if records_by_label.get(label)]
            record = self._pick(records_by_label[self._pick(labels)])
            plans.append(self._demand(enterprise, industry, record, DemandStatus.PUBLISHED))
        demands = [p.obj for p in plans if isinstance(p.obj, Demand)]
        for demand in demands:
            demand.full_clean(exclude=["enterprise", "field", "created_by"], validate_unique=False, validate_constraints=False)
        Demand.objects.bulk_create(demands, batch_size=500)
        events = [
            DemandEvent(
                subject=demand,
                at=at,
                actor=(
                    None
                    if to == DemandStatus.EXPIRED
                    else plan.reviewer
                    if to in (DemandStatus.PUBLISHED, DemandStatus.RETURNED)
                    else plan.creator
                ),
                from_status=before,
                to_status=to,
                reason=reason,
            )
            for demand, plan in zip(demands, plans, strict=True)
            for before, to, at, reason in plan.history
        ]
        DemandEvent.objects.bulk_create(events, batch_size=1000)
        by_status = Counter(d.status for d in demands)
        past_deadline = sum(1 for d in demands if d.status == DemandStatus.PUBLISHED and d.deadline < self.today)
        self.counts["demands"] = len(demands)
        self.counts["demands_published"] = by_status[DemandStatus.PUBLISHED]
        self.counts["demand_events"] = len(events)
        self._progress(
            f"技术需求 {len(demands)} 项（已发布 {by_status[DemandStatus.PUBLISHED]}，其中已过截止日期 {past_deadline}；"
            f"待审核 {by_status[DemandStatus.SUBMITTED]}，已过期 {by_status[DemandStatus.EXPIRED]}，"
            f"已关闭 {by_status[DemandStatus.CLOSED]}，草稿 {by_status[DemandStatus.DRAFT]}），事件 {len(events)} 条"
        )

    def _demand_status(self, *, first: bool, position: int, enterprise: Organisation) -> str:
        """The first demand of every fourth enterprise, and of every enterprise in the demo
        enterprise's city, waits for review; the rest are mostly published."""
        login_org = next(lg.org_key for lg in DEMO_LOGINS if lg.email.startswith("enterprise-admin"))
        if first and (position % 4 == 0 or enterprise.city == self.orgs[login_org].city):
            return DemandStatus.SUBMITTED
        roll = self.rng.random()
        for limit, status in ((0.03, DemandStatus.DRAFT), (0.07, DemandStatus.EXPIRED), (0.09, DemandStatus.CLOSED)):
            if roll < limit:
                return status
        return DemandStatus.PUBLISHED

    def _demand(self, enterprise: Organisation, industry: specs.Industry, record: Record, status: str) -> _Plan:
        keywords = self._keywords(record, limit=4) or [record.title[:16]]
        kw0 = keywords[0]
        kw1 = keywords[1] if len(keywords) > 1 else kw0
        title = self._pick(_DEMAND_TITLES).format(kw0=kw0, kw1=kw1)
        size = enterprise.get_enterprise_size_display()
        description = self._pick(_DEMAND_TEXTS).format(
            city=enterprise.city,
            county=enterprise.county if enterprise.county not in ("东莞市辖", "中山市辖") else "",
            size=size,
            business=industry.business,
            purpose=industry.purpose,
            kws="、".join(keywords[:3]),
            kw0=kw0,
        )
        low = self._pick((Decimal("50000"), Decimal("100000"), Decimal("200000"), Decimal("300000"), Decimal("500000")))
        if enterprise.enterprise_size == specs.S.LARGE:
            low *= 4
        budget_min: Decimal | None = low.quantize(Decimal("0.01"))
        budget_max: Decimal | None = (low * self._pick((2, 3, 5))).quantize(Decimal("0.01"))
        if self.rng.random() < 0.1:
            budget_min = None
        elif self.rng.random() < 0.05:
            budget_min = budget_max = None  # 面议
        forms = [CooperationForm.USE_FIRST] if self.rng.random() < 0.6 else []
        forms += self.rng.sample(
            [
                CooperationForm.LICENCE,
                CooperationForm.TRANSFER,
                CooperationForm.DEVELOPMENT,
                CooperationForm.SERVICE,
                CooperationForm.EQUITY,
            ],
            self.rng.choice((1, 1, 2)),
        )
        if status == DemandStatus.EXPIRED:
            deadline = self.today - dt.timedelta(days=self.rng.randint(1, 60))
        elif status == DemandStatus.PUBLISHED and self.rng.random() < 0.03:
            deadline = self.today - dt.timedelta(days=self.rng.randint(1, 5))  # shown as expired until the scheduler runs
        else:
            deadline = self.today + dt.timedelta(days=self.rng.randint(20, 300))
        demand = Demand(
            enterprise=enterprise,
            title=title[:200],
            description=description,
            field=self.discipline_fields[record.label],
            keywords=keywords,
            budget_min=budget_min,
            budget_max=budget_max,
            cooperation_forms=[str(f) for f in forms],
            deadline=deadline,
            city=enterprise.city,
            county=enterprise.county,
            region=region_of(enterprise.city),
            status=status,
            created_by=self.admins[enterprise.pk],
        )
        plan = _Plan(
            obj=demand,
            creator=self.admins[enterprise.pk],
            reviewer=self.reviewers.get(enterprise.reviewing_department_id or 0),
            corpus_id=record.id,
        )
        if status in (DemandStatus.PUBLISHED, DemandStatus.CLOSED, DemandStatus.EXPIRED):
            deadline_start = dt.datetime.combine(deadline, dt.time(9), tzinfo=self.now.tzinfo)
            latest = min(self.now - dt.timedelta(hours=1), deadline_start - dt.timedelta(days=10))
            demand.published_at = latest - dt.timedelta(days=self.rng.uniform(0, 150))
        self._timeline(plan)
        if status == DemandStatus.EXPIRED:
            expired_at = dt.datetime.combine(deadline + dt.timedelta(days=1), dt.time(0, 5), tzinfo=self.now.tzinfo)
            plan.history.append((DemandStatus.PUBLISHED, status, expired_at, "已过截止日期，系统自动转为已过期"))
            demand.updated_at = expired_at
        elif status == DemandStatus.CLOSED:
            closed_at = (demand.published_at or self.now) + dt.timedelta(days=self.rng.uniform(5, 40))
            closed_at = min(closed_at, self.now)
            plan.history.append((DemandStatus.PUBLISHED, status, closed_at, "已与成果单位达成合作意向，关闭需求"))
            demand.updated_at = closed_at
        return plan


_INVENTION_TITLES: dict[str, tuple[str, ...]] = {
    "工学": ("一种{kw}的制备方法", "一种{kw}装置及其控制方法", "一种基于{kw}的监测系统及方法"),
    "医学": ("一种{kw}的检测方法", "一种用于{kw}的药物组合物及其应用", "一种{kw}检测试剂盒"),
    "农学": ("一种{kw}的栽培方法", "一种{kw}的繁育方法", "一种{kw}的绿色防控方法"),
    "理学": ("一种{kw}的测量方法", "一种基于{kw}的数据处理方法"),
    "军事学": ("一种{kw}的处理方法",),
}
_RETURN_REASONS = (
    "请补充知识产权证明材料",
    "成果简介请补充应用场景和主要技术指标",
    "请核实技术成熟度等级并补充依据",
)
_DEMAND_TITLES = (
    "{kw0}关键技术攻关",
    "{kw0}技术需求",
    "{kw0}工艺优化与产业化",
    "基于{kw0}的{kw1}技术开发",
    "征集{kw0}相关技术成果",
)
_DEMAND_TEXTS = (
    "我公司是一家位于{city}{county}的{size}企业，主要从事{business}。目前在{kw0}方面存在技术瓶颈，"
    "需要{kws}相关技术，用于{purpose}。现面向高校、科研院所征集可转化成果，可采用先使用后付费方式合作。",
    "我公司需要{kws}技术，征集可转化成果。公司主要从事{business}，希望引进成熟度较高、可在一年内实现中试的技术，"
    "用于{purpose}。欢迎成果单位和技术转移机构对接。",
    "因产品升级需要，我公司拟在{kw0}方向开展技术合作，重点需求包括：{kws}。"
    "公司地处{city}，具备中试场地和生产线，可提供应用场景，合作方式可面议。",
)


def load_demo(
    *,
    achievement_limit: int | None = None,
    demand_limit: int | None = None,
    log: Callable[[str], None] = print,
    with_contracts: bool = False,
) -> dict[str, int]:
    """The demo platform. `with_contracts` adds contracts in every state with their finance and
    the recognition path (usefirst.demo.contracts); it signs PDFs, so it takes longer and the
    load_demo command turns it on."""
    return DemoLoader(
        achievement_limit=achievement_limit, demand_limit=demand_limit, log=log, with_contracts=with_contracts
    ).run()
