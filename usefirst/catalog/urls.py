from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    # Public browsing
    path("achievements/", views.achievement_list, name="achievement_list"),
    path("achievements/export.xlsx", views.achievement_export, name="achievement_export"),
    path("achievements/<int:pk>/", views.achievement_detail, name="achievement_detail"),
    path("achievements/<int:pk>/history/", views.achievement_history, name="achievement_history"),
    path("achievements/<int:pk>/attachments/<int:attachment_pk>/", views.attachment_download, name="attachment_download"),
    path("demands/", views.demand_list, name="demand_list"),
    path("demands/export.xlsx", views.demand_export, name="demand_export"),
    path("demands/<int:pk>/", views.demand_detail, name="demand_detail"),
    path("demands/<int:pk>/history/", views.demand_history, name="demand_history"),
    # The owner's workspace
    path("workspace/achievements/", views.my_achievements, name="my_achievements"),
    path("workspace/achievements/new/", views.achievement_create, name="achievement_create"),
    path("workspace/achievements/<int:pk>/edit/", views.achievement_edit, name="achievement_edit"),
    path("workspace/achievements/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "workspace/achievements/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("workspace/achievements/<int:pk>/<slug:action>/", views.achievement_transition, name="achievement_transition"),
    path("workspace/demands/", views.my_demands, name="my_demands"),
    path("workspace/demands/new/", views.demand_create, name="demand_create"),
    path("workspace/demands/<int:pk>/edit/", views.demand_edit, name="demand_edit"),
    path("workspace/demands/<int:pk>/<slug:action>/", views.demand_transition, name="demand_transition"),
    # The review desk of the routed reviewing department
    path("review/achievements/", views.review_achievements, name="review_achievements"),
    path("review/achievements/export.xlsx", views.review_achievements_export, name="review_achievements_export"),
    path("review/achievements/<int:pk>/decide/", views.review_achievement_decide, name="review_achievement_decide"),
    path("review/achievements/<int:pk>/take-down/", views.review_achievement_take_down, name="review_achievement_take_down"),
    path("review/revisions/<int:pk>/", views.review_revision, name="review_revision"),
    path("review/demands/", views.review_demands, name="review_demands"),
    path("review/demands/export.xlsx", views.review_demands_export, name="review_demands_export"),
    path("review/demands/<int:pk>/decide/", views.review_demand_decide, name="review_demand_decide"),
]
