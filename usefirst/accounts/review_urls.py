"""The organisation review queue, mounted at /review/organisations/ beside the other review queues."""

from django.urls import path

from . import views

app_name = "accounts_review"

urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("export.xlsx", views.review_export, name="export"),
    path("<int:pk>/", views.review_organisation, name="organisation"),
    path("<int:pk>/suspend/", views.suspend_organisation, name="suspend"),
]
