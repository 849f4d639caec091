import datetime as dt

from usefirst.finance import services
from usefirst.finance.reminders import send_payment_reminders
from usefirst.notifications.models import Notification


def test_reminders_go_to_both_parties_once_per_line_and_kind(contract, owner, licensee_user):
    services.plan_create(
        actor=owner,
        contract=contract,
        items=[
            {
                "kind": "installment",
                "terms": {"installments": [{"date": "2026-06-10", "amount": "1"}, {"date": "2026-06-22", "amount": "1"}]},
            }
        ],
    )
    sent = send_payment_reminders(on=dt.date(2026, 6, 15))
    assert sent == 2  # one overdue, one due in 7 days
    assert Notification.objects.filter(recipient=licensee_user, kind="finance.overdue").count() == 1
    assert Notification.objects.filter(recipient=owner, kind="finance.due_soon").count() == 1
    assert send_payment_reminders(on=dt.date(2026, 6, 15)) == 0
