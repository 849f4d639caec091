from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "usefirst.reporting"
    label = "reporting"
    verbose_name = "年度数据填报与整改"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
