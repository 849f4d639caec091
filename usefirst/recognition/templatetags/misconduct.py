"""`{% misconduct_notice subject %}`: the active 科研失信记录 on a subject's page, for reviewers.

One line in a host template (an organisation's review page, an achievement's page, a
contract's page) shows the records in force against the subject — the organisation; the
achievement's owner unit and listed inventors; the contract's parties and the inventors of
its achievements — with period, reason and a link to the record. Who sees them is decided
by the chokepoint (`Action.REVIEW` on `MisconductRecord`): the provincial department and the
departments that review the subject, never the public or a counterparty.
"""

from __future__ import annotations

from typing import Any

from django import template

from usefirst.accounts import roles
from usefirst.accounts.models import Organisation, Person
from usefirst.catalog.models import Achievement, AchievementInventor
from usefirst.contracts.models import Contract

from ..selectors import misconduct_shown_to

register = template.Library()


def subjects_of(subject: Any) -> tuple[list[Organisation], list[Person]]:
    """The organisations and persons a page about `subject` is about."""
    if isinstance(subject, Organisation):
        return [subject], []
    if isinstance(subject, Person):
        return [], [subject]
    if isinstance(subject, Achievement):
        persons = [i.person for i in AchievementInventor.objects.filter(achievement=subject).select_related("person")]
        return [subject.owner], persons
    if isinstance(subject, Contract):
        parties = list(subject.parties.select_related("organisation", "person"))
        organisations = [o for o in (subject.licensor, subject.licensee) if o is not None]
        organisations += [*subject.co_licensors.all(), *(p.organisation for p in parties if p.organisation)]
        persons = [p.person for p in parties if p.person]
        if subject.licensor_person is not None:
            persons.append(subject.licensor_person)
        inventors = AchievementInventor.objects.filter(achievement__contract_links__contract=subject).select_related("person")
        persons += [i.person for i in inventors]
        return organisations, persons
    raise TypeError(f"misconduct_notice does not know subjects of type {type(subject).__name__}")


@register.inclusion_tag("recognition/_misconduct_notice.html", takes_context=True)
def misconduct_notice(context: template.Context, subject: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not getattr(user, "is_authenticated", False):
        return {"records": []}
    if not roles.department_ids(user):  # only departments review (the policy's REVIEW scope): skip the lookups
        return {"records": []}
    organisations, persons = subjects_of(subject)
    return {"records": misconduct_shown_to(user, organisations=organisations, persons=persons)}
