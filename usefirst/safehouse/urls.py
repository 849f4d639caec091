from django.urls import path

from . import views

app_name = "safehouse"

urlpatterns = [
    path("", views.index, name="index"),
    path("contracts/<int:contract_pk>/", views.dossier, name="dossier"),
    path("contracts/<int:contract_pk>/deposit/<str:step>/", views.deposit, name="deposit"),
    path("contracts/<int:contract_pk>/entries/<int:seq>/file/", views.entry_file, name="entry_file"),
    path("contracts/<int:contract_pk>/dossier.zip", views.export, name="export"),
    path("contracts/<int:contract_pk>/exemption/", views.exemption_new, name="exemption_new"),
    path("exemptions/", views.exemptions, name="exemptions"),
    path("exemptions/<int:pk>/", views.exemption, name="exemption"),
    path("exemptions/<int:pk>/<str:action>/", views.exemption_action, name="exemption_action"),
    path("systems/", views.systems, name="systems"),
    path("systems/new/", views.system_new, name="system_new"),
    path("systems/<int:pk>/", views.system, name="system"),
    path("systems/<int:pk>/document/", views.system_document, name="system_document"),
    path("systems/<int:pk>/<str:action>/", views.system_action, name="system_action"),
    path("incentives/", views.incentives, name="incentives"),
]
