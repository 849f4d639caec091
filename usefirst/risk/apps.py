from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "usefirst.risk"
    label = "risk"
    verbose_name = "科技保险与担保"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
