import pytest

from usefirst.accounts.models import Organisation
from usefirst.core.errors import DomainError
from usefirst.core.pagination import paginate
from usefirst.core.testing import make_org


@pytest.mark.django_db
def test_a_page_past_the_end_says_how_many_pages_there_are():
    make_org()
    with pytest.raises(DomainError, match="共 1 页") as info:
        paginate(Organisation.objects.order_by("pk"), page=5)
    assert info.value.code == "page_out_of_range"


@pytest.mark.django_db
def test_an_empty_list_has_one_empty_first_page():
    result = paginate(Organisation.objects.none(), page=1)
    assert result.count == 0 and result.items == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["abc", "-1", "0"])
def test_a_page_that_is_not_a_positive_integer_is_refused(page):
    with pytest.raises(DomainError):
        paginate(Organisation.objects.order_by("pk"), page=page)
