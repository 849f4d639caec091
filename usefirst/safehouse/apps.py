from django.apps import AppConfig


class SafehouseConfig(AppConfig):
    name = "usefirst.safehouse"
    label = "safehouse"
    verbose_name = "安心屋与尽职免责"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
