from django.urls import path

from . import views

app_name = "plan_projects"

urlpatterns = [
    path("plan-projects/", views.plan_project_list, name="list"),
    path("plan-projects/export.xlsx", views.plan_project_export, name="export"),
    path("plan-projects/import/", views.plan_project_import, name="import"),
    path("plan-projects/import/template.xlsx", views.plan_project_template_download, name="template"),
    path("plan-projects/batches/", views.batch_list, name="batches"),
    path("plan-projects/batches/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("plan-projects/batches/export.xlsx", views.batch_export, name="batch_export"),
    path("imports/achievements/", views.achievement_import, name="achievement_import"),
    path("imports/achievements/template.xlsx", views.achievement_template_download, name="achievement_template"),
]
