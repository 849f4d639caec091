"""Products: an inconsistent rule is refused with every problem at its field and nothing saved;
versions; the provincial review; who may do what."""

from __future__ import annotations

import pytest

from usefirst.accounts.models import Membership, OrganisationKind
from usefirst.core.errors import Conflict, DomainError, Forbidden, IllegalTransition
from usefirst.core.testing import make_org, make_user
from usefirst.risk import services
from usefirst.risk.choices import ProductStatus
from usefirst.risk.models import Product, ProductEvent

from .builders import make_product, make_provider, product_data

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"amount_min": "2000000.00"}, "amount_max", "合同金额上限（1,000,000.00 元）低于下限（2,000,000.00 元）"),
        ({"trl_min": 8, "trl_max": 5}, "trl_max", "技术成熟度上限（5 级）低于下限（8 级）"),
        ({"sum_insured_percent": "120"}, "sum_insured_percent", "保险金额不能高于合同金额：比例应大于 0、不超过 100%"),
        ({"premium_rate": "25"}, "premium_rate", "费率应大于 0、不超过 20%"),
        ({"premium_rate": "0"}, "premium_rate", "费率应大于 0、不超过 20%"),
        ({"sum_insured_cap": "500.00"}, "minimum_premium", "最低保费（1,000.00 元）高于保险金额上限（500.00 元）"),
        ({"loading_trl_low": "3.50"}, "loading_trl_low", "技术成熟度 1–3 级系数应在 0.50 至 3.00 之间"),
        ({"insured_kind": "enterprise"}, "insured_kind", "所选被保险人不承担这些风险"),
        ({"covered_risks": ["pilot_failure"], "insured_kind": "enterprise"}, "cost_heads", "须列明承保的费用科目"),
        ({"product_type": "performance_guarantee"}, "product_type", "保险机构只能发布保险产品"),
    ],
)
def test_it_refuses_a_product_whose_rule_contradicts_itself_and_saves_nothing(overrides, field, message):
    provider, actor = make_provider()
    with pytest.raises(DomainError) as exc:
        services.product_create(actor=actor, provider=provider, data=product_data(**overrides))
    assert exc.value.code == "product_rule_inconsistent"
    assert any(message in m for m in exc.value.field_errors[field])
    assert Product.objects.count() == 0
    assert ProductEvent.objects.count() == 0


def test_a_guarantor_publishes_only_guarantees():
    provider, actor = make_provider(OrganisationKind.GUARANTOR)
    with pytest.raises(DomainError) as exc:
        services.product_create(actor=actor, provider=provider, data=product_data())
    assert exc.value.field_errors["product_type"] == ["担保机构只能发布担保产品"]
    product = services.product_create(actor=actor, provider=provider, data=product_data(product_type="performance_guarantee"))
    assert product.is_guarantee


def test_an_edit_that_breaks_the_rule_leaves_the_draft_as_it_was():
    product = make_product()
    actor = product.created_by
    with pytest.raises(DomainError):
        services.product_update(actor=actor, product=product, data=product_data(name="改名", amount_min="5000000.00"))
    product.refresh_from_db()
    assert product.name == "先用后转履约保证保险"
    assert product.events.count() == 1


def test_only_an_insurer_or_a_guarantor_creates_products():
    unit = make_org(OrganisationKind.UNIVERSITY)
    with pytest.raises(Forbidden) as exc:
        services.product_create(actor=make_user(unit), provider=unit, data=product_data())
    assert exc.value.code == "not_a_provider"


def test_the_province_reviews_and_publishes_and_the_provider_cannot(province, provincial_reviewer):
    product = make_product()
    services.product_submit(actor=product.created_by, product=product)
    with pytest.raises(Forbidden):
        services.product_approve(actor=product.created_by, product=product)
    services.product_return(actor=provincial_reviewer, product=product, reason="请补充理赔材料清单")
    assert product.status == ProductStatus.RETURNED
    services.product_submit(actor=product.created_by, product=product)
    product = services.product_approve(actor=provincial_reviewer, product=product)
    assert product.status == ProductStatus.PUBLISHED and product.published_at is not None


def test_a_published_product_is_not_edited_in_place_but_through_a_new_version(province, provincial_reviewer):
    v1 = make_product(status=ProductStatus.PUBLISHED)
    actor = v1.created_by
    with pytest.raises(Conflict) as exc:
        services.product_update(actor=actor, product=v1, data=product_data(premium_rate="3"))
    assert exc.value.code == "not_editable"
    v2 = services.product_new_version(actor=actor, product=v1)
    assert (v2.series, v2.version, v2.status) == (v1.series, 2, ProductStatus.DRAFT)
    with pytest.raises(Conflict) as exc:
        services.product_new_version(actor=actor, product=v1)
    assert exc.value.code == "product_version_open"
    v2 = services.product_update(actor=actor, product=v2, data=product_data(premium_rate="3"))
    services.product_submit(actor=actor, product=v2)
    v2 = services.product_approve(actor=provincial_reviewer, product=v2)
    v1.refresh_from_db()
    assert (v1.status, str(v1.premium_rate)) == (ProductStatus.SUPERSEDED, "2.0000")
    assert (v2.status, str(v2.premium_rate)) == (ProductStatus.PUBLISHED, "3.0000")
    assert v1.events.last().reason == "第 2 版审核通过并发布"


def test_a_submission_with_a_rule_gone_inconsistent_is_refused():
    product = make_product()
    Product.objects.filter(pk=product.pk).update(amount_min="9000000.00")
    product.refresh_from_db()
    with pytest.raises(DomainError) as exc:
        services.product_submit(actor=product.created_by, product=product)
    assert exc.value.code == "product_rule_inconsistent"
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_another_insurer_cannot_touch_a_product(province):
    product = make_product()
    _other, other_admin = make_provider()
    with pytest.raises(Forbidden):
        services.product_submit(actor=other_admin, product=product)
    with pytest.raises(Forbidden):
        services.product_update(actor=other_admin, product=product, data=product_data())
    with pytest.raises(IllegalTransition):
        services.product_withdraw(actor=product.created_by, product=product)


def test_a_staff_member_of_the_provider_may_draft_too():
    provider, _ = make_provider()
    staff = make_user(provider, role=Membership.Role.STAFF)
    assert services.product_create(actor=staff, provider=provider, data=product_data()).provider == provider
