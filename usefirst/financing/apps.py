from django.apps import AppConfig


class FinancingConfig(AppConfig):
    name = "usefirst.financing"
    label = "financing"
    verbose_name = "银行融资（先用后付贷）"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
