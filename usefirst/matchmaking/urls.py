from django.urls import path

from . import views

app_name = "matchmaking"

urlpatterns = [
    path("", views.my_engagements, name="my_engagements"),
    path("new/", views.intent_new, name="intent_new"),
    path("decline-reasons/", views.decline_reasons, name="decline_reasons"),
    path("<int:pk>/", views.engagement_detail, name="engagement_detail"),
    path("<int:pk>/messages/", views.message_create, name="message_create"),
    path("<int:pk>/<slug:action>/", views.engagement_action, name="engagement_action"),
]
