from django.urls import path

from . import views

app_name = "inclusion"

urlpatterns = [
    path("", views.report, name="report"),
    path("export.xlsx", views.report_export, name="export"),
    path("projects/<int:pk>/declare/", views.declaration_new, name="declaration_new"),
    path("declarations/", views.declaration_list, name="declarations"),
    path("declarations/<int:pk>/", views.declaration_detail, name="declaration_detail"),
    path("declarations/<int:pk>/evidence/<str:which>/", views.declaration_evidence, name="declaration_evidence"),
    path("declarations/<int:pk>/<str:action>/", views.declaration_action, name="declaration_action"),
]
