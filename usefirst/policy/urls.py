from django.urls import path

from . import views

app_name = "policy"

urlpatterns = [
    path("parameters/", views.parameter_list, name="parameter_list"),
]
