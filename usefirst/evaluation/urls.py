from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("excellent/", views.excellent, name="excellent"),
    path("mine/", views.mine, name="mine"),
    path("managers/", views.managers, name="managers"),
    path("managers/register/", views.manager_register, name="manager_register"),
    path("managers/<int:pk>/<str:action>/", views.manager_act, name="manager_act"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/act/<str:action>/", views.act, name="act"),
    path("<int:pk>/indicators/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/remove/", views.indicator_remove, name="indicator_remove"),
    path("<int:pk>/self-report/", views.self_report, name="self_report"),
    path("<int:pk>/reports/", views.reports, name="reports"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("reports/<int:pk>/evidence/", views.report_evidence, name="report_evidence"),
    path("results/<int:pk>/", views.result_detail, name="result"),
    path("results/<int:pk>/objection/", views.objection_raise, name="objection_raise"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
]
