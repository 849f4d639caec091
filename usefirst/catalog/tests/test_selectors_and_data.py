import pytest

from usefirst.catalog.models import TechField
from usefirst.catalog.selectors import achievement_facets, achievement_list_public, parse_filters
from usefirst.catalog.services.common import normalise_keywords
from usefirst.core.errors import DomainError

from .factories import make_published_achievement, sub_field

pytestmark = pytest.mark.django_db


def test_the_eight_national_key_fields_are_loaded_with_sub_fields():
    tops = list(TechField.objects.filter(parent__isnull=True).values_list("name", flat=True))
    assert tops == [
        "电子信息",
        "生物与新医药",
        "航空航天",
        "新材料",
        "高技术服务",
        "新能源与节能",
        "资源与环境",
        "先进制造与自动化",
    ]
    assert all(TechField.objects.filter(parent__name=name).count() >= 2 for name in tops)
    assert str(sub_field("0101")) == "电子信息 / 软件"


@pytest.mark.parametrize(
    "params",
    [
        {"field": "nonexistent"},
        {"city": "纽约市"},
        {"region": "mars"},
        {"trl_min": "0"},
        {"trl_max": "10"},
        {"trl_min": "abc"},
        {"trl_min": "8", "trl_max": "3"},
        {"mode": "gift"},
        {"unit_kind": "pirate"},
        {"sort": "random"},
        {"q": "长" * 101},
    ],
)
def test_unknown_or_bad_filter_values_are_refused_with_a_code(params):
    with pytest.raises(DomainError) as exc:
        parse_filters(params)
    assert exc.value.code == "invalid_filter"
    assert exc.value.detail


def test_demand_only_filters_are_checked_for_demands():
    with pytest.raises(DomainError):
        parse_filters({"enterprise_size": "huge"}, for_demands=True)
    with pytest.raises(DomainError):
        parse_filters({"status": "lost"}, for_demands=True)
    assert parse_filters({"enterprise_size": "micro", "sort": "deadline"}, for_demands=True).sort == "deadline"


def test_keywords_are_split_trimmed_and_deduplicated():
    assert normalise_keywords(" AI，ai; 机器学习、 深度学习  ") == ["AI", "机器学习", "深度学习"]
    assert normalise_keywords(["a b", "c"]) == ["a", "b", "c"]
    with pytest.raises(DomainError):
        normalise_keywords([str(n) for n in range(11)])


def test_city_and_unit_kind_filters_and_facets(unit, owner, reviewer):
    make_published_achievement(unit, owner, reviewer, title="广州成果")
    rows = achievement_list_public(user=None, filters=parse_filters({"city": "广州市", "unit_kind": "university"}))
    assert [a.title for a in rows] == ["广州成果"]
    assert not achievement_list_public(user=None, filters=parse_filters({"city": "汕头市"})).exists()
    facets = achievement_facets(rows)
    assert facets["field"] == {"01": 1}
    assert facets["mode"]["pay_later"] == 1


def test_sorting_by_trl(unit, owner, reviewer):
    make_published_achievement(unit, owner, reviewer, title="低", trl=2)
    make_published_achievement(unit, owner, reviewer, title="高", trl=9)
    rows = achievement_list_public(user=None, filters=parse_filters({"sort": "trl_desc"}))
    assert [a.title for a in rows] == ["高", "低"]


def test_the_keyword_box_matches_chinese_keywords(unit, owner, reviewer):
    make_published_achievement(unit, owner, reviewer, title="无关", summary="无关", keywords="石墨烯，Graphene")
    assert achievement_list_public(user=None, filters=parse_filters({"q": "石墨"})).count() == 1
    assert achievement_list_public(user=None, filters=parse_filters({"q": "graphene"})).count() == 1
    assert achievement_list_public(user=None, filters=parse_filters({"q": "碳纳米管"})).count() == 0
