from django.urls import path

from . import views

app_name = "measures"

urlpatterns = [
    path("", views.measure_list, name="list"),
    path("mine/", views.my_measures, name="mine"),
    path("new/", views.measure_create, name="create"),
    path("<int:pk>/", views.measure_detail, name="detail"),
    path("<int:pk>/edit/", views.measure_edit, name="edit"),
    path("<int:pk>/<str:action>/", views.measure_action, name="action"),
]
