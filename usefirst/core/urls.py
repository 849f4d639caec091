from django.urls import path

from . import views

app_name = "core"

urlpatterns = [
    path("daily-jobs/", views.daily_job_list, name="daily_jobs"),
    path("daily-jobs/<str:name>/run/", views.daily_job_run, name="daily_job_run"),
]
