from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "usefirst.sources"
    label = "sources"
    verbose_name = "成果来源：推荐渠道与来源统计"

    def ready(self) -> None:
        from . import policies  # noqa: F401  (registers access policies)
