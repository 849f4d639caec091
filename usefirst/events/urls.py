from django.urls import path

from . import views

app_name = "events"

urlpatterns = [
    path("", views.calendar, name="calendar"),
    path("mine/", views.organiser_list, name="mine"),
    path("new/", views.event_new, name="new"),
    path("registrations/", views.my_registrations, name="my_registrations"),
    path("registrations/<int:pk>/<str:action>/", views.registration_action, name="registration_action"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.event_edit, name="edit"),
    path("<int:pk>/manage/", views.manage, name="manage"),
    path("<int:pk>/signup/", views.signup, name="signup"),
    path("<int:pk>/checkin/", views.checkin, name="checkin"),
    path("<int:pk>/online/", views.online, name="online"),
    path("<int:pk>/items/", views.item_add, name="item_add"),
    path("<int:pk>/items/<int:item_pk>/classify/", views.item_classify, name="item_classify"),
    path("<int:pk>/concierge/", views.concierge, name="concierge"),
    path("<int:pk>/<str:action>/", views.event_action, name="action"),
]
