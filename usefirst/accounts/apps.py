from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "usefirst.accounts"
    label = "accounts"
    verbose_name = "账户与机构"

    def ready(self) -> None:
        from django.contrib.auth import signals

        from . import policies  # noqa: F401  (registers access policies)
        from .services import signins

        # Sign-ins, failures and sign-outs are audited whichever view or backend caused them.
        signals.user_logged_in.connect(signins.on_signed_in, dispatch_uid="usefirst.audit.login")
        signals.user_login_failed.connect(signins.on_sign_in_failed, dispatch_uid="usefirst.audit.login_failed")
        signals.user_logged_out.connect(signins.on_signed_out, dispatch_uid="usefirst.audit.logout")
