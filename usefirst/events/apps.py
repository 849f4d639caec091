from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "usefirst.events"
    label = "events"
    verbose_name = "推介路演与对接活动"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
