from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/second-factor/", views.login_second_step, name="login_second_step"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("second-factor/", views.second_factor_page, name="second_factor"),
    path("second-factor/recovery-codes/", views.second_factor_recovery, name="second_factor_recovery"),
    path("second-factor/disable/", views.second_factor_disable, name="second_factor_disable"),
    path("second-factor/reset/", views.second_factor_reset, name="second_factor_reset"),
    path("register/", views.register, name="register"),
    path("register/sent/", views.register_sent, name="register_sent"),
    path("register/resend/", views.resend_verification, name="resend_verification"),
    path("verify/<str:token>/", views.verify_email, name="verify_email"),
    path("password/change/", views.password_change, name="password_change"),
    path("password/change/done/", views.password_change_done, name="password_change_done"),
    path("password/reset/", views.password_reset, name="password_reset"),
    path("password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password/reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("workspace/", views.workspace, name="workspace"),
    path("switch/", views.switch_organisation, name="switch_organisation"),
    path("organisation/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/licence/", views.organisation_licence, name="organisation_licence"),
    path("staff/", views.staff, name="staff"),
    path("staff/<int:pk>/", views.membership_edit, name="membership_edit"),
    path("staff/invitations/<int:pk>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("people/", views.people, name="people"),
    path("people/add/", views.person_add, name="person_add"),
    path("people/<int:pk>/unmask/", views.person_unmask, name="person_unmask"),
]
