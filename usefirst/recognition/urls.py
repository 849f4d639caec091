from django.urls import path

from . import views

app_name = "recognition"

urlpatterns = [
    path("", views.public_list, name="public_list"),
    path("export.xlsx", views.public_export, name="public_export"),
    path("<int:pk>/notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("notices/", views.public_notices, name="public_notices"),
    path("notices/<int:pk>/objections/", views.objection_create, name="objection_create"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/export.xlsx", views.statistics_export, name="statistics_export"),
    path("applications/", views.application_list, name="application_list"),
    path("apply/<int:achievement_pk>/", views.application_new, name="application_new"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/<slug:action>/", views.application_action, name="application_action"),
    path("objections/<int:pk>/answer/", views.objection_answer, name="objection_answer"),
    path("quota/", views.quota, name="quota"),
    path("misconduct/", views.misconduct_list, name="misconduct_list"),
    path("misconduct/<int:pk>/", views.misconduct_detail, name="misconduct_detail"),
]
