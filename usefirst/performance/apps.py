from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "usefirst.performance"
    label = "performance"
    verbose_name = "履约信用档案"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
