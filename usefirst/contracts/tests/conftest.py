"""Contract personas and builders. One platform CA per test session (key generation is the only
slow part of a CA); each test stores it in its own database."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec

from usefirst.accounts.models import Membership, Organisation, OrganisationKind, User
from usefirst.accounts.scripted_signing import signing_code
from usefirst.catalog.models import Achievement
from usefirst.catalog.tests.factories import make_achievement
from usefirst.contracts import services, signing
from usefirst.contracts.models import Contract, ContractKind, Mode, Signature
from usefirst.core.dates import today
from usefirst.core.testing import make_org, make_user

PASSWORD = "correct-horse-battery"


@pytest.fixture(scope="session")
def _session_root() -> tuple[ec.EllipticCurvePrivateKey, x509.Certificate]:
    return signing.build_root()


@pytest.fixture(autouse=True)
def _private_media(tmp_path: Any, settings: Any) -> None:
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}},
    }


@pytest.fixture
def platform_ca(db: Any, _session_root: tuple[ec.EllipticCurvePrivateKey, x509.Certificate]) -> Any:
    key, cert = _session_root
    return signing.store_root(key, cert)


@pytest.fixture
def achievement(unit: Organisation, owner: User) -> Achievement:
    return make_achievement(unit, owner)


@pytest.fixture
def licensee_signer(enterprise: Organisation) -> User:
    return make_user(enterprise, role=Membership.Role.ADMIN)


@pytest.fixture
def agency(db: Any) -> Organisation:
    return make_org(OrganisationKind.AGENCY, name="广州测试技术转移中心")


def draft_data(unit: Organisation, enterprise: Organisation, achievement: Achievement, **overrides: Any) -> services.DraftData:
    values: dict[str, Any] = {
        "kind": ContractKind.FREE_USE_LICENCE,
        "mode": Mode.PAY_LATER,
        "licensor_id": unit.pk,
        "licensee_id": enterprise.pk,
        "achievements": [services.AchievementShare(achievement.pk, Decimal("100"))],
        "scope": "在乙方生产线上使用该芯片设计方法制造产品。",
        "field_of_use": "物联网终端",
        "territory": "广东省",
        "free_use_start": today(),
        "free_use_end": today() + dt.timedelta(days=364),
        "payment_terms": "期满后按销售额的 3% 提成。",
    }
    values.update(overrides)
    return services.DraftData(**values)


def draft(owner: User, unit: Organisation, enterprise: Organisation, achievement: Achievement, **overrides: Any) -> Contract:
    return services.contract_draft(actor=owner, data=draft_data(unit, enterprise, achievement, **overrides))


def sign(user: User, contract: Contract, *, password: str = PASSWORD, party_id: int | None = None) -> Signature:
    """`user` signs with their password and a current code of an authenticator made for it."""
    with signing_code(user) as code:
        return services.contract_sign(actor=user, contract=contract, password=password, code=code, party_id=party_id)


def sign_all(contract: Contract, *signers: User) -> Contract:
    for user in signers:
        sign(user, contract)
    contract.refresh_from_db()
    return contract


def publish(achievement: Achievement) -> Achievement:
    """The drafting pages offer only published achievements (review itself is the catalog's business)."""
    from django.utils import timezone

    from usefirst.catalog.choices import AchievementStatus

    Achievement.objects.filter(pk=achievement.pk).update(status=AchievementStatus.PUBLISHED, published_at=timezone.now())
    achievement.refresh_from_db()
    return achievement


@pytest.fixture
def published(achievement: Achievement) -> Achievement:
    return publish(achievement)


class DraftPages:
    """A person drafting through the steps: start (from an engagement or agreement), then post each step."""

    def __init__(self, client: Any, query: str = "") -> None:
        from django.urls import reverse

        self.client = client
        started = client.get(reverse("contracts:new") + query)
        assert started.status_code == 302, started.status_code
        self.token = started["Location"].rstrip("/").split("/")[-2]

    def url(self, step: str) -> str:
        from django.urls import reverse

        return reverse("contracts:draft_step", args=[self.token, step])

    def get(self, step: str) -> Any:
        return self.client.get(self.url(step))

    def post(self, step: str, data: dict[str, Any], action: str = "next") -> Any:
        return self.client.post(self.url(step), {**data, "action": action})

    def through(self, kind: dict[str, Any], terms: dict[str, Any], parties: dict[str, Any]) -> Any:
        """Every step then 保存草稿; the first answer that is not a move on (an error page), or the save's."""
        for step, data in (("kind", kind), ("terms", terms), ("parties", parties)):
            response = self.post(step, data)
            if response.status_code != 302:
                return response
        return self.post("review", {}, action="save")


def free_use_terms(**overrides: Any) -> dict[str, Any]:
    values = {
        "scope": "在乙方生产线上使用",
        "exclusivity": "non_exclusive",
        "territory": "广东省",
        "free_use_start": today().isoformat(),
        "free_use_end": (today() + dt.timedelta(days=90)).isoformat(),
    }
    values.update(overrides)
    return values


def drafting_session(user: User, unit: Organisation, enterprise: Organisation, achievement: Achievement) -> tuple[str, list[str]]:
    """A session (its sessionid) with a free-use licence drafted up to the review, and the four
    step pages of that draft, for the layout checks."""
    from django.test import Client

    client = Client()
    client.force_login(user)
    pages = DraftPages(client)
    publish(achievement)
    pages.post("kind", {"kind": "free_use_licence", "mode": "pay_later", "achievement": achievement.pk})
    pages.post("terms", free_use_terms(free_use_end="", free_use_term="6", free_use_term_unit="month"))
    pages.post("parties", {"licensor": unit.pk, "licensee_credit_code": enterprise.credit_code})
    return client.cookies["sessionid"].value, [pages.url(step) for step in ("kind", "terms", "parties", "review")]
