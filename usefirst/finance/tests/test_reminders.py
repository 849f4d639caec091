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


def test_a_day_the_scheduler_missed_is_caught_up_the_day_after_and_each_reminder_goes_once(contract, owner, licensee_user):
    """Due on Tuesday 16 June; the scheduler is down all Tuesday. Wednesday's first tick runs
    Tuesday (今日到期) then Wednesday (逾期), each once; running both dates again sends nothing."""
    import time_machine

    from usefirst.core import daily_jobs

    services.plan_create(
        actor=owner,
        contract=contract,
        items=[{"kind": "installment", "terms": {"installments": [{"date": "2026-06-16", "amount": "1"}]}}],
    )
    job = daily_jobs.job("finance.payment_reminders")
    daily_jobs.run(job, dt.date(2026, 6, 15))  # Monday ran as usual: nothing due yet
    assert Notification.objects.filter(kind__startswith="finance.").count() == 0
    wednesday = dt.datetime(2026, 6, 17, 9, 0, tzinfo=daily_jobs.SHANGHAI)
    with time_machine.travel(wednesday, tick=False):
        ran = [(o.day, o.status) for o in daily_jobs.catch_up(wednesday) if o.job == job.name]
        assert ran == [(dt.date(2026, 6, 16), "finished"), (dt.date(2026, 6, 17), "finished")]
        for user in (owner, licensee_user):
            assert Notification.objects.filter(recipient=user, kind="finance.due_today").count() == 1
            assert Notification.objects.filter(recipient=user, kind="finance.overdue").count() == 1
        before = Notification.objects.count()
        for day in (dt.date(2026, 6, 16), dt.date(2026, 6, 17)):
            assert daily_jobs.run(job, day, force=True).result == {"count": 0}
        assert [o for o in daily_jobs.catch_up(wednesday) if o.job == job.name] == []
        assert Notification.objects.count() == before
