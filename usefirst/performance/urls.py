from django.urls import path

from . import views

app_name = "performance"

urlpatterns = [
    path("", views.my_record, name="mine"),
    path("enterprises/<int:pk>/", views.record_page, name="record"),
    path("enterprises/<int:pk>/statements/", views.statement_create, name="statement_create"),
    path("consents/", views.consents, name="consents"),
    path("consents/<int:pk>/revoke/", views.consent_revoke_view, name="consent_revoke"),
    path("shared/", views.shared, name="shared"),
]
