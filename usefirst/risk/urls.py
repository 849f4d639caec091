from django.urls import path

from . import views

app_name = "risk"

urlpatterns = [
    path("products/", views.catalogue, name="catalogue"),
    path("products/<int:pk>/", views.product_detail, name="product_detail"),
    path("subsidies/", views.subsidy_rules, name="subsidy_rules"),
    path("workspace/products/", views.my_products, name="my_products"),
    path("workspace/products/new/", views.product_create, name="product_create"),
    path("workspace/products/<int:pk>/edit/", views.product_edit, name="product_edit"),
    path("workspace/products/<int:pk>/<slug:action>/", views.product_transition, name="product_transition"),
    path("review/products/", views.review_queue, name="review_queue"),
    path("review/products/<int:pk>/decide/", views.review_decide, name="review_decide"),
    path("contracts/<int:pk>/quotes/", views.contract_quotes, name="contract_quotes"),
]
