from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.my_reports, name="my_reports"),
    path("reports/", views.reports, name="reports"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/upload/", views.report_upload, name="report_upload"),
    path("reports/<int:pk>/import/", views.report_import, name="report_import"),
    path("reports/<int:pk>/template.xlsx", views.report_template, name="report_template"),
    path("reports/<int:pk>/export.xlsx", views.report_export, name="report_export"),
    path("reports/<int:pk>/files/<str:which>/", views.report_file, name="report_file"),
    path("reports/<int:pk>/extend/", views.report_extend, name="report_extend"),
    path("reports/<int:pk>/<str:action>/", views.report_action, name="report_action"),
    path("rollup/", views.rollup, name="rollup"),
    path("rollup.xlsx", views.rollup_export, name="rollup_export"),
    path("batch-import/", views.batch_import, name="batch_import"),
    path("batch-import/template.xlsx", views.batch_template, name="batch_template"),
    path("window/", views.window, name="window"),
    path("cases/", views.cases, name="cases"),
    path("cases/new/", views.case_new, name="case_new"),
    path("cases/<int:pk>/", views.case_detail, name="case_detail"),
    path("cases/<int:pk>/plan-file/", views.case_plan_file, name="case_plan_file"),
    path("cases/<int:pk>/<str:action>/", views.case_action, name="case_action"),
]
