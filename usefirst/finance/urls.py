from django.urls import path

from . import views

app_name = "finance"

urlpatterns = [
    path("contracts/<int:pk>/", views.contract_finance, name="contract"),
    path("contracts/<int:pk>/plan/", views.plan_create_view, name="plan_create"),
    path("contracts/<int:pk>/receipts/new/", views.receipt_create_view, name="receipt_create"),
    path("receipts/<int:pk>/reverse/", views.receipt_reverse_view, name="receipt_reverse"),
    path("receipts/<int:pk>/confirm/", views.receipt_confirm_view, name="receipt_confirm"),
    path("receipts/<int:pk>/dispute/", views.receipt_dispute_view, name="receipt_dispute"),
    path("receipts/<int:pk>/slip/", views.receipt_slip_view, name="receipt_slip"),
    path("receipts/to-confirm/", views.receipts_to_confirm, name="receipts_to_confirm"),
    path("lines/<int:pk>/royalty-report/", views.royalty_report_view, name="royalty_report"),
    path("lines/<int:pk>/confirm-milestone/", views.milestone_confirm_view, name="milestone_confirm"),
    path("lines/<int:pk>/waive/", views.line_waive_view, name="line_waive"),
    path("contracts/<int:pk>/distributions/new/", views.distribution_create_view, name="distribution_create"),
    path("distributions/<int:pk>/", views.distribution_detail, name="distribution"),
    path("distributions/<int:pk>/pay/", views.distribution_pay_view, name="distribution_pay"),
    path("distributions/<int:pk>/cancel/", views.distribution_cancel_view, name="distribution_cancel"),
    path("contracts/<int:pk>/registration.xlsx", views.registration_xlsx, name="registration_xlsx"),
    path("contracts/<int:pk>/registration.pdf", views.registration_pdf, name="registration_pdf"),
    path("mine/", views.my_distributions, name="my_distributions"),
    path("fund/", views.fund_ledger, name="fund"),
]
