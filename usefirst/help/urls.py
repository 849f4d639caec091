from django.urls import path

from . import views

app_name = "help"

urlpatterns = [
    path("", views.index, name="index"),
    path("policy/", views.policy, name="policy"),
    path("guide/", views.guide, name="guide"),
    path("trl/", views.trl, name="trl"),
    path("faq/", views.faq, name="faq"),
    path("contact/", views.contact, name="contact"),
    path("sitemap/", views.sitemap, name="sitemap"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
