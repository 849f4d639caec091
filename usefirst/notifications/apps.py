from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "usefirst.notifications"
    label = "notifications"
    verbose_name = "通知"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
