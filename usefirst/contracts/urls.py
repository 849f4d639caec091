from django.urls import path

from . import drafting_pages, views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("new/", drafting_pages.contract_new, name="new"),
    path("new/<str:token>/<slug:step>/", drafting_pages.draft_step, name="draft_step"),
    path("verify/", views.verify, name="verify"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<int:pk>/", views.template_detail, name="template_detail"),
    path("templates/<int:pk>/publish/", views.template_publish, name="template_publish"),
    path("<int:pk>/", views.contract_detail, name="detail"),
    path("<int:pk>/pdf/", views.contract_pdf, name="pdf"),
    path("<int:pk>/evidence/", views.contract_evidence, name="evidence"),
    path("<int:pk>/sign/", views.contract_sign, name="sign"),
    path("<int:pk>/next-step/", views.contract_propose, name="propose"),
    path("<int:pk>/next-step/<int:proposal_pk>/accept/", views.proposal_accept, name="accept"),
    path("<int:pk>/end/", views.contract_end, name="end"),
    path("<int:pk>/ending/", views.ending_propose, name="ending_propose"),
    path("<int:pk>/ending/<int:request_pk>/<slug:action>/", views.ending_act, name="ending_act"),
    path("<int:pk>/cancel/", views.contract_cancel, name="cancel"),
    path("achievements/<int:pk>/open-licences/", views.open_licences, name="open_licences"),
    path("open-licences/<int:pk>/", views.open_licence_detail, name="open_licence_detail"),
    path("open-licences/<int:pk>/withdraw/", views.open_licence_withdraw, name="open_licence_withdraw"),
]
