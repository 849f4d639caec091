from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("demands/", views.demand_list, name="demand_list"),
]
