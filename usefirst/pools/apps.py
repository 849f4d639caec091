from django.apps import AppConfig


class PoolsConfig(AppConfig):
    name = "usefirst.pools"
    label = "pools"
    verbose_name = "产业成果池"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
