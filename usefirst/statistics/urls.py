from django.urls import path

from . import views

app_name = "statistics"

urlpatterns = [
    path("", views.public, name="public"),
    path("province/", views.province, name="province"),
    path("city/", views.city, name="city"),
]
