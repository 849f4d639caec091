from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "usefirst.catalog"
    label = "catalog"
    verbose_name = "成果与需求"

    def ready(self) -> None:
        from . import policies, signals  # noqa: F401  (registers access policies; listing generations)
