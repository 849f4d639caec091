from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "usefirst.measures"
    label = "measures"
    verbose_name = "地方支持措施"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
