from django.contrib import admin
from django.urls import include, path

from usefirst.api.urls import api
from usefirst.core import views as core_views

urlpatterns = [
    path("", core_views.home, name="home"),
    path("favicon.ico", core_views.favicon),
    path("accounts/", include("usefirst.accounts.urls")),
    path("review/organisations/", include("usefirst.accounts.review_urls")),
    path("", include("usefirst.catalog.urls")),
    path("", include("usefirst.plan_projects.urls")),  # /plan-projects/… and /imports/achievements/
    path("policy/", include("usefirst.policy.urls")),
    path("operations/", include("usefirst.core.urls")),  # the daily jobs, for the provincial administrators
    path("notifications/", include("usefirst.notifications.urls")),
    path("finance/", include("usefirst.finance.urls")),
    path("search/", include("usefirst.matching.urls")),  # search over achievements and demands
    path("matchmaking/", include("usefirst.matchmaking.urls")),  # matchmaking (对接)
    path("inclusion/", include("usefirst.inclusion.urls")),  # auto-inclusion (rule 4): the dry run and declarations
    path("safehouse/", include("usefirst.safehouse.urls")),  # 安心屋 (rule 10): evidence, exemptions, management systems
    path("reporting/", include("usefirst.reporting.urls")),  # annual data reporting and rectification cases
    path("recognition/", include("usefirst.recognition.urls")),  # recognition
    path("contracts/", include("usefirst.contracts.urls")),  # contracts: drafting, signing, verification
    path("risk/", include("usefirst.risk.urls")),  # insurance and guarantee products, quotes
    path("financing/", include("usefirst.financing.urls")),  # bank loans and patent pledges
    path("evaluation/", include("usefirst.evaluation.urls")),  # evaluations and excellent lists
    path("performance/", include("usefirst.performance.urls")),  # the licensee's performance record
    path("simulator/", include("usefirst.simulator.urls")),  # the payment-mode simulator
    path("events/", include("usefirst.events.urls")),  # events: calendar, sign-up, check-in, booth, outcomes
    path("cases/", include("usefirst.cases.urls")),  # typical cases (典型案例)
    path("measures/", include("usefirst.measures.urls")),  # local support measures
    path("pools/", include("usefirst.pools.urls")),  # industry pools
    path("sources/", include("usefirst.sources.urls")),  # recommendation channels, source counts
    path("statistics/", include("usefirst.statistics.urls")),  # dashboards and the public statistics
    path("help/", include("usefirst.help.urls")),  # help, policy summary, site map, accessibility
    path("api/v1/", api.urls),
    path("", include("usefirst.monitoring.urls")),  # /health/live, /health/ready, /health/, /metrics
    path("admin/", admin.site.urls),
]
