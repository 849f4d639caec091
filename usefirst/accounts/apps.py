from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "usefirst.accounts"
    label = "accounts"
    verbose_name = "账户与机构"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
