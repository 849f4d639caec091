from django.urls import path

from . import views

urlpatterns = [
    path("health/live", views.live, name="health_live"),
    path("health/ready", views.ready, name="health_ready"),
    path("health/", views.report, name="health_report"),
    path("metrics", views.metrics_view, name="metrics"),
]
