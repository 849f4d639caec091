import datetime as dt

import pytest
import time_machine

from usefirst.catalog.choices import DemandStatus
from usefirst.catalog.models import Demand, DemandEvent
from usefirst.catalog.services.demands import (
    demand_approve,
    demand_close,
    demand_return,
    demand_submit,
    demand_withdraw,
)
from usefirst.catalog.tasks import expire_overdue_demands
from usefirst.core import daily_jobs
from usefirst.core.errors import DomainError, Forbidden, IllegalTransition

from .factories import make_demand, make_published_demand

pytestmark = pytest.mark.django_db

# 2026-06-30 23:30 in Shanghai is still 15:30 UTC on the same day; 00:30 on 1 July in
# Shanghai is 16:30 UTC on 30 June: the business date must be Shanghai's.
BEFORE_MIDNIGHT = dt.datetime(2026, 6, 30, 15, 30, tzinfo=dt.UTC)
AFTER_MIDNIGHT = dt.datetime(2026, 6, 30, 16, 30, tzinfo=dt.UTC)


class TestLifecycle:
    def test_draft_submit_publish_close_with_events(self, enterprise, outsider, city_reviewer):
        demand = make_published_demand(enterprise, outsider, city_reviewer)
        assert demand.status == DemandStatus.PUBLISHED
        demand = demand_close(actor=outsider, demand=demand, reason="已找到合作方")
        rows = list(demand.events.values_list("from_status", "to_status", "reason"))
        assert rows == [
            ("", "draft", "创建需求草稿"),
            ("draft", "submitted", ""),
            ("submitted", "published", "审核通过，予以发布"),
            ("published", "closed", "已找到合作方"),
        ]

    def test_budget_is_stored_as_cny_decimals(self, enterprise, outsider):
        demand = make_demand(enterprise, outsider, budget_min="1,000.005", budget_max="2000")
        assert str(demand.budget_min) == "1000.01"

    def test_it_refuses_a_budget_range_upside_down(self, enterprise, outsider):
        with pytest.raises(DomainError) as exc:
            make_demand(enterprise, outsider, budget_min="500", budget_max="100")
        assert "budget_max" in exc.value.field_errors

    def test_it_refuses_an_unknown_cooperation_form(self, enterprise, outsider):
        with pytest.raises(DomainError) as exc:
            make_demand(enterprise, outsider, cooperation_forms=["gift"])
        assert "cooperation_forms" in exc.value.field_errors

    def test_it_refuses_a_county_outside_the_city(self, enterprise, outsider):
        with pytest.raises(DomainError) as exc:
            make_demand(enterprise, outsider, county="天河区")
        assert "county" in exc.value.field_errors

    def test_a_university_cannot_publish_demands(self, unit, owner):
        with pytest.raises(DomainError) as exc:
            make_demand(unit, owner)
        assert exc.value.code == "not_an_enterprise"

    def test_only_the_routed_city_department_reviews(self, enterprise, outsider, reviewer, city_reviewer):
        demand = make_demand(enterprise, outsider)
        demand_submit(actor=outsider, demand=demand)
        with pytest.raises(Forbidden):
            demand_approve(actor=reviewer, demand=demand)
        with pytest.raises(DomainError):
            demand_return(actor=city_reviewer, demand=demand, reason="")
        demand = demand_return(actor=city_reviewer, demand=demand, reason="预算请写明")
        assert demand.status == DemandStatus.RETURNED

    def test_a_published_demand_cannot_be_withdrawn_to_draft(self, enterprise, outsider, city_reviewer):
        demand = make_published_demand(enterprise, outsider, city_reviewer)
        with pytest.raises(IllegalTransition):
            demand_withdraw(actor=outsider, demand=demand)


class TestExpiry:
    def test_a_published_demand_shows_expired_the_day_after_its_deadline_in_shanghai(self, enterprise, outsider, city_reviewer):
        with time_machine.travel(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC), tick=False):
            demand = make_published_demand(enterprise, outsider, city_reviewer, deadline=dt.date(2026, 6, 30))
        with time_machine.travel(BEFORE_MIDNIGHT, tick=False):
            assert demand.effective_status == DemandStatus.PUBLISHED
        with time_machine.travel(AFTER_MIDNIGHT, tick=False):
            demand.refresh_from_db()
            assert demand.status == DemandStatus.PUBLISHED  # stored status not yet caught up
            assert demand.effective_status == DemandStatus.EXPIRED
            assert demand.get_effective_status_display() == "已过期"
            with pytest.raises(IllegalTransition):
                demand_close(actor=outsider, demand=demand)

    def test_the_scheduled_task_catches_up_the_stored_status_with_an_event(self, enterprise, outsider, city_reviewer):
        with time_machine.travel(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC), tick=False):
            overdue = make_published_demand(enterprise, outsider, city_reviewer, deadline=dt.date(2026, 6, 30))
            current = make_published_demand(enterprise, outsider, city_reviewer, deadline=dt.date(2026, 7, 1))
        with time_machine.travel(AFTER_MIDNIGHT, tick=False):
            outcomes = [o for o in daily_jobs.catch_up() if o.job == "catalog.expire_demands"]
        assert [o.result for o in outcomes] == [{"count": 1}]
        overdue.refresh_from_db()
        current.refresh_from_db()
        assert overdue.status == DemandStatus.EXPIRED
        assert current.status == DemandStatus.PUBLISHED
        event = DemandEvent.objects.filter(subject=overdue).last()
        assert (event.actor, event.from_status, event.to_status) == (None, "published", "expired")

    def test_the_task_is_idempotent(self, enterprise, outsider, city_reviewer):
        with time_machine.travel(dt.datetime(2026, 6, 1, 2, 0, tzinfo=dt.UTC), tick=False):
            make_published_demand(enterprise, outsider, city_reviewer, deadline=dt.date(2026, 6, 30))
        expire = daily_jobs.job("catalog.expire_demands")
        with time_machine.travel(AFTER_MIDNIGHT, tick=False):
            day = daily_jobs.business_today()
            assert daily_jobs.run(expire, day).result == {"count": 1}
            assert not daily_jobs.run(expire, day).ran
            assert daily_jobs.run(expire, day, force=True).result == {"count": 0}
            assert expire_overdue_demands(day) == 0
        assert Demand.objects.get().events.filter(to_status="expired").count() == 1

    def test_the_task_is_scheduled_daily_shortly_after_midnight(self):
        from crontask import scheduler

        assert daily_jobs.job("catalog.expire_demands").at == dt.time(0, 5)
        ticks = [job for job in scheduler.get_jobs() if "run_daily_jobs" in str(job.name) or "run_daily_jobs" in str(job.func)]
        assert ticks, "the daily jobs' tick is not registered with the scheduler"
