from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "usefirst.finance"
    label = "finance"
    verbose_name = "付款、到账与收益分配"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
