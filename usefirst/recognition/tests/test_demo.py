from __future__ import annotations

import pytest
from django.test import Client

from usefirst.notifications.models import Notification
from usefirst.recognition.demo import seed_recognition_demo
from usefirst.recognition.models import ApplicationStatus

from .builders import make_achievement, pay_later_licence

pytestmark = pytest.mark.django_db


def test_the_demo_takes_one_achievement_from_eligibility_to_the_public_list(
    unit, owner, enterprise, outsider, provincial_reviewer
):
    # `outsider` is a member of the licensee: the demo's payer, who confirms the receipts.
    achievement = make_achievement(unit, category="other")
    contract = pay_later_licence(achievement, licensee=enterprise, created_by=owner)
    recognition = seed_recognition_demo(contract=contract, unit_user=owner, reviewer=provincial_reviewer, log=lambda _m: None)
    assert recognition is not None
    assert recognition.application.status == ApplicationStatus.RECOGNISED
    assert str(recognition.amount_received) == "520000.00"
    assert Notification.objects.filter(recipient=owner, kind="recognition.eligible").exists()
    assert recognition.number in Client().get("/recognition/").content.decode()
    assert Client().get(f"/recognition/{recognition.pk}/notice.pdf").content.startswith(b"%PDF")
