from django.urls import path

from . import dashboard_views, views

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
    path("contracts/<int:pk>/cover/", views.contract_cover, name="contract_cover"),
    path("contracts/<int:pk>/cover/apply/<int:product_pk>/", views.policy_apply, name="policy_apply"),
    path("policies/", views.policy_list, name="policy_list"),
    path("policies/<int:pk>/", views.policy_detail, name="policy_detail"),
    path("policies/<int:pk>/pack.pdf", views.policy_pack, name="policy_pack"),
    path("policies/<int:pk>/do/<slug:action>/", views.policy_action, name="policy_action"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/do/<slug:action>/", views.claim_action, name="claim_action"),
    path("workspace/dashboard/", dashboard_views.provider_dashboard, name="dashboard"),
    path("province/dashboard/", dashboard_views.province_dashboard, name="province_dashboard"),
    path("claims/<int:pk>/documents/<int:doc>/", views.claim_document_file, name="claim_document_file"),
    path("contracts/<int:pk>/cover/breaches/", views.breach_record, name="breach_record"),
    path("breaches/<int:pk>/evidence/", views.breach_evidence, name="breach_evidence"),
]
