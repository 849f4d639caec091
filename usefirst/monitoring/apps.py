from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "usefirst.monitoring"
    verbose_name = "运行监测"

    def ready(self) -> None:
        from . import signals  # noqa: F401 - connects the task and request-error receivers
