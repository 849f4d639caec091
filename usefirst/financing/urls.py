from django.urls import path

from . import views

app_name = "financing"

urlpatterns = [
    path("products/", views.catalogue, name="catalogue"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("workspace/products/", views.my_products, name="my_products"),
    path("workspace/products/new/", views.product_create, name="product_create"),
    path("workspace/products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("workspace/products/<int:pk>/<slug:action>/", views.product_transition, name="product_transition"),
    path("review/products/", views.review_queue, name="review_queue"),
    path("review/products/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("contracts/<int:pk>/", views.contract_financing, name="contract_financing"),
    path("contracts/<int:pk>/apply/<int:product_pk>/", views.application_apply, name="application_apply"),
    path("applications/", views.application_list, name="application_list"),
    path("applications/<int:pk>/", views.application_detail, name="application_detail"),
    path("applications/<int:pk>/do/<slug:action>/", views.application_action, name="application_action"),
]
