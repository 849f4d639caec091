from django.urls import path

from . import views

app_name = "pools"

urlpatterns = [
    path("", views.pool_list, name="list"),
    path("new/", views.pool_create, name="create"),
    path("<int:pk>/", views.pool_detail, name="detail"),
    path("<int:pk>/digest/", views.pool_digest, name="digest"),
    path("<int:pk>/entries/<int:entry_pk>/<str:action>/", views.entry_act, name="entry_act"),
    path("<int:pk>/<str:action>/", views.pool_act, name="act"),
]
